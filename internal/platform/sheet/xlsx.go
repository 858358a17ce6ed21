package sheet

// An .xlsx file is a zip package of XML parts. Imports read it here rather than through excelize: excelize
// unzips every part into memory (up to its unzip limit, 200 MB), keeps the whole shared-string table with no
// bound, and shows formulas only through GetCellFormula, which parses the worksheet a second time into a full
// in-memory model — a 1.2 MB upload took 912 MiB of heap that way. An import needs only the first worksheet's
// cell values and whether each cell holds a formula (a <f> element in the cell), so this file streams exactly
// that with encoding/xml, with a cap on every part it reads. excelize still writes the templates and exports.

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"yqyb/internal/platform/apperr"
)

const (
	maxPartSize      = 64 << 20  // unzipped bytes of the worksheet or of the shared-string table
	maxSmallPart     = 4 << 20   // unzipped bytes of a relationship part or of the workbook part
	maxTokenRun      = 1 << 20   // bytes of one XML tag or one run of text: encoding/xml holds a token whole
	maxDepth         = 64        // element nesting; worksheets nest about eight deep
	maxSharedStrings = 500_000   // entries of the shared-string table (each costs a string header even if empty)
	maxZipEntries    = 10_000    // parts of the package; a workbook has a few dozen
	headerCellBytes  = 4 << 10   // text kept of a header cell: titles are short, longer ones match nothing
	otherCellBytes   = 64 << 10  // text kept of a cell in a column the import ignores (only its blankness matters)
	maxRowNumber     = 1_048_576 // Excel's last row
	maxColumn        = 16_384    // Excel's last column (XFD)
)

// Internal reasons to refuse a file; productError maps them to the product errors.
var (
	errPartTooLarge = errors.New("xlsx part too large")
	errTokenTooLong = errors.New("xlsx token too long")
	errTooDeep      = errors.New("xlsx elements nested too deep")
	errMalformed    = errors.New("xlsx part malformed")
)

// productError turns an error of reading a part into what the user is told.
func productError(err error) error {
	if e, ok := apperr.As(err); ok {
		return e
	}
	if errors.Is(err, errPartTooLarge) || errors.Is(err, errTokenTooLong) {
		return ErrTooLarge.WithMessage("文件解压后过大，疑似异常文件").Wrap(err)
	}
	return ErrNotXLSX.Wrap(err)
}

// pkg is an opened .xlsx package.
type pkg struct {
	parts map[string]*zip.File // by part name, lower case, without a leading slash
}

// openPackage reads the upload (at most MaxFileSize) and opens it as a zip package, refusing anything that
// is not a zip or whose parts would unzip to more than maxUnzippedSize.
func openPackage(r io.Reader) (*pkg, error) {
	var ra io.ReaderAt
	var size int64
	// A multipart upload is already in memory or in a temporary file: read it in place rather than copy it.
	if f, ok := r.(interface {
		io.ReaderAt
		io.Seeker
	}); ok {
		n, err := f.Seek(0, io.SeekEnd)
		if err != nil {
			return nil, err
		}
		ra, size = f, n
	} else {
		data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
		if err != nil {
			return nil, err
		}
		ra, size = bytes.NewReader(data), int64(len(data))
	}
	if size > MaxFileSize {
		return nil, ErrTooLarge.WithMessage(fmt.Sprintf("文件超过 %d MB", MaxFileSize>>20))
	}
	magic := make([]byte, 4)
	if _, err := ra.ReadAt(magic, 0); err != nil || string(magic) != "PK\x03\x04" {
		return nil, ErrNotXLSX
	}
	if n, ok := zipEntries(ra, size); ok && n > maxZipEntries {
		return nil, ErrTooLarge.WithMessage("文件结构异常（压缩包内文件过多）")
	}
	z, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, ErrNotXLSX.Wrap(err)
	}
	if len(z.File) > maxZipEntries {
		return nil, ErrTooLarge.WithMessage("文件结构异常（压缩包内文件过多）")
	}
	p := &pkg{parts: make(map[string]*zip.File, len(z.File))}
	var total uint64
	for _, f := range z.File {
		total += f.UncompressedSize64
		name := partName(f.Name)
		if _, dup := p.parts[name]; !dup {
			p.parts[name] = f
		}
	}
	if total > maxUnzippedSize {
		return nil, ErrTooLarge.WithMessage("文件解压后过大，疑似异常文件")
	}
	return p, nil
}

// zipEntries reads the entry count from the zip's end-of-central-directory record, so that a directory of
// hundreds of thousands of tiny entries is refused before archive/zip builds a record for each. ok is false
// when the record is not found or the count is in a zip64 record (archive/zip bounds those by the file size).
func zipEntries(ra io.ReaderAt, size int64) (n int, ok bool) {
	const eocdLen = 22
	tail := min(size, eocdLen+0xFFFF) // the record, then a comment of at most 64 KiB
	buf := make([]byte, tail)
	if _, err := ra.ReadAt(buf, size-tail); err != nil {
		return 0, false
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || i+eocdLen > len(buf) {
		return 0, false
	}
	count := int(buf[i+10]) | int(buf[i+11])<<8
	if count == 0xFFFF {
		return 0, false
	}
	return count, true
}

// partName normalises a part name as OPC compares them: case-insensitively, without a leading slash.
func partName(name string) string {
	return strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(name, `\`, "/"), "/"))
}

// open streams a part, unzipped, under a cap on its size and on its tokens.
func (p *pkg) open(name string, limit int64) (*xmlStream, io.Closer, error) {
	f, ok := p.parts[partName(name)]
	if !ok {
		return nil, nil, fmt.Errorf("%w: no part %s", errMalformed, name)
	}
	// The declared size is not checked: it may lie, and the guard counts what is really there. A worksheet
	// that is large because of its text is better refused by the text cap, which says what to do.
	rc, err := f.Open()
	if err != nil {
		return nil, nil, err
	}
	return newXMLStream(&guard{r: rc, left: limit}), rc, nil
}

func (p *pkg) has(name string) bool {
	_, ok := p.parts[partName(name)]
	return ok
}

// relationship is one entry of a .rels part.
type relationship struct {
	id, typ, target string
}

// relsOf reads the relationships of a part ("" for the package's own), with targets resolved to part names.
func (p *pkg) relsOf(part string) ([]relationship, error) {
	relsPart := "_rels/.rels"
	if part != "" {
		relsPart = path.Join(path.Dir(part), "_rels", path.Base(part)+".rels")
	}
	if !p.has(relsPart) {
		return nil, nil
	}
	x, c, err := p.open(relsPart, maxSmallPart)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var out []relationship
	for {
		tok, err := x.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" {
			continue
		}
		var r relationship
		external := false
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Id":
				r.id = a.Value
			case "Type":
				r.typ = a.Value
			case "Target":
				r.target = a.Value
			case "TargetMode":
				external = strings.EqualFold(a.Value, "External")
			}
		}
		if !external && r.target != "" {
			r.target = resolve(part, r.target)
			out = append(out, r)
		}
	}
}

// resolve turns a relationship target into a part name: absolute targets start at the package root, others
// are relative to the part that holds the relationship.
func resolve(source, target string) string {
	target = strings.ReplaceAll(target, `\`, "/")
	if strings.HasPrefix(target, "/") {
		return path.Clean(target[1:])
	}
	return path.Join(path.Dir(source), target)
}

// firstSheet finds the first worksheet of the workbook (in the workbook's order, as Excel shows the tabs) and
// the shared-string table ("" when the file has none).
func (p *pkg) firstSheet() (sheetPart, sstPart string, err error) {
	workbook := "xl/workbook.xml"
	rels, err := p.relsOf("")
	if err != nil {
		return "", "", err
	}
	for _, r := range rels {
		if strings.HasSuffix(r.typ, "/officeDocument") {
			workbook = r.target
			break
		}
	}
	if !p.has(workbook) {
		return "", "", fmt.Errorf("%w: no workbook", errMalformed)
	}
	sheetID, err := p.firstSheetID(workbook)
	if err != nil {
		return "", "", err
	}
	if rels, err = p.relsOf(workbook); err != nil {
		return "", "", err
	}
	for _, r := range rels {
		switch {
		case r.id == sheetID && sheetPart == "":
			sheetPart = r.target
		case strings.HasSuffix(r.typ, "/sharedStrings") && sstPart == "":
			sstPart = r.target
		}
	}
	if sheetPart == "" || !p.has(sheetPart) {
		return "", "", fmt.Errorf("%w: the first sheet has no part", errMalformed)
	}
	switch {
	case sstPart != "" && !p.has(sstPart):
		sstPart = "" // a dangling relationship: a cell that needs the table is refused when it is read
	case sstPart == "" && p.has("xl/sharedStrings.xml"):
		sstPart = "xl/sharedStrings.xml"
	}
	return sheetPart, sstPart, nil
}

// firstSheetID is the relationship id (r:id) of the first <sheet> of the workbook part.
func (p *pkg) firstSheetID(workbook string) (string, error) {
	x, c, err := p.open(workbook, maxSmallPart)
	if err != nil {
		return "", err
	}
	defer c.Close()
	for {
		tok, err := x.next()
		if err == io.EOF {
			return "", fmt.Errorf("%w: the workbook lists no sheet", errMalformed)
		}
		if err != nil {
			return "", err
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "sheet" {
			for _, a := range se.Attr {
				if a.Name.Local == "id" && a.Name.Space != "" {
					return a.Value, nil
				}
			}
			return "", fmt.Errorf("%w: a sheet without a relationship id", errMalformed)
		}
	}
}

// sharedStrings reads the shared-string table. Its text counts against MaxTotalChars on its own: excelize
// and every other reader must hold the whole table, so a file that puts its bulk there is refused here.
func (p *pkg) sharedStrings(part string, lim Limits) ([]string, error) {
	if part == "" {
		return nil, nil
	}
	x, c, err := p.open(part, maxPartSize)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var out []string
	var buf []byte
	chars := 0
	for {
		tok, err := x.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "si" {
			continue
		}
		if len(out) == maxSharedStrings {
			return nil, ErrTooMuchText.WithMessage(fmt.Sprintf("文件中的文字条目超过 %d 万条，请删减或分批导入", maxSharedStrings/10_000)).
				WithDetails(map[string]any{"max_entries": maxSharedStrings})
		}
		// Bytes bound characters from above, so the remaining budget in bytes caps what one entry may hold.
		budget := (lim.MaxTotalChars - chars + 1) * utf8.UTFMax
		buf, err = x.richText(buf[:0], budget)
		if err != nil && !errors.Is(err, errTextCap) {
			return nil, err
		}
		s := decodeEscapes(string(buf))
		if chars += utf8.RuneCountInString(s); chars > lim.MaxTotalChars || err != nil {
			return nil, tooMuchText(lim, 0)
		}
		out = append(out, s)
	}
}

// tooMuchText is the refusal of a file whose text passes MaxTotalChars; row is where it did (0: in the
// shared-string table, before any row).
func tooMuchText(lim Limits, row int) error {
	details := map[string]any{"max_chars": lim.MaxTotalChars}
	msg := fmt.Sprintf("文件中的文字超过%s字，请删减或分批导入", countText(lim.MaxTotalChars))
	if row > 0 {
		details["row"] = row
		msg = fmt.Sprintf("文件中的文字超过%s字（读到第%d行时），请删减或分批导入", countText(lim.MaxTotalChars), row)
	}
	return ErrTooMuchText.WithMessage(msg).WithDetails(details)
}

// countText writes a count the way a Chinese reader expects large numbers: 500 万, 2000.
func countText(n int) string {
	if n >= 10_000 && n%10_000 == 0 {
		return fmt.Sprintf(" %d 万", n/10_000)
	}
	return fmt.Sprintf(" %d ", n)
}

// decodeEscapes undoes the _xHHHH_ escapes OOXML uses for characters XML cannot carry (ST_Xstring):
// "_x000D_" is a carriage return, "_x005F_" an underscore that would otherwise start an escape. Excel and
// excelize read cells this way, so a value survives an export and a re-import.
func decodeEscapes(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if v, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b.WriteRune(rune(v)) // a lone surrogate becomes U+FFFD
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// guard counts the unzipped bytes of a part and refuses a part beyond its cap, or a single tag or run of text
// beyond maxTokenRun: encoding/xml buffers each token whole, so one 60 MB text node would cost 60 MB.
type guard struct {
	r    io.Reader
	left int64 // bytes the part may still have
	run  int   // bytes since the last '<' or '>'
	err  error // the refusal, kept because the decoder may report a consequence instead (a cut UTF-8 sequence)
}

func (g *guard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.read(p)
	if errors.Is(err, errPartTooLarge) || errors.Is(err, errTokenTooLong) {
		g.err = err
	}
	return n, err
}

func (g *guard) read(p []byte) (int, error) {
	// Short reads keep every run inside one buffer shorter than maxTokenRun.
	if limit := min(g.left+1, 64<<10); int64(len(p)) > limit {
		p = p[:limit]
	}
	n, err := g.r.Read(p)
	if g.left -= int64(n); g.left < 0 {
		return 0, errPartTooLarge
	}
	chunk := p[:n]
	if last := bytes.LastIndexAny(chunk, "<>"); last >= 0 {
		if g.run+bytes.IndexAny(chunk, "<>") > maxTokenRun {
			return 0, errTokenTooLong
		}
		g.run = len(chunk) - last - 1
	} else if g.run += n; g.run > maxTokenRun {
		return 0, errTokenTooLong
	}
	return n, err
}

// xmlStream reads raw tokens and tracks the element depth. Raw tokens skip namespace translation (elements
// are matched by local name, whatever prefix a writer chose) and the decoder's stack of open elements.
type xmlStream struct {
	d     *xml.Decoder
	g     *guard
	depth int
}

func newXMLStream(g *guard) *xmlStream {
	d := xml.NewDecoder(g)
	d.Strict = true
	return &xmlStream{d: d, g: g}
}

// next returns the next token; its bytes are valid until the following call.
func (x *xmlStream) next() (xml.Token, error) {
	tok, err := x.d.RawToken()
	if err != nil {
		if x.g.err != nil {
			return nil, x.g.err
		}
		return nil, err
	}
	switch tok.(type) {
	case xml.StartElement:
		if x.depth++; x.depth > maxDepth {
			return nil, errTooDeep
		}
	case xml.EndElement:
		x.depth--
	}
	return tok, nil
}

// skip consumes the rest of the element whose start was just read.
func (x *xmlStream) skip() error {
	for end := x.depth - 1; x.depth > end; {
		if _, err := x.next(); err != nil {
			return eof(err)
		}
	}
	return nil
}

// errTextCap says a text was longer than the caller's cap; the element was still read to its end.
var errTextCap = errors.New("text longer than its cap")

// text appends the character data of the element whose start was just read (nested elements are skipped) and
// consumes it to its end. Beyond max bytes it stops appending and reports errTextCap at the end.
func (x *xmlStream) text(buf []byte, max int) ([]byte, error) {
	over := false
	for end := x.depth - 1; x.depth > end; {
		tok, err := x.next()
		if err != nil {
			return buf, eof(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if x.depth == end+1 && !over {
				if len(buf)+len(t) > max {
					over = true
					continue
				}
				buf = append(buf, t...)
			}
		case xml.StartElement:
			if err := x.skip(); err != nil {
				return buf, err
			}
		}
	}
	if over {
		return buf, errTextCap
	}
	return buf, nil
}

// richText appends the text of a string item (<si>, or a cell's <is>) whose start was just read: its <t>,
// and the <t> of each run (<r>). Phonetic runs (<rPh>) are a reading aid, not the value.
func (x *xmlStream) richText(buf []byte, max int) ([]byte, error) {
	var capped error
	for end := x.depth - 1; x.depth > end; {
		tok, err := x.next()
		if err != nil {
			return buf, eof(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "t":
			buf, err = x.text(buf, max)
		case "r":
			buf, err = x.run(buf, max)
		default:
			err = x.skip()
		}
		if errors.Is(err, errTextCap) {
			capped, err = err, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, capped
}

// run appends the <t> of a rich-text run whose start was just read.
func (x *xmlStream) run(buf []byte, max int) ([]byte, error) {
	var capped error
	for end := x.depth - 1; x.depth > end; {
		tok, err := x.next()
		if err != nil {
			return buf, eof(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local == "t" {
			buf, err = x.text(buf, max)
		} else {
			err = x.skip()
		}
		if errors.Is(err, errTextCap) {
			capped, err = err, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, capped
}

// eof turns an end of input inside an element into a malformed part.
func eof(err error) error {
	if err == io.EOF {
		return fmt.Errorf("%w: unexpected end", errMalformed)
	}
	return err
}
