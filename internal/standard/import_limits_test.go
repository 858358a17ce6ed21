package standard_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/enterprise"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/apperr/apperrtest"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/sheet"
	"yqyb/internal/platform/sheet/sheettest"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/setup"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

type mall struct {
	db    *gorm.DB
	svc   *standard.Service
	actor audit.Actor
	ent   int64
	sc    demo.Scenario
	clk   clock.Clock
}

func seededMall(t testing.TB) mall {
	t.Helper()
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	sc, err := demo.Seed(context.Background(), db, clk, account.Hasher{Cost: bcrypt.MinCost}, false)
	if err != nil {
		t.Fatal(err)
	}
	return mall{db: db, svc: standard.NewService(db, clk), actor: audit.Actor{ID: sc.MallAdminID, Name: demo.MallName, EnterpriseID: sc.MallID},
		ent: sc.MallID, sc: sc, clk: clk}
}

func (m mall) items(t testing.TB) int64 {
	t.Helper()
	var n int64
	if err := m.db.Table("standard_items").Where("enterprise_id = ?", m.ent).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// The caps of a checklist import answer 400 with a code and a Chinese message that says where, before
// anything is written; a legitimately large file still imports.
func TestImportCaps(t *testing.T) {
	m := seededMall(t)
	ctx := context.Background()
	before := m.items(t)
	for _, tt := range []struct {
		name string
		file []byte
		code string
		msg  string
	}{
		{"the 20,000 × 800-character workbook", sheettest.LongCells(t, 20_000, 800), "sheet_too_much_text", "文件中的文字超过 500 万字（读到第"},
		{"a criterion over 2,000 characters", importWorkbook(t, []string{
			"仓储部\t叉车司机\t\t每日\t叉车\t制动\t检查制动\t完好",
			"仓储部\t叉车司机\t\t每日\t叉车\t灯光\t检查灯光\t" + strings.Repeat("准", 2001),
		}), "cell_too_long", "第3行“排查标准”列超过 2000 字"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := m.svc.Import(ctx, m.actor, m.ent, bytes.NewReader(tt.file))
			e := apperrtest.Refusal(t, err)
			if e == nil || e.Code != tt.code || e.Kind != apperr.Invalid || !strings.Contains(e.Message, tt.msg) {
				t.Fatalf("err = %v, want %s (400) saying %q", err, tt.code, tt.msg)
			}
			if n := m.items(t); n != before {
				t.Fatalf("a refused file wrote %d items", n-before)
			}
		})
	}
	if testing.Short() {
		t.Skip("the 10,000-row import takes seconds")
	}
	res, err := m.svc.Import(ctx, m.actor, m.ent, bytes.NewReader(sheetOf(t, 10_000)))
	if err != nil || res.ItemsCreated != 10_000 || res.LinksCreated != 10_000 {
		t.Fatalf("10,000 rows: %+v %v", res, err)
	}
}

type blockedImport struct {
	w    *io.PipeWriter
	done chan error
}

// At most two imports run at once in a process, checklist and enterprise imports alike: a third waits for a
// slot and, when none frees in time, is refused with import_busy (429) and a time to retry after. The two
// running imports are not disturbed, and once they finish the next import runs.
func TestImportsRunTwoAtATime(t *testing.T) {
	m := seededMall(t)
	st := setup.New(m.db, setup.Sources{StandardItems: standard.StandardItemCounts,
		PostsWithChecklist: standard.PostsWithChecklistCounts, ChecklistPosts: standard.PostsWithChecklist})
	ents := enterprise.NewService(m.db, m.clk, account.NewService(m.db, m.clk, account.Hasher{Cost: bcrypt.MinCost}), st)
	ctx := context.Background()
	if n := sheet.Imports.InUse(); n != 0 {
		t.Fatalf("%d imports already running", n)
	}

	var wg sync.WaitGroup
	gates := make(chan struct{})
	blocked := make([]*blockedImport, 2)
	for i := range blocked {
		file := importWorkbook(t, []string{fmt.Sprintf("仓储部\t叉车司机\t\t每日\t并发\t项目%d\t检查第%d项", i, i)})
		r, w := io.Pipe()
		blocked[i] = &blockedImport{w: w, done: make(chan error, 1)}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := m.svc.Import(ctx, m.actor, m.ent, r)
			blocked[i].done <- err
		}()
		// The import reads the upload only after taking its slot: once it has taken the first byte, it holds one.
		if _, err := w.Write(file[:1]); err != nil {
			t.Fatal(err)
		}
		go func() {
			<-gates
			w.Write(file[1:])
			w.Close()
		}()
	}
	if n := sheet.Imports.InUse(); n != 2 {
		t.Fatalf("%d slots taken, want 2", n)
	}

	// A third import, of either kind, finds no slot; the context stands in for the gate's 10 s wait.
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	third := importWorkbook(t, []string{"仓储部\t叉车司机\t\t每日\t并发\t项目3\t检查第3项"})
	_, err := m.svc.Import(short, m.actor, m.ent, bytes.NewReader(third))
	busy(t, err)
	short2, cancel2 := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel2()
	_, err = ents.Import(short2, audit.Actor{ID: m.sc.ChaoyangRegID}, "/110000/110105/", bytes.NewReader(third))
	busy(t, err)

	close(gates)
	wg.Wait()
	for i, b := range blocked {
		if err := <-b.done; err != nil {
			t.Fatalf("running import %d: %v", i, err)
		}
	}
	if n := sheet.Imports.InUse(); n != 0 {
		t.Fatalf("%d slots still taken", n)
	}
	res, err := m.svc.Import(ctx, m.actor, m.ent, bytes.NewReader(third))
	if err != nil || res.ItemsCreated != 1 {
		t.Fatalf("after the others finished: %+v %v", res, err)
	}
}

func busy(t *testing.T, err error) {
	t.Helper()
	e := apperrtest.Refusal(t, err)
	if e == nil || !errors.Is(err, sheet.ErrBusy) || e.Kind != apperr.TooMany || e.Details["retry_after_seconds"] == nil {
		t.Fatalf("err = %v, want import_busy with retry_after_seconds", err)
	}
}

// Imports into one enterprise take turns (PostgreSQL): the same file imported twice at once — a double click,
// or two admins — creates each category, item, checklist and checklist entry once, and both imports succeed.
func TestConcurrentImportsIntoOneEnterprise(t *testing.T) {
	m := seededMall(t)
	ctx := context.Background()
	before := m.items(t)
	for round := range 3 {
		lines := make([]string, 40)
		for i := range lines {
			lines[i] = fmt.Sprintf("仓储部\t叉车司机\t并发清单%d\t每日\t并发类别%d\t项目%d\t检查第%d项", round, round, i, i)
		}
		file := importWorkbook(t, lines)
		results := make([]standard.ImportResult, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				results[i], errs[i] = m.svc.Import(ctx, m.actor, m.ent, bytes.NewReader(file))
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, import %d: %v", round, i, err)
			}
		}
		if created := results[0].ItemsCreated + results[1].ItemsCreated; created != 40 {
			t.Fatalf("round %d: items created %d and %d, want 40 in all", round, results[0].ItemsCreated, results[1].ItemsCreated)
		}
		if links := results[0].LinksCreated + results[1].LinksCreated; links != 40 {
			t.Fatalf("round %d: links created %+v %+v", round, results[0], results[1])
		}
	}
	if n := m.items(t); n != before+120 {
		t.Fatalf("items = %d, want %d", n, before+120)
	}
}
