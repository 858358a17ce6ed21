package api

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"yqyb/internal/inspection"
	"yqyb/internal/platform/testdb"
)

// Answers are stored compactly — a row only for an answer that differs from the inspection's default 合格
// (or, while nothing is, from unanswered) — yet every answer reads back exactly as given: what, who and
// when, through saves at different times, a change of mind and the submission.
func TestCompactAnswersReadBackAsGiven(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	d := f.start(t, f.forklift, f.daily)
	path := fmt.Sprintf("/api/v1/inspections/%d", d.ID)
	item := func(i int) int64 { return d.Answers[i].ItemID }
	ok := func(i int) map[string]any { return map[string]any{"item_id": item(i), "result": "ok"} }
	call := func(method, suffix string, answers ...map[string]any) inspection.Detail {
		t.Helper()
		var got inspection.Detail
		r := env.as(f.forklift, method, path+suffix, map[string]any{"answers": answers})
		r.decode(t, &got)
		if r.Code != 200 {
			t.Fatalf("%s %s = %d %s", method, suffix, r.Code, r.Body)
		}
		return got
	}
	rows := func() int64 {
		var n int64
		testdb.Must(t, env.db.Table("inspection_answers").Where("inspection_id = ?", d.ID).Count(&n))
		return n
	}
	type want struct {
		result string // "" unanswered
		at     time.Time
	}
	check := func(step string, got inspection.Detail, wants [5]want, wantRows int64) {
		t.Helper()
		answered := 0
		for i, w := range wants {
			a := got.Answers[i]
			switch {
			case w.result == "":
				if a.Result != nil || a.AnsweredAt != nil || a.AnsweredBy != "" {
					t.Errorf("%s: item %d = %+v, want unanswered", step, i, a)
				}
			case a.Result == nil || *a.Result != w.result || a.AnsweredAt == nil || !a.AnsweredAt.Equal(w.at) || a.AnsweredBy != "赵磊":
				t.Errorf("%s: item %d = %+v, want %s at %v by 赵磊", step, i, a, w.result, w.at)
			default:
				answered++
			}
			if a.Subject != d.Answers[i].Subject || a.Content != d.Answers[i].Content || a.CategoryName != d.Answers[i].CategoryName {
				t.Errorf("%s: item %d reads %q, the inspection started with %q", step, i, a.Subject, d.Answers[i].Subject)
			}
		}
		if got.Answered != answered {
			t.Errorf("%s: answered = %d, want %d", step, got.Answered, answered)
		}
		if n := rows(); n != wantRows {
			t.Errorf("%s: %d answer rows, want %d", step, n, wantRows)
		}
	}
	if n := rows(); n != 0 {
		t.Fatalf("a started inspection has %d answer rows", n)
	}
	t0 := env.clk.Now()
	// Two answers of five: the default stays unanswered, the two are rows.
	check("two 合格", call(http.MethodPut, "/answers", ok(0), ok(1)), [5]want{{"ok", t0}, {"ok", t0}, {}, {}, {}}, 2)
	env.clk.Advance(time.Minute)
	t1 := env.clk.Now()
	// Three more a minute later: they are the most, so they become the default and cost nothing; the first
	// two keep their own time in rows.
	check("three more", call(http.MethodPut, "/answers", ok(2), ok(3), ok(4)), [5]want{{"ok", t0}, {"ok", t0}, {"ok", t1}, {"ok", t1}, {"ok", t1}}, 2)
	env.clk.Advance(time.Minute)
	t2 := env.clk.Now()
	got := call(http.MethodPut, "/answers", map[string]any{"item_id": item(1), "result": "na", "na_reason": "本周停用"})
	check("a change of mind", got, [5]want{{"ok", t0}, {"na", t2}, {"ok", t1}, {"ok", t1}, {"ok", t1}}, 2)
	if got.Answers[1].NaReason != "本周停用" {
		t.Errorf("na_reason = %q", got.Answers[1].NaReason)
	}
	env.clk.Advance(time.Minute)
	t3 := env.clk.Now()
	got = call(http.MethodPost, "/submit", map[string]any{"item_id": item(2), "result": "hazard", "description": "货叉磨损", "grade_code": "C", "location": "一号库"})
	check("submitted", got, [5]want{{"ok", t0}, {"na", t2}, {"hazard", t3}, {"ok", t1}, {"ok", t1}}, 3)
	h := got.Answers[2]
	if h.HazardID == nil || h.Description != "货叉磨损" || h.GradeCode != "C" || h.Location != "一号库" || got.HazardCount != 1 {
		t.Errorf("the hazard answer = %+v, hazard_count %d", h, got.HazardCount)
	}
	var page struct {
		Items []struct {
			ID       int64 `json:"id"`
			Answered int   `json:"answered"`
			Items    int   `json:"items"`
		} `json:"items"`
	}
	env.as(f.admin, http.MethodGet, fmt.Sprintf("/api/v1/inspections?checklist_id=%d", f.daily), nil).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Answered != 5 || page.Items[0].Items != 5 {
		t.Errorf("the records list = %+v, want 5 of 5 answered", page.Items)
	}
}
