package standard_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/sheet/sheettest"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

// sheetOf writes n import rows spread over the demo mall's posts: 100 categories, each row a distinct item.
func sheetOf(b testing.TB, n int) []byte {
	b.Helper()
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	header := []any{"部门", "岗位", "清单名称", "排查频次", "类别", "排查项目", "排查内容", "排查标准", "依据", "隐患等级", "重大隐患判定"}
	sw.SetRow("A1", header)
	posts := [][2]string{{"仓储部", "叉车司机"}, {"仓储部", "库管员"}, {"工程部", "电工"}, {"工程部", "电梯管理员"}, {"营业部", "收银员"}}
	freq := []string{"每日", "每周", "每月"}
	for i := 0; i < n; i++ {
		p := posts[i%len(posts)]
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		sw.SetRow(cell, []any{p[0], p[1], fmt.Sprintf("%s%s检查", p[1], freq[i%5%3]), freq[i%5%3], fmt.Sprintf("类别%03d", i%100),
			fmt.Sprintf("项目%05d", i), fmt.Sprintf("检查第%d项设施的完好情况，确认无损坏、无缺失、无超期使用", i),
			"设施完好有效，标识清晰，记录完整", "《中华人民共和国安全生产法》第四十一条", "C", "否"})
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImport10000Rows imports a 10,000-row spreadsheet into an enterprise on PostgreSQL and reports the
// time per import and the peak heap in use while it ran.
//
//	go test ./internal/standard -run '^$' -bench Import -benchtime 3x
func BenchmarkImport10000Rows(b *testing.B) { benchImport(b, sheetOf(b, 10_000), "") }

// BenchmarkImport20000RichRows imports the largest checklist the caps admit: 20,000 distinct rows as rich as
// the richest template items, just under 500 万字.
func BenchmarkImport20000RichRows(b *testing.B) {
	benchImport(b, sheettest.RichChecklist(b, 20_000), "")
}

// BenchmarkImport20000x800Refused imports the workbook of issue #13 (20,000 rows of 800-character cells), which
// the text cap refuses.
func BenchmarkImport20000x800Refused(b *testing.B) {
	benchImport(b, sheettest.LongCells(b, 20_000, 800), "sheet_too_much_text")
}

func benchImport(b *testing.B, data []byte, refusal string) {
	b.ReportMetric(float64(len(data))/1024, "file-KiB")
	var peak float64
	for b.Loop() {
		b.StopTimer()
		db := testdb.Postgres(b, clock.System{})
		sc, err := demo.Seed(context.Background(), db, clock.System{}, account.Hasher{Cost: 4}, false)
		if err != nil {
			b.Fatal(err)
		}
		svc := standard.NewService(db, clock.System{})
		b.StartTimer()
		var res standard.ImportResult
		peak = max(peak, sheettest.PeakHeap(func() {
			res, err = svc.Import(context.Background(), audit.Actor{ID: sc.MallAdminID}, sc.MallID, bytes.NewReader(data))
		}))
		if e, _ := apperr.As(err); refusal != "" && (e == nil || e.Code != refusal) || refusal == "" && err != nil {
			b.Fatalf("import: %v", err)
		}
		if refusal == "" && (res.ItemsCreated != res.Rows || res.LinksCreated != res.Rows) {
			b.Fatalf("import = %+v", res)
		}
	}
	b.ReportMetric(peak, "peak-heap-MiB")
}
