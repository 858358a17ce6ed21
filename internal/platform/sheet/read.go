package sheet

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reader streams the data rows of the first worksheet of an .xlsx upload. Only one row and the shared-string
// table are in memory at a time (plus whatever the caller keeps), and both are bounded by the Limits. Open it,
// range over Rows, then check Err: it says whether the rows seen were the whole file.
type Reader struct {
	lim      Limits
	index    map[string]int // asked title → position in a row's values, shared by every row
	roles    []int          // by sheet column (0-based): position in a row's values, or ignoredColumn, otherColumn
	titles   []string       // by sheet column: its title, for messages
	sst      []string
	x        *xmlStream
	part     io.Closer
	depth    int // depth of <sheetData>
	lastRow  int
	rows     int // data rows handed out
	chars    int // characters read from the asked columns
	problems RowErrors
	err      error
	done     bool
	vbuf     []byte // text of the current cell's <v>
	ibuf     []byte // text of the current cell's <is>
}

const (
	ignoredColumn = -1 // no title: never read
	otherColumn   = -2 // a title the import does not use: only its blankness and formulas matter
)

// Open reads the package, the shared-string table and the header row of the first worksheet. The header must
// hold every one of columns (in any order, each at most once; a trailing * marks required columns in the
// templates and is ignored); other titled columns are ignored. The file stays open until the rows are read or
// Close is called.
func Open(r io.Reader, columns []string, lim Limits) (*Reader, error) {
	p, err := openPackage(r)
	if err != nil {
		return nil, err
	}
	sheetPart, sstPart, err := p.firstSheet()
	if err != nil {
		return nil, productError(err)
	}
	sst, err := p.sharedStrings(sstPart, lim)
	if err != nil {
		return nil, productError(err)
	}
	x, c, err := p.open(sheetPart, maxPartSize)
	if err != nil {
		return nil, productError(err)
	}
	rd := &Reader{lim: lim, sst: sst, x: x, part: c, index: make(map[string]int, len(columns))}
	for i, col := range columns {
		rd.index[col] = i
	}
	if err := rd.header(columns); err != nil {
		c.Close()
		return nil, err
	}
	return rd, nil
}

// Close releases the file; reading all rows does it too.
func (rd *Reader) Close() error {
	rd.done = true
	if rd.part == nil {
		return nil
	}
	c := rd.part
	rd.part = nil
	return c.Close()
}

// Rows yields the non-empty data rows in file order. It stops at the first problem that makes the file
// unreadable or passes a limit; Err says which.
func (rd *Reader) Rows() iter.Seq[Row] {
	return func(yield func(Row) bool) {
		for {
			row, ok := rd.next()
			if !ok || !yield(row) {
				return
			}
		}
	}
}

// Err is nil when every row was read and every cell is acceptable. Otherwise it is the refusal to answer: the
// file is unreadable or passes a limit (the rows stopped there), has no data rows, or has cells that cannot
// be imported — formulas, characters the database cannot store — listed by row and column (import_rejected;
// all rows were read, so every such cell is listed).
func (rd *Reader) Err() error { return rd.err }

func (rd *Reader) fail(err error) {
	rd.err = err
	rd.Close()
}

func (rd *Reader) finish() {
	switch {
	case rd.rows == 0:
		rd.err = ErrEmpty
	default:
		rd.err = rd.problems.Err()
	}
	rd.Close()
}

// header reads row 1 and maps the sheet's columns to the asked ones.
func (rd *Reader) header(columns []string) error {
	if err := rd.toSheetData(); err != nil {
		return err
	}
	number, ok, err := rd.nextRowStart()
	if err != nil {
		return productError(err)
	}
	if !ok {
		return ErrHeader
	}
	if number == 1 {
		if err := rd.headerCells(); err != nil {
			return productError(err)
		}
	}
	// Otherwise row 1 is empty: every column is missing.
	rd.roles = make([]int, len(rd.titles))
	found := make([]bool, len(columns))
	var dups []string
	for i, t := range rd.titles {
		t = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(t), "*"))
		rd.titles[i] = t
		pos, asked := rd.index[t]
		switch {
		case t == "":
			rd.roles[i] = ignoredColumn
		case !asked:
			rd.roles[i] = otherColumn
		case found[pos]:
			rd.roles[i] = ignoredColumn
			dups = append(dups, t)
		default:
			rd.roles[i], found[pos] = pos, true
		}
	}
	var missing []string
	for i, col := range columns {
		if !found[i] {
			missing = append(missing, col)
		}
	}
	if len(missing) > 0 {
		return ErrHeader.WithDetails(map[string]any{"missing_columns": missing})
	}
	if len(dups) > 0 {
		// Two columns of the same title would leave it to chance which value is imported.
		return ErrHeader.WithMessage(fmt.Sprintf("表头中“%s”列出现了不止一次，请使用下载的模板", dups[0])).
			WithDetails(map[string]any{"duplicate_columns": dups})
	}
	return nil
}

// headerCells reads the cells of the header row whose start was just read.
func (rd *Reader) headerCells() error {
	col := -1
	for {
		tok, err := rd.x.next()
		if err != nil {
			return eof(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if rd.x.depth == rd.depth {
				return nil
			}
		case xml.StartElement:
			if t.Name.Local != "c" {
				if err := rd.x.skip(); err != nil {
					return err
				}
				continue
			}
			c, err := rd.cell(t, col, func(int) int { return headerCellBytes })
			if err != nil {
				return err
			}
			col = c.col
			v, err := rd.value(c)
			if err != nil {
				return err
			}
			if c.capped {
				v = "" // no title is that long: the column is not one the import reads
			}
			for len(rd.titles) <= col {
				rd.titles = append(rd.titles, "")
			}
			rd.titles[col] = v
		}
	}
}

// toSheetData moves to the worksheet's <sheetData>. A part without one has no rows, so no header.
func (rd *Reader) toSheetData() error {
	for {
		tok, err := rd.x.next()
		if err == io.EOF {
			return ErrHeader
		}
		if err != nil {
			return productError(err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "sheetData" {
			rd.depth = rd.x.depth
			return nil
		}
	}
}

// nextRowStart moves to the next <row> of <sheetData> and returns its number; ok is false at the end.
func (rd *Reader) nextRowStart() (number int, ok bool, err error) {
	for {
		tok, err := rd.x.next()
		if err != nil {
			return 0, false, eof(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if rd.x.depth < rd.depth {
				return 0, false, nil
			}
		case xml.StartElement:
			if t.Name.Local != "row" || rd.x.depth != rd.depth+1 {
				if err := rd.x.skip(); err != nil {
					return 0, false, err
				}
				continue
			}
			// r is optional: a row without it follows the previous one.
			number = rd.lastRow + 1
			for _, a := range t.Attr {
				if a.Name.Local == "r" {
					if n, err := strconv.Atoi(strings.TrimSpace(a.Value)); err == nil {
						number = n
					}
				}
			}
			if number < 1 || number > maxRowNumber {
				return 0, false, fmt.Errorf("%w: row %d", errMalformed, number)
			}
			rd.lastRow = number
			return number, true, nil
		}
	}
}

func (rd *Reader) next() (Row, bool) {
	for !rd.done {
		number, ok, err := rd.nextRowStart()
		if err != nil {
			rd.fail(productError(err))
			break
		}
		if !ok {
			rd.finish()
			break
		}
		row, keep, err := rd.dataRow(number)
		if err != nil {
			rd.fail(productError(err))
			break
		}
		if keep {
			return row, true
		}
	}
	return Row{}, false
}

// maxCellBytes bounds the raw text kept of a cell: enough for MaxCellChars characters however they are
// written (UTF-8 takes up to 4 bytes, an _xHHHH_ escape 7), so that a longer cell is seen as too long.
func (rd *Reader) maxCellBytes(col int) int {
	switch rd.role(col) {
	case ignoredColumn:
		return 0
	case otherColumn:
		return otherCellBytes
	}
	return 7*rd.lim.MaxCellChars + 7
}

func (rd *Reader) role(col int) int {
	if col < len(rd.roles) {
		return rd.roles[col]
	}
	return ignoredColumn
}

// dataRow reads the cells of the row whose start was just read. keep is false for an empty row: no cell of
// a titled column holds more than blanks.
func (rd *Reader) dataRow(number int) (row Row, keep bool, err error) {
	values := make([]string, len(rd.index))
	blank := true
	var formulas, nul []int
	col := -1
	for {
		tok, err := rd.x.next()
		if err != nil {
			return Row{}, false, eof(err)
		}
		if _, ok := tok.(xml.EndElement); ok {
			if rd.x.depth == rd.depth {
				break // </row>
			}
			continue
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != "c" {
			if err := rd.x.skip(); err != nil {
				return Row{}, false, err
			}
			continue
		}
		c, err := rd.cell(se, col, rd.maxCellBytes)
		if err != nil {
			return Row{}, false, err
		}
		col = c.col
		role := rd.role(col)
		if role == ignoredColumn {
			continue
		}
		v, err := rd.value(c)
		if err != nil {
			return Row{}, false, err
		}
		if role >= 0 {
			n := utf8.RuneCountInString(v)
			if c.capped || n > rd.lim.MaxCellChars {
				return Row{}, false, rd.cellTooLong(number, col)
			}
			if rd.chars += n; rd.chars > rd.lim.MaxTotalChars {
				return Row{}, false, tooMuchText(rd.lim, number)
			}
			values[role] = v
			if strings.IndexByte(v, 0) >= 0 {
				nul = append(nul, col)
			}
		}
		if c.capped || strings.TrimSpace(v) != "" {
			blank = false
		}
		if c.formula {
			formulas = append(formulas, col)
		}
	}
	if blank {
		return Row{}, false, nil
	}
	if rd.rows++; rd.rows > rd.lim.MaxRows {
		return Row{}, false, ErrTooManyRow.WithMessage(fmt.Sprintf("文件超过 %d 行数据，请分批导入", rd.lim.MaxRows))
	}
	for _, col := range formulas {
		// A formula's value is not in the file, only the result Excel last computed, and a formula is a
		// classic vehicle for injection when the data is exported again.
		rd.problems.Addf(number, rd.titles[col], "“%s”列是公式，请粘贴为数值后再导入", rd.titles[col])
	}
	for _, col := range nul {
		rd.problems.Addf(number, rd.titles[col], "“%s”列含有无法保存的空字符，请删除后再导入", rd.titles[col])
	}
	return Row{Number: number, index: rd.index, values: values}, true, nil
}

func (rd *Reader) cellTooLong(row, col int) error {
	title := rd.titles[col]
	return ErrCellTooLong.WithMessage(fmt.Sprintf("第%d行“%s”列超过%s字，请精简后再导入", row, title, countText(rd.lim.MaxCellChars))).
		WithDetails(map[string]any{"row": row, "column": title, "max_chars": rd.lim.MaxCellChars})
}

// cell is one <c> as read; its text is in the reader's vbuf or ibuf.
type cell struct {
	col     int    // 0-based
	typ     string // the t attribute: s (shared string), inlineStr, str, b, n, e, d
	formula bool   // it has an <f>
	inline  bool   // it has an <is>
	capped  bool   // its text was longer than the cap and was cut
}

// cell reads a <c> whose start was just read; prevCol is the column of the cell before it in the row, and
// maxBytes(col) how much of the text to keep.
func (rd *Reader) cell(se xml.StartElement, prevCol int, maxBytes func(col int) int) (cell, error) {
	c := cell{col: prevCol + 1} // r is optional: a cell without it follows the previous one
	for _, a := range se.Attr {
		switch a.Name.Local {
		case "r":
			col, err := columnOf(a.Value)
			if err != nil {
				return c, err
			}
			c.col = col
		case "t":
			c.typ = a.Value
		}
	}
	if c.col >= maxColumn {
		return c, fmt.Errorf("%w: column %d", errMalformed, c.col+1)
	}
	limit := maxBytes(c.col)
	rd.vbuf, rd.ibuf = rd.vbuf[:0], rd.ibuf[:0]
	for end := rd.x.depth - 1; rd.x.depth > end; {
		tok, err := rd.x.next()
		if err != nil {
			return c, eof(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "f":
			c.formula = true
			err = rd.x.skip()
		case "v":
			rd.vbuf, err = rd.x.text(rd.vbuf[:0], limit)
		case "is":
			c.inline = true
			rd.ibuf, err = rd.x.richText(rd.ibuf[:0], limit)
		default:
			err = rd.x.skip()
		}
		if errors.Is(err, errTextCap) {
			c.capped, err = true, nil
		}
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// value is a cell's raw value, as excelize gives it with RawCellValue: the text of a string, the stored
// number, 1 or 0 for a boolean — never a display format applied.
func (rd *Reader) value(c cell) (string, error) {
	switch {
	case c.typ == "s":
		idx := strings.TrimSpace(string(rd.vbuf))
		if idx == "" {
			return "", nil
		}
		i, err := strconv.Atoi(idx)
		if err != nil || i < 0 || i >= len(rd.sst) || c.capped {
			return "", fmt.Errorf("%w: shared string %q", errMalformed, idx)
		}
		return rd.sst[i], nil
	case c.typ == "inlineStr" && c.inline:
		return decodeEscapes(string(rd.ibuf)), nil
	}
	return string(rd.vbuf), nil
}

// columnOf is the 0-based column of a cell reference such as "AB12".
func columnOf(ref string) (int, error) {
	col := 0
	i := 0
	for ; i < len(ref) && col <= maxColumn; i++ {
		ch := ref[i]
		switch {
		case ch >= 'A' && ch <= 'Z':
			col = col*26 + int(ch-'A'+1)
		case ch >= 'a' && ch <= 'z':
			col = col*26 + int(ch-'a'+1)
		default:
			if i == 0 {
				return 0, fmt.Errorf("%w: cell %q", errMalformed, ref)
			}
			return col - 1, nil
		}
	}
	if i == 0 || col > maxColumn {
		return 0, fmt.Errorf("%w: cell %q", errMalformed, ref)
	}
	return col - 1, nil
}
