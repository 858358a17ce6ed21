package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"yqyb/internal/platform/apperr"
)

func build(t testing.TB, rows [][]any, formula string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	if formula != "" {
		f.SetCellFormula("Sheet1", formula, "1+1")
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRead(t *testing.T) {
	req := []string{"部门", "岗位"}
	tests := []struct {
		name    string
		data    []byte
		rows    int
		errCode string
	}{
		{"header in another order, extra column, empty row skipped", build(t, [][]any{{"岗位", "备注", "部门*"}, {"叉车司机", "x", "仓储部"}, {}, {"库管员", "", "仓储部"}}, ""), 2, ""},
		{"missing column", build(t, [][]any{{"部门"}, {"仓储部"}}, ""), 0, "sheet_bad_header"},
		{"no data", build(t, [][]any{{"部门", "岗位"}}, ""), 0, "sheet_empty"},
		{"too many rows", build(t, [][]any{{"部门", "岗位"}, {"a", "b"}, {"a", "c"}, {"a", "d"}}, ""), 0, "sheet_too_many_rows"},
		{"formula", build(t, [][]any{{"部门", "岗位"}, {"a", "b"}}, "B2"), 0, "import_rejected"},
		{"not a spreadsheet", []byte("部门,岗位\n仓储部,叉车司机\n"), 0, "not_xlsx"},
		{"a zip that is not xlsx", zipOf(t, "hello.txt", "hi"), 0, "not_xlsx"},
		{"zip bomb", zipOf(t, "xl/worksheets/sheet1.xml", strings.Repeat("A", maxUnzippedSize+1)), 0, "sheet_too_large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := Read(bytes.NewReader(tt.data), req, 2)
			if tt.errCode != "" {
				e, ok := apperr.As(err)
				if !ok || e.Code != tt.errCode {
					t.Fatalf("err = %v, want %s", err, tt.errCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != tt.rows || rows[0].Get("部门") != "仓储部" || rows[0].Get("岗位") != "叉车司机" || rows[1].Number != 4 {
				t.Fatalf("rows = %+v", rows)
			}
		})
	}
	big := bytes.Repeat([]byte("x"), MaxFileSize+1)
	if _, err := Read(bytes.NewReader(append([]byte("PK\x03\x04"), big...)), req, 10); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized file: %v", err)
	}
}

func zipOf(t *testing.T, name, content string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create(name)
	w.Write([]byte(content))
	z.Close()
	return b.Bytes()
}

func TestWorkbookRoundTrip(t *testing.T) {
	w, err := NewWorkbook("企业", []Column{{Title: "企业名称", Required: true}, {Title: "企业规模", Choices: []string{"大型", "中型"}}})
	if err != nil {
		t.Fatal(err)
	}
	w.Append("=HYPERLINK(\"x\")", "中型")
	b, err := w.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Read(bytes.NewReader(b), []string{"企业名称", "企业规模"}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if rows[0].Get("企业名称") != "=HYPERLINK(\"x\")" || rows[0].Get("企业规模") != "中型" {
		t.Fatalf("rows = %+v", rows)
	}
}
