// Package sheet reads and writes the spreadsheets users import and export (xlsx): reading streams rows with
// bounded memory and refuses hostile files (oversized, zip bombs, formulas instead of values); writing makes
// templates with drop-down lists. Problems are reported per row and column in Chinese, the way the FAQ shows
// them ("第12行：公司不存在'仓储部'部门").
package sheet

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"yqyb/internal/platform/apperr"
)

// Limits a file must stay within.
const (
	MaxFileSize     = 10 << 20  // the upload itself
	maxUnzippedSize = 200 << 20 // all parts unzipped; beyond this the file is a zip bomb
	maxXMLInMemory  = 16 << 20  // larger worksheet parts are streamed from temporary files
)

// Errors of reading a spreadsheet.
var (
	ErrNotXLSX    = apperr.New(apperr.Unsupported, "not_xlsx", "文件不是有效的 Excel（.xlsx）文件，请使用下载的模板")
	ErrTooLarge   = apperr.New(apperr.TooLarge, "sheet_too_large", "文件过大")
	ErrTooManyRow = apperr.New(apperr.Invalid, "sheet_too_many_rows", "文件行数超过上限")
	ErrHeader     = apperr.New(apperr.Invalid, "sheet_bad_header", "表头与模板不一致，请使用下载的模板")
	ErrRejected   = apperr.New(apperr.Invalid, "import_rejected", "文件中有错误，未导入任何数据，请按提示修改后重新导入")
	ErrEmpty      = apperr.New(apperr.Invalid, "sheet_empty", "文件中没有数据行")
)

// RowError is one problem of one cell or row.
type RowError struct {
	Row     int    `json:"row" example:"12"`
	Column  string `json:"column" example:"部门"`
	Message string `json:"message" example:"第12行：公司不存在'仓储部'部门"`
} // @name RowError

// Errorf makes a RowError whose message starts with the row number.
func Errorf(row int, column, format string, args ...any) RowError {
	return RowError{Row: row, Column: column, Message: fmt.Sprintf("第%d行：", row) + fmt.Sprintf(format, args...)}
}

// Rejected is the error answered when any row has a problem: nothing is imported.
func Rejected(errs []RowError) error {
	const shown = 500
	details := map[string]any{"error_count": len(errs)}
	if len(errs) > shown {
		errs = errs[:shown]
	}
	details["errors"] = errs
	return ErrRejected.WithDetails(details)
}

// Row is one data row, with its number as Excel shows it and its cells by column title.
type Row struct {
	Number int
	Cells  map[string]string
}

// Get returns a cell by column title, trimmed.
func (r Row) Get(col string) string { return strings.TrimSpace(r.Cells[col]) }

// Read reads the first worksheet of an xlsx file: the first row must hold the required column titles (in
// any order; unknown columns are ignored), then data rows follow. Empty rows are skipped. It refuses more
// than maxRows data rows and any cell holding a formula, since imports take values, never computations.
func Read(r io.Reader, required []string, maxRows int) ([]Row, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, ErrTooLarge.WithMessage(fmt.Sprintf("文件超过 %d MB", MaxFileSize>>20))
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, ErrNotXLSX
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzippedSize, UnzipXMLSizeLimit: maxXMLInMemory})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return nil, ErrTooLarge.WithMessage("文件解压后过大，疑似异常文件")
		}
		return nil, ErrNotXLSX
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrNotXLSX
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, ErrNotXLSX
	}
	defer rows.Close()

	var header []string
	var out []Row
	n := 0
	for rows.Next() {
		n++
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, ErrNotXLSX
		}
		if header == nil {
			header = make([]string, len(cols))
			for i, c := range cols {
				header[i] = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(c), "*"))
			}
			var missing []string
			for _, req := range required {
				if !contains(header, req) {
					missing = append(missing, req)
				}
			}
			if len(missing) > 0 {
				return nil, ErrHeader.WithDetails(map[string]any{"missing_columns": missing})
			}
			continue
		}
		row := Row{Number: n, Cells: map[string]string{}}
		empty := true
		for i, c := range cols {
			if i < len(header) && header[i] != "" {
				row.Cells[header[i]] = c
				if strings.TrimSpace(c) != "" {
					empty = false
				}
			}
		}
		if empty {
			continue
		}
		if len(out) == maxRows {
			return nil, ErrTooManyRow.WithMessage(fmt.Sprintf("文件超过 %d 行数据，请分批导入", maxRows))
		}
		out = append(out, row)
	}
	if header == nil {
		return nil, ErrHeader
	}
	if len(out) == 0 {
		return nil, ErrEmpty
	}
	if err := noFormulas(f, sheets[0], header, out); err != nil {
		return nil, err
	}
	return out, nil
}

// noFormulas refuses cells that hold formulas: the value Excel would compute is not in the file we read,
// and a formula is a classic vehicle for injection when the data is exported again.
func noFormulas(f *excelize.File, sheet string, header []string, rows []Row) error {
	var errs []RowError
	for _, r := range rows {
		for i := range header {
			cell, _ := excelize.CoordinatesToCellName(i+1, r.Number)
			if formula, err := f.GetCellFormula(sheet, cell); err == nil && formula != "" {
				errs = append(errs, Errorf(r.Number, header[i], "“%s”列是公式，请粘贴为数值后再导入", header[i]))
			}
		}
	}
	if len(errs) > 0 {
		return Rejected(errs)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

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
