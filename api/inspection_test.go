package api

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"yqyb/internal/hazard"
	"yqyb/internal/inspection"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/config"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

// inspectionFixture builds on the demo: the mall's standard from its template, a daily checklist of five
// items for the forklift post, a weekly one of three for the electrician.
type inspectionFixture struct {
	env       *testEnv
	admin     string
	items     []int64 // first items of the standard
	major     int64   // an item flagged as a major-hazard criterion
	daily     int64
	weekly    int64
	forklift  string // token of the forklift driver
	electrics string // token of the electrician
}

func newInspectionFixture(t *testing.T, opts ...func(*Deps)) *inspectionFixture {
	t.Helper()
	env, _ := seeded(t, opts...)
	admin, v := mallStandard(t, env)
	f := &inspectionFixture{env: env, admin: admin}
	for _, c := range v.Categories {
		for _, it := range c.Items {
			switch {
			case it.IsMajor && f.major == 0:
				f.major = it.ID
			case !it.IsMajor && len(f.items) < 5:
				f.items = append(f.items, it.ID)
			}
		}
	}
	if f.major == 0 {
		t.Fatal("the template has no major-hazard item")
	}
	var cl standard.ChecklistDetail
	r := env.as(admin, http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": postOf(t, env, "仓储部", "叉车司机"), "name": "叉车每日点检",
		"frequency": "daily", "item_ids": append(f.items[:4:4], f.major)})
	r.decode(t, &cl)
	if r.Code != 201 {
		t.Fatalf("daily checklist = %d %s", r.Code, r.Body)
	}
	f.daily = cl.ID
	env.as(admin, http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": postOf(t, env, "工程部", "电工"), "name": "配电巡检",
		"frequency": "weekly", "item_ids": f.items[:3]}).decode(t, &cl)
	f.weekly = cl.ID
	f.forklift = env.login("personal", demo.MallForklift, pw).AccessToken
	f.electrics = env.login("personal", demo.MallElectrician, pw).AccessToken
	return f
}

func (f *inspectionFixture) start(t *testing.T, token string, checklist int64) inspection.Detail {
	t.Helper()
	var d inspection.Detail
	r := f.env.as(token, http.MethodPost, fmt.Sprintf("/api/v1/my/checklists/%d/inspection", checklist), nil)
	r.decode(t, &d)
	if r.Code != 200 {
		t.Fatalf("start = %d %s", r.Code, r.Body)
	}
	return d
}

// allOK answers every item of an inspection as fine.
func allOK(d inspection.Detail) []map[string]any {
	out := []map[string]any{}
	for _, a := range d.Answers {
		out = append(out, map[string]any{"item_id": a.ItemID, "result": "ok"})
	}
	return out
}

func TestReportingWindows(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	// Stand at the last second of 28 November 2026 (a Saturday) in Beijing.
	env.clk.Set(time.Date(2026, 11, 28, 23, 59, 59, 0, clock.Business))
	f.forklift = env.login("personal", demo.MallForklift, pw).AccessToken // the earlier token has expired
	f.electrics = env.login("personal", demo.MallElectrician, pw).AccessToken
	f.admin = env.login("personal", demo.MallName, pw).AccessToken
	var mine MySlots
	env.as(f.forklift, http.MethodGet, "/api/v1/my/inspections", nil).decode(t, &mine)
	if len(mine.Slots) != 1 || mine.Slots[0].State != "not_started" || mine.Slots[0].Period.Key != "2026-11-28" ||
		mine.Slots[0].Period.SecondsLeft != 1 || mine.Slots[0].PreviousState != "missed" {
		t.Fatalf("slots = %+v", mine.Slots)
	}
	d := f.start(t, f.forklift, f.daily)
	if d.Status != "draft" || !d.Open || len(d.Answers) != 5 || d.StartedBy != "赵磊" || d.Period.Label != "2026年11月28日" {
		t.Fatalf("started = %+v", d)
	}
	answers := allOK(d)
	if r := env.as(f.forklift, http.MethodPut, fmt.Sprintf("/api/v1/inspections/%d/answers", d.ID), map[string]any{"answers": answers[:2]}); r.Code != 200 {
		t.Fatalf("save at the last second = %d %s", r.Code, r.Body)
	}
	// One second later the period has ended: nothing can be saved or submitted for it (不可以补录).
	env.clk.Advance(time.Second)
	for _, r := range []*response{
		env.as(f.forklift, http.MethodPut, fmt.Sprintf("/api/v1/inspections/%d/answers", d.ID), map[string]any{"answers": answers}),
		env.as(f.forklift, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", d.ID), map[string]any{"answers": answers}),
	} {
		b := r.errBody(t)
		if r.Code != http.StatusGone || b.Code != "period_closed" || !strings.Contains(b.Message, "2026年11月28日") || b.Details["period"] != "2026-11-28" {
			t.Fatalf("after the period = %d %s", r.Code, r.Body)
		}
	}
	// The new day has its own period; yesterday counts as missed.
	env.as(f.forklift, http.MethodGet, "/api/v1/my/inspections", nil).decode(t, &mine)
	if s := mine.Slots[0]; s.Period.Key != "2026-11-29" || s.State != "not_started" || s.PreviousState != "missed" || s.PreviousPeriod != "2026年11月28日" {
		t.Fatalf("next day = %+v", s)
	}
	today := f.start(t, f.forklift, f.daily)
	if today.ID == d.ID {
		t.Fatal("a new period reused the old inspection")
	}
	r := env.as(f.forklift, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", today.ID), map[string]any{"answers": allOK(today)[:3]})
	if r.Code != 400 || r.errBody(t).Code != "inspection_incomplete" {
		t.Fatalf("incomplete submit = %d %s", r.Code, r.Body)
	}
	r = env.as(f.forklift, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", today.ID), map[string]any{"answers": allOK(today)})
	var sub inspection.Detail
	r.decode(t, &sub)
	if r.Code != 200 || sub.Status != "submitted" || sub.SubmittedBy != "赵磊" || sub.Answered != 5 {
		t.Fatalf("submit = %d %s", r.Code, r.Body)
	}
	// Submitting again is idempotent; changing a submitted inspection is refused.
	again := env.as(f.forklift, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", today.ID), nil)
	if again.Code != 200 {
		t.Fatalf("second submit = %d", again.Code)
	}
	if r := env.as(f.forklift, http.MethodPut, fmt.Sprintf("/api/v1/inspections/%d/answers", today.ID), map[string]any{"answers": allOK(today)}); r.Code != 409 {
		t.Fatalf("edit after submit = %d", r.Code)
	}
	// The weekly checklist: Monday 00:00 to Sunday 23:59:59.
	env.clk.Set(time.Date(2026, 11, 29, 23, 59, 59, 0, clock.Business)) // Sunday
	f.electrics = env.login("personal", demo.MallElectrician, pw).AccessToken
	f.admin = env.login("personal", demo.MallName, pw).AccessToken
	w := f.start(t, f.electrics, f.weekly)
	if w.Period.Key != "2026-W48" || w.Period.Deadline.In(clock.Business).Format(time.DateTime) != "2026-11-29 23:59:59" {
		t.Fatalf("weekly period = %+v", w.Period)
	}
	env.clk.Advance(time.Second) // Monday
	if r := env.as(f.electrics, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", w.ID), map[string]any{"answers": allOK(w)}); r.Code != 410 {
		t.Fatalf("weekly after Sunday = %d", r.Code)
	}
	// A post user cannot touch another post's inspection; the admin can read every one.
	if r := env.as(f.electrics, http.MethodGet, fmt.Sprintf("/api/v1/inspections/%d", today.ID), nil); r.Code != 404 {
		t.Errorf("another post's inspection = %d", r.Code)
	}
	if r := env.as(f.electrics, http.MethodPost, fmt.Sprintf("/api/v1/my/checklists/%d/inspection", f.daily), nil); r.Code != 404 {
		t.Errorf("starting another post's checklist = %d", r.Code)
	}
	var hist InspectionPage
	env.as(f.admin, http.MethodGet, "/api/v1/inspections?status=submitted", nil).decode(t, &hist)
	if hist.Total != 1 || hist.Items[0].PeriodLabel != "2026年11月29日" || hist.Items[0].Answered != 5 {
		t.Errorf("history = %+v", hist)
	}
}

func TestConcurrentStartAndSubmit(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	// The mall's keeper works on the forklift post too, for this test: two users of one post.
	testdb.Must(t, env.db.Exec("UPDATE users SET post_id = (SELECT post_id FROM users WHERE login_name = ?) WHERE login_name = ?", demo.MallForklift, demo.MallKeeper))
	keeper := env.login("personal", demo.MallKeeper, pw).AccessToken
	var wg sync.WaitGroup
	ids := make([]int64, 2)
	for i, tok := range []string{f.forklift, keeper} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var d inspection.Detail
			env.as(tok, http.MethodPost, fmt.Sprintf("/api/v1/my/checklists/%d/inspection", f.daily), nil).decode(t, &d)
			ids[i] = d.ID
		}()
	}
	wg.Wait()
	if ids[0] == 0 || ids[0] != ids[1] {
		t.Fatalf("two starts made %v", ids)
	}
	d := f.start(t, keeper, f.daily)
	answers := allOK(d)
	answers[0] = map[string]any{"item_id": d.Answers[0].ItemID, "result": "hazard", "description": "右前轮制动失灵", "grade_code": "B"}
	codes := make([]int, 4)
	for i := range codes {
		tok := []string{f.forklift, keeper}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = env.as(tok, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", d.ID), map[string]any{"answers": answers}).Code
		}()
	}
	wg.Wait()
	var submissions, hazards, inspections int64
	testdb.Must(t, env.db.Table("inspections").Where("checklist_id = ?", f.daily).Count(&inspections))
	testdb.Must(t, env.db.Table("inspections").Where("checklist_id = ? AND status = 'submitted'", f.daily).Count(&submissions))
	testdb.Must(t, env.db.Table("hazards").Where("inspection_id = ?", d.ID).Count(&hazards))
	if inspections != 1 || submissions != 1 || hazards != 1 {
		t.Fatalf("concurrent submits %v made %d inspections, %d submissions, %d hazards", codes, inspections, submissions, hazards)
	}
	for _, c := range codes {
		if c != 200 {
			t.Errorf("a concurrent submit answered %d", c)
		}
	}
}

func TestHazardClosedLoop(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	d := f.start(t, f.forklift, f.daily)
	var photo struct{ ID int64 }
	env.upload(f.forklift, "/api/v1/files", "制动.jpg", jpeg).decode(t, &photo)
	answers := allOK(d)
	answers[0] = map[string]any{"item_id": d.Answers[0].ItemID, "result": "hazard", "description": "叉车制动距离过长", "grade_code": "B",
		"location": "二号库", "photo_ids": []int64{photo.ID}}
	answers[1] = map[string]any{"item_id": d.Answers[1].ItemID, "result": "hazard", "description": "通道有杂物", "grade_code": "D",
		"fixed_on_spot": true, "spot_note": "已清理", "photo_ids": []int64{photo.ID}}
	answers[2] = map[string]any{"item_id": d.Answers[2].ItemID, "result": "na", "na_reason": "本库区无此设施"}
	// The major-hazard item, graded C, is still 重大.
	answers[4] = map[string]any{"item_id": f.major, "result": "hazard", "description": "重大隐患判定条目不合格", "grade_code": "C"}
	bad := []struct {
		name   string
		answer map[string]any
		code   string
	}{
		// What is missing (a description, a grade, a reason, the photo of a fix on the spot) is kept in the draft
		// and refused only at submit: TestDraftKeepsIncompleteAnswers.
		{"unknown grade", map[string]any{"item_id": d.Answers[0].ItemID, "result": "hazard", "description": "x", "grade_code": "Z"}, "hazard_grade_unknown"},
		{"another enterprise's photo", map[string]any{"item_id": d.Answers[0].ItemID, "result": "ok", "photo_ids": []int64{999999}}, "photo_invalid"},
		{"an item not in the inspection", map[string]any{"item_id": 999999, "result": "ok"}, "answer_invalid"},
	}
	for _, b := range bad {
		r := env.as(f.forklift, http.MethodPut, fmt.Sprintf("/api/v1/inspections/%d/answers", d.ID), map[string]any{"answers": []any{b.answer}})
		if r.Code != 400 || r.errBody(t).Code != b.code {
			t.Errorf("%s: %d %s", b.name, r.Code, r.Body)
		}
	}
	var sub inspection.Detail
	r := env.as(f.forklift, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", d.ID), map[string]any{"answers": answers})
	r.decode(t, &sub)
	if r.Code != 200 || sub.HazardCount != 3 {
		t.Fatalf("submit = %d %s", r.Code, r.Body)
	}
	var ledger HazardPage
	env.as(f.admin, http.MethodGet, "/api/v1/hazards?sort=id", nil).decode(t, &ledger)
	if ledger.Total != 3 {
		t.Fatalf("ledger = %+v", ledger)
	}
	general, spot, major := ledger.Items[0], ledger.Items[1], ledger.Items[2]
	if general.LegalLevel != "general" || general.Status != "registered" || general.PostName != "叉车司机" || general.DepartmentName != "仓储部" ||
		general.FoundByName != "赵磊" || general.Location != "二号库" || !strings.HasPrefix(general.Code, "YH-2026-") {
		t.Errorf("general = %+v", general)
	}
	if spot.Status != "closed" || !spot.FixedOnSpot || spot.ClosedAt == nil {
		t.Errorf("fixed on the spot = %+v", spot)
	}
	if major.LegalLevel != "major" || major.GradeCode != "C" || major.ReportedAt == nil {
		t.Errorf("major = %+v", major)
	}
	// The three were registered together: consecutive codes in the order of the items, each answer linked to
	// its own hazard and no other answer linked to any.
	for i, h := range ledger.Items {
		if want := fmt.Sprintf("YH-2026-%06d", i+1); h.Code != want {
			t.Errorf("hazard %d code = %s, want %s", i, h.Code, want)
		}
	}
	byItem := map[int64]int64{d.Answers[0].ItemID: general.ID, d.Answers[1].ItemID: spot.ID, f.major: major.ID}
	for _, ans := range sub.Answers {
		switch want, found := byItem[ans.ItemID]; {
		case found && (ans.HazardID == nil || *ans.HazardID != want):
			t.Errorf("answer for item %d links hazard %v, want %d", ans.ItemID, ans.HazardID, want)
		case !found && ans.HazardID != nil:
			t.Errorf("answer for item %d (no hazard) links hazard %d", ans.ItemID, *ans.HazardID)
		}
	}
	var spotDet hazard.Detail
	env.as(f.admin, http.MethodGet, fmt.Sprintf("/api/v1/hazards/%d", spot.ID), nil).decode(t, &spotDet)
	if len(spotDet.Events) != 2 || spotDet.Events[0].Action != "register" || spotDet.Events[1].Action != "spot_fix" || spotDet.Events[1].ToStatus != "closed" {
		t.Errorf("spot-fixed timeline = %+v", spotDet.Events)
	}
	path := func(h hazard.View, step string) string { return fmt.Sprintf("/api/v1/hazards/%d/%s", h.ID, step) }
	deadline := env.clk.Now().In(clock.Business).AddDate(0, 0, 7).Format(time.DateOnly)
	assign := map[string]any{"responsible_person": "李强", "measures": "更换制动片，调整制动间隙", "funds": 800, "deadline": deadline}
	plan := map[string]any{"goal": "消除重大隐患", "method": "停用并检修", "funds_materials": "5万元，备件", "responsible_unit": "工程部",
		"responsible_person": "王建国", "time_limit": "15日内完成", "safety_measures": "设置警戒区", "emergency_measures": "启动应急预案"}
	steps := []struct {
		name         string
		token        string
		path         string
		body         any
		status       int
		code, wantSt string
	}{
		{"a post user cannot assign", f.forklift, path(general, "assign"), assign, 403, "forbidden", ""},
		{"deadline in the past", f.admin, path(general, "assign"), map[string]any{"responsible_person": "李强", "measures": "x", "deadline": "2020-01-01"}, 400, "deadline_in_past", ""},
		{"fix before assignment", f.electrics, path(general, "fix"), map[string]any{"note": "已修", "photo_ids": []int64{photo.ID}}, 409, "hazard_transition_not_allowed", ""},
		{"assign", f.admin, path(general, "assign"), assign, 200, "", "rectifying"},
		{"fix without a photo", f.electrics, path(general, "fix"), map[string]any{"note": "已修"}, 400, "validation_failed", ""},
		{"fix", f.electrics, path(general, "fix"), map[string]any{"note": "已更换制动片", "photo_ids": []int64{photo.ID}}, 200, "", "pending_acceptance"},
		{"the fixer cannot accept", f.electrics, path(general, "accept"), map[string]any{"note": "合格"}, 403, "forbidden", ""},
		{"reject", f.admin, path(general, "reject"), map[string]any{"note": "制动距离仍偏长"}, 200, "", "rectifying"},
		{"fix again", f.electrics, path(general, "fix"), map[string]any{"note": "重新调整", "photo_ids": []int64{photo.ID}}, 200, "", "pending_acceptance"},
		{"accept", f.admin, path(general, "accept"), map[string]any{"note": "复测合格"}, 200, "", "closed"},
		{"nothing after closing", f.admin, path(general, "assign"), assign, 409, "hazard_transition_not_allowed", ""},
		{"a major hazard needs a plan", f.admin, path(major, "assign"), assign, 400, "major_plan_required", ""},
		{"a major hazard with its plan", f.admin, path(major, "assign"), map[string]any{"responsible_person": "王建国", "measures": "停用检修", "deadline": deadline, "plan": plan}, 200, "", "rectifying"},
	}
	for _, s := range steps {
		r := env.as(s.token, http.MethodPost, s.path, s.body)
		if r.Code != s.status {
			t.Fatalf("%s: %d %s", s.name, r.Code, r.Body)
		}
		if s.code != "" && s.code != "forbidden" && r.errBody(t).Code != s.code {
			t.Fatalf("%s: code %s", s.name, r.Body)
		}
		if s.wantSt != "" {
			var h hazard.Detail
			r.decode(t, &h)
			if h.Status != s.wantSt {
				t.Fatalf("%s: status %s", s.name, h.Status)
			}
		}
	}
	// The admin as fixer cannot accept its own fix either: the rule is about the person, not the role.
	env.as(f.admin, http.MethodPost, path(major, "fix"), map[string]any{"note": "已检修", "photo_ids": []int64{photo.ID}})
	if r := env.as(f.admin, http.MethodPost, path(major, "accept"), map[string]any{"note": "合格"}); r.Code != 403 || r.errBody(t).Code != "acceptor_is_fixer" {
		t.Errorf("admin accepting its own fix = %d %s", r.Code, r.Body)
	}
	// The timeline records every step with who and what.
	var det hazard.Detail
	env.as(f.admin, http.MethodGet, fmt.Sprintf("/api/v1/hazards/%d", general.ID), nil).decode(t, &det)
	var actions []string
	for _, e := range det.Events {
		actions = append(actions, e.Action+":"+e.ToStatus)
	}
	want := "register:registered,assign:rectifying,fix:pending_acceptance,reject:rectifying,fix:pending_acceptance,accept:closed"
	if strings.Join(actions, ",") != want || det.Events[2].ActorName != "李强" || len(det.Events[2].PhotoIDs) != 1 || det.Measures == "" || *det.Funds != 800 {
		t.Errorf("timeline = %v", actions)
	}
	var maj hazard.Detail
	env.as(f.admin, http.MethodGet, fmt.Sprintf("/api/v1/hazards/%d", major.ID), nil).decode(t, &maj)
	if maj.Plan == nil || maj.Plan.ResponsibleUnit != "工程部" {
		t.Errorf("plan = %+v", maj.Plan)
	}
	// Overdue: the deadline passes with the major hazard still open.
	env.clk.Advance(8 * 24 * time.Hour)
	f.admin = env.login("personal", demo.MallName, pw).AccessToken
	f.forklift = env.login("personal", demo.MallForklift, pw).AccessToken
	env.as(f.admin, http.MethodGet, "/api/v1/hazards?overdue=true", nil).decode(t, &ledger)
	if ledger.Total != 1 || ledger.Items[0].ID != major.ID || !ledger.Items[0].Overdue {
		t.Errorf("overdue = %+v", ledger)
	}
	// Export follows the filters.
	if r := env.as(f.admin, http.MethodGet, "/api/v1/hazard-export?legal_level=major", nil); r.Code != 200 || r.Header.Get("Content-Type") != xlsxType {
		t.Errorf("export = %d", r.Code)
	}
	// Hazards reported outside an inspection.
	var rep hazard.Detail
	r = env.as(f.forklift, http.MethodPost, "/api/v1/hazards", map[string]any{"subject": "消防通道堆物", "description": "员工反映消防通道堆放纸箱",
		"grade_code": "B", "post_id": postOf(t, env, "仓储部", "叉车司机")})
	r.decode(t, &rep)
	if r.Code != 201 || rep.Source != "report" || rep.Status != "registered" || rep.DepartmentName != "仓储部" {
		t.Errorf("report = %d %s", r.Code, r.Body)
	}
}

// jpeg is the smallest useful JPEG header; mimetype detects the type from it.
var jpeg = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00}, make([]byte, 64)...)

func TestMajorHazardsReachTheRightRegulators(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	d := f.start(t, f.forklift, f.daily)
	answers := allOK(d)
	answers[4] = map[string]any{"item_id": f.major, "result": "hazard", "description": "重大隐患", "grade_code": "D"}
	answers[0] = map[string]any{"item_id": d.Answers[0].ItemID, "result": "hazard", "description": "一般隐患", "grade_code": "C"}
	env.as(f.forklift, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", d.ID), map[string]any{"answers": answers})
	see := func(regulator, query string) HazardPage {
		tok := env.login("personal", regulator, pw)
		var p HazardPage
		env.as(tok.AccessToken, http.MethodGet, "/api/v1/regulator/hazards"+query, nil).decode(t, &p)
		return p
	}
	if p := see(demo.ChaoyangReg, ""); p.Total != 1 || p.Items[0].LegalLevel != "major" || p.Items[0].EnterpriseName != demo.MallName {
		t.Errorf("朝阳 sees %+v", p)
	}
	if p := see(demo.CityRegulator, ""); p.Total != 1 {
		t.Errorf("the city sees %d", p.Total)
	}
	if p := see(demo.HaidianReg, ""); p.Total != 0 {
		t.Errorf("海淀 sees another district's hazard: %+v", p)
	}
	if p := see(demo.ChaoyangReg, "?legal_level=general"); p.Total != 1 {
		t.Errorf("general hazards on request = %d", p.Total)
	}
	var id int64
	testdb.Must(t, env.db.Table("hazards").Where("legal_level = 'major'").Pluck("id", &id))
	haidian := env.login("personal", demo.HaidianReg, pw)
	if r := env.as(haidian.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/regulator/hazards/%d", id), nil); r.Code != 404 {
		t.Errorf("海淀 opens it: %d", r.Code)
	}
	// Nothing in the API deletes a hazard.
	for _, r := range env.srv.Routes() {
		if r.Method == http.MethodDelete && strings.Contains(r.Path, "hazard") && !strings.Contains(r.Path, "grade") {
			t.Errorf("route %s %s deletes hazards", r.Method, r.Path)
		}
	}
}

// TestUsageRate constructs the second half of November 2026 and checks the figures by hand.
func TestUsageRate(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	// The checklists were created at testNow (28 Nov 10:00). Move their creation back to 1 November so the
	// whole half-month is due, except the weekly one, created on 20 November.
	testdb.Must(t, env.db.Exec("UPDATE checklists SET created_at = ? WHERE id = ?", time.Date(2026, 11, 1, 0, 0, 0, 0, clock.Business).UTC(), f.daily))
	testdb.Must(t, env.db.Exec("UPDATE checklists SET created_at = ? WHERE id = ?", time.Date(2026, 11, 20, 9, 0, 0, 0, clock.Business).UTC(), f.weekly))
	// Submit the daily checklist on the 16th, 17th and 20th, and the weekly one in week 48 (23–29 Nov).
	for _, day := range []int{16, 17, 20} {
		env.clk.Set(time.Date(2026, 11, day, 9, 0, 0, 0, clock.Business))
		f.forklift = env.login("personal", demo.MallForklift, pw).AccessToken // tokens from the future are not valid yet
		d := f.start(t, f.forklift, f.daily)
		env.as(f.forklift, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", d.ID), map[string]any{"answers": allOK(d)})
	}
	env.clk.Set(time.Date(2026, 11, 25, 9, 0, 0, 0, clock.Business))
	f.electrics = env.login("personal", demo.MallElectrician, pw).AccessToken
	w := f.start(t, f.electrics, f.weekly)
	env.as(f.electrics, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", w.ID), map[string]any{"answers": allOK(w)})

	usage := func(date string) inspection.Usage {
		var u inspection.Usage
		f.admin = env.login("personal", demo.MallName, pw).AccessToken
		r := env.as(f.admin, http.MethodGet, "/api/v1/usage?date="+date, nil)
		r.decode(t, &u)
		if r.Code != 200 {
			t.Fatalf("usage = %d %s", r.Code, r.Body)
		}
		return u
	}
	// Live, on 25 November at 09:00: daily periods 16–24 have ended (9 due, 3 submitted); the 25th is open
	// and not submitted, so not yet due. The weekly period of week 48 is open but already submitted: due
	// and done. Week 47 (16–22 Nov) is not due: the weekly checklist was created during it.
	u := usage("2026-11-25")
	if !u.Live || u.Due != 10 || u.OnTime != 4 || !pctIs(u.Rate, 40) || u.Period.Key != "2026-11-H2" {
		t.Errorf("live = due %d on time %d rate %v live %v", u.Due, u.OnTime, u.Rate, u.Live)
	}
	// After the half-month: 15 daily periods (16–30) + week 48 (ends 29 Nov 24:00, inside) = 16 due, 4 done.
	env.clk.Set(time.Date(2026, 12, 1, 8, 0, 0, 0, clock.Business))
	u = usage("2026-11-20")
	if u.Live || u.Due != 16 || u.OnTime != 4 || !pctIs(u.Rate, 25) || len(u.Missed) != 12 {
		t.Errorf("final = due %d on time %d rate %v missed %d", u.Due, u.OnTime, u.Rate, len(u.Missed))
	}
	// A new month starts from zero (FAQ 4): nothing is due yet, so there is no rate (无应排查), not 0 %.
	u = usage("2026-12-01")
	if u.Due != 0 || u.Rate != nil || !u.NothingDue || u.Period.Key != "2026-12-H1" {
		t.Errorf("new month = %+v", u)
	}
	// A checklist disabled after the half-month ended leaves the finished half-month as it was: it was
	// frozen when it ended (a disabled checklist has no periods due from then on; see
	// TestSnapshotsDoNotChangeAfterEdits and TestFinishedHalfMonthsNeverMove).
	f.admin = env.login("personal", demo.MallName, pw).AccessToken
	env.as(f.admin, http.MethodPost, fmt.Sprintf("/api/v1/checklists/%d/disable", f.daily), nil)
	if u := usage("2026-11-20"); u.Live || u.Due != 16 || u.OnTime != 4 || len(u.Missed) != 12 {
		t.Errorf("with the daily checklist disabled afterwards = due %d on time %d missed %d", u.Due, u.OnTime, len(u.Missed))
	}
}

func TestDevClock(t *testing.T) {
	dev := clock.NewShifted(clock.System{}, 0)
	env := newEnv(t, func(d *Deps) { d.Clock, d.DevClock = dev, dev })
	at := time.Date(2026, 11, 30, 23, 59, 50, 0, clock.Business)
	var c DevClock
	r := env.do(http.MethodPut, "/api/v1/dev/clock", map[string]any{"now": at})
	r.decode(t, &c)
	if r.Code != 200 || c.Now.Sub(at) > 2*time.Second || c.Now.Before(at) {
		t.Fatalf("set = %d %s", r.Code, r.Body)
	}
	var m MetaResponse
	env.do(http.MethodGet, "/api/v1/meta", nil).decode(t, &m)
	if m.ServerTime.Sub(at) > 2*time.Second {
		t.Errorf("meta does not follow the dev clock: %v", m.ServerTime)
	}
	if r := env.do(http.MethodPut, "/api/v1/dev/clock", map[string]any{}); r.Code != 400 {
		t.Errorf("empty = %d", r.Code)
	}
	// Production never has the development routes; a development server has them only with the development
	// features (a loopback listen address): elsewhere nobody on the network may move its clock or run its jobs.
	for name, opt := range map[string]func(*Deps){
		"production":                 func(d *Deps) { d.Config.Env, d.Config.DevFeatures = config.Production, false },
		"development on the network": func(d *Deps) { d.Config.DevFeatures = false },
	} {
		other := newEnv(t, opt)
		for _, r := range []struct{ method, path string }{{http.MethodGet, "/api/v1/dev/clock"}, {http.MethodPut, "/api/v1/dev/clock"}, {http.MethodPost, "/api/v1/dev/jobs/run"}} {
			if resp := other.do(r.method, r.path, map[string]any{"now": at}); resp.Code != 404 {
				t.Errorf("%s: %s %s = %d, want 404", name, r.method, r.path, resp.Code)
			}
		}
	}
	if _, err := New(Deps{Config: config.Config{Env: config.Production, DevFeatures: true}}); err == nil {
		t.Error("a production server was built with the development routes")
	}
}

// A save that started before a submission committed must not change the submitted inspection afterwards:
// its answers, its hazards and its hazard_count stay in agreement (issue 13, lost update). The test holds a
// lock on one answer row so that the save is caught between reading the draft and writing that answer, lets
// the submission run, then lets the save go on.
func TestSaveRacingSubmitLosesNothing(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	d := f.start(t, f.forklift, f.daily)
	path := fmt.Sprintf("/api/v1/inspections/%d", d.ID)
	// x is answered 不涉及 first, so that it has a row of its own to hold (a plain 合格 has none).
	x := d.Answers[1].ItemID
	first := allOK(d)
	first[1] = map[string]any{"item_id": x, "result": "na", "na_reason": "本周未使用"}
	if r := env.as(f.forklift, http.MethodPut, path+"/answers", map[string]any{"answers": first}); r.Code != 200 {
		t.Fatalf("save = %d %s", r.Code, r.Body)
	}
	hold := env.db.Begin()
	if hold.Error != nil {
		t.Fatal(hold.Error)
	}
	defer hold.Rollback()
	testdb.Must(t, hold.Exec("SELECT 1 FROM inspection_answers WHERE inspection_id = ? AND item_id = ? FOR UPDATE", d.ID, x))

	waiting := func() int64 {
		var n int64
		testdb.Must(t, env.db.Raw(`SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n))
		return n
	}
	waitFor := func(what string, done func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !done(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
		}
	}
	saved := make(chan int, 1)
	go func() {
		saved <- env.as(f.forklift, http.MethodPut, path+"/answers", map[string]any{"answers": []map[string]any{
			{"item_id": x, "result": "hazard", "description": "货叉链条断股", "grade_code": "B"}}}).Code
	}()
	waitFor("the save to wait for the held answer", func() bool { return waiting() >= 1 })
	submitted := make(chan int, 1)
	go func() {
		submitted <- env.as(f.forklift, http.MethodPost, path+"/submit", map[string]any{"answers": []map[string]any{}}).Code
	}()
	// Without a lock on the inspection the submission commits now; with it, it waits for the save.
	var subCode int
	waitFor("the submission to finish or wait", func() bool {
		select {
		case subCode = <-submitted:
			return true
		default:
			return waiting() >= 2
		}
	})
	if err := hold.Rollback().Error; err != nil {
		t.Fatal(err)
	}
	saveCode := <-saved
	if subCode == 0 {
		subCode = <-submitted
	}
	t.Logf("save answered %d, submit answered %d", saveCode, subCode)

	var got inspection.Detail
	env.as(f.forklift, http.MethodGet, path, nil).decode(t, &got)
	var hazardAnswers, hazards int64
	testdb.Must(t, env.db.Table("inspection_answers").Where("inspection_id = ? AND result = 'hazard'", d.ID).Count(&hazardAnswers))
	testdb.Must(t, env.db.Table("hazards").Where("inspection_id = ?", d.ID).Count(&hazards))
	if got.Status != inspection.Submitted || int64(got.HazardCount) != hazardAnswers || hazards != hazardAnswers {
		t.Fatalf("submitted inspection disagrees with itself: status %s, hazard_count %d, %d answers say 隐患, %d hazards registered",
			got.Status, got.HazardCount, hazardAnswers, hazards)
	}
	var late int64
	testdb.Must(t, env.db.Table("inspection_answers a").Joins("JOIN inspections i ON i.id = a.inspection_id").
		Where("a.inspection_id = ? AND a.answered_at > i.submitted_at", d.ID).Count(&late))
	if late != 0 {
		t.Fatalf("%d answers changed after the submission", late)
	}
}
