package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"yqyb/internal/platform/apperr"
)

// pack zips parts (name → content) into a package, in name order.
func pack(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, n := range names {
		w, err := z.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(parts[n]))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const (
	nsMain = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	relNS  = `xmlns="http://schemas.openxmlformats.org/package/2006/relationships"`
	relDoc = `http://schemas.openxmlformats.org/officeDocument/2006/relationships/`
)

// workbook is a package whose one worksheet has the given <sheetData> content and, when sst is not empty,
// a shared-string table of those <si> items.
func workbook(sheetData, sst string) map[string]string {
	p := map[string]string{
		"_rels/.rels":     `<Relationships ` + relNS + `><Relationship Id="rId1" Type="` + relDoc + `officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<workbook ` + nsMain + `><sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships ` + relNS + `><Relationship Id="rId1" Type="` + relDoc + `worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="` + relDoc + `sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + nsMain + `><sheetData>` + sheetData + `</sheetData></worksheet>`,
	}
	if sst != "" {
		p["xl/sharedStrings.xml"] = `<sst ` + nsMain + `>` + sst + `</sst>`
	}
	return p
}

func inl(ref, s string) string {
	return `<c r="` + ref + `" t="inlineStr"><is><t>` + s + `</t></is></c>`
}

var twoCols = []string{"部门", "岗位"}

const header2 = `<row r="1">` + `<c r="A1" t="inlineStr"><is><t>部门</t></is></c><c r="B1" t="inlineStr"><is><t>岗位*</t></is></c></row>`

func readAll(t *testing.T, data []byte, cols []string, lim Limits) ([]Row, error) {
	t.Helper()
	rd, err := Open(bytes.NewReader(data), cols, lim)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	var out []Row
	for r := range rd.Rows() {
		out = append(out, r)
	}
	return out, rd.Err()
}

var roomy = Limits{MaxRows: 100, MaxCellChars: 100, MaxTotalChars: 10_000}

func show(rows []Row, cols []string) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%d:", r.Number)
		for _, c := range cols {
			fmt.Fprintf(&b, "[%s]", r.Get(c))
		}
		b.WriteString(" ")
	}
	return strings.TrimSpace(b.String())
}

// The value rules follow what Excel writes and what excelize read before (RawCellValue): shared and inline
// strings with rich-text runs (phonetic runs excluded) and _xHHHH_ escapes, raw numbers and booleans, cells and
// rows without a reference following their predecessor, any namespace prefix.
func TestReadValues(t *testing.T) {
	sst := `<si><t>仓储部</t></si><si><r><t>叉车</t></r><r><rPr><b/></rPr><t xml:space="preserve">司机</t></r><rPh sb="0" eb="2"><t>チャ</t></rPh></si><si><t>a_x005F_x000D_b_x000D_c</t></si>`
	data := workbook(header2+
		`<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c></row>`+
		`<row r="4"><c t="s"><v>2</v></c><c><v>3.5</v></c></row>`+ // no cell references: A4, B4
		`<row><c r="B5" t="b"><v>1</v></c><c r="C5" t="inlineStr"><is><t>不读</t></is></c></row>`+ // no row number: 5
		`<row r="6"><c r="A6" t="inlineStr"><is><r><t>工程</t></r><r><t>部</t></r></is></c><c r="B6" t="e"><v>#N/A</v></c></row>`+
		`<row r="7"><c r="A7" t="inlineStr"><is><t>  </t></is></c></row>`, // blank: skipped
		sst)
	rows, err := readAll(t, pack(t, data), twoCols, roomy)
	if err != nil {
		t.Fatal(err)
	}
	want := "2:[仓储部][叉车司机] 4:[a_x000D_b\rc][3.5] 5:[][1] 6:[工程部][#N/A]"
	if got := show(rows, twoCols); got != want {
		t.Fatalf("rows = %s\nwant   %s", got, want)
	}

	// Any prefix for the spreadsheet namespace.
	prefixed := workbook("", "")
	prefixed["xl/worksheets/sheet1.xml"] = `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
		`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>岗位</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>部门</x:t></x:is></x:c></x:row>` +
		`<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>电工</x:t></x:is></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>工程部</x:t></x:is></x:c></x:row>` +
		`</x:sheetData></x:worksheet>`
	if rows, err := readAll(t, pack(t, prefixed), twoCols, roomy); err != nil || show(rows, twoCols) != "2:[工程部][电工]" {
		t.Fatalf("prefixed: %s %v", show(rows, twoCols), err)
	}
}

// The sheet read is the first in the workbook's order (the first tab), wherever its part is.
func TestReadFirstSheetInWorkbookOrder(t *testing.T) {
	p := workbook(header2+`<row r="2">`+inl("A2", "第二张")+inl("B2", "x")+`</row>`, "")
	p["xl/worksheets/sheet2.xml"] = p["xl/worksheets/sheet1.xml"]
	p["xl/worksheets/sheet1.xml"] = strings.Replace(p["xl/worksheets/sheet2.xml"], "第二张", "第一张", 1)
	p["xl/workbook.xml"] = `<workbook ` + nsMain + `><sheets><sheet name="b" sheetId="2" r:id="rId9"/><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>`
	p["xl/_rels/workbook.xml.rels"] = `<Relationships ` + relNS + `><Relationship Id="rId1" Type="` + relDoc + `worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId9" Type="` + relDoc + `worksheet" Target="/xl/worksheets/sheet2.xml"/></Relationships>`
	rows, err := readAll(t, pack(t, p), twoCols, roomy)
	if err != nil || show(rows, twoCols) != "2:[第二张][x]" {
		t.Fatalf("rows = %s %v", show(rows, twoCols), err)
	}
}

// Formulas are refused in the data rows of every titled column, wherever the formula is shared from; a
// formula that left its row empty (a template dragged down) and one in an untitled column are harmless.
func TestReadFormulas(t *testing.T) {
	hdr := `<row r="1">` + inl("A1", "部门") + inl("B1", "岗位") + inl("C1", "备注") + `</row>`
	data := workbook(hdr+
		`<row r="2">`+inl("A2", "仓储部")+`<c r="B2" t="str"><f t="shared" ref="B2:B3" si="0">A2&amp;"x"</f><v>仓储部x</v></c></row>`+
		`<row r="3">`+inl("A3", "仓储部")+`<c r="B3" t="str"><f t="shared" si="0"/><v>仓储部x</v></c><c r="D3"><f>1+1</f><v>2</v></c></row>`+
		`<row r="4">`+inl("A4", "工程部")+inl("B4", "电工")+`<c r="C4"><f>1+1</f><v>2</v></c></row>`+
		`<row r="5"><c r="B5" t="str"><f>IF(A5="","",A5)</f><v></v></c></row>`, "")
	_, err := readAll(t, pack(t, data), twoCols, roomy)
	e, ok := apperr.As(err)
	if !ok || e.Code != "import_rejected" {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, r := range e.Details["errors"].([]RowError) {
		got = append(got, r.Message)
	}
	want := []string{"第2行：“岗位”列是公式，请粘贴为数值后再导入", "第3行：“岗位”列是公式，请粘贴为数值后再导入", "第4行：“备注”列是公式，请粘贴为数值后再导入"}
	if !slices.Equal(got, want) || e.Details["error_count"] != 3 {
		t.Fatalf("errors = %q (%v), want %q", got, e.Details["error_count"], want)
	}
}

func TestReadRefusals(t *testing.T) {
	deep := strings.Repeat("<x>", maxDepth) + strings.Repeat("</x>", maxDepth)
	longRun := strings.Repeat("长", maxTokenRun/3+1)
	many := map[string]string{}
	for k, v := range workbook(header2, "") {
		many[k] = v
	}
	for i := range maxZipEntries {
		many[fmt.Sprintf("junk/%05d", i)] = ""
	}
	tests := []struct {
		name  string
		parts map[string]string
		lim   Limits
		code  string
		msg   string
	}{
		{"a cell over the cap names its row and column", workbook(header2+`<row r="2">`+inl("A2", "仓储部")+inl("B2", strings.Repeat("岗", 11))+`</row>`, ""),
			Limits{MaxRows: 10, MaxCellChars: 10, MaxTotalChars: 1000}, "cell_too_long", "第2行“岗位”列超过 10 字"},
		{"escapes do not hide a long cell", workbook(header2+`<row r="2">`+inl("A2", strings.Repeat("_x0041_", 11))+`</row>`, ""),
			Limits{MaxRows: 10, MaxCellChars: 10, MaxTotalChars: 1000}, "cell_too_long", "第2行“部门”列"},
		{"text over the cap names the row", workbook(header2+`<row r="2">`+inl("A2", "一二三四五")+`</row><row r="3">`+inl("A3", "一二三四五")+`</row>`, ""),
			Limits{MaxRows: 10, MaxCellChars: 10, MaxTotalChars: 8}, "sheet_too_much_text", "读到第3行"},
		{"a shared-string table over the cap", workbook(header2, `<si><t>一二三四五</t></si><si><t>一二三四五</t></si>`),
			Limits{MaxRows: 10, MaxCellChars: 10, MaxTotalChars: 8}, "sheet_too_much_text", "文件中的文字超过 8 字"},
		{"too many rows", workbook(header2+`<row r="2">`+inl("A2", "a")+`</row><row r="3">`+inl("A3", "b")+`</row>`, ""),
			Limits{MaxRows: 1, MaxCellChars: 10, MaxTotalChars: 100}, "sheet_too_many_rows", "文件超过 1 行数据"},
		{"a NUL character", workbook(header2+`<row r="2">`+inl("A2", "仓_x0000_储")+`</row>`, ""), roomy, "import_rejected", ""},
		{"a title twice", workbook(`<row r="1">`+inl("A1", "部门")+inl("B1", "岗位")+inl("C1", "部门*")+`</row><row r="2">`+inl("A2", "a")+`</row>`, ""),
			roomy, "sheet_bad_header", "“部门”列出现了不止一次"},
		{"header not in row 1", workbook(`<row r="2">`+inl("A2", "部门")+inl("B2", "岗位")+`</row>`, ""), roomy, "sheet_bad_header", ""},
		{"no sheetData", map[string]string{"_rels/.rels": workbook("", "")["_rels/.rels"], "xl/workbook.xml": workbook("", "")["xl/workbook.xml"],
			"xl/_rels/workbook.xml.rels": workbook("", "")["xl/_rels/workbook.xml.rels"], "xl/worksheets/sheet1.xml": `<worksheet/>`}, roomy, "sheet_bad_header", ""},
		{"a shared string that is not there", workbook(header2+`<row r="2"><c r="A2" t="s"><v>7</v></c></row>`, `<si><t>a</t></si>`), roomy, "not_xlsx", ""},
		{"a cell beyond column XFD", workbook(header2+`<row r="2">`+inl("XFE2", "a")+`</row>`, ""), roomy, "not_xlsx", ""},
		{"elements nested too deep", workbook(header2+`<row r="2">`+deep+`</row>`, ""), roomy, "not_xlsx", ""},
		{"unbalanced XML", workbook(header2+`<row r="2"><c r="A2">`, ""), roomy, "not_xlsx", ""},
		{"one text node of megabytes", workbook(header2+`<row r="2">`+inl("C2", longRun)+`</row>`, ""), roomy, "sheet_too_large", ""},
		{"a worksheet part over its cap", workbook(header2+strings.Repeat(strings.Repeat(" ", maxTokenRun-4)+"<x/>", maxPartSize/maxTokenRun+1), ""), roomy, "sheet_too_large", ""},
		{"thousands of parts", many, roomy, "sheet_too_large", "压缩包内文件过多"},
		{"no workbook part", map[string]string{"xl/worksheets/sheet1.xml": workbook(header2, "")["xl/worksheets/sheet1.xml"]}, roomy, "not_xlsx", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := readAll(t, pack(t, tt.parts), twoCols, tt.lim)
			e, ok := apperr.As(err)
			if !ok || e.Code != tt.code || !strings.Contains(e.Message, tt.msg) {
				t.Fatalf("rows %s, err = %v; want %s containing %q", show(rows, twoCols), err, tt.code, tt.msg)
			}
			if e.Kind == apperr.Internal {
				t.Fatalf("internal error %v", err)
			}
		})
	}
}

// Files excelize writes — shared strings (SetSheetRow), inline strings (the stream writer), numbers and
// booleans, text that needs escapes — read the same as through excelize's own reader.
func TestReadAgreesWithExcelize(t *testing.T) {
	rows := [][]any{
		{"部门", "岗位", "备注"},
		{"仓储部", "叉车司机", "x"},
		{"工程部\r\n二班", "_x0041_ & <电工>", nil},
		{3.5, true, ""},
		{"  ", "", "只有备注"},
		{"\u202e隐患", "=HYPERLINK(\"x\")", 12345678901234567},
	}
	normal := excelize.NewFile()
	stream := excelize.NewFile()
	sw, _ := stream.NewStreamWriter("Sheet1")
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		normal.SetSheetRow("Sheet1", cell, &r)
		sw.SetRow(cell, r)
	}
	sw.Flush()
	for name, f := range map[string]*excelize.File{"shared strings": normal, "stream writer": stream} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := f.Write(&b); err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, b.Bytes(), twoCols, roomy)
			if err != nil {
				t.Fatal(err)
			}
			x, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			all, err := x.GetRows("Sheet1", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			var want strings.Builder
			for i, r := range all[1:] {
				cell := func(j int) string {
					if j < len(r) {
						return strings.TrimSpace(r[j])
					}
					return ""
				}
				if cell(0)+cell(1)+cell(2) != "" {
					fmt.Fprintf(&want, "%d:[%s][%s] ", i+2, cell(0), cell(1))
				}
			}
			if show(got, twoCols) != strings.TrimSpace(want.String()) {
				t.Fatalf("read      %s\nexcelize  %s", show(got, twoCols), want.String())
			}
		})
	}
}
