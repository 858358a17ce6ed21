package sheet

import (
	"bytes"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Column describes one column of a written sheet.
type Column struct {
	Title    string
	Required bool     // marked with * in the header
	Width    float64  // 0: default
	Choices  []string // values offered as a drop-down list
	Note     string   // shown as the header cell's comment
}

// Workbook builds an xlsx file with one data sheet.
type Workbook struct {
	f       *excelize.File
	sheet   string
	cols    []Column
	row     int
	choices int
}

// optionsSheet holds the drop-down lists, hidden, so lists of any length work.
const optionsSheet = "选项"

// NewWorkbook starts a workbook whose first sheet is named sheet, with a styled header.
func NewWorkbook(sheet string, cols []Column) (*Workbook, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	w := &Workbook{f: f, sheet: sheet, cols: cols, row: 1}
	style, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err != nil {
		return nil, err
	}
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		title := c.Title
		if c.Required {
			title += "*"
		}
		f.SetCellValue(sheet, cell, title)
		f.SetCellStyle(sheet, cell, cell, style)
		col, _ := excelize.ColumnNumberToName(i + 1)
		width := c.Width
		if width == 0 {
			width = 18
		}
		f.SetColWidth(sheet, col, col, width)
		if c.Note != "" {
			f.AddComment(sheet, excelize.Comment{Cell: cell, Author: "系统", Paragraph: []excelize.RichTextRun{{Text: c.Note}}})
		}
		if len(c.Choices) > 0 {
			if err := w.dropDown(i, c.Choices); err != nil {
				return nil, err
			}
		}
	}
	f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	return w, nil
}

func (w *Workbook) dropDown(col int, choices []string) error {
	if w.choices == 0 {
		if _, err := w.f.NewSheet(optionsSheet); err != nil {
			return err
		}
		if err := w.f.SetSheetVisible(optionsSheet, false); err != nil {
			return err
		}
	}
	w.choices++
	listCol, _ := excelize.ColumnNumberToName(w.choices)
	for i, c := range choices {
		w.f.SetCellValue(optionsSheet, fmt.Sprintf("%s%d", listCol, i+1), c)
	}
	target, _ := excelize.ColumnNumberToName(col + 1)
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(fmt.Sprintf("%s2:%s10001", target, target))
	dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$1:$%s$%d", optionsSheet, listCol, listCol, max(len(choices), 1)))
	return w.f.AddDataValidation(w.sheet, dv)
}

// Append writes a data row. Strings are stored as string cells, which spreadsheets never evaluate, so a
// value beginning with "=" stays text.
func (w *Workbook) Append(values ...any) error {
	w.row++
	for i, v := range values {
		cell, _ := excelize.CoordinatesToCellName(i+1, w.row)
		if err := w.f.SetCellValue(w.sheet, cell, v); err != nil {
			return err
		}
	}
	return nil
}

// WriteTo writes the xlsx file.
func (w *Workbook) WriteTo(out io.Writer) (int64, error) {
	w.f.SetActiveSheet(0)
	n, err := w.f.WriteTo(out)
	w.f.Close()
	return n, err
}

// Bytes renders the workbook.
func (w *Workbook) Bytes() ([]byte, error) {
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
