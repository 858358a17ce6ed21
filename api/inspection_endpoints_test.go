package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"yqyb/internal/files"
	"yqyb/internal/inspection"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/rbac"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

// TestInspectionEndpoints is the contract of the inspection endpoints: a post user's tasks and
// checklists, starting, saving and submitting an inspection, and the enterprise's records and usage.
func TestInspectionEndpoints(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	as := signIn(env)
	forklift, electrics := f.forklift, f.electrics
	// An empty checklist for the forklift post, and the electrician's weekly inspection as a draft.
	var empty standard.ChecklistDetail
	if r := env.as(f.admin, http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": postOf(t, env, "仓储部", "叉车司机"), "name": "空清单",
		"frequency": "monthly", "item_ids": []int64{}}); r.Code != 201 {
		t.Fatalf("empty checklist = %d %s", r.Code, r.Body)
	} else {
		r.decode(t, &empty)
	}
	weekly := f.start(t, electrics, f.weekly)
	var own files.File
	env.upload(forklift, "/api/v1/files", "货架.jpg", jpeg).decode(t, &own)
	// The factory's standard, a checklist of its welder's post, an inspection started and a photo.
	var fstd standard.View
	env.as(as.factory, http.MethodPost, "/api/v1/standard", map[string]any{"from_template": true}).decode(t, &fstd)
	var fcl standard.ChecklistDetail
	env.as(as.factory, http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": postOfFactory(t, env, "焊工"), "name": "焊接日检", "frequency": "daily",
		"item_ids": []int64{fstd.Categories[0].Items[0].ID}}).decode(t, &fcl)
	welder := env.login("personal", demo.FactoryWelder, pw).AccessToken
	finsp := f.start(t, welder, fcl.ID)
	var fphoto files.File
	env.upload(welder, "/api/v1/files", "焊机.jpg", jpeg).decode(t, &fphoto)
	if fcl.ID == 0 || finsp.ID == 0 || fphoto.ID == 0 || own.ID == 0 || empty.ID == 0 {
		t.Fatalf("fixture: factory checklist %d inspection %d photo %d, own photo %d, empty checklist %d", fcl.ID, finsp.ID, fphoto.ID, own.ID, empty.ID)
	}
	foreignItem := fstd.Categories[0].Items[0].ID

	var daily inspection.Detail // started by a row of the 200 table
	insp := func(id int64, rest string) string { return fmt.Sprintf("/api/v1/inspections/%d%s", id, rest) }
	dailyAt := func(rest string) func() string { return func() string { return insp(daily.ID, rest) } }
	start := func(checklist int64) string { return fmt.Sprintf("/api/v1/my/checklists/%d/inspection", checklist) }
	answer := func(item int64, result string, kv ...any) map[string]any {
		m := map[string]any{"item_id": item, "result": result}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	answers := func(a ...map[string]any) map[string]any { return map[string]any{"answers": a} }
	detail := func(want func(inspection.Detail) bool) func(*testing.T, *response) {
		return func(t *testing.T, r *response) {
			if d := decodeInto[inspection.Detail](t, r); !want(d) {
				t.Errorf("inspection = %+v", d)
			}
		}
	}
	records := func(total int64, want func(InspectionPage) bool) func(*testing.T, *response) {
		return func(t *testing.T, r *response) {
			if p := decodeInto[InspectionPage](t, r); p.Total != total || !want(p) {
				t.Errorf("records = %+v, want %d", p, total)
			}
		}
	}
	anything := func(InspectionPage) bool { return true }

	t.Run("200", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "a post user's tasks", token: forklift, method: http.MethodGet, path: "/api/v1/my/inspections", status: 200, hide: []string{"配电巡检", "焊接日检"},
				check: func(t *testing.T, r *response) {
					m := decodeInto[MySlots](t, r)
					states := map[string]string{}
					for _, s := range m.Slots {
						states[s.ChecklistName] = fmt.Sprintf("%s/%d/%s", s.State, s.ItemCount, s.Period.Key)
					}
					if m.PostName != "叉车司机" || states["叉车每日点检"] != "not_started/5/2026-11-28" || states["空清单"] != "not_started/0/2026-11" {
						t.Errorf("tasks = %s %v", m.PostName, states)
					}
				}},
			{name: "a post user's checklists", token: forklift, method: http.MethodGet, path: "/api/v1/my/checklists", status: 200, hide: []string{"配电巡检", "焊接日检"},
				check: func(t *testing.T, r *response) {
					m := decodeInto[standard.MyChecklists](t, r)
					if m.PostName != "叉车司机" || len(m.Checklists) != 2 || m.Reason != "" {
						t.Errorf("checklists = %+v", m)
					}
				}},
			{name: "start an inspection", token: forklift, method: http.MethodPost, path: start(f.daily), status: 200,
				check: func(t *testing.T, r *response) {
					daily = decodeInto[inspection.Detail](t, r)
					if daily.ID == 0 || daily.Status != "draft" || !daily.Open || len(daily.Answers) != 5 || daily.Answered != 0 || daily.StartedBy != "赵磊" {
						t.Errorf("started = %+v", daily)
					}
				}},
			{name: "save some answers", token: forklift, method: http.MethodPut, at: dailyAt("/answers"),
				body: answers(answer(f.items[0], "ok"), answer(f.items[1], "na", "na_reason", "本库区无此设施")), status: 200,
				check: detail(func(d inspection.Detail) bool {
					return d.Answered == 2 && d.Status == "draft" && d.Answers[1].NaReason == "本库区无此设施" && d.Answers[1].AnsweredBy == "赵磊"
				})},
			{name: "save a hazard with a photo", token: forklift, method: http.MethodPut, at: dailyAt("/answers"),
				body: answers(answer(f.items[2], "hazard", "description", "货架立柱变形", "grade_code", "C", "location", "二号库", "photo_ids", []int64{own.ID})), status: 200,
				check: detail(func(d inspection.Detail) bool {
					a := d.Answers[2]
					return d.Answered == 3 && a.Result != nil && *a.Result == "hazard" && a.GradeCode == "C" && len(a.PhotoIDs) == 1 && a.PhotoIDs[0] == own.ID && a.HazardID == nil
				})},
			{name: "the draft in the records", token: f.admin, method: http.MethodGet, path: "/api/v1/inspections?status=draft&sort=id", status: 200,
				check: records(2, func(p InspectionPage) bool {
					return p.Items[0].ID == weekly.ID && p.Items[1].ChecklistName == "叉车每日点检" && p.Items[1].Answered == 3 && p.Items[1].Items == 5
				})},
			{name: "the post user reads its draft", token: forklift, method: http.MethodGet, at: dailyAt(""), status: 200,
				check: detail(func(d inspection.Detail) bool {
					return d.ID == daily.ID && d.Answered == 3 && d.PostName == "叉车司机"
				})},
			{name: "submit with the last answers", token: forklift, method: http.MethodPost, at: dailyAt("/submit"),
				body: answers(answer(f.items[3], "ok"), answer(f.major, "ok")), status: 200,
				check: detail(func(d inspection.Detail) bool {
					return d.Status == "submitted" && d.Answered == 5 && d.HazardCount == 1 && d.SubmittedBy == "赵磊" && d.SubmittedAt != nil && d.Answers[2].HazardID != nil
				})},
			{name: "the records by checklist, status and day", token: f.admin, method: http.MethodGet,
				path: fmt.Sprintf("/api/v1/inspections?checklist_id=%d&status=submitted&from=2026-11-28&to=2026-11-28", f.daily), status: 200,
				check: records(1, func(p InspectionPage) bool {
					return p.Items[0].HazardCount == 1 && p.Items[0].DepartmentName == "仓储部" && p.Items[0].PeriodLabel == "2026年11月28日"
				})},
			{name: "the records by post and period", token: f.admin, method: http.MethodGet,
				path: fmt.Sprintf("/api/v1/inspections?post_id=%d&period_key=2026-W48", postOf(t, env, "工程部", "电工")), status: 200,
				check: records(1, func(p InspectionPage) bool { return p.Items[0].ID == weekly.ID })},
			{name: "the records by another enterprise's checklist", token: f.admin, method: http.MethodGet,
				path: fmt.Sprintf("/api/v1/inspections?checklist_id=%d", fcl.ID), status: 200, hide: []string{"焊接日检"}, check: records(0, anything)},
			{name: "the admin reads the submitted inspection", token: f.admin, method: http.MethodGet, at: dailyAt(""), status: 200,
				check: detail(func(d inspection.Detail) bool {
					return d.Status == "submitted" && d.Open && d.StartedBy == "赵磊" && d.SubmittedBy == "赵磊"
				})},
			{name: "the usage of the half month", token: f.admin, method: http.MethodGet, path: "/api/v1/usage?date=2026-11-28", status: 200,
				check: func(t *testing.T, r *response) {
					u := decodeInto[inspection.Usage](t, r)
					if u.Period.Key != "2026-11-H2" || !u.Live || u.Due != 1 || u.OnTime != 1 || !pctIs(u.Rate, 100) {
						t.Errorf("usage = %+v", u)
					}
				}},
		})
	})

	t.Run("400", func(t *testing.T) {
		save := insp(weekly.ID, "/answers")
		item := weekly.Answers[0].ItemID
		tooMany := make([]map[string]any, 2001)
		for i := range tooMany {
			tooMany[i] = answer(item, "ok")
		}
		state := func() string {
			return rowsOf(t, env, `SELECT CONCAT(id, status, version, ok_by, ok_at) FROM inspections UNION ALL
				SELECT CONCAT(inspection_id, item_id, result, photo_ids) FROM inspection_answers UNION ALL
				SELECT CONCAT('f', id, attached_at) FROM files ORDER BY 1`)
		}
		unchanged(t, env, state, []call{
			{name: "an answer without an item", token: electrics, method: http.MethodPut, path: save, body: answers(answer(0, "ok")),
				status: 400, code: "validation_failed", field: "answers[0].item_id"},
			{name: "an unknown result", token: electrics, method: http.MethodPut, path: save, body: answers(answer(item, "ok"), answer(item, "maybe")),
				status: 400, code: "validation_failed", field: "answers[1].result"},
			{name: "a description too long", token: electrics, method: http.MethodPut, path: save,
				body: answers(answer(item, "hazard", "description", strings.Repeat("长", 2001), "grade_code", "C")), status: 400, code: "validation_failed", field: "answers[0].description"},
			{name: "ten photos", token: electrics, method: http.MethodPut, path: save,
				body: answers(answer(item, "ok", "photo_ids", []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})), status: 400, code: "validation_failed", field: "answers[0].photo_ids"},
			{name: "answers that are not a list", token: electrics, method: http.MethodPut, path: save, body: map[string]any{"answers": "ok"},
				status: 400, code: "validation_failed", field: "answers"},
			{name: "more answers than any checklist has", token: electrics, method: http.MethodPut, path: save, body: map[string]any{"answers": tooMany},
				status: 400, code: "validation_failed", field: "answers"},
			{name: "another enterprise's photo", token: electrics, method: http.MethodPut, path: save, body: answers(answer(item, "ok", "photo_ids", []int64{fphoto.ID})),
				status: 400, code: "photo_invalid", hide: []string{"焊机", idText(fphoto.ID)}},
			{name: "another enterprise's item", token: electrics, method: http.MethodPut, path: save, body: answers(answer(foreignItem, "ok")),
				status: 400, code: "answer_invalid", hide: []string{fstd.Categories[0].Items[0].Subject}},
			{name: "submit answers that are not a list", token: electrics, method: http.MethodPost, path: insp(weekly.ID, "/submit"), body: map[string]any{"answers": 1},
				status: 400, code: "validation_failed", field: "answers"},
			{name: "records by an unknown status", token: f.admin, method: http.MethodGet, path: "/api/v1/inspections?status=open", status: 400, code: "validation_failed", field: "status"},
			{name: "records by a negative post", token: f.admin, method: http.MethodGet, path: "/api/v1/inspections?post_id=-1", status: 400, code: "validation_failed", field: "post_id"},
			{name: "records by a non-numeric checklist", token: f.admin, method: http.MethodGet, path: "/api/v1/inspections?checklist_id=abc", status: 400, code: "validation_failed", field: "checklist_id"},
			{name: "records from a day that does not exist", token: f.admin, method: http.MethodGet, path: "/api/v1/inspections?from=2026-02-30", status: 400, code: "validation_failed", field: "from"},
			{name: "records sorted by a column that is not offered", token: f.admin, method: http.MethodGet, path: "/api/v1/inspections?sort=post_name", status: 400, code: "validation_failed", field: "sort"},
			{name: "usage of a day in another format", token: f.admin, method: http.MethodGet, path: "/api/v1/usage?date=2026/11/28", status: 400, code: "validation_failed", field: "date"},
		})
	})

	t.Run("403", func(t *testing.T) {
		state := func() string {
			return rowsOf(t, env, `SELECT CONCAT(id, status, version) FROM inspections ORDER BY id`)
		}
		unchanged(t, env, state, []call{
			{name: "the enterprise-user account's tasks", token: as.entUser, method: http.MethodGet, path: "/api/v1/my/inspections", status: 403, code: "forbidden", perm: rbac.InspectView},
			{name: "a regulator's checklists", token: as.reg, method: http.MethodGet, path: "/api/v1/my/checklists", status: 403, code: "forbidden", perm: rbac.InspectView},
			{name: "the enterprise-user account starts", token: as.entUser, method: http.MethodPost, path: start(f.daily), status: 403, code: "forbidden", perm: rbac.InspectView},
			{name: "a post user reads the records", token: electrics, method: http.MethodGet, path: "/api/v1/inspections", status: 403, code: "forbidden", perm: rbac.InspectHistory},
			{name: "the enterprise-user account reads an inspection", token: as.entUser, method: http.MethodGet, path: insp(weekly.ID, ""), status: 403, code: "forbidden", perm: rbac.InspectView},
			{name: "a regulator saves answers", token: as.reg, method: http.MethodPut, path: insp(weekly.ID, "/answers"), body: answers(answer(weekly.Answers[0].ItemID, "ok")),
				status: 403, code: "forbidden", perm: rbac.InspectView},
			{name: "the enterprise-user account submits", token: as.entUser, method: http.MethodPost, path: insp(weekly.ID, "/submit"), status: 403, code: "forbidden", perm: rbac.InspectView},
			{name: "a post user reads the usage", token: electrics, method: http.MethodGet, path: "/api/v1/usage", status: 403, code: "forbidden", perm: rbac.UsageView},
		})
	})

	t.Run("404", func(t *testing.T) {
		theirs := func(id int64) []string { return []string{"焊接日检", "焊工", demo.FactoryName, idText(id)} }
		state := func() string {
			return rowsOf(t, env, `SELECT CONCAT(id, status, version, ok_by, ok_at) FROM inspections UNION ALL
				SELECT CONCAT(inspection_id, item_id, result) FROM inspection_answers UNION ALL
				SELECT CONCAT('f', id, attached_at) FROM files ORDER BY 1`)
		}
		unchanged(t, env, state, []call{
			{name: "start another enterprise's checklist", token: forklift, method: http.MethodPost, path: start(fcl.ID), status: 404, code: "checklist_not_found", hide: theirs(fcl.ID)},
			{name: "the admin reads another enterprise's inspection", token: f.admin, method: http.MethodGet, path: insp(finsp.ID, ""), status: 404, code: "inspection_not_found",
				hide: theirs(finsp.ID)},
			{name: "save into another enterprise's inspection", token: forklift, method: http.MethodPut, path: insp(finsp.ID, "/answers"),
				body: answers(answer(finsp.Answers[0].ItemID, "ok")), status: 404, code: "inspection_not_found", hide: theirs(finsp.ID)},
			{name: "submit another enterprise's inspection", token: forklift, method: http.MethodPost, path: insp(finsp.ID, "/submit"),
				body: answers(answer(finsp.Answers[0].ItemID, "ok")), status: 404, code: "inspection_not_found", hide: theirs(finsp.ID)},
			{name: "save into another post's inspection", token: forklift, method: http.MethodPut, path: insp(weekly.ID, "/answers"),
				body: answers(answer(weekly.Answers[0].ItemID, "ok")), status: 404, code: "inspection_not_found", hide: []string{"配电巡检", idText(weekly.ID)}},
		})
	})

	t.Run("409", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "start a checklist without items", token: forklift, method: http.MethodPost, path: start(empty.ID), status: 409, code: "checklist_empty",
				check: func(t *testing.T, _ *response) {
					var n int64
					testdb.Must(t, env.db.Table("inspections").Where("checklist_id = ?", empty.ID).Count(&n))
					if n != 0 {
						t.Errorf("%d inspections of the empty checklist", n)
					}
				}},
			{name: "save into a submitted inspection", token: forklift, method: http.MethodPut, at: dailyAt("/answers"), body: answers(answer(f.items[0], "na", "na_reason", "改")),
				status: 409, code: "inspection_submitted"},
		})
	})
}

// postOfFactory finds a post of the factory by name.
func postOfFactory(t *testing.T, env *testEnv, name string) int64 {
	t.Helper()
	var id int64
	testdb.Must(t, env.db.Raw(`SELECT p.id FROM posts p JOIN enterprises e ON e.id = p.enterprise_id WHERE p.name = ? AND e.name = ?`, name, demo.FactoryName).Scan(&id))
	if id == 0 {
		t.Fatalf("no factory post %s", name)
	}
	return id
}
