// Package sheettest builds import workbooks and checks import refusals for the tests and fuzz targets of the
// packages that import spreadsheets (enterprises, standards).
package sheettest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"yqyb/internal/platform/apperr/apperrtest"
	"yqyb/internal/platform/sheet"
)

// Workbook writes header and the tab-separated rows (each cut to maxCols cells) as an .xlsx.
func Workbook(tb testing.TB, header, rows []string, maxCols int) []byte {
	tb.Helper()
	x := excelize.NewFile()
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = h
	}
	x.SetSheetRow("Sheet1", "A1", &head)
	for i, r := range rows {
		cells := strings.Split(r, "\t")
		if len(cells) > maxCols {
			cells = cells[:maxCols]
		}
		vals := make([]any, len(cells))
		for j, c := range cells {
			vals[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		x.SetSheetRow("Sheet1", cell, &vals)
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// CheckImportError accepts no error, or a product error (not an internal one) whose message and row
// messages are Chinese.
func CheckImportError(tb testing.TB, err error) {
	tb.Helper()
	e := apperrtest.Refusal(tb, err)
	if e == nil {
		return
	}
	if list, ok := e.Details["errors"].([]sheet.RowError); ok {
		for _, r := range list {
			if !apperrtest.HasHan(r.Message) {
				tb.Fatalf("row message %q", r.Message)
			}
		}
	}
}

// Stream writes header and n rows made by row(i) (i from 0) as an .xlsx through excelize's stream writer, the
// way large test files are made quickly: its strings are inline, as many writers store them.
func Stream(tb testing.TB, header []string, n int, row func(i int) []string) []byte {
	tb.Helper()
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	values := func(cells []string) []any {
		out := make([]any, len(cells))
		for i, c := range cells {
			out[i] = c
		}
		return out
	}
	if err := sw.SetRow("A1", values(header)); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, values(row(i))); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}
