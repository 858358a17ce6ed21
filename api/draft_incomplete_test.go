package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"yqyb/internal/inspection"
	"yqyb/internal/platform/testdb"
)

// A draft keeps whatever was entered, a hazard marked before its grade, description or photo included (the
// worker marks it and goes to take the photo); completeness is checked at submit, which names the items
// still incomplete. The answers stay compact: only the exceptions have rows.
func TestDraftKeepsIncompleteAnswers(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	d := f.start(t, f.forklift, f.daily)
	path := fmt.Sprintf("/api/v1/inspections/%d", d.ID)
	item := func(i int) int64 { return d.Answers[i].ItemID }
	rows := func() int64 {
		var n int64
		testdb.Must(t, env.db.Table("inspection_answers").Where("inspection_id = ?", d.ID).Count(&n))
		return n
	}

	// Items 0 and 1 fine, item 2 a hazard with nothing else yet, item 3 不涉及 without its reason, item 4 a
	// hazard fixed on the spot with description and grade but no photo yet.
	draft := []map[string]any{
		{"item_id": item(0), "result": "ok"},
		{"item_id": item(1), "result": "ok"},
		{"item_id": item(2), "result": "hazard"},
		{"item_id": item(3), "result": "na"},
		{"item_id": item(4), "result": "hazard", "description": "货架立柱变形", "grade_code": "B", "fixed_on_spot": true},
	}
	var saved inspection.Detail
	r := env.as(f.forklift, http.MethodPut, path+"/answers", map[string]any{"answers": draft})
	r.decode(t, &saved)
	if r.Code != 200 {
		t.Fatalf("saving a draft with incomplete items = %d %s", r.Code, r.Body)
	}
	if saved.Status != "draft" || saved.Answered != 5 {
		t.Fatalf("saved = %+v", saved)
	}
	if a := saved.Answers[2]; a.Result == nil || *a.Result != "hazard" || a.GradeCode != "" || a.Description != "" {
		t.Errorf("the bare hazard reads back as %+v", a)
	}
	if a := saved.Answers[3]; a.Result == nil || *a.Result != "na" || a.NaReason != "" {
		t.Errorf("the 不涉及 without reason reads back as %+v", a)
	}
	if a := saved.Answers[4]; a.Result == nil || *a.Result != "hazard" || a.GradeCode != "B" || a.Description != "货架立柱变形" || !a.FixedOnSpot {
		t.Errorf("the spot-fixed hazard reads back as %+v", a)
	}
	// Compact: the two plain 合格 are the default, the three exceptions have rows.
	if n := rows(); n != 3 {
		t.Errorf("rows after the draft = %d, want 3", n)
	}
	// A grade the enterprise does not have is still refused in a draft (it is wrong, not incomplete).
	if r := env.as(f.forklift, http.MethodPut, path+"/answers", map[string]any{"answers": []map[string]any{
		{"item_id": item(2), "result": "hazard", "grade_code": "Z"}}}); r.Code != 400 || r.errBody(t).Code != "hazard_grade_unknown" {
		t.Errorf("unknown grade in a draft = %d %s", r.Code, r.Body)
	}

	// Submitting now names the incomplete items and what each lacks; nothing is submitted.
	r = env.as(f.forklift, http.MethodPost, path+"/submit", nil)
	b := r.errBody(t)
	if r.Code != 400 || b.Code != "inspection_incomplete" {
		t.Fatalf("submit with incomplete items = %d %s", r.Code, r.Body)
	}
	for _, s := range []string{d.Answers[2].Subject, d.Answers[3].Subject, d.Answers[4].Subject, "隐患描述", "隐患等级", "不涉及原因", "照片"} {
		if !strings.Contains(b.Message, s) {
			t.Errorf("the message %q does not name %q", b.Message, s)
		}
	}
	items, _ := b.Details["items"].([]any)
	if len(items) != 3 {
		t.Fatalf("details = %+v, want three incomplete items", b.Details)
	}
	wantMissing := map[int64]string{item(2): "description,grade", item(3): "na_reason", item(4): "photo"}
	for _, x := range items {
		m, _ := x.(map[string]any)
		id, _ := m["item_id"].(float64)
		var missing []string
		for _, v := range m["missing"].([]any) {
			missing = append(missing, v.(string))
		}
		if want := wantMissing[int64(id)]; strings.Join(missing, ",") != want {
			t.Errorf("item %v misses %v, want %s", id, missing, want)
		}
	}
	var got inspection.Detail
	env.as(f.forklift, http.MethodGet, path, nil).decode(t, &got)
	if got.Status != "draft" || got.HazardCount != 0 {
		t.Fatalf("after the refused submit = %+v", got)
	}

	// Completing the items submits, with the two hazards registered and their codes on the answers.
	var photo struct{ ID int64 }
	env.upload(f.forklift, "/api/v1/files", "货架.jpg", jpeg).decode(t, &photo)
	r = env.as(f.forklift, http.MethodPost, path+"/submit", map[string]any{"answers": []map[string]any{
		{"item_id": item(2), "result": "hazard", "description": "灭火器压力不足", "grade_code": "D"},
		{"item_id": item(3), "result": "na", "na_reason": "本库区无此设施"},
		{"item_id": item(4), "result": "hazard", "description": "货架立柱变形", "grade_code": "B", "fixed_on_spot": true, "photo_ids": []int64{photo.ID}},
	}})
	r.decode(t, &got)
	if r.Code != 200 || got.Status != "submitted" || got.HazardCount != 2 {
		t.Fatalf("submit once complete = %d %s", r.Code, r.Body)
	}
	for _, i := range []int{2, 4} {
		if a := got.Answers[i]; a.HazardID == nil || !strings.HasPrefix(a.HazardCode, "YH-") {
			t.Errorf("answer %d after submit = %+v, want its hazard and code", i, a)
		}
	}
	if n := rows(); n != 3 {
		t.Errorf("rows after the submission = %d, want 3", n)
	}
}
