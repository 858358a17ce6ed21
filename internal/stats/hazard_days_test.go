package stats_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/org"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/setup"
	"yqyb/internal/standard"
	"yqyb/internal/stats"
	"yqyb/internal/tools/demo"
)

// oldHazardFigures is the dashboard's hazard figures as they were computed before the per-day counts: the
// hazards found in the range under the region, by level and grade, with how many are closed now.
func oldHazardFigures(t *testing.T, db *gorm.DB, path string, r stats.Range) (stats.LevelFigures, stats.LevelFigures, []stats.GradeCount) {
	t.Helper()
	var rows []struct {
		LegalLevel, GradeCode string
		Found, Closed         int
	}
	testdb.Must(t, db.Raw(`SELECT legal_level, grade_code, COUNT(*) AS found, SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END) AS closed
		FROM hazards WHERE region_path LIKE ? AND found_at >= ? AND found_at < ? GROUP BY legal_level, grade_code`,
		path+"%", r.From.UTC(), r.To.UTC()).Scan(&rows))
	var g, m stats.LevelFigures
	grades := map[string]int{}
	for _, x := range rows {
		lf := &g
		if x.LegalLevel == "major" {
			lf = &m
		}
		lf.Found += x.Found
		lf.Closed += x.Closed
		grades[x.GradeCode] += x.Found
	}
	out := []stats.GradeCount{}
	for k, n := range grades {
		out = append(out, stats.GradeCount{Grade: k, Count: n})
	}
	slices.SortFunc(out, func(a, b stats.GradeCount) int { return compare(a.Grade, b.Grade) })
	return g, m, out
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestHazardDayCountsEqualTheOldCount: on both engines, the regional dashboard's hazard figures, now summed
// from the per-enterprise, per-day counts the refresh keeps, equal the count over the hazards themselves,
// for hazards found on both sides of Beijing's midnight, in several regions and ranges, and after hazards
// found on earlier days change status (closed, reopened) on later days.
func TestHazardDayCountsEqualTheOldCount(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			ctx := context.Background()
			start := time.Date(2026, 10, 1, 9, 0, 0, 0, clock.Business)
			clk := clock.NewFixed(start)
			db := engine.Open(t, clk)
			sc, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false)
			if err != nil {
				t.Fatal(err)
			}
			st := setup.New(db, setup.Sources{StandardItems: standard.StandardItemCounts,
				PostsWithChecklist: standard.PostsWithChecklistCounts, ChecklistPosts: standard.PostsWithChecklist})
			svc := stats.New(db, clk, st)

			type ent struct {
				id   int64
				path string
			}
			var ents []ent
			for _, id := range []int64{sc.MallID, sc.FactoryID} {
				var p string
				testdb.Must(t, db.Table("enterprises").Where("id = ?", id).Pluck("region_path", &p))
				ents = append(ents, ent{id, p})
			}
			n := 0
			// add registers a hazard found at the given Beijing time.
			add := func(e ent, found time.Time, level, grade, status string) int64 {
				n++
				now := clk.Now().UTC()
				row := map[string]any{"enterprise_id": e.id, "code": fmt.Sprintf("T-%04d", n), "source": "report", "subject": "测试隐患",
					"description": "测试", "grade_code": grade, "legal_level": level, "status": status, "found_by": sc.MallAdminID,
					"found_at": found.UTC(), "created_at": now, "updated_at": now, "region_path": e.path}
				testdb.Must(t, db.Table("hazards").Create(row))
				var id int64
				testdb.Must(t, db.Table("hazards").Where("enterprise_id = ? AND code = ?", e.id, row["code"]).Pluck("id", &id))
				return id
			}
			day := func(d, h, m int) time.Time { return time.Date(2026, 10, d, h, m, 0, 0, clock.Business) }
			var ids []int64
			for i, e := range ents {
				ids = append(ids,
					add(e, day(1, 0, 0), "general", "A", "registered"),          // the first minute of a day
					add(e, day(1, 23, 59), "general", "B", "closed"),            // its last minute (15:59 UTC)
					add(e, day(2, 0, 1), "major", "C", "rectifying"),            // the next day, 16:01 UTC the day before
					add(e, day(2, 7, 59), "general", "A", "pending_acceptance"), // before 08:00, still the previous UTC day
					add(e, day(5+i, 12, 0), "major", "C", "closed"),
					add(e, day(9, 18, 30), "general", "B", "registered"),
					add(e, time.Date(2026, 9, 30, 23, 59, 0, 0, clock.Business), "general", "A", "registered"), // before the quarter
				)
			}
			regions := map[string]string{"city": "/110000/"}
			for i, e := range ents {
				regions[fmt.Sprint("enterprise region ", i)] = e.path
			}
			ranges := map[string]stats.Range{
				"quarter":       stats.DefaultRange(clk.Now()),
				"one day":       {From: day(1, 0, 0), To: day(2, 0, 0)},
				"second day on": {From: day(2, 0, 0), To: day(31, 0, 0)},
				"first week":    {From: time.Date(2026, 9, 28, 0, 0, 0, 0, clock.Business), To: day(6, 0, 0)},
			}
			check := func(when string) {
				t.Helper()
				for rn, path := range regions {
					var reg org.Region
					testdb.Must(t, db.Table("regions").Where("path = ?", path).Take(&reg))
					for name, r := range ranges {
						d, err := svc.RegionDashboard(ctx, reg, r)
						if err != nil {
							t.Fatal(err)
						}
						g, m, grades := oldHazardFigures(t, db, path, r)
						f := d.Figures
						if f.General.Found != g.Found || f.General.Closed != g.Closed || f.Major.Found != m.Found || f.Major.Closed != m.Closed ||
							!slices.Equal(f.ByGrade, grades) || rateText(f.General.RectificationRate) != rateOf(g) || rateText(f.Major.RectificationRate) != rateOf(m) {
							t.Errorf("%s, %s, %s: general %+v major %+v grades %v; the hazards say general %+v major %+v grades %v",
								when, rn, name, f.General, f.Major, f.ByGrade, g, m, grades)
						}
					}
				}
			}
			if _, err := svc.Refresh(ctx, ""); err != nil {
				t.Fatal(err)
			}
			check("after the first refresh")
			var total int64
			testdb.Must(t, db.Table("hazards").Where("code LIKE 'T-%'").Count(&total))
			if total != int64(len(ids)) {
				t.Fatalf("%d hazards, want %d", total, len(ids))
			}

			// Days later, hazards found on the first days close, one is reopened (sent back to rectifying),
			// one is regraded, and new ones are found; the counts of the days they were found move.
			clk.Advance(3 * 24 * time.Hour)
			move := func(id int64, set map[string]any) {
				set["updated_at"] = clk.Now().UTC()
				testdb.Must(t, db.Table("hazards").Where("id = ?", id).Updates(set))
			}
			move(ids[0], map[string]any{"status": "closed", "closed_at": clk.Now().UTC()})
			move(ids[2], map[string]any{"status": "closed", "closed_at": clk.Now().UTC()})
			move(ids[1], map[string]any{"status": "rectifying", "closed_at": nil})
			move(ids[8], map[string]any{"grade_code": "D"})
			add(ents[1], day(3, 10, 0), "major", "C", "registered")
			if _, err := svc.Refresh(ctx, ""); err != nil {
				t.Fatal(err)
			}
			check("after status changes on a later day")

			// A later refresh with nothing changed keeps them.
			clk.Advance(time.Hour)
			if _, err := svc.Refresh(ctx, ""); err != nil {
				t.Fatal(err)
			}
			check("after a refresh with no change")

			// A development clock moved back a day: what changes now still reaches the counts.
			clk.Advance(-24 * time.Hour)
			move(ids[3], map[string]any{"status": "closed", "closed_at": clk.Now().UTC()})
			if _, err := svc.Refresh(ctx, ""); err != nil {
				t.Fatal(err)
			}
			check("after a change with the clock moved back")
		})
	}
}

func rateText(r *float64) string {
	if r == nil {
		return "null"
	}
	return fmt.Sprintf("%.1f", *r)
}

func rateOf(l stats.LevelFigures) string {
	if l.Found == 0 {
		return "null"
	}
	return fmt.Sprintf("%.1f", float64(l.Closed)/float64(l.Found)*100)
}
