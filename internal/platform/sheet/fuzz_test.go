package sheet

import (
	"archive/zip"
	"bytes"
	"testing"

	"yqyb/internal/platform/apperr/apperrtest"
)

// FuzzSheetRead feeds arbitrary bytes to Read as an uploaded .xlsx: it must never panic, and every refusal
// must be a product error with a Chinese message (what the import endpoints show the user).
//
//	go test ./internal/platform/sheet -run '^$' -fuzz FuzzSheetRead -fuzztime 30s
func FuzzSheetRead(f *testing.F) {
	for _, rows := range [][][]any{
		{{"部门", "岗位"}, {"仓储部", "叉车司机"}, {"工程部", "电工"}},
		{{"岗位", "备注", "部门*"}, {"叉车司机", "=1+1", "仓储部"}, {}, {"库管员", 3.5, true}},
		{{"部门"}, {"仓储部"}},
		{{"部门", "岗位"}},
		{{"部门", "岗位"}, {"_x0000_", "\u202e隐患"}},
	} {
		f.Add(build(f, rows, ""))
	}
	f.Add(build(f, [][]any{{"部门", "岗位"}, {"a", "b"}}, "B2"))
	var z bytes.Buffer
	w := zip.NewWriter(&z)
	part, _ := w.Create("xl/workbook.xml")
	part.Write([]byte(`<?xml version="1.0"?><workbook/>`))
	w.Close()
	f.Add(z.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("部门,岗位\n仓储部,叉车司机\n"))
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := Read(bytes.NewReader(data), []string{"部门", "岗位"}, 50)
		if err != nil {
			apperrtest.Refusal(t, err)
			return
		}
		if len(rows) == 0 || len(rows) > 50 {
			t.Fatalf("%d rows without an error", len(rows))
		}
		for _, r := range rows {
			if r.Number < 2 {
				t.Fatalf("data row numbered %d", r.Number)
			}
		}
	})
}
