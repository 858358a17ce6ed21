package sheet_test

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/apperr/apperrtest"
	"yqyb/internal/platform/sheet"
	"yqyb/internal/platform/sheet/sheettest"
)

// The workbook that took 912 MiB of heap is refused as soon as its text passes the cap, with a 400 that says
// where; reading it allocates a bounded amount in total (an upper bound of the heap it can have used).
func TestReadRefusesTooMuchTextWithBoundedMemory(t *testing.T) {
	data := sheettest.LongCells(t, 20_000, 800)
	t.Logf("workbook: %d bytes", len(data))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := sheet.Read(bytes.NewReader(data), sheettest.ChecklistHeader, 20_000)
	runtime.ReadMemStats(&after)
	e := apperrtest.Refusal(t, err)
	if e == nil || e.Code != "sheet_too_much_text" || e.Kind != apperr.Invalid {
		t.Fatalf("err = %v, want sheet_too_much_text (400)", err)
	}
	if row, _ := e.Details["row"].(int); row < 2 || row > 20_001 || !strings.Contains(e.Message, fmt.Sprintf("第%d行", row)) {
		t.Errorf("details = %v, message %q: want the row where the cap was reached", e.Details, e.Message)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%s; %d MiB allocated", e.Message, alloc>>20)
	if alloc > 128<<20 {
		t.Errorf("reading allocated %d MiB in total, want at most 128 MiB", alloc>>20)
	}
}

// BenchmarkRead reports the peak heap of sheet.Read (which keeps every row, as an import's plan does) on the
// workbook of issue #13, which it refuses, and on the largest checklist the caps admit: 20,000 rows just under
// 500 万字.
//
//	go test ./internal/platform/sheet -run '^$' -bench Read -benchtime 3x
func BenchmarkRead(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
		code string
	}{
		{"20000x800-refused", sheettest.LongCells(b, 20_000, 800), "sheet_too_much_text"},
		{"20000-rich-rows", sheettest.RichChecklist(b, 20_000), ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportMetric(float64(len(bc.data))/(1<<20), "file-MiB")
			var peak float64
			for b.Loop() {
				peak = max(peak, sheettest.PeakHeap(func() {
					rows, err := sheet.Read(bytes.NewReader(bc.data), sheettest.ChecklistHeader, 20_000)
					if e, _ := apperr.As(err); bc.code != "" && (e == nil || e.Code != bc.code) || bc.code == "" && (err != nil || len(rows) != 20_000) {
						b.Fatalf("%d rows, %v", len(rows), err)
					}
				}))
			}
			b.ReportMetric(peak, "peak-heap-MiB")
		})
	}
}
