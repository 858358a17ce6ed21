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

var checklistHeader = []string{"部门", "岗位", "清单名称", "排查频次", "类别", "排查项目", "排查内容", "排查标准", "依据", "隐患等级", "重大隐患判定"}

// hugeChecklist is the workbook of hardening issue #13: 20,000 checklist rows whose 排查内容 and 排查标准 are
// 800 characters each, about 1.5 MB zipped and over 100 MB unzipped.
func hugeChecklist(tb testing.TB) []byte {
	long := strings.Repeat("检查设施完好情况确认无损坏无缺失", 50)
	return sheettest.Stream(tb, checklistHeader, 20_000, func(i int) []string {
		id := fmt.Sprintf("%05d", i)
		return []string{"仓储部", "叉车司机", "", "每日", "设备设施", "项目" + id, id + long[len(id):], long, "", "C", "否"}
	})
}

// The workbook that took 912 MiB of heap is refused as soon as its text passes the cap, with a 400 that says
// where; reading it allocates a bounded amount in total (an upper bound of the heap it can have used).
func TestReadRefusesTooMuchTextWithBoundedMemory(t *testing.T) {
	data := hugeChecklist(t)
	t.Logf("workbook: %d bytes", len(data))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := sheet.Read(bytes.NewReader(data), checklistHeader, 20_000)
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
