package schema_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/hazard"
	"yqyb/internal/inspection"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
	"yqyb/internal/platform/storage"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/schema"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
	"yqyb/pkg/period"
)

// compactVersion is the migration that makes inspection answers compact.
const compactVersion = 16

// tenantColumnsVersion adds enterprise_id to roles and checklist_items. Today's services write it, so the
// tests that seed an older schema with them apply it early (it only adds two columns).
const tenantColumnsVersion = 20

func migrate(t *testing.T, db *gorm.DB, below int) {
	t.Helper()
	migs, err := schema.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var use []database.Migration
	for _, m := range migs {
		if below == 0 || m.Version < below || m.Version == tenantColumnsVersion {
			use = append(use, m)
		}
	}
	if _, err := database.NewMigrator(db, use, time.Now).Up(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// oldAnswers reads an inspection's answers from the schema before the migration, as its Get did.
func oldAnswers(t *testing.T, db *gorm.DB, id int64) []inspection.Answer {
	t.Helper()
	var rows []struct {
		ItemID       int64
		CategoryName string
		Subject      string
		Content      string
		Criterion    string
		Basis        string
		ItemVersion  int
		ItemIsMajor  bool
		ItemGrade    string
		Result       *string
		Description  string
		GradeCode    string
		Location     string
		FixedOnSpot  bool
		NaReason     string
		PhotoIDs     string
		AnsweredAt   *time.Time
		HazardID     *int64
		AnswererName string
	}
	testdb.Must(t, db.Table("inspection_answers a").Select("a.*, COALESCE(u.display_name, '') AS answerer_name").
		Joins("LEFT JOIN users u ON u.id = a.answered_by").Where("a.inspection_id = ?", id).Order("a.sort_order").Scan(&rows))
	out := []inspection.Answer{}
	for _, a := range rows {
		out = append(out, inspection.Answer{ItemID: a.ItemID, CategoryName: a.CategoryName, Subject: a.Subject, Content: a.Content,
			Criterion: a.Criterion, Basis: a.Basis, ItemVersion: a.ItemVersion, IsMajor: a.ItemIsMajor, DefaultGrade: a.ItemGrade, Result: a.Result,
			Description: a.Description, GradeCode: a.GradeCode, Location: a.Location, FixedOnSpot: a.FixedOnSpot, NaReason: a.NaReason,
			PhotoIDs: splitIDs(a.PhotoIDs), AnsweredBy: a.AnswererName, AnsweredAt: a.AnsweredAt, HazardID: a.HazardID})
	}
	return out
}

func splitIDs(s string) []int64 {
	out := []int64{}
	var n int64
	have := false
	for _, c := range s + "," {
		if c == ',' {
			if have {
				out = append(out, n)
			}
			n, have = 0, false
			continue
		}
		n, have = n*10+int64(c-'0'), true
	}
	return out
}

// same compares answers as the API shows them (instants compared as instants).
func same(t *testing.T, what string, got, want []inspection.Answer) {
	t.Helper()
	norm := func(as []inspection.Answer) string {
		for i := range as {
			if as[i].AnsweredAt != nil {
				at := as[i].AnsweredAt.UTC()
				as[i].AnsweredAt = &at
			}
		}
		b, err := json.Marshal(as)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if g, w := norm(got), norm(want); g != w {
		t.Errorf("%s: answers changed by the migration\n got %s\nwant %s", what, g, w)
	}
}

// TestMigrationCompactsAnswers writes inspections in the schema before migration 0016 — every answer a row
// with its item's texts — covering what the conversion must keep: all 合格 by one user, exceptions, drafts
// answered by two users at two times, unanswered items on either side of the default, an item's text
// changed between inspections; then migrates and checks that the service shows every answer as before,
// that only the exceptions stay rows and that equal item lists share a version.
func TestMigrationCompactsAnswers(t *testing.T) {
	for _, dialect := range []string{database.Postgres, database.SQLite} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			clk := clock.NewFixed(time.Date(2026, 11, 20, 10, 0, 0, 0, clock.Business))
			var db *gorm.DB
			if dialect == database.Postgres {
				db = testdb.PostgresEmpty(t)
			} else {
				db = testdb.SQLiteEmpty(t, clk)
			}
			migrate(t, db, compactVersion)
			sc, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false)
			if err != nil {
				t.Fatal(err)
			}
			ent, admin := sc.MallID, audit.Actor{ID: sc.MallAdminID, Name: demo.MallName, EnterpriseID: sc.MallID}
			std := standard.NewService(db, clk)
			v, err := std.Create(ctx, admin, ent, true)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range v.Categories {
				for _, it := range c.Items {
					if len(ids) < 5 {
						ids = append(ids, it.ID)
					}
				}
			}
			post := sc.Posts["仓储部/叉车司机"]
			cl, err := std.CreateChecklist(ctx, admin, ent, standard.ChecklistInput{PostID: post, Name: "叉车点检", Frequency: "daily", ItemIDs: ids})
			if err != nil {
				t.Fatal(err)
			}
			items, err := standard.CurrentItems(db, ent, cl.ID)
			if err != nil || len(items) != 5 {
				t.Fatalf("items = %d, %v", len(items), err)
			}
			fork, keeper := sc.Users[demo.MallForklift], sc.Users[demo.MallKeeper]
			t0 := time.Date(2026, 11, 1, 9, 0, 0, 123456000, time.UTC)
			t1 := t0.Add(90 * time.Minute)
			type ans struct {
				result            string // "" unanswered
				by                int64
				at                time.Time
				desc, grade, loc  string
				na, photos        string
				spot              bool
				hazard            int64
				changeSubjectText bool
			}
			ok := func(by int64, at time.Time) ans { return ans{result: "ok", by: by, at: at} }
			none := ans{}
			cases := []struct {
				name    string
				status  string
				answers [5]ans
				rows    int64
			}{
				{"all 合格 by one user", "submitted", [5]ans{ok(fork, t1), ok(fork, t1), ok(fork, t1), ok(fork, t1), ok(fork, t1)}, 0},
				{"a hazard and a 不涉及", "submitted", [5]ans{ok(fork, t1), ok(fork, t1), ok(fork, t1),
					{result: "hazard", by: fork, at: t1, desc: "货叉链条断股", grade: "C", loc: "二号仓库", spot: true, photos: "7,8", hazard: 4242},
					{result: "na", by: fork, at: t1, na: "本周未使用"}}, 2},
				{"a draft of two users, two unanswered", "draft", [5]ans{ok(keeper, t0), ok(fork, t1), {result: "ok", by: fork, at: t1, photos: "9"}, none, none}, 3},
				{"a draft not answered", "draft", [5]ans{none, none, none, none, none}, 0},
				{"an item's text changed since", "submitted", [5]ans{ok(fork, t1), ok(fork, t1), {result: "ok", by: fork, at: t1, changeSubjectText: true},
					ok(keeper, t0), ok(fork, t1)}, 1},
				{"a draft of 合格 with one unanswered", "draft", [5]ans{ok(fork, t1), ok(fork, t1), none, ok(fork, t1), ok(fork, t1)}, 1},
			}
			insp := make([]int64, len(cases))
			before := make([][]inspection.Answer, len(cases))
			for n, c := range cases {
				p := period.Of(period.Daily, t0.AddDate(0, 0, n), clock.Business)
				var sub any
				var subAt any
				if c.status == "submitted" {
					sub, subAt = fork, t1
				}
				testdb.Must(t, db.Raw(`INSERT INTO inspections (enterprise_id, checklist_id, post_id, checklist_name, frequency, period_key, period_start,
					period_end, status, started_by, started_at, submitted_by, submitted_at, hazard_count, version, updated_at)
					VALUES (?, ?, ?, ?, 'daily', ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?) RETURNING id`, ent, cl.ID, post, cl.Name, p.Key, p.Start.UTC(), p.End.UTC(),
					c.status, fork, t0, sub, subAt, t0).Scan(&insp[n]))
				for i, a := range c.answers {
					it := items[i]
					subject := it.Subject
					if a.changeSubjectText {
						subject = "旧的排查项目名称"
					}
					row := map[string]any{"inspection_id": insp[n], "item_id": it.ItemID, "sort_order": i, "category_name": it.CategoryName, "subject": subject,
						"content": it.Content, "criterion": it.Criterion, "basis": it.Basis, "item_version": it.ItemVersion, "item_is_major": it.IsMajor,
						"item_grade": it.GradeCode, "description": a.desc, "grade_code": a.grade, "location": a.loc, "fixed_on_spot": a.spot,
						"na_reason": a.na, "photo_ids": a.photos}
					if a.result != "" {
						row["result"], row["answered_by"], row["answered_at"] = a.result, a.by, a.at
					}
					if a.hazard != 0 {
						row["hazard_id"] = a.hazard
					}
					testdb.Must(t, db.Table("inspection_answers").Create(row))
				}
				before[n] = oldAnswers(t, db, insp[n])
			}

			migrate(t, db, 0)
			svc := inspection.NewService(db, clk, hazard.NewService(db, clk))
			versions := map[int64]bool{}
			for n, c := range cases {
				d, err := svc.Get(ctx, ent, insp[n], 0)
				if err != nil {
					t.Fatal(err)
				}
				same(t, c.name, d.Answers, before[n])
				answered := 0
				for _, a := range before[n] {
					if a.Result != nil {
						answered++
					}
				}
				if d.Answered != answered {
					t.Errorf("%s: answered = %d, want %d", c.name, d.Answered, answered)
				}
				var rows, version int64
				testdb.Must(t, db.Table("inspection_answers").Where("inspection_id = ?", insp[n]).Count(&rows))
				testdb.Must(t, db.Table("inspections").Where("id = ?", insp[n]).Select("checklist_version_id").Scan(&version))
				if rows != c.rows {
					t.Errorf("%s: %d answer rows, want %d", c.name, rows, c.rows)
				}
				versions[version] = true
			}
			if len(versions) != 2 {
				t.Errorf("%d versions for two distinct item lists", len(versions))
			}
			q, err := inspection.Spec.Parse(url.Values{"page_size": {"50"}})
			if err != nil {
				t.Fatal(err)
			}
			page, err := svc.List(ctx, ent, inspection.Filter{ChecklistID: cl.ID}, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range page.Items {
				for n := range cases {
					if s.ID != insp[n] {
						continue
					}
					d, _ := svc.Get(ctx, ent, s.ID, 0)
					if s.Items != 5 || s.Answered != d.Answered {
						t.Errorf("%s: the list says %d of %d answered, the inspection %d of 5", cases[n].name, s.Answered, s.Items, d.Answered)
					}
				}
			}
			if dialect != database.Postgres {
				return
			}
			// The converted version has the digest the service computes: today's inspection of the unchanged
			// checklist reuses it.
			d, err := svc.Start(ctx, fork, ent, post, cl.ID)
			if err != nil {
				t.Fatal(err)
			}
			var version, first int64
			testdb.Must(t, db.Table("inspections").Where("id = ?", d.ID).Select("checklist_version_id").Scan(&version))
			testdb.Must(t, db.Table("inspections").Where("id = ?", insp[0]).Select("checklist_version_id").Scan(&first))
			if version != first {
				t.Errorf("a new inspection of the unchanged checklist made version %d instead of reusing %d", version, first)
			}
		})
	}
}

// TestMigrationKeepsHistory converts the demo's six weeks of history (`yqyb seed --history`): the data is
// put back into the form before migration 0016 — every item of every inspection a row with its texts —
// and migrated again; every inspection must read the same through the service before and after.
func TestMigrationKeepsHistory(t *testing.T) {
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
	var list []struct{ ID, EnterpriseID int64 }
	testdb.Must(t, db.Raw("SELECT id, enterprise_id FROM inspections ORDER BY id").Scan(&list))
	if len(list) < 20 {
		t.Fatalf("the history has %d inspections", len(list))
	}
	read := func() map[int64]inspection.Detail {
		svc := inspection.NewService(db, clk, hazard.NewService(db, clk))
		out := map[int64]inspection.Detail{}
		for _, i := range list {
			d, err := svc.Get(ctx, i.EnterpriseID, i.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			out[i.ID] = d
		}
		return out
	}
	before := read()
	var rowsBefore int64
	testdb.Must(t, db.Table("inspection_answers").Count(&rowsBefore))
	unpartition(t, db) // 0024 goes too, and runs again after 0016
	for _, s := range []string{
		`CREATE TABLE answers_before_0016 (
			inspection_id BIGINT NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
			item_id BIGINT NOT NULL REFERENCES standard_items(id),
			sort_order INTEGER NOT NULL, category_name TEXT NOT NULL, subject TEXT NOT NULL, content TEXT NOT NULL, criterion TEXT NOT NULL,
			basis TEXT NOT NULL, item_version INTEGER NOT NULL, item_is_major BOOLEAN NOT NULL, item_grade TEXT NOT NULL DEFAULT '',
			result TEXT CHECK (result IN ('ok', 'hazard', 'na')), description TEXT NOT NULL DEFAULT '', grade_code TEXT NOT NULL DEFAULT '',
			location TEXT NOT NULL DEFAULT '', fixed_on_spot BOOLEAN NOT NULL DEFAULT FALSE, na_reason TEXT NOT NULL DEFAULT '',
			photo_ids TEXT NOT NULL DEFAULT '', answered_by BIGINT REFERENCES users(id), answered_at TIMESTAMPTZ, hazard_id BIGINT,
			PRIMARY KEY (inspection_id, item_id))`,
		`INSERT INTO answers_before_0016 SELECT i.id, vi.item_id, vi.sort_order, vi.category_name, vi.subject, vi.content, vi.criterion, vi.basis,
			vi.item_version, vi.is_major, vi.grade_code,
			CASE WHEN a.item_id IS NOT NULL THEN a.result WHEN i.ok_at IS NOT NULL THEN 'ok' END,
			COALESCE(a.description, ''), COALESCE(a.grade_code, ''), COALESCE(a.location, ''), COALESCE(a.fixed_on_spot, FALSE),
			COALESCE(a.na_reason, ''), COALESCE(a.photo_ids, ''),
			CASE WHEN a.item_id IS NOT NULL THEN a.answered_by ELSE i.ok_by END, CASE WHEN a.item_id IS NOT NULL THEN a.answered_at ELSE i.ok_at END,
			a.hazard_id
			FROM inspections i JOIN checklist_version_items vi ON vi.version_id = i.checklist_version_id
			LEFT JOIN inspection_answers a ON a.inspection_id = i.id AND a.item_id = vi.item_id`,
		`DROP TABLE inspection_answers`,
		`ALTER TABLE answers_before_0016 RENAME TO inspection_answers`,
		`ALTER TABLE inspections DROP COLUMN checklist_version_id, DROP COLUMN ok_by, DROP COLUMN ok_at`,
		`DROP TABLE checklist_version_items`,
		`DROP TABLE checklist_versions`,
		fmt.Sprintf(`DELETE FROM schema_migrations WHERE version = %d`, compactVersion),
	} {
		testdb.Must(t, db.Exec(s))
	}
	var expanded int64
	testdb.Must(t, db.Table("inspection_answers").Count(&expanded))
	migrate(t, db, 0)
	after := read()
	for _, i := range list {
		b, _ := json.Marshal(before[i.ID])
		a, _ := json.Marshal(after[i.ID])
		if string(a) != string(b) {
			t.Errorf("inspection %d changed by the migration\nbefore %s\n after %s", i.ID, b, a)
		}
	}
	var rowsAfter int64
	testdb.Must(t, db.Table("inspection_answers").Count(&rowsAfter))
	t.Logf("%d inspections: %d answers in the old form, %d rows before, %d after the migration", len(list), expanded, rowsBefore, rowsAfter)
	if rowsAfter != rowsBefore {
		t.Errorf("the migration kept %d answer rows, the service had written %d", rowsAfter, rowsBefore)
	}
}
