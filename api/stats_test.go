package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"yqyb/internal/feed"
	"yqyb/internal/hazard"
	"yqyb/internal/inspection"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/setup"
	"yqyb/internal/stats"
	"yqyb/internal/tools/demo"
	"yqyb/pkg/period"
)

// statsFixture is a constructed month of the demo mall (朝阳示范商场): a daily forklift checklist due since
// 31 October, a weekly electrics checklist created on 20 November, inspections on chosen days, and three
// hazards with known fates. Every expected figure below is worked out by hand in the comments.
type statsFixture struct {
	*inspectionFixture
	hzGeneral, hzOverdue, hzMajor hazard.View
}

func at(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, clock.Business) }

func newStatsFixture(t *testing.T) *statsFixture {
	t.Helper()
	f := &statsFixture{inspectionFixture: newInspectionFixture(t)}
	env := f.env
	// The demo enterprises were registered in September, well before any of this.
	testdb.Must(t, env.db.Exec("UPDATE enterprises SET created_at = ?", time.Date(2026, 9, 1, 0, 0, 0, 0, clock.Business).UTC()))
	// Daily checklist created 31 Oct 12:00: every daily period from 1 November is due, 31 October is not.
	testdb.Must(t, env.db.Exec("UPDATE checklists SET created_at = ? WHERE id = ?", time.Date(2026, 10, 31, 12, 0, 0, 0, clock.Business).UTC(), f.daily))
	testdb.Must(t, env.db.Exec("UPDATE checklists SET created_at = ? WHERE id = ?", at(20, 9).UTC(), f.weekly))
	submit := func(day int, answers func(d []map[string]any, ids []int64)) {
		env.clk.Set(at(day, 9))
		f.forklift = env.login("personal", demo.MallForklift, pw).AccessToken
		d := f.start(t, f.forklift, f.daily)
		a := allOK(d)
		ids := make([]int64, len(d.Answers))
		for i, x := range d.Answers {
			ids[i] = x.ItemID
		}
		if answers != nil {
			answers(a, ids)
		}
		if r := env.as(f.forklift, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", d.ID), map[string]any{"answers": a}); r.Code != 200 {
			t.Fatalf("submit on %d = %d %s", day, r.Code, r.Body)
		}
	}
	// First half: one daily inspection (3 Nov) of 15 due.
	submit(3, nil)
	// Second half: 16th finds a general B and a major (the major item, graded C); 17th a general D; 20th clean.
	submit(16, func(a []map[string]any, ids []int64) {
		a[0] = map[string]any{"item_id": ids[0], "result": "hazard", "description": "叉车制动距离过长", "grade_code": "B"}
		a[4] = map[string]any{"item_id": f.inspectionFixture.major, "result": "hazard", "description": "重大隐患判定条目不合格", "grade_code": "C"}
	})
	submit(17, func(a []map[string]any, ids []int64) {
		a[1] = map[string]any{"item_id": ids[1], "result": "hazard", "description": "通道有杂物", "grade_code": "D"}
	})
	submit(20, nil)
	// The weekly checklist in week 48 (23–29 Nov), on the 25th.
	env.clk.Set(at(25, 8))
	f.electrics = env.login("personal", demo.MallElectrician, pw).AccessToken
	w := f.start(t, f.electrics, f.weekly)
	env.as(f.electrics, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", w.ID), map[string]any{"answers": allOK(w)})

	var ledger HazardPage
	f.admin = env.login("personal", demo.MallName, pw).AccessToken
	env.as(f.admin, http.MethodGet, "/api/v1/hazards?sort=id", nil).decode(t, &ledger)
	if len(ledger.Items) != 3 {
		t.Fatalf("ledger = %+v", ledger.Items)
	}
	for _, h := range ledger.Items {
		switch {
		case h.LegalLevel == "major":
			f.hzMajor = h
		case h.GradeCode == "B":
			f.hzGeneral = h
		default:
			f.hzOverdue = h
		}
	}
	// On the 18th: the B hazard is assigned (due 19th), fixed and accepted on the 19th; the D hazard is
	// assigned due the 19th and left; the major gets its plan, due 31 December.
	env.clk.Set(at(18, 9))
	f.admin = env.login("personal", demo.MallName, pw).AccessToken
	f.electrics = env.login("personal", demo.MallElectrician, pw).AccessToken
	step := func(token string, h hazard.View, action string, body any) {
		t.Helper()
		if r := env.as(token, http.MethodPost, fmt.Sprintf("/api/v1/hazards/%d/%s", h.ID, action), body); r.Code != 200 {
			t.Fatalf("%s %s = %d %s", action, h.Code, r.Code, r.Body)
		}
	}
	step(f.admin, f.hzGeneral, "assign", map[string]any{"responsible_person": "李强", "measures": "更换制动片", "funds": 800, "deadline": "2026-11-19"})
	step(f.admin, f.hzOverdue, "assign", map[string]any{"responsible_person": "李强", "measures": "清理通道", "funds": 200, "deadline": "2026-11-19"})
	step(f.admin, f.hzMajor, "assign", map[string]any{"responsible_person": "王建国", "measures": "停用检修", "funds": 50000, "deadline": "2026-12-31",
		"plan": map[string]any{"goal": "消除重大隐患", "method": "停用并检修", "funds_materials": "5万元", "responsible_unit": "工程部",
			"responsible_person": "王建国", "time_limit": "年底前", "safety_measures": "设置警戒区", "emergency_measures": "启动应急预案"}})
	var photo struct{ ID int64 }
	env.upload(f.electrics, "/api/v1/files", "制动.jpg", jpeg).decode(t, &photo)
	env.clk.Set(at(19, 9))
	f.admin = env.login("personal", demo.MallName, pw).AccessToken
	f.electrics = env.login("personal", demo.MallElectrician, pw).AccessToken
	step(f.electrics, f.hzGeneral, "fix", map[string]any{"note": "已更换", "photo_ids": []int64{photo.ID}})
	step(f.admin, f.hzGeneral, "accept", map[string]any{"note": "合格"})
	// Stand on 25 November, 09:00.
	env.clk.Set(at(25, 9))
	return f
}

func (f *statsFixture) refresh(t *testing.T) {
	t.Helper()
	if _, err := f.env.srv.stats.Refresh(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
}

func (f *statsFixture) get(t *testing.T, user, path string, v any) *response {
	t.Helper()
	tok := f.env.login("personal", user, pw)
	r := f.env.as(tok.AccessToken, http.MethodGet, path, nil)
	if v != nil && r.Code == 200 {
		r.decode(t, v)
	}
	return r
}

func pctIs(p *float64, want float64) bool { return p != nil && *p == want }

func TestStatisticsOnAConstructedMonth(t *testing.T) {
	f := newStatsFixture(t)
	env := f.env
	// The first half of November ended on the 16th: freeze it, as the job does.
	if n, err := env.srv.stats.SnapshotDue(context.Background()); err != nil || n == 0 {
		t.Fatalf("snapshots = %d, %v", n, err)
	}
	f.refresh(t)

	var completeness setup.Status
	f.get(t, demo.MallName, "/api/v1/setup", &completeness)
	// The mall has submitted inspections: it is in use, and its admin lands on 首页 whatever setup lacks;
	// the factory has not.
	for name, want := range map[string]bool{demo.MallName: true, demo.FactoryName: false} {
		var me MeResponse
		if r := f.get(t, name, "/api/v1/me", &me); r.Code != 200 || me.InUse == nil || *me.InUse != want || me.SetupComplete == nil {
			t.Errorf("%s's /me = in_use %v, setup_complete %v; want in use %v", name, me.InUse, me.SetupComplete, want)
		}
	}

	var home EnterpriseDashboard
	if r := f.get(t, demo.MallName, "/api/v1/dashboard", &home); r.Code != 200 {
		t.Fatalf("dashboard = %d %s", r.Code, r.Body)
	}
	fig := home.Summary.Figures
	// Live usage on 25 Nov 09:00: daily 16–24 ended (9 due, 3 submitted: 16, 17, 20), week 48 open but
	// submitted (due and done) → 4 of 10 = 40%.
	if fig.Usage.Due != 10 || fig.Usage.OnTime != 4 || !pctIs(fig.Usage.Rate, 40) || !fig.Usage.Live {
		t.Errorf("usage = %+v", fig.Usage)
	}
	// The quarter so far: October has nothing due (the checklist began on 31 Oct at noon), Nov H1 15 due 1
	// done (snapshot), Nov H2 live 10 due 4 done → 5 of 25 = 20%.
	if !pctIs(fig.InspectionRate, 20) {
		t.Errorf("inspection rate = %v, trend %+v", fig.InspectionRate, fig.UsageTrend)
	}
	var h1 *stats.HalfUsage
	for i := range fig.UsageTrend {
		if fig.UsageTrend[i].Key == "2026-11-H1" {
			h1 = &fig.UsageTrend[i]
		}
	}
	if h1 == nil || h1.Due != 15 || h1.OnTime != 1 || !pctIs(h1.Rate, 6.7) || h1.Live {
		t.Errorf("November H1 = %+v", h1)
	}
	// Hazards: general found 2 (B, D), closed 1 → 50%; major found 1, closed 0 → 0%; by grade B, C, D one each;
	// open: 1 general (D) and 1 major; overdue: the D hazard (deadline 19 Nov) only.
	if fig.General.Found != 2 || fig.General.Closed != 1 || !pctIs(fig.General.RectificationRate, 50) ||
		fig.Major.Found != 1 || fig.Major.Closed != 0 || !pctIs(fig.Major.RectificationRate, 0) {
		t.Errorf("by level = %+v / %+v", fig.General, fig.Major)
	}
	if g := fmt.Sprint(fig.ByGrade); g != "[{B 1} {C 1} {D 1}]" {
		t.Errorf("by grade = %s", g)
	}
	if fig.OpenGeneral != 1 || fig.OpenMajor != 1 || fig.Overdue != 1 {
		t.Errorf("open = %d general, %d major, %d overdue", fig.OpenGeneral, fig.OpenMajor, fig.Overdue)
	}
	if fig.Completeness != completeness.Completeness {
		t.Errorf("completeness = %v, setup says %v", fig.Completeness, completeness.Completeness)
	}
	// This half-month: 4 done, 6 missed (daily 18, 19, 21, 22, 23, 24), and today's daily period open;
	// the weekly one is submitted.
	if in := home.Inspections; in.Done != 4 || in.Missed != 6 || in.Open != 1 {
		t.Errorf("inspections = %+v", in)
	}
	if len(home.Summary.OpenMajors) != 1 || !home.Summary.OpenMajors[0].HasPlan {
		t.Errorf("open majors = %+v", home.Summary.OpenMajors)
	}

	// A range with no hazards has no rectification rate (null), not 0%.
	if r := f.get(t, demo.MallName, "/api/v1/dashboard?from=2026-10-01&to=2026-10-31", &home); r.Code != 200 ||
		home.Summary.Figures.General.RectificationRate != nil || home.Summary.Figures.General.Found != 0 {
		t.Errorf("October = %d %+v", r.Code, home.Summary.Figures.General)
	}
	for _, q := range []string{"from=2026-12-01&to=2026-11-01", "from=2020-01-01&to=2026-11-01", "from=yesterday"} {
		if r := f.get(t, demo.MallName, "/api/v1/dashboard?"+q, nil); r.Code != 400 {
			t.Errorf("%s = %d", q, r.Code)
		}
	}

	// The district dashboard adds up the same figures (the mall is 朝阳's only enterprise with data).
	var d stats.Dashboard
	if r := f.get(t, demo.ChaoyangReg, "/api/v1/regulator/dashboard", &d); r.Code != 200 {
		t.Fatalf("district dashboard = %d %s", r.Code, r.Body)
	}
	df := d.Figures
	if df.Usage.Due != 10 || df.Usage.OnTime != 4 || !pctIs(df.InspectionRate, 20) || df.General.Found != 2 || df.Major.Found != 1 ||
		df.OpenMajor != 1 || df.Overdue != 1 || d.Region.Name != "朝阳区" {
		t.Errorf("朝阳 = %+v", df)
	}
	if len(d.OpenMajors) != 1 || d.OpenMajors[0].Code != f.hzMajor.Code || len(d.MostOverdue) != 1 || d.MostOverdue[0].Name != demo.MallName {
		t.Errorf("朝阳 lists = majors %+v overdue %+v", d.OpenMajors, d.MostOverdue)
	}
	// The city rolls up by district; 海淀 has enterprises but none of this.
	if r := f.get(t, demo.CityRegulator, "/api/v1/regulator/dashboard", &d); r.Code != 200 {
		t.Fatalf("city = %d %s", r.Code, r.Body)
	}
	byName := map[string]stats.Child{}
	for _, c := range d.Children {
		byName[c.Name] = c
	}
	if c := byName["朝阳区"]; c.UsageDue != 10 || c.UsageOnTime != 4 || c.OpenMajor != 1 || c.Overdue != 1 {
		t.Errorf("city → 朝阳 = %+v (children %+v)", c, d.Children)
	}
	if c, ok := byName["海淀区"]; !ok || c.OpenMajor != 0 || c.UsageDue != 0 || c.Enterprises == 0 {
		t.Errorf("city → 海淀 = %+v", c)
	}
	// Drill down: city → 朝阳 → the mall.
	if r := f.get(t, demo.CityRegulator, fmt.Sprintf("/api/v1/regulator/dashboard?region_id=%d", byName["朝阳区"].RegionID), &d); r.Code != 200 || d.Figures.OpenMajor != 1 {
		t.Errorf("city drilling into 朝阳 = %d %+v", r.Code, d.Figures)
	}
	// Its breadcrumb is the city alone; its ranked lists keep their own orders.
	if len(d.Path) != 1 || d.Path[0].Name != "北京市" || d.Path[0].Level != "city" {
		t.Errorf("朝阳's breadcrumb = %+v", d.Path)
	}
	for name, list := range map[string][]stats.Ranked{"lowest completeness": d.LowestComplete, "never started": d.NeverStarted} {
		for i := 1; i < len(list); i++ {
			if a, b := list[i-1], list[i]; a.Completeness > b.Completeness || name == "never started" && a.EnterpriseID > b.EnterpriseID {
				t.Errorf("%s out of order: %+v", name, list)
			}
		}
	}
	if len(d.LowestComplete) == 0 || len(d.LowestComplete) > 10 {
		t.Errorf("朝阳 lowest completeness lists %d enterprises", len(d.LowestComplete))
	}
	var sum stats.EnterpriseSummary
	if r := f.get(t, demo.CityRegulator, fmt.Sprintf("/api/v1/regulator/enterprises/%d/summary", f.hzMajor.EnterpriseID), &sum); r.Code != 200 ||
		!pctIs(sum.Figures.Usage.Rate, 40) || sum.Figures.General.Found != 2 {
		t.Errorf("city drilling into the mall = %d %+v", r.Code, sum.Figures)
	}
}

func TestSnapshotsDoNotChangeAfterEdits(t *testing.T) {
	f := newStatsFixture(t)
	env := f.env
	if _, err := env.srv.stats.SnapshotDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	half := func() stats.HalfUsage {
		var home EnterpriseDashboard
		f.get(t, demo.MallName, "/api/v1/dashboard", &home)
		for _, h := range home.Summary.Figures.UsageTrend {
			if h.Key == "2026-11-H1" {
				return h
			}
		}
		t.Fatal("no November H1 in the trend")
		return stats.HalfUsage{}
	}
	before := half()
	// Later edits that would change a live computation of the first half: the inspection of 3 November is
	// deleted from the record, and the daily checklist is disabled.
	testdb.Must(t, env.db.Exec("UPDATE inspections SET status = 'draft' WHERE period_key = '2026-11-03'"))
	f.admin = env.login("personal", demo.MallName, pw).AccessToken
	env.as(f.admin, http.MethodPost, fmt.Sprintf("/api/v1/checklists/%d/disable", f.daily), nil)
	// Taking snapshots again (the job runs every few minutes) writes nothing over them.
	if _, err := env.srv.stats.Snapshot(context.Background(), periodOf("2026-11-H1")); err != nil {
		t.Fatal(err)
	}
	if after := half(); after.Due != before.Due || after.OnTime != before.OnTime || after.Live || after.Due != 15 || after.OnTime != 1 ||
		!pctIs(before.Rate, 6.7) || !pctIs(after.Rate, 6.7) {
		t.Errorf("snapshot changed: before %+v after %+v", before, after)
	}
	// The live figure of the current half-month does follow the edit.
	var home EnterpriseDashboard
	f.get(t, demo.MallName, "/api/v1/dashboard", &home)
	if home.Summary.Figures.Usage.Due != 1 {
		t.Errorf("live usage after disabling = %+v", home.Summary.Figures.Usage)
	}
}

func TestRegulatorsSeeOnlyTheirRegion(t *testing.T) {
	f := newStatsFixture(t)
	f.refresh(t)
	var city, chaoyang stats.Dashboard
	f.get(t, demo.CityRegulator, "/api/v1/regulator/dashboard", &city)
	f.get(t, demo.ChaoyangReg, "/api/v1/regulator/dashboard", &chaoyang)
	var haidian stats.Dashboard
	if r := f.get(t, demo.HaidianReg, "/api/v1/regulator/dashboard", &haidian); r.Code != 200 {
		t.Fatalf("海淀 = %d %s", r.Code, r.Body)
	}
	if haidian.Figures.OpenMajor != 0 || haidian.Figures.General.Found != 0 || len(haidian.OpenMajors) != 0 || haidian.Figures.Usage.Due != 0 {
		t.Errorf("海淀 sees 朝阳's figures: %+v", haidian.Figures)
	}
	for _, list := range [][]stats.Ranked{haidian.LowestUsage, haidian.LowestComplete, haidian.MostOverdue, haidian.NeverStarted} {
		for _, e := range list {
			if e.Name == demo.MallName {
				t.Errorf("海淀's rankings list %s", e.Name)
			}
		}
	}
	if haidian.Figures.Enterprises+chaoyang.Figures.Enterprises > city.Figures.Enterprises || chaoyang.Figures.Enterprises == 0 {
		t.Errorf("enterprises: city %d, 朝阳 %d, 海淀 %d", city.Figures.Enterprises, chaoyang.Figures.Enterprises, haidian.Figures.Enterprises)
	}
	mall := f.hzMajor.EnterpriseID
	var chaoyangID int64
	testdb.Must(t, f.env.db.Table("regions").Where("name = ?", "朝阳区").Pluck("id", &chaoyangID))
	tok := f.env.login("personal", demo.HaidianReg, pw).AccessToken
	for _, tt := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, fmt.Sprintf("/api/v1/regulator/dashboard?region_id=%d", chaoyangID), nil},
		{http.MethodGet, fmt.Sprintf("/api/v1/regulator/enterprises/%d/summary", mall), nil},
		{http.MethodGet, fmt.Sprintf("/api/v1/regulator/enterprises/%d/report", mall), nil},
		{http.MethodGet, fmt.Sprintf("/api/v1/regulator/enterprises/%d/report/export", mall), nil},
		{http.MethodPost, fmt.Sprintf("/api/v1/regulator/hazards/%d/supervise", f.hzMajor.ID), map[string]string{"deadline": "2026-12-10", "note": "x"}},
		{http.MethodPost, fmt.Sprintf("/api/v1/regulator/hazards/%d/lift-supervision", f.hzMajor.ID), map[string]string{}},
	} {
		if r := f.env.as(tok, tt.method, tt.path, tt.body); r.Code != 404 {
			t.Errorf("海淀 %s %s = %d %s", tt.method, tt.path, r.Code, r.Body)
		}
	}
	// Enterprise accounts reach none of the regulator statistics; regulators none of the enterprise ones.
	mallTok := f.env.login("personal", demo.MallName, pw).AccessToken
	if r := f.env.as(mallTok, http.MethodGet, "/api/v1/regulator/dashboard", nil); r.Code != 403 {
		t.Errorf("enterprise → regulator dashboard = %d", r.Code)
	}
	if r := f.env.as(tok, http.MethodGet, "/api/v1/dashboard", nil); r.Code != 403 {
		t.Errorf("regulator → enterprise dashboard = %d", r.Code)
	}
	// A post user without the statistics grant does not see them.
	f.forklift = f.env.login("personal", demo.MallForklift, pw).AccessToken
	if r := f.env.as(f.forklift, http.MethodGet, "/api/v1/dashboard", nil); r.Code != 403 {
		t.Errorf("post user → dashboard = %d", r.Code)
	}
}

func TestSupervision(t *testing.T) {
	f := newStatsFixture(t)
	env := f.env
	reg := env.login("personal", demo.ChaoyangReg, pw).AccessToken
	path := func(h hazard.View, step string) string {
		return fmt.Sprintf("/api/v1/regulator/hazards/%d/%s", h.ID, step)
	}
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		code   string
	}{
		{"a general hazard cannot be supervised", path(f.hzOverdue, "supervise"), map[string]string{"deadline": "2026-12-10", "note": "x"}, 409, "supervision_major_only"},
		{"deadline in the past", path(f.hzMajor, "supervise"), map[string]string{"deadline": "2026-11-01", "note": "x"}, 400, "deadline_in_past"},
		{"a note is required", path(f.hzMajor, "supervise"), map[string]string{"deadline": "2026-12-10"}, 400, "validation_failed"},
		{"nothing to lift yet", path(f.hzMajor, "lift-supervision"), map[string]string{}, 404, "supervision_not_found"},
		{"supervise", path(f.hzMajor, "supervise"), map[string]string{"deadline": "2026-12-10", "note": "12月10日前完成治理并报告"}, 200, ""},
		{"not twice", path(f.hzMajor, "supervise"), map[string]string{"deadline": "2026-12-12", "note": "再次督办"}, 409, "already_supervised"},
	}
	for _, tt := range tests {
		r := env.as(reg, http.MethodPost, tt.path, tt.body)
		if r.Code != tt.status || (tt.code != "" && r.errBody(t).Code != tt.code) {
			t.Errorf("%s = %d %s", tt.name, r.Code, r.Body)
		}
		// 10 December is before the enterprise's own rectification deadline (31 December): supervised, with a warning.
		if tt.name == "supervise" {
			var got hazard.Supervised
			r.decode(t, &got)
			if len(got.Warnings) != 1 || got.Warnings[0].Code != "supervision_before_rectification" ||
				!strings.Contains(got.Warnings[0].Message, "2026-12-31") || len(got.Supervisions) != 1 {
				t.Errorf("supervising before the rectification deadline = warnings %+v, supervisions %+v", got.Warnings, got.Supervisions)
			}
		}
	}
	// The enterprise sees it on the hazard (timeline included) and on its home page.
	var d hazard.Detail
	f.admin = env.login("personal", demo.MallName, pw).AccessToken
	env.as(f.admin, http.MethodGet, fmt.Sprintf("/api/v1/hazards/%d", f.hzMajor.ID), nil).decode(t, &d)
	if len(d.Supervisions) != 1 || d.Supervisions[0].Status != "active" || d.Supervisions[0].Deadline != "2026-12-10" ||
		d.Supervisions[0].SupervisorName == "" || d.Events[len(d.Events)-1].Action != hazard.ActSupervise {
		t.Errorf("hazard detail = %+v", d.Supervisions)
	}
	var home EnterpriseDashboard
	env.as(f.admin, http.MethodGet, "/api/v1/dashboard", nil).decode(t, &home)
	if len(home.Supervised) != 1 || home.Supervised[0].Code != f.hzMajor.Code || home.Supervised[0].RegionName != "朝阳区" {
		t.Errorf("home supervised = %+v", home.Supervised)
	}
	// Another enterprise does not see it.
	other := env.login("personal", demo.FactoryName, pw).AccessToken
	env.as(other, http.MethodGet, "/api/v1/dashboard", nil).decode(t, &home)
	if len(home.Supervised) != 0 {
		t.Errorf("the factory sees %+v", home.Supervised)
	}
	// The district dashboard marks it; lifting ends it.
	f.refresh(t)
	var dash stats.Dashboard
	env.as(reg, http.MethodGet, "/api/v1/regulator/dashboard", nil).decode(t, &dash)
	if len(dash.OpenMajors) != 1 || !dash.OpenMajors[0].Supervised {
		t.Errorf("dashboard majors = %+v", dash.OpenMajors)
	}
	r := env.as(reg, http.MethodPost, path(f.hzMajor, "lift-supervision"), map[string]string{"note": "已完成治理"})
	r.decode(t, &d)
	if r.Code != 200 || d.Supervisions[0].Status != "lifted" || d.Supervisions[0].LiftNote != "已完成治理" {
		t.Errorf("lift = %d %s", r.Code, r.Body)
	}
	// Supervised again on the rectification deadline itself: nothing to warn of, an empty list.
	r = env.as(reg, http.MethodPost, path(f.hzMajor, "supervise"), map[string]string{"deadline": "2026-12-31", "note": "年底前完成治理"})
	var again hazard.Supervised
	r.decode(t, &again)
	if r.Code != 200 || again.Warnings == nil || len(again.Warnings) != 0 || !strings.Contains(string(r.Body), `"warnings":[]`) {
		t.Errorf("supervising on the rectification deadline = %d %s", r.Code, r.Body)
	}
}

func TestHazardReportAndSignoff(t *testing.T) {
	f := newStatsFixture(t)
	env := f.env
	var rep stats.Report
	if r := f.get(t, demo.MallName, "/api/v1/reports/hazards?period=2026-Q4", &rep); r.Code != 200 {
		t.Fatalf("report = %d %s", r.Code, r.Body)
	}
	// On 25 November the quarter is running: general 2 found, 1 closed (50%); 1 major with its plan; funds
	// 800 + 200 + 50,000; inspections: Nov H1 15 due 1 done + H2 so far 10 due 4 done (Oct: none).
	fg := rep.Figures
	if rep.Ended || rep.DueDate != "2027-01-15" || rep.Kind != "quarterly" || fg.General.Found != 2 || fg.General.Closed != 1 ||
		!pctIs(fg.General.RectificationRate, 50) || fg.Major.Found != 1 || fg.MajorsWithPlan != 1 || fg.Funds != 51000 ||
		fg.General.OpenAtEnd != 1 || fg.General.OverdueAtEnd != 1 || fg.InspectionsDue != 25 || fg.InspectionsSubmitted != 5 ||
		!pctIs(fg.InspectionRate, 20) || len(fg.Majors) != 1 || fg.General.OpenAtStart != 0 {
		t.Errorf("Q4 so far = %+v", rep)
	}
	sign := map[string]string{"period": "2026-Q4", "signer_name": "张伟", "signer_title": "总经理"}
	admin := env.login("personal", demo.MallName, pw).AccessToken
	if r := env.as(admin, http.MethodPost, "/api/v1/reports/hazards/signoff", sign); r.Code != 409 || r.errBody(t).Code != "report_period_open" {
		t.Errorf("signing a running quarter = %d %s", r.Code, r.Body)
	}
	for _, bad := range []string{"2026-Q5", "26", "2027-Q4"} {
		if r := env.as(admin, http.MethodGet, "/api/v1/reports/hazards?period="+bad, nil); r.Code != 400 {
			t.Errorf("period %s = %d", bad, r.Code)
		}
	}
	// 10 January 2027: the report of Q4 is due on the 15th. Sign it on time.
	env.clk.Set(time.Date(2027, 1, 10, 9, 0, 0, 0, clock.Business))
	admin = env.login("personal", demo.MallName, pw).AccessToken
	r := env.as(admin, http.MethodPost, "/api/v1/reports/hazards/signoff", sign)
	r.decode(t, &rep)
	if r.Code != 200 || rep.Signoff == nil || rep.Signoff.Late || rep.Signoff.SignerName != "张伟" || !rep.Ended {
		t.Fatalf("sign = %d %s", r.Code, r.Body)
	}
	// At the end of the quarter the major was still open and its deadline (31 Dec) had passed.
	if rep.Figures.Major.OverdueAtEnd != 1 || rep.Figures.Major.OpenAtEnd != 1 || rep.Figures.General.OverdueAtEnd != 1 {
		t.Errorf("signed major line = %+v", rep.Figures.Major)
	}
	if r := env.as(admin, http.MethodPost, "/api/v1/reports/hazards/signoff", sign); r.Code != 409 || r.errBody(t).Code != "report_already_signed" {
		t.Errorf("signing twice = %d %s", r.Code, r.Body)
	}
	// Later edits do not change a signed report: the major hazard re-graded as general.
	testdb.Must(t, env.db.Exec("UPDATE hazards SET found_at = ?, legal_level = 'general' WHERE id = ?", time.Date(2026, 12, 1, 0, 0, 0, 0, clock.Business).UTC(), f.hzMajor.ID))
	var again stats.Report
	env.as(admin, http.MethodGet, "/api/v1/reports/hazards?period=2026-Q4", nil).decode(t, &again)
	if again.Figures.Major.Found != 1 || again.Signoff == nil {
		t.Errorf("signed report changed: %+v", again.Figures.Major)
	}
	// The spreadsheet, and the regulator's view of the same report.
	r = env.as(admin, http.MethodGet, "/api/v1/reports/hazards/export?period=2026-Q4", nil)
	if r.Code != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export = %d %v", r.Code, r.Header)
	}
	reg := env.login("personal", demo.ChaoyangReg, pw).AccessToken
	var seen stats.Report
	env.as(reg, http.MethodGet, fmt.Sprintf("/api/v1/regulator/enterprises/%d/report?period=2026-Q4", f.hzMajor.EnterpriseID), nil).decode(t, &seen)
	if seen.Signoff == nil || seen.Figures.General.Found != 2 {
		t.Errorf("regulator's view = %+v", seen)
	}
	f.refresh(t)
	var d stats.Dashboard
	env.as(reg, http.MethodGet, "/api/v1/regulator/dashboard", nil).decode(t, &d)
	if d.Reports.Period != "2026-Q4" || d.Reports.Signed != 1 || d.Reports.Late != 0 || d.Reports.DueDate != "2027-01-15" {
		t.Errorf("dashboard reports = %+v", d.Reports)
	}
	// The yearly report exists too, and a post user without the grant cannot sign.
	if r := f.get(t, demo.MallName, "/api/v1/reports/hazards?period=2026", &rep); r.Code != 200 || rep.Kind != "yearly" || rep.DueDate != "2027-01-15" {
		t.Errorf("yearly = %d %+v", r.Code, rep)
	}
	fork := env.login("personal", demo.MallForklift, pw).AccessToken
	if r := env.as(fork, http.MethodPost, "/api/v1/reports/hazards/signoff", map[string]string{"period": "2026", "signer_name": "x", "signer_title": "y"}); r.Code != 403 {
		t.Errorf("post user signing = %d", r.Code)
	}
}

func periodOf(key string) period.Period {
	p, err := period.ParseKey(period.HalfMonthly, key, clock.Business)
	if err != nil {
		panic(err)
	}
	return p
}

func TestChangeFeedAPI(t *testing.T) {
	f := newStatsFixture(t)
	env := f.env
	// Also something in another enterprise: the factory's hazard must not reach the mall's feed.
	fac := env.login("personal", demo.FactoryName, pw).AccessToken
	env.as(fac, http.MethodPost, "/api/v1/standard", map[string]any{"from_template": true})
	if r := env.as(fac, http.MethodPost, "/api/v1/hazards", map[string]any{"subject": "焊机接地不良", "description": "接地线松动", "grade_code": "C"}); r.Code != 201 {
		t.Fatalf("factory report = %d %s", r.Code, r.Body)
	}
	var want, haidianWant int64
	testdb.Must(t, env.db.Table("change_feed").Where("enterprise_id = ?", f.hzMajor.EnterpriseID).Count(&want))
	testdb.Must(t, env.db.Raw(`SELECT COUNT(*) FROM change_feed WHERE region_path LIKE (SELECT path FROM regions WHERE name = '海淀区') || '%'`).Scan(&haidianWant))
	readAll := func(user, path string, want int64) []feed.Entry {
		t.Helper()
		tok := env.login("personal", user, pw).AccessToken
		var got []feed.Entry
		cursor := ""
		// Entries become readable once older transactions of the whole cluster have ended; poll briefly.
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
			var p feed.Page
			r := env.as(tok, http.MethodGet, path+"?limit=4&cursor="+cursor, nil)
			r.decode(t, &p)
			if r.Code != 200 {
				t.Fatalf("%s = %d %s", path, r.Code, r.Body)
			}
			got, cursor = append(got, p.Entries...), p.Cursor
			if len(p.Entries) == 0 {
				if int64(len(got)) >= want {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		return got
	}
	mall := readAll(demo.MallName, "/api/v1/feed", want)
	actions := map[string]int{}
	seen := map[int64]bool{}
	for _, e := range mall {
		if e.EnterpriseID != f.hzMajor.EnterpriseID {
			t.Fatalf("the mall's feed holds %+v", e)
		}
		if seen[e.Seq] {
			t.Fatalf("entry %d repeated", e.Seq)
		}
		seen[e.Seq] = true
		actions[e.Action]++
	}
	// 5 submissions (4 daily, 1 weekly); 3 registered, 3 assigned, 1 fixed, 1 accepted.
	if int64(len(mall)) != want || actions["inspection.submitted"] != 5 || actions["hazard.register"] != 3 || actions["hazard.assign"] != 3 ||
		actions["hazard.fix"] != 1 || actions["hazard.accept"] != 1 {
		t.Errorf("mall feed: %d entries (want %d), actions %v", len(mall), want, actions)
	}
	haidian := readAll(demo.HaidianReg, "/api/v1/regulator/feed", haidianWant)
	if haidianWant == 0 || int64(len(haidian)) != haidianWant {
		t.Errorf("海淀's feed: %d entries, want %d", len(haidian), haidianWant)
	}
	for _, e := range haidian {
		if e.EnterpriseID == f.hzMajor.EnterpriseID {
			t.Fatalf("海淀's feed holds the mall's %+v", e)
		}
	}
	// Positions grow strictly in delivery order, and every entry carries a cursor to resume right after it.
	for i := 1; i < len(mall); i++ {
		if mall[i].Seq <= mall[i-1].Seq {
			t.Fatalf("entry %d delivered after %d", mall[i].Seq, mall[i-1].Seq)
		}
	}
	tok := env.login("personal", demo.MallName, pw).AccessToken
	mid := len(mall) / 2
	var rest feed.Page
	env.as(tok, http.MethodGet, "/api/v1/feed?limit=1000&cursor="+mall[mid].Cursor, nil).decode(t, &rest)
	if len(rest.Entries) != len(mall)-mid-1 || rest.Entries[0].Seq != mall[mid+1].Seq || rest.More || rest.HeldBack ||
		rest.Horizon < mall[len(mall)-1].Seq || rest.Cursor != mall[len(mall)-1].Cursor {
		t.Errorf("resumed after entry %d: %d entries, more %v, held back %v, horizon %d", mid, len(rest.Entries), rest.More, rest.HeldBack, rest.Horizon)
	}
	// Cursors are bound to their feed: the mall's is refused by 海淀's feed and by another enterprise's, and
	// made-up or altered ones are refused, all with the same code and a Chinese message.
	haidianTok := env.login("personal", demo.HaidianReg, pw).AccessToken
	refused := []struct{ tok, path, cursor string }{
		{tok, "/api/v1/feed", "not-a-cursor"},
		{tok, "/api/v1/feed", "MTIuMzQ"},
		{tok, "/api/v1/feed", alterCursor(mall[mid].Cursor)},
		{haidianTok, "/api/v1/regulator/feed", mall[mid].Cursor},
		{fac, "/api/v1/feed", mall[mid].Cursor},
	}
	if len(haidian) > 0 {
		refused = append(refused, struct{ tok, path, cursor string }{tok, "/api/v1/feed", haidian[0].Cursor})
	}
	for _, c := range refused {
		r := env.as(c.tok, http.MethodGet, c.path+"?cursor="+url.QueryEscape(c.cursor), nil)
		if r.Code != 400 {
			t.Errorf("%s with cursor %q = %d %s", c.path, c.cursor, r.Code, r.Body)
			continue
		}
		if e := r.errBody(t); e.Code != "feed_cursor_invalid" || !strings.Contains(e.Message, "游标无效") || strings.Contains(string(r.Body), "entries") {
			t.Errorf("%s with cursor %q: %s", c.path, c.cursor, r.Body)
		}
	}
	if r := env.as(tok, http.MethodGet, "/api/v1/feed?limit=5000", nil); r.Code != 400 {
		t.Errorf("limit 5000 = %d", r.Code)
	}
}

// alterCursor flips one bit of a cursor's position.
func alterCursor(c string) string {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 9 {
		return c + "x"
	}
	b[8] ^= 1
	return base64.RawURLEncoding.EncodeToString(b)
}

// TestAReplicaThatIsNotAStandbyIsNotRead gives the server a separate database as its "replica": it answers,
// but is not in recovery, so it cannot be a copy of the primary. The dashboards read the primary instead and
// say so; the fallback is counted. (internal/suites/cluster/replica_test.go runs a real standby.)
func TestAReplicaThatIsNotAStandbyIsNotRead(t *testing.T) {
	clk := clock.NewFixed(testNow)
	replica := testdb.Postgres(t, clk)
	env, _ := seeded(t, func(d *Deps) { d.Replica = replica })
	if _, err := env.srv.stats.Refresh(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	var onPrimary int64
	testdb.Must(t, env.db.Table("enterprise_stats").Count(&onPrimary))
	tok := env.login("personal", demo.CityRegulator, pw).AccessToken
	var d stats.Dashboard
	if r := env.as(tok, http.MethodGet, "/api/v1/regulator/dashboard", nil); r.Code != 200 {
		t.Fatalf("dashboard = %d %s", r.Code, r.Body)
	} else {
		r.decode(t, &d)
	}
	if onPrimary == 0 || int64(d.Figures.Enterprises) != onPrimary {
		t.Errorf("primary has %d rows; the dashboard counts %d enterprises, want the primary's", onPrimary, d.Figures.Enterprises)
	}
	if d.FromReplica || !d.DataAsOf.Equal(testNow.UTC()) {
		t.Errorf("dashboard says from_replica %v, data_as_of %v; want the primary, as of now (%v)", d.FromReplica, d.DataAsOf, testNow.UTC())
	}
	st := env.srv.replica.Status()
	if st.InUse || st.Fallbacks["not_standby"] != 1 || st.Fallbacks["down"]+st.Fallbacks["lagging"] != 0 {
		t.Errorf("replica status = %+v, want not in use and one not_standby fallback", st)
	}
}

// halfFigures is one half-month's usage as one surface shows it; Rate as shown ("无应排查" for none).
type halfFigures struct {
	Due, OnTime int
	Rate        string
	Live        bool
}

func shownRate(p *float64, nothingDue bool) string {
	if p == nil {
		if nothingDue {
			return "无应排查"
		}
		return "null without nothing_due"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// TestFinishedHalfMonthsNeverMove stands in the constructed month and edits the mall's structure during and
// after each half-month. Every surface that shows a half-month — the enterprise's usage API, its home, the
// district's dashboard, the regulator's drill-down into the mall, the quarterly report of both sides — shows
// the same figure, and once the half-month has ended that figure never moves again, whether or not the
// snapshot job has run. Only the half-month in progress is live.
func TestFinishedHalfMonthsNeverMove(t *testing.T) {
	f := newStatsFixture(t)
	env := f.env
	ent := f.hzMajor.EnterpriseID
	var dailyPost int64
	testdb.Must(t, env.db.Raw("SELECT post_id FROM checklists WHERE id = ?", f.daily).Scan(&dailyPost))
	const nov = "from=2026-11-01&to=2026-11-30"

	// every reads a half-month on every surface; keyed by surface.
	every := func(key, date string) map[string]halfFigures {
		t.Helper()
		out := map[string]halfFigures{}
		var u inspection.Usage
		if r := f.get(t, demo.MallName, "/api/v1/usage?date="+date, &u); r.Code != 200 || u.Period.Key != key {
			t.Fatalf("usage %s = %d %s", date, r.Code, r.Body)
		}
		out["enterprise /usage"] = halfFigures{u.Due, u.OnTime, shownRate(u.Rate, u.NothingDue), u.Live}
		if len(u.Missed) != u.Due-u.OnTime {
			t.Errorf("%s: %d missed listed for %d due, %d on time", key, len(u.Missed), u.Due, u.OnTime)
		}
		pick := func(surface string, trend []stats.HalfUsage) {
			for _, h := range trend {
				if h.Key == key {
					out[surface] = halfFigures{h.Due, h.OnTime, shownRate(h.Rate, h.NothingDue), h.Live}
				}
			}
		}
		var home EnterpriseDashboard
		f.get(t, demo.MallName, "/api/v1/dashboard?"+nov, &home)
		pick("enterprise home", home.Summary.Figures.UsageTrend)
		var d stats.Dashboard
		f.get(t, demo.ChaoyangReg, "/api/v1/regulator/dashboard?"+nov, &d)
		pick("district dashboard", d.Figures.UsageTrend)
		var sum stats.EnterpriseSummary
		f.get(t, demo.CityRegulator, fmt.Sprintf("/api/v1/regulator/enterprises/%d/summary?%s", ent, nov), &sum)
		pick("city's drill-down", sum.Figures.UsageTrend)
		return out
	}
	agree := func(when, key, date string, want halfFigures) {
		t.Helper()
		for surface, got := range every(key, date) {
			if got != want {
				t.Errorf("%s, %s on %s = %+v, want %+v", when, key, surface, got, want)
			}
		}
	}
	reports := func(when string, due, submitted int) {
		t.Helper()
		var own, seen stats.Report
		f.get(t, demo.MallName, "/api/v1/reports/hazards?period=2026-Q4", &own)
		f.get(t, demo.ChaoyangReg, fmt.Sprintf("/api/v1/regulator/enterprises/%d/report?period=2026-Q4", ent), &seen)
		for who, r := range map[string]stats.Report{"enterprise": own, "regulator": seen} {
			if r.Figures.InspectionsDue != due || r.Figures.InspectionsSubmitted != submitted {
				t.Errorf("%s, the %s's Q4 report = %d due %d submitted, want %d and %d", when, who,
					r.Figures.InspectionsDue, r.Figures.InspectionsSubmitted, due, submitted)
			}
		}
	}
	// Everything the enterprise and its regulators both see is the same: the whole summary of its home
	// page and of the regulator's drill-down (November, and the current quarter), the whole Q4 report
	// (but when it was generated) and the district's ranking of its usage.
	both := func(when string) {
		t.Helper()
		for _, q := range []string{nov, ""} {
			var home EnterpriseDashboard
			var sum stats.EnterpriseSummary
			f.get(t, demo.MallName, "/api/v1/dashboard?"+q, &home)
			f.get(t, demo.ChaoyangReg, fmt.Sprintf("/api/v1/regulator/enterprises/%d/summary?%s", ent, q), &sum)
			if a, b := jsonOf(t, home.Summary), jsonOf(t, sum); a != b {
				t.Errorf("%s, range %q: the enterprise's home says\n%s\nthe regulator's summary\n%s", when, q, a, b)
			}
		}
		var own, seen stats.Report
		f.get(t, demo.MallName, "/api/v1/reports/hazards?period=2026-Q4", &own)
		f.get(t, demo.ChaoyangReg, fmt.Sprintf("/api/v1/regulator/enterprises/%d/report?period=2026-Q4", ent), &seen)
		own.GeneratedAt, seen.GeneratedAt = time.Time{}, time.Time{}
		if a, b := jsonOf(t, own), jsonOf(t, seen); a != b {
			t.Errorf("%s: the enterprise's Q4 report\n%s\nthe regulator's\n%s", when, a, b)
		}
		// The district's ranking is the refresh job's, which runs every few minutes.
		f.refresh(t)
		var home EnterpriseDashboard
		var d stats.Dashboard
		f.get(t, demo.MallName, "/api/v1/dashboard", &home)
		f.get(t, demo.ChaoyangReg, "/api/v1/regulator/dashboard", &d)
		for _, r := range d.LowestUsage {
			if r.EnterpriseID == ent && (shownRate(r.UsageRate, r.UsageNothingDue) != shownRate(home.Summary.Figures.Usage.Rate, home.Summary.Figures.Usage.NothingDue) ||
				r.UsageDue != home.Summary.Figures.Usage.Due) {
				t.Errorf("%s: the district ranks the mall's usage at %v of %d due, its home says %+v", when, r.UsageRate, r.UsageDue, home.Summary.Figures.Usage)
			}
		}
	}
	edit := func(path string) {
		t.Helper()
		admin := env.login("personal", demo.MallName, pw).AccessToken
		if r := env.as(admin, http.MethodPost, path, nil); r.Code != 200 {
			t.Fatalf("%s = %d %s", path, r.Code, r.Body)
		}
	}

	// 25 November, no snapshot job has run yet. November H1 ended: 15 daily periods due, 1 submitted. The
	// first surface to read it freezes it. (The district's live figures are the refresh job's.)
	f.refresh(t)
	h1 := halfFigures{Due: 15, OnTime: 1, Rate: "6.7"}
	agree("25 Nov", "2026-11-H1", "2026-11-10", h1)
	// H2 is live on every surface: daily 16–24 ended (3 submitted), week 48 submitted → 4 of 10.
	agree("25 Nov", "2026-11-H2", "2026-11-25", halfFigures{Due: 10, OnTime: 4, Rate: "40", Live: true})
	both("25 Nov")

	// An edit during H2 (26 Nov): the weekly checklist is disabled. The live figure follows it — daily
	// 16–25 ended, 3 submitted, the weekly no longer counts — and H1 does not move.
	env.clk.Set(at(26, 10))
	edit(fmt.Sprintf("/api/v1/checklists/%d/disable", f.weekly))
	f.refresh(t)
	agree("26 Nov", "2026-11-H2", "2026-11-20", halfFigures{Due: 10, OnTime: 3, Rate: "30", Live: true})
	agree("26 Nov", "2026-11-H1", "2026-11-10", h1)
	both("26 Nov")

	// 1 December 09:00: H2 has ended, and still no job has run. It is as the structure stood at its end:
	// daily 16–30 due (15), 3 submitted.
	env.clk.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, clock.Business))
	h2 := halfFigures{Due: 15, OnTime: 3, Rate: "20"}
	agree("1 Dec", "2026-11-H2", "2026-11-20", h2)
	agree("1 Dec", "2026-11-H1", "2026-11-10", h1)
	// The quarter so far: October nothing, H1 and H2 frozen, December H1 nothing ended yet.
	reports("1 Dec", 30, 4)
	// The district's current half-month is December's, not November's left in the refreshed figures.
	var d stats.Dashboard
	f.get(t, demo.ChaoyangReg, "/api/v1/regulator/dashboard", &d)
	if d.Figures.Usage.Key != "2026-12-H1" || d.Figures.Usage.Due != 0 || !d.Figures.Usage.Live {
		t.Errorf("district's current half-month before the refresh = %+v", d.Figures.Usage)
	}
	both("1 Dec")

	// Edits after both half-months ended, each of which would change a computation from today's data: the
	// weekly checklist back on (week 48 would count again), the inspection of 3 November withdrawn from the
	// record, and the daily checklist's post disabled (nothing of it would be due). Then the jobs run.
	edit(fmt.Sprintf("/api/v1/checklists/%d/enable", f.weekly))
	testdb.Must(t, env.db.Exec("UPDATE inspections SET status = 'draft' WHERE period_key = '2026-11-03'"))
	edit(fmt.Sprintf("/api/v1/posts/%d/disable", dailyPost))
	if _, err := env.srv.stats.SnapshotDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.refresh(t)
	agree("after the edits", "2026-11-H1", "2026-11-10", h1)
	agree("after the edits", "2026-11-H2", "2026-11-20", h2)
	reports("after the edits", 30, 4)
	both("after the edits")
	// Weeks later, the same.
	env.clk.Set(time.Date(2026, 12, 20, 9, 0, 0, 0, clock.Business))
	agree("20 Dec", "2026-11-H1", "2026-11-10", h1)
	agree("20 Dec", "2026-11-H2", "2026-11-20", h2)
	both("20 Dec")
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNothingDueHasNoRate: an enterprise or a region with nothing due has no usage rate — null with
// nothing_due (the pages show 无应排查), not 0 % — and is left out of the region's rate and of the
// lowest-usage ranking.
func TestNothingDueHasNoRate(t *testing.T) {
	f := newStatsFixture(t)
	env := f.env
	if _, err := env.srv.stats.SnapshotDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.refresh(t)
	none := func(what string, rate *float64, nothingDue bool, due int) {
		t.Helper()
		if rate != nil || !nothingDue || due != 0 {
			t.Errorf("%s = rate %v nothing_due %v due %d, want no rate", what, rate, nothingDue, due)
		}
	}
	// The factory (海淀) has nothing due this half-month, nor in the finished one.
	var u inspection.Usage
	f.get(t, demo.FactoryName, "/api/v1/usage", &u)
	none("the factory's /usage", u.Rate, u.NothingDue, u.Due)
	f.get(t, demo.FactoryName, "/api/v1/usage?date=2026-11-10", &u)
	none("the factory's November H1", u.Rate, u.NothingDue, u.Due)
	var home EnterpriseDashboard
	f.get(t, demo.FactoryName, "/api/v1/dashboard", &home)
	fu := home.Summary.Figures
	none("the factory's home", fu.Usage.Rate, fu.Usage.NothingDue, fu.Usage.Due)
	none("the factory's inspections", home.Inspections.Half.Rate, home.Inspections.Half.NothingDue, home.Inspections.Half.Due)
	if fu.InspectionRate != nil {
		t.Errorf("the factory's inspection rate = %v, want null", *fu.InspectionRate)
	}
	for _, h := range fu.UsageTrend {
		none("the factory's "+h.Key, h.Rate, h.NothingDue, h.Due)
	}
	// The mall: October had nothing due (its checklist began on 31 October), November H1 did.
	f.get(t, demo.MallName, "/api/v1/dashboard", &home)
	for _, h := range home.Summary.Figures.UsageTrend {
		if strings.HasPrefix(h.Key, "2026-10") {
			none("the mall's "+h.Key, h.Rate, h.NothingDue, h.Due)
		} else if h.Rate == nil || h.NothingDue {
			t.Errorf("the mall's %s = %+v, want a rate", h.Key, h)
		}
	}
	f.get(t, demo.MallName, "/api/v1/dashboard?from=2026-10-01&to=2026-10-31", &home)
	if home.Summary.Figures.InspectionRate != nil {
		t.Errorf("the mall's October inspection rate = %v, want null", *home.Summary.Figures.InspectionRate)
	}

	// The city: 海淀 has nothing due (no rate); 朝阳's rate is the mall's alone — its enterprises with nothing
	// due are not averaged in as 0 %.
	var d stats.Dashboard
	f.get(t, demo.CityRegulator, "/api/v1/regulator/dashboard", &d)
	byName := map[string]stats.Child{}
	for _, c := range d.Children {
		byName[c.Name] = c
	}
	hd := byName["海淀区"]
	none("海淀 in the city", hd.UsageRate, hd.UsageNothingDue, hd.UsageDue)
	if cy := byName["朝阳区"]; !pctIs(cy.UsageRate, 40) || cy.UsageNothingDue {
		t.Errorf("朝阳 in the city = %+v, want the mall's 40%%", cy)
	}
	if !pctIs(d.Figures.Usage.Rate, 40) || !pctIs(d.Figures.InspectionRate, 20) {
		t.Errorf("the city = usage %v, inspection %v; want the mall's 40%% and 20%%", d.Figures.Usage.Rate, d.Figures.InspectionRate)
	}
	// 使用率最低 lists only enterprises with something due; the other rankings show the others' usage as none.
	if len(d.LowestUsage) != 1 || d.LowestUsage[0].Name != demo.MallName || !pctIs(d.LowestUsage[0].UsageRate, 40) {
		t.Errorf("lowest usage = %+v", d.LowestUsage)
	}
	seen := 0
	for _, r := range append(append([]stats.Ranked{}, d.LowestComplete...), d.NeverStarted...) {
		if r.Name == demo.MallName {
			continue
		}
		seen++
		none(r.Name+" in a ranking", r.UsageRate, r.UsageNothingDue, r.UsageDue)
	}
	if seen == 0 {
		t.Error("no enterprise with nothing due in the rankings to check")
	}
	// 海淀's own dashboard: nothing due anywhere in it.
	f.get(t, demo.HaidianReg, "/api/v1/regulator/dashboard", &d)
	none("海淀's dashboard", d.Figures.Usage.Rate, d.Figures.Usage.NothingDue, d.Figures.Usage.Due)
	if len(d.LowestUsage) != 0 {
		t.Errorf("海淀's lowest usage = %+v, want none", d.LowestUsage)
	}

	// 1 December 00:30: a new half-month, nothing has ended or been submitted. The mall has nothing due
	// (FAQ 4: it starts from zero) — on its own page and in its regulator's, before and after the refresh.
	env.clk.Set(time.Date(2026, 12, 1, 0, 30, 0, 0, clock.Business))
	f.get(t, demo.MallName, "/api/v1/usage", &u)
	none("the mall on 1 December", u.Rate, u.NothingDue, u.Due)
	for _, refreshed := range []bool{false, true} {
		if refreshed {
			f.refresh(t)
		}
		f.get(t, demo.ChaoyangReg, "/api/v1/regulator/dashboard", &d)
		none(fmt.Sprintf("朝阳 on 1 December (refreshed %v)", refreshed), d.Figures.Usage.Rate, d.Figures.Usage.NothingDue, d.Figures.Usage.Due)
		if len(d.LowestUsage) != 0 {
			t.Errorf("朝阳's lowest usage on 1 December (refreshed %v) = %+v", refreshed, d.LowestUsage)
		}
	}
}

// TestReportsOwedOnlyAfterRegistration: an enterprise owes the quarterly report only of periods that ended
// after it was registered. The mall is registered on 10 October: its report opens on the quarter in
// progress, Q3 is not required of it (never overdue, even signed late), and the dashboard's "n/m 家已签字"
// leaves it out of both n and m. The factory, registered in September, owes Q3 and opens on it.
func TestReportsOwedOnlyAfterRegistration(t *testing.T) {
	f := newStatsFixture(t)
	env := f.env
	mall := f.hzMajor.EnterpriseID
	testdb.Must(t, env.db.Exec("UPDATE enterprises SET created_at = ? WHERE id = ?", time.Date(2026, 10, 10, 9, 0, 0, 0, clock.Business).UTC(), mall))
	f.refresh(t)

	var rep stats.Report
	if r := f.get(t, demo.MallName, "/api/v1/reports/hazards", &rep); r.Code != 200 || rep.Period != "2026-Q4" || !rep.Required || rep.Ended {
		t.Errorf("the mall's report opens on %s (required %v, ended %v), want 2026-Q4 in progress: %d %s", rep.Period, rep.Required, rep.Ended, r.Code, r.Body)
	}
	var seen stats.Report
	if r := f.get(t, demo.ChaoyangReg, fmt.Sprintf("/api/v1/regulator/enterprises/%d/report", mall), &seen); r.Code != 200 || seen.Period != "2026-Q4" {
		t.Errorf("the regulator's view of the mall's report opens on %s, want 2026-Q4", seen.Period)
	}
	if r := f.get(t, demo.MallName, "/api/v1/reports/hazards?period=2026-Q3", &rep); r.Code != 200 || rep.Required || !rep.Ended {
		t.Errorf("the mall's Q3 = required %v ended %v, want not required", rep.Required, rep.Ended)
	}
	if r := f.get(t, demo.MallName, "/api/v1/reports/hazards?period=2026", &rep); r.Code != 200 || !rep.Required {
		t.Errorf("the mall's year 2026 = required %v, want required", rep.Required)
	}
	var fac stats.Report
	if r := f.get(t, demo.FactoryName, "/api/v1/reports/hazards", &fac); r.Code != 200 || fac.Period != "2026-Q3" || !fac.Required || !fac.Ended {
		t.Errorf("the factory's report opens on %s (required %v), want 2026-Q3", fac.Period, fac.Required)
	}

	// 25 November, after Q3's due date (15 October): both sign Q3. The factory is late; the mall is not.
	sign := map[string]string{"period": "2026-Q3", "signer_name": "张伟", "signer_title": "总经理"}
	for name, late := range map[string]bool{demo.MallName: false, demo.FactoryName: true} {
		tok := env.login("personal", name, pw).AccessToken
		r := env.as(tok, http.MethodPost, "/api/v1/reports/hazards/signoff", sign)
		var got stats.Report
		r.decode(t, &got)
		if r.Code != 200 || got.Signoff == nil || got.Signoff.Late != late {
			t.Errorf("%s signing Q3 = %d, signoff %+v, want late %v", name, r.Code, got.Signoff, late)
		}
		var again stats.Report
		env.as(tok, http.MethodGet, "/api/v1/reports/hazards?period=2026-Q3", nil).decode(t, &again)
		if again.Signoff == nil || again.Signoff.Late != late {
			t.Errorf("%s's signed Q3 read back = %+v, want late %v", name, again.Signoff, late)
		}
	}

	// The city counts every enterprise registered before 1 October: all but the mall. Of those only the
	// factory signed, late.
	var d stats.Dashboard
	if r := f.get(t, demo.CityRegulator, "/api/v1/regulator/dashboard", &d); r.Code != 200 {
		t.Fatalf("city = %d %s", r.Code, r.Body)
	}
	if rs := d.Reports; rs.Period != "2026-Q3" || rs.Enterprises != d.Figures.Enterprises-1 || rs.Signed != 1 || rs.Late != 1 {
		t.Errorf("city reports = %+v, want 2026-Q3 owed by %d, 1 signed late", rs, d.Figures.Enterprises-1)
	}
	// 朝阳: the mall's signature does not count as one of its enterprises' signatures.
	if r := f.get(t, demo.ChaoyangReg, "/api/v1/regulator/dashboard", &d); r.Code != 200 || d.Reports.Signed != 0 || d.Reports.Late != 0 ||
		d.Reports.Enterprises != d.Figures.Enterprises-1 {
		t.Errorf("朝阳 reports = %+v of %d enterprises, want none signed, the mall not counted", d.Reports, d.Figures.Enterprises)
	}
}
