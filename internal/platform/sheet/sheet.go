// Package sheet reads and writes the spreadsheets users import and export (xlsx): reading streams rows with
// bounded memory and refuses hostile files (oversized, zip bombs, formulas instead of values, more text than
// an import can hold); writing makes templates with drop-down lists. Problems are reported per row and column
// in Chinese, the way the FAQ shows them ("第12行：公司不存在'仓储部'部门").
package sheet

import (
	"fmt"
	"io"
	"strings"

	"yqyb/internal/platform/apperr"
)

// Limits a file must stay within whatever it is imported for.
const (
	MaxFileSize     = 10 << 20  // the upload itself
	maxUnzippedSize = 200 << 20 // all parts unzipped, as the zip directory declares them; beyond this the file is a zip bomb
)

// Limits bound what one import reads, so that its memory is bounded by its settings rather than by the file:
// the rows, the text of each cell and the text of the whole file. An importer sets them from the longest
// field it accepts and the most rows it takes.
type Limits struct {
	MaxRows       int // data rows (empty rows are not counted)
	MaxCellChars  int // characters of one cell in a column the import reads
	MaxTotalChars int // characters of all cells the import reads, and separately of the file's shared-string table
}

// Defaults of Read, which serves callers that read files the product wrote (exports) rather than uploads.
const (
	excelMaxCellChars    = 32_767    // the most a cell of Excel holds
	DefaultMaxTotalChars = 5_000_000 // 500 万字: 20,000 rows of 250 characters
)

// Errors of reading a spreadsheet.
var (
	ErrNotXLSX     = apperr.New(apperr.Unsupported, "not_xlsx", "文件不是有效的 Excel（.xlsx）文件，请使用下载的模板")
	ErrTooLarge    = apperr.New(apperr.TooLarge, "sheet_too_large", "文件过大")
	ErrTooManyRow  = apperr.New(apperr.Invalid, "sheet_too_many_rows", "文件行数超过上限")
	ErrCellTooLong = apperr.New(apperr.Invalid, "cell_too_long", "单元格内容过长")
	ErrTooMuchText = apperr.New(apperr.Invalid, "sheet_too_much_text", "文件中的文字过多，请分批导入")
	ErrHeader      = apperr.New(apperr.Invalid, "sheet_bad_header", "表头与模板不一致，请使用下载的模板")
	ErrRejected    = apperr.New(apperr.Invalid, "import_rejected", "文件中有错误，未导入任何数据，请按提示修改后重新导入")
	ErrEmpty       = apperr.New(apperr.Invalid, "sheet_empty", "文件中没有数据行")
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

// maxShown is how many row errors an answer lists; error_count says how many there were.
const maxShown = 500

// Rejected is the error answered when any row has a problem: nothing is imported.
func Rejected(errs []RowError) error {
	details := map[string]any{"error_count": len(errs)}
	if len(errs) > maxShown {
		errs = errs[:maxShown]
	}
	details["errors"] = errs
	return ErrRejected.WithDetails(details)
}

// RowErrors collects the problems of a file in the order they are found. It counts them all but keeps only
// the ones an answer shows, so a file with a problem on every one of 20,000 rows costs no more memory than one
// with 500.
type RowErrors struct {
	list  []RowError
	count int
}

// Add records a problem.
func (e *RowErrors) Add(r RowError) {
	e.count++
	if len(e.list) < maxShown {
		e.list = append(e.list, r)
	}
}

// Addf records a problem whose message starts with the row number (see Errorf).
func (e *RowErrors) Addf(row int, column, format string, args ...any) {
	e.count++
	if len(e.list) < maxShown {
		e.list = append(e.list, Errorf(row, column, format, args...))
	}
}

// Count is the number of problems found.
func (e *RowErrors) Count() int { return e.count }

// List is the problems kept, in the order found.
func (e *RowErrors) List() []RowError { return e.list }

// Err is nil without problems, otherwise the import_rejected answer listing them.
func (e *RowErrors) Err() error {
	if e.count == 0 {
		return nil
	}
	return ErrRejected.WithDetails(map[string]any{"error_count": e.count, "errors": e.list})
}

// Row is one data row, with its number as Excel shows it and the cells of the columns the reader was asked for.
type Row struct {
	Number int
	index  map[string]int // column title → position in values, shared by every row of a file
	values []string
}

// NewRow makes a row from cells by column title, for callers (and tests) that have the values without a file.
func NewRow(number int, cells map[string]string) Row {
	r := Row{Number: number, index: make(map[string]int, len(cells)), values: make([]string, 0, len(cells))}
	for title, v := range cells {
		r.index[title] = len(r.values)
		r.values = append(r.values, v)
	}
	return r
}

// Get returns a cell by column title, trimmed; "" for a column the row does not have.
func (r Row) Get(col string) string {
	if i, ok := r.index[col]; ok {
		return strings.TrimSpace(r.values[i])
	}
	return ""
}

// Read reads the first worksheet of an xlsx file into memory: the first row must hold the column titles (in
// any order; unknown columns are ignored), then data rows follow. Empty rows are skipped. It refuses more than
// maxRows data rows, any cell holding a formula (imports take values, never computations) and more text than
// DefaultMaxTotalChars. Imports stream with Open instead, under their own Limits.
func Read(r io.Reader, columns []string, maxRows int) ([]Row, error) {
	rd, err := Open(r, columns, Limits{MaxRows: maxRows, MaxCellChars: excelMaxCellChars, MaxTotalChars: DefaultMaxTotalChars})
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var out []Row
	for row := range rd.Rows() {
		out = append(out, row)
	}
	if err := rd.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
