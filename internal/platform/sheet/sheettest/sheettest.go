// Package sheettest builds import workbooks and checks import refusals for the tests and fuzz targets of the
// packages that import spreadsheets (enterprises, standards).
package sheettest

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

// heapInUse is the heap the runtime holds for objects (live or not yet swept), as runtime.MemStats.HeapInuse
// counts it, read without stopping the world.
func heapInUse(samples []metrics.Sample) uint64 {
	metrics.Read(samples)
	return samples[0].Value.Uint64() + samples[1].Value.Uint64()
}

// PeakHeap runs f and returns the highest heap in use while it ran, above what was in use before (after a
// collection), in MiB. A goroutine samples the heap every millisecond: a benchmark figure, not a bound a test
// can rely on.
func PeakHeap(f func()) float64 {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	runtime.GC()
	base := heapInUse(samples)
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		s := []metrics.Sample{{Name: samples[0].Name}, {Name: samples[1].Name}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			if h := heapInUse(s); h > base && h-base > peak.Load() {
				peak.Store(h - base)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	<-sampled
	return float64(peak.Load()) / (1 << 20)
}

// ChecklistHeader is the header of the checklist import (FAQ 19).
var ChecklistHeader = []string{"部门", "岗位", "清单名称", "排查频次", "类别", "排查项目", "排查内容", "排查标准", "依据", "隐患等级", "重大隐患判定"}

// demoPosts are posts of the demo mall, so that the checklist workbooks below import into it.
var demoPosts = [][2]string{{"仓储部", "叉车司机"}, {"仓储部", "库管员"}, {"工程部", "电工"}, {"工程部", "电梯管理员"}, {"营业部", "收银员"}}

// LongCells is the workbook of hardening issue #13: n checklist rows whose 排查内容 and 排查标准 are chars
// characters each (20,000 rows of 800: about 1.5 MB zipped, over 100 MB unzipped).
func LongCells(tb testing.TB, n, chars int) []byte {
	unit := []rune("检查设施完好情况确认无损坏无缺失")
	long := make([]rune, chars)
	for i := range long {
		long[i] = unit[i%len(unit)]
	}
	return Stream(tb, ChecklistHeader, n, func(i int) []string {
		p := demoPosts[i%len(demoPosts)]
		id := fmt.Sprintf("%05d", i)
		return []string{p[0], p[1], "", "每日", "设备设施", "项目" + id, id + string(long[len(id):]), string(long), "", "C", "否"}
	})
}

// RichChecklist is n checklist rows as rich as the shipped templates' richest items, every one distinct:
// about 245 characters a row, so 20,000 rows come just under the import's 500 万字.
func RichChecklist(tb testing.TB, n int) []byte {
	content := "核查危险化学品经营许可证的许可范围、有效期和经营场所，实际经营品种是否超出许可范围第"
	criterion := "依法取得危险化学品经营许可证并在有效期内；经营品种、经营方式（含仓储经营）和场所与许可一致；不得超范围经营；" +
		"储存品种和数量不超过设计和许可范围；氧化剂与还原剂、酸与碱等禁配物质不得混放混存，第"
	basis := "《危险化学品安全管理条例》第三十三条；《危险化学品经营许可证管理办法》"
	freq := []string{"每日", "每周", "每月"}
	return Stream(tb, ChecklistHeader, n, func(i int) []string {
		p := demoPosts[i%len(demoPosts)]
		f := freq[i%5%3]
		return []string{p[0], p[1], p[1] + f + "检查", f, fmt.Sprintf("类别%03d", i%100), fmt.Sprintf("项目%05d", i),
			fmt.Sprintf("%s%d项", content, i), fmt.Sprintf("%s%d条", criterion, i), basis, "C", "否"}
	})
}
