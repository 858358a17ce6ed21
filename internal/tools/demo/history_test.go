package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/account"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/storage"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/tools/demo"
)

// TestHistoryHazardsAgree: in the demo's six weeks of history every hazard is found on an item of a
// checklist of the post that found it, its name is that item's, and its description is about the same
// thing; the district's supervision is not due before the enterprise's own rectification deadline.
func TestHistoryHazardsAgree(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 11, 20, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	hasher := account.Hasher{Cost: bcrypt.MinCost}
	if _, err := demo.Seed(ctx, db, clk, hasher, false); err != nil {
		t.Fatal(err)
	}
	store, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedHistory(ctx, db, clk, hasher, store); err != nil {
		t.Fatal(err)
	}
	var hz []struct {
		Code, Subject, Description, PostName string
		OnPostChecklist                      bool
	}
	testdb.Must(t, db.Raw(`SELECT h.code, h.subject, h.description, p.name AS post_name,
			EXISTS (SELECT 1 FROM checklists c JOIN checklist_items ci ON ci.checklist_id = c.id JOIN standard_items si ON si.id = ci.item_id
				WHERE c.post_id = h.post_id AND si.subject = h.subject) AS on_post_checklist
		FROM hazards h JOIN enterprises e ON e.id = h.enterprise_id JOIN posts p ON p.id = h.post_id
		WHERE e.name = ? ORDER BY h.id`, demo.AndaName).Scan(&hz))
	if len(hz) < 5 {
		t.Fatalf("the history has %d hazards", len(hz))
	}
	// What each item's findings must mention: a word of the item's own subject matter.
	about := map[string][]string{
		"叉车安全装置与日常点检":    {"叉车"},
		"叉车驾驶作业":         {"叉车"},
		"装卸作业区照明与地面":     {"装卸", "地面"},
		"货架防撞与防坠落":       {"货架", "防撞"},
		"蓄电池充电区":         {"充电"},
		"储存物品火灾危险性与库房类别": {"库", "类"},
	}
	for _, h := range hz {
		if !h.OnPostChecklist {
			t.Errorf("%s「%s」was found by %s, whose checklists do not hold that item", h.Code, h.Subject, h.PostName)
		}
		words, ok := about[h.Subject]
		if !ok {
			t.Errorf("%s「%s」: a finding on an item the demo does not describe (%s)", h.Code, h.Subject, h.Description)
			continue
		}
		hit := false
		for _, w := range words {
			hit = hit || strings.Contains(h.Description, w)
		}
		if !hit {
			t.Errorf("%s「%s」is described as「%s」", h.Code, h.Subject, h.Description)
		}
	}
	var sv []struct {
		Code                  string
		Supervision, Deadline time.Time
	}
	testdb.Must(t, db.Raw(`SELECT h.code, v.deadline AS supervision, h.deadline FROM supervisions v JOIN hazards h ON h.id = v.hazard_id`).Scan(&sv))
	if len(sv) == 0 {
		t.Fatal("the history has no supervision")
	}
	for _, v := range sv {
		if clock.BusinessDate(v.Supervision).Before(clock.BusinessDate(v.Deadline)) {
			t.Errorf("%s is supervised by %s, before its rectification deadline %s", v.Code, v.Supervision, v.Deadline)
		}
	}
}
