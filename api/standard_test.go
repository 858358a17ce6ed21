package api

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"

	"yqyb/internal/platform/sheet"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

// mallStandard creates the mall's standard from its template and returns it with the admin's token.
func mallStandard(t testing.TB, env *testEnv) (string, standard.View) {
	t.Helper()
	admin := env.login("personal", demo.MallName, pw)
	var v standard.View
	r := env.as(admin.AccessToken, http.MethodPost, "/api/v1/standard", map[string]any{"from_template": true})
	r.decode(t, &v)
	if r.Code != 201 {
		t.Fatalf("create standard = %d %s", r.Code, r.Body)
	}
	return admin.AccessToken, v
}

func firstItems(v standard.View, n int) []int64 {
	var ids []int64
	for _, c := range v.Categories {
		for _, it := range c.Items {
			if len(ids) < n {
				ids = append(ids, it.ID)
			}
		}
	}
	return ids
}

func TestStandardFromTemplate(t *testing.T) {
	env, sc := seeded(t)
	admin := env.login("personal", demo.MallName, pw)
	var before standard.View
	env.as(admin.AccessToken, http.MethodGet, "/api/v1/standard", nil).decode(t, &before)
	if before.Created || before.MainBusinessName != "商场超市" {
		t.Fatalf("before = %+v", before)
	}
	var tpl standard.TemplateView
	env.as(admin.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/templates/%d", *before.MainBusinessID), nil).decode(t, &tpl)
	if tpl.ItemCount < 30 || tpl.MajorItemCount == 0 {
		t.Fatalf("the shipped template is too small: %+v", tpl.TemplateSummary)
	}
	tok, v := mallStandard(t, env)
	if !v.Created || v.ItemCount != tpl.ItemCount || len(v.Categories) != len(tpl.Categories) || v.TemplateChanges != 0 {
		t.Fatalf("copy = %d items in %d categories, template %d in %d", v.ItemCount, len(v.Categories), tpl.ItemCount, len(tpl.Categories))
	}
	if r := env.as(tok, http.MethodPost, "/api/v1/standard", map[string]any{"from_template": true}); r.Code != 409 || r.errBody(t).Code != "standard_exists" {
		t.Errorf("second create = %d", r.Code)
	}
	// Every copied item keeps the template's text; major-hazard criteria stay flagged and graded A.
	for ci, c := range v.Categories {
		for ii, it := range c.Items {
			ti := tpl.Categories[ci].Items[ii]
			if it.Subject != ti.Subject || it.Content != ti.Content || it.Criterion != ti.Criterion || it.IsMajor != ti.IsMajor || it.GradeCode != ti.Grade {
				t.Fatalf("item %d.%d differs from the template: %+v vs %+v", ci, ii, it, ti)
			}
		}
	}

	// Editing the template never touches the copy; the enterprise sees what changed and pulls it in.
	plat := env.login("personal", demo.PlatformAdmin, pw)
	edited := tpl.Categories[0].Items[0]
	r := env.as(plat.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/template-items/%d", edited.ID), map[string]any{
		"category_id": edited.CategoryID, "subject": edited.Subject, "content": edited.Content + "（修订）", "criterion": edited.Criterion,
		"basis": edited.Basis, "grade": edited.Grade, "is_major": edited.IsMajor})
	if r.Code != 200 {
		t.Fatalf("template edit = %d %s", r.Code, r.Body)
	}
	var added standard.TemplateItem
	env.as(plat.AccessToken, http.MethodPost, "/api/v1/template-items", map[string]any{
		"category_id": edited.CategoryID, "subject": "新增检查项", "content": "检查新规定的落实情况", "criterion": "按新规定执行", "basis": "《北京市安全生产条例》", "grade": "C"}).decode(t, &added)
	removed := tpl.Categories[0].Items[1]
	env.as(plat.AccessToken, http.MethodDelete, fmt.Sprintf("/api/v1/template-items/%d", removed.ID), nil)

	var now standard.View
	env.as(tok, http.MethodGet, "/api/v1/standard", nil).decode(t, &now)
	if now.ItemCount != v.ItemCount || now.Categories[0].Items[0].Content != edited.Content || now.TemplateChanges != 3 {
		t.Fatalf("copy changed by the template edit, or changes not counted: %d items, %q, %d changes", now.ItemCount, now.Categories[0].Items[0].Content, now.TemplateChanges)
	}
	var ch standard.Changes
	env.as(tok, http.MethodGet, "/api/v1/standard/template-changes", nil).decode(t, &ch)
	kinds := map[string]int64{}
	for _, c := range ch.Changes {
		kinds[c.Kind] = c.Template.ID
	}
	if kinds["updated"] != edited.ID || kinds["added"] != added.ID || kinds["removed"] != removed.ID {
		t.Fatalf("changes = %+v", ch.Changes)
	}
	// Take the update and the addition; dismiss the removal.
	r = env.as(tok, http.MethodPost, "/api/v1/standard/template-changes", map[string]any{"template_item_ids": []int64{edited.ID, added.ID}, "dismiss_rest": true})
	r.decode(t, &ch)
	if r.Code != 200 || len(ch.Changes) != 0 {
		t.Fatalf("apply = %d %s", r.Code, r.Body)
	}
	env.as(tok, http.MethodGet, "/api/v1/standard", nil).decode(t, &now)
	if now.ItemCount != v.ItemCount+1 || now.Categories[0].Items[0].Content != edited.Content+"（修订）" || now.Categories[0].Items[0].Version != 2 {
		t.Fatalf("after apply: %d items, %q v%d", now.ItemCount, now.Categories[0].Items[0].Content, now.Categories[0].Items[0].Version)
	}
	// And the enterprise's own edits never reach the template.
	mine := now.Categories[0].Items[0]
	env.as(tok, http.MethodPut, fmt.Sprintf("/api/v1/standard/items/%d", mine.ID), map[string]any{"category_id": mine.CategoryID,
		"subject": "本企业自定项目", "content": mine.Content, "grade": "B"})
	env.as(plat.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/templates/%d", *before.MainBusinessID), nil).decode(t, &tpl)
	if tpl.Categories[0].Items[0].Subject == "本企业自定项目" {
		t.Fatal("an enterprise edit reached the template")
	}
	// Enterprises cannot edit templates.
	if r := env.as(tok, http.MethodPost, "/api/v1/template-items", map[string]any{"category_id": edited.CategoryID, "subject": "x", "content": "y"}); r.Code != 403 {
		t.Errorf("enterprise editing a template = %d", r.Code)
	}
	_ = sc
}

func TestStandardEditing(t *testing.T) {
	env, _ := seeded(t)
	tok, v := mallStandard(t, env)
	do := func(method, path string, body any) *response { return env.as(tok, method, path, body) }
	var cat standard.Category
	do(http.MethodPost, "/api/v1/standard/categories", map[string]any{"name": "本企业专项"}).decode(t, &cat)
	var a, b standard.Item
	do(http.MethodPost, "/api/v1/standard/items", map[string]any{"category_id": cat.ID, "subject": "卸货平台", "content": "检查平台护栏", "grade": "C"}).decode(t, &a)
	do(http.MethodPost, "/api/v1/standard/items", map[string]any{"category_id": cat.ID, "subject": "冷库", "content": "检查冷库门内开启装置", "grade": "B", "is_major": true}).decode(t, &b)
	tests := []struct {
		name         string
		method, path string
		body         any
		status       int
		code         string
	}{
		{"duplicate category", http.MethodPost, "/api/v1/standard/categories", map[string]any{"name": "本企业专项"}, 409, "standard_category_taken"},
		{"unknown grade", http.MethodPost, "/api/v1/standard/items", map[string]any{"category_id": cat.ID, "subject": "x", "content": "y", "grade": "Z"}, 400, "hazard_grade_unknown"},
		{"missing content", http.MethodPost, "/api/v1/standard/items", map[string]any{"category_id": cat.ID, "subject": "x"}, 400, "validation_failed"},
		{"reorder items", http.MethodPut, fmt.Sprintf("/api/v1/standard/categories/%d/item-order", cat.ID), map[string]any{"ids": []int64{b.ID, a.ID}}, 204, ""},
		{"reorder with a missing item", http.MethodPut, fmt.Sprintf("/api/v1/standard/categories/%d/item-order", cat.ID), map[string]any{"ids": []int64{b.ID}}, 400, "order_mismatch"},
		{"reorder with a duplicate", http.MethodPut, fmt.Sprintf("/api/v1/standard/categories/%d/item-order", cat.ID), map[string]any{"ids": []int64{b.ID, b.ID}}, 400, "order_mismatch"},
		{"rename", http.MethodPut, fmt.Sprintf("/api/v1/standard/categories/%d", cat.ID), map[string]any{"name": "仓储专项"}, 200, ""},
	}
	for _, tt := range tests {
		r := do(tt.method, tt.path, tt.body)
		if r.Code != tt.status || tt.code != "" && r.errBody(t).Code != tt.code {
			t.Errorf("%s: %d %s", tt.name, r.Code, r.Body)
		}
	}
	var now standard.View
	do(http.MethodGet, "/api/v1/standard", nil).decode(t, &now)
	last := now.Categories[len(now.Categories)-1]
	if last.Name != "仓储专项" || last.Items[0].ID != b.ID || last.Items[1].ID != a.ID {
		t.Fatalf("after reorder: %+v", last)
	}
	// Reorder categories: the new one first.
	ids := []int64{cat.ID}
	for _, c := range v.Categories {
		ids = append(ids, c.ID)
	}
	if r := do(http.MethodPut, "/api/v1/standard/category-order", map[string]any{"ids": ids}); r.Code != 204 {
		t.Fatalf("category order = %d %s", r.Code, r.Body)
	}
	do(http.MethodGet, "/api/v1/standard", nil).decode(t, &now)
	if now.Categories[0].ID != cat.ID {
		t.Fatalf("first category = %s", now.Categories[0].Name)
	}
	// Deleting a category takes its items out of checklists, and its name can be used again.
	var cl standard.ChecklistDetail
	env.as(tok, http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": postOf(t, env, "仓储部", "叉车司机"), "name": "仓储巡查", "frequency": "weekly",
		"item_ids": []int64{a.ID, firstItems(v, 1)[0]}}).decode(t, &cl)
	if r := do(http.MethodDelete, fmt.Sprintf("/api/v1/standard/categories/%d", cat.ID), nil); r.Code != 204 {
		t.Fatalf("delete category = %d", r.Code)
	}
	env.as(tok, http.MethodGet, fmt.Sprintf("/api/v1/checklists/%d", cl.ID), nil).decode(t, &cl)
	if len(cl.Items) != 1 {
		t.Errorf("checklist keeps %d items after the category went", len(cl.Items))
	}
	if r := do(http.MethodPost, "/api/v1/standard/categories", map[string]any{"name": "仓储专项"}); r.Code != 201 {
		t.Errorf("reuse of a deleted category's name = %d %s", r.Code, r.Body)
	}
}

func postOf(t testing.TB, env *testEnv, dept, post string) int64 {
	t.Helper()
	var id int64
	testdb.Must(t, env.db.Raw(`SELECT p.id FROM posts p JOIN departments d ON d.id = p.department_id JOIN enterprises e ON e.id = p.enterprise_id
		WHERE d.name = ? AND p.name = ? AND e.name = ?`, dept, post, demo.MallName).Scan(&id))
	if id == 0 {
		t.Fatalf("no post %s/%s", dept, post)
	}
	return id
}

func TestHazardGrades(t *testing.T) {
	env, _ := seeded(t)
	tok, v := mallStandard(t, env)
	var grades []standard.Grade
	env.as(tok, http.MethodGet, "/api/v1/hazard-grades", nil).decode(t, &grades)
	var got []string
	for _, g := range grades {
		got = append(got, g.Code+":"+g.LegalLevel)
	}
	if strings.Join(got, ",") != "A:major,B:general,C:general,D:general" || grades[0].Items == 0 {
		t.Fatalf("default scheme = %v", got)
	}
	var e standard.Grade
	tests := []struct {
		name         string
		method, path string
		body         any
		status       int
		code         string
	}{
		{"map B to major", http.MethodPut, fmt.Sprintf("/api/v1/hazard-grades/%d", grades[1].ID), map[string]any{"code": "B", "name": "B级（较大）", "legal_level": "major"}, 200, ""},
		{"bad level", http.MethodPut, fmt.Sprintf("/api/v1/hazard-grades/%d", grades[1].ID), map[string]any{"code": "B", "name": "B级", "legal_level": "minor"}, 400, "validation_failed"},
		{"duplicate code", http.MethodPost, "/api/v1/hazard-grades", map[string]any{"code": "A", "name": "甲", "legal_level": "major"}, 409, "hazard_grade_taken"},
		{"a grade in use", http.MethodDelete, fmt.Sprintf("/api/v1/hazard-grades/%d", grades[0].ID), nil, 409, "hazard_grade_in_use"},
	}
	for _, tt := range tests {
		r := env.as(tok, tt.method, tt.path, tt.body)
		if r.Code != tt.status || tt.code != "" && r.errBody(t).Code != tt.code {
			t.Errorf("%s: %d %s", tt.name, r.Code, r.Body)
		}
	}
	env.as(tok, http.MethodPost, "/api/v1/hazard-grades", map[string]any{"code": "E", "name": "E级（观察）", "legal_level": "general"}).decode(t, &e)
	if r := env.as(tok, http.MethodDelete, fmt.Sprintf("/api/v1/hazard-grades/%d", e.ID), nil); r.Code != 204 {
		t.Errorf("delete unused = %d %s", r.Code, r.Body)
	}
	// The legal level of a hazard: the grade's mapping, except that a major-hazard criterion is always 重大.
	var mall int64
	testdb.Must(t, env.db.Table("enterprises").Where("name = ?", demo.MallName).Pluck("id", &mall))
	levels := []struct {
		grade string
		major bool
		want  string
	}{{"B", false, "major"}, {"C", false, "general"}, {"D", true, "major"}}
	scheme, err := standard.LegalLevels(env.db, mall, env.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range levels {
		got, err := scheme.Of(l.grade, l.major)
		if err != nil || got != l.want {
			t.Errorf("Of(%s, major=%v) = %s %v, want %s", l.grade, l.major, got, err, l.want)
		}
	}
	// A grade outside the scheme is refused, unless the item is a major-hazard criterion.
	if _, err := scheme.Of("Z", false); !errors.Is(err, standard.ErrGradeUnknown) {
		t.Errorf("Of(Z) = %v, want %v", err, standard.ErrGradeUnknown)
	}
	if got, err := scheme.Of("Z", true); err != nil || got != standard.LegalMajor {
		t.Errorf("Of(Z, major) = %s %v, want major", got, err)
	}
	_ = v
}

func TestChecklistsPerPost(t *testing.T) {
	env, _ := seeded(t)
	tok, v := mallStandard(t, env)
	items := firstItems(v, 6)
	forklift, keeper, electrician := postOf(t, env, "仓储部", "叉车司机"), postOf(t, env, "仓储部", "库管员"), postOf(t, env, "工程部", "电工")
	var daily, monthly, other standard.ChecklistDetail
	r := env.as(tok, http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": forklift, "name": "叉车每日点检", "frequency": "daily", "item_ids": items[:3]})
	r.decode(t, &daily)
	if r.Code != 201 || daily.ItemCount != 3 || daily.FrequencyName != "每日" || daily.PostName != "叉车司机" || daily.Items[0].ID != items[0] {
		t.Fatalf("create = %d %s", r.Code, r.Body)
	}
	env.as(tok, http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": forklift, "name": "叉车月度检查", "frequency": "monthly", "item_ids": items[2:5]}).decode(t, &monthly)
	env.as(tok, http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": electrician, "name": "配电巡检", "frequency": "weekly", "item_ids": items[5:6]}).decode(t, &other)
	tests := []struct {
		name         string
		method, path string
		body         any
		status       int
		code         string
	}{
		{"same name on the post", http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": forklift, "name": "叉车每日点检", "frequency": "daily", "item_ids": items[:1]}, 409, "checklist_name_taken"},
		{"duplicate item", http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": keeper, "name": "x", "frequency": "daily", "item_ids": []int64{items[0], items[0]}}, 400, "checklist_items_invalid"},
		{"unknown item", http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": keeper, "name": "x", "frequency": "daily", "item_ids": []int64{999999}}, 400, "checklist_items_invalid"},
		{"bad frequency", http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": keeper, "name": "x", "frequency": "hourly", "item_ids": items[:1]}, 400, "validation_failed"},
		{"reorder and trim", http.MethodPut, fmt.Sprintf("/api/v1/checklists/%d", daily.ID), map[string]any{"post_id": forklift, "name": "叉车每日点检", "frequency": "daily", "item_ids": []int64{items[1], items[0]}}, 200, ""},
	}
	for _, tt := range tests {
		r := env.as(tok, tt.method, tt.path, tt.body)
		if r.Code != tt.status || tt.code != "" && r.errBody(t).Code != tt.code {
			t.Errorf("%s: %d %s", tt.name, r.Code, r.Body)
		}
	}
	// A post user sees exactly its post's checklists.
	see := func(user string) standard.MyChecklists {
		tok := env.login("personal", user, pw)
		var m standard.MyChecklists
		r := env.as(tok.AccessToken, http.MethodGet, "/api/v1/my/checklists", nil)
		r.decode(t, &m)
		if r.Code != 200 {
			t.Fatalf("%s: %d %s", user, r.Code, r.Body)
		}
		return m
	}
	m := see(demo.MallForklift)
	var names []string
	for _, c := range m.Checklists {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "叉车每日点检,叉车月度检查" || m.Reason != "" || m.PostName != "叉车司机" {
		t.Errorf("forklift driver sees %v %q", names, m.Reason)
	}
	if m := see(demo.MallElectrician); len(m.Checklists) != 1 || m.Checklists[0].Name != "配电巡检" {
		t.Errorf("electrician sees %+v", m.Checklists)
	}
	if m := see(demo.MallKeeper); len(m.Checklists) != 0 || !strings.Contains(m.Reason, "“库管员”尚未匹配岗位清单") {
		t.Errorf("keeper sees %+v %q", m.Checklists, m.Reason)
	}
	// A disabled checklist is not seen.
	env.as(tok, http.MethodPost, fmt.Sprintf("/api/v1/checklists/%d/disable", monthly.ID), nil)
	if m := see(demo.MallForklift); len(m.Checklists) != 1 {
		t.Errorf("after disabling: %+v", m.Checklists)
	}
	// Coverage: items no checklist includes, and posts without a checklist.
	var cov standard.Coverage
	env.as(tok, http.MethodGet, "/api/v1/checklist-coverage", nil).decode(t, &cov)
	if cov.Items != v.ItemCount || int64(len(cov.UncoveredItems)) != v.ItemCount-3 {
		t.Errorf("uncovered %d of %d", len(cov.UncoveredItems), cov.Items)
	}
	var without []string
	for _, p := range cov.PostsWithoutList {
		without = append(without, p.Name)
	}
	if strings.Join(without, ",") != "安全员,电梯管理员,库管员,收银员" {
		t.Errorf("posts without a checklist = %v", without)
	}
	// The setup state now counts the standard and the checklist share: 3 of 6 posts.
	var st struct {
		Parts []struct {
			Key  string
			Rate float64
		}
	}
	env.as(tok, http.MethodGet, "/api/v1/setup", nil).decode(t, &st)
	if st.Parts[1].Rate != 100 || math.Abs(st.Parts[2].Rate-100*2/6.0) > 0.01 {
		t.Errorf("completeness parts = %+v", st.Parts)
	}
	// A post with checklists cannot be deleted.
	var emptyPost struct{ ID int64 }
	env.as(tok, http.MethodPost, "/api/v1/posts", map[string]any{"department_id": deptOf(t, env, keeper), "name": "临时岗", "responsibility_level": "low", "default_frequency": "daily"}).decode(t, &emptyPost)
	env.as(tok, http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": emptyPost.ID, "name": "临时", "frequency": "daily", "item_ids": items[:1]})
	if r := env.as(tok, http.MethodDelete, fmt.Sprintf("/api/v1/posts/%d", emptyPost.ID), nil); r.Code != 409 || r.errBody(t).Code != "post_has_history" {
		t.Errorf("delete a post with a checklist = %d %s", r.Code, r.Body)
	}
	// A disabled post tells its user why the list is empty instead of showing the post's checklists.
	elec := see(demo.MallElectrician)
	if r := env.as(tok, http.MethodPost, fmt.Sprintf("/api/v1/posts/%d/disable", elec.PostID), nil); r.Code != 200 {
		t.Fatalf("disable the electrician's post: %d %s", r.Code, r.Body)
	}
	if m := see(demo.MallElectrician); len(m.Checklists) != 0 || !strings.Contains(m.Reason, "“电工”已停用") || m.PostID != elec.PostID {
		t.Errorf("a disabled post's user sees %+v %q", m.Checklists, m.Reason)
	}
}

var importHeader = []string{"部门", "岗位", "清单名称", "排查频次", "类别", "排查项目", "排查内容", "排查标准", "依据", "隐患等级", "重大隐患判定"}

func TestChecklistImport(t *testing.T) {
	env, _ := seeded(t)
	admin := env.login("personal", demo.MallName, pw)
	tok := admin.AccessToken
	count := func(table string) int64 {
		var n int64
		testdb.Must(t, env.db.Table(table).Count(&n))
		return n
	}
	bad := xlsx(t, [][]string{
		importHeader,
		{"仓储部", "叉车司机", "叉车日检", "每日", "叉车", "制动", "检查行车制动和驻车制动", "制动可靠", "GB/T 10827", "B", "否"},
		{"储运部", "叉车司机", "", "每日", "叉车", "灯光", "检查照明和警示灯", "", "", "C", ""},
		{"仓储部", "装卸工", "", "每周", "装卸", "搬运", "检查搬运姿势", "", "", "", ""},
		{"仓储部", "库管员", "", "每两周", "库房", "货架", "检查货架变形", "", "", "", ""},
		{"仓储部", "叉车司机", "叉车日检", "每周", "叉车", "喇叭", "检查喇叭", "", "", "", ""},
		{"", "", "", "", "", "", "检查某项", "", "", "Z", "也许"},
		{"仓储部", "", "", "", "库房", "消防", "检查灭火器", "", "", "", ""},
	})
	r := env.upload(tok, "/api/v1/checklist-import", "清单.xlsx", bad)
	b := r.errBody(t)
	if r.Code != 400 || b.Code != "import_rejected" {
		t.Fatalf("bad file = %d %s", r.Code, r.Body)
	}
	msgs := fmt.Sprint(b.Details["errors"])
	for _, want := range []string{
		"第3行：公司不存在'储运部'部门",
		"第4行：部门'仓储部'下不存在'装卸工'岗位",
		"第5行：排查频次'每两周'无效",
		"第6行：清单'叉车日检'的排查频次与第2行不一致",
		"第7行：“类别”不能为空",
		"第7行：“排查项目”不能为空",
		"第7行：隐患等级'Z'不在本企业的等级方案中",
		"第7行：重大隐患判定应填“是”或“否”",
		"第8行：填写了部门'仓储部'，但没有填写岗位",
	} {
		if !strings.Contains(msgs, want) {
			t.Errorf("errors lack %q:\n%s", want, msgs)
		}
	}
	if count("standard_items") != 0 || count("checklists") != 0 || count("standard_categories") != 0 {
		t.Fatal("a rejected file wrote something")
	}

	good := xlsx(t, [][]string{
		importHeader,
		{"仓储部", "叉车司机", "叉车日检", "每日", "叉车", "制动", "检查行车制动和驻车制动", "制动可靠", "GB/T 10827", "B", "否"},
		{"仓储部", "叉车司机", "叉车日检", "日", "叉车", "灯光", "检查照明和警示灯", "完好", "", "C", ""},
		{"仓储部", "库管员", "", "每周", "库房", "货架", "检查货架有无变形、超载", "", "", "", ""},
		{"工程部", "电工", "配电巡检", "monthly", "用电", "配电箱", "检查配电箱门锁和标识", "", "", "A", "是"},
		{"", "", "", "", "库房", "通道", "检查库房通道宽度", "", "", "", ""},
		{"仓储部", "库管员", "", "每周", "叉车", "制动", "检查行车制动和驻车制动", "制动可靠", "GB/T 10827", "B", "否"},
	})
	var res standard.ImportResult
	r = env.upload(tok, "/api/v1/checklist-import", "清单.xlsx", good)
	r.decode(t, &res)
	want := standard.ImportResult{Rows: 6, CategoriesCreated: 3, ItemsCreated: 5, ChecklistsCreated: 3, LinksCreated: 5}
	if r.Code != 200 || res != want {
		t.Fatalf("import = %d %+v, want %+v", r.Code, res, want)
	}
	// The same file again changes nothing: items are matched, not duplicated.
	env.upload(tok, "/api/v1/checklist-import", "清单.xlsx", good).decode(t, &res)
	if res != (standard.ImportResult{Rows: 6}) {
		t.Fatalf("re-import = %+v", res)
	}
	var keeper standard.MyChecklists
	k := env.login("personal", demo.MallKeeper, pw)
	env.as(k.AccessToken, http.MethodGet, "/api/v1/my/checklists", nil).decode(t, &keeper)
	if len(keeper.Checklists) != 1 || keeper.Checklists[0].Name != "库管员每周排查清单" || keeper.Checklists[0].ItemCount != 2 {
		t.Errorf("keeper's checklists = %+v", keeper.Checklists)
	}

	// Export → re-import round trip: the export reads back through the importer unchanged.
	r = env.as(tok, http.MethodGet, "/api/v1/checklist-export", nil)
	if r.Code != 200 {
		t.Fatalf("export = %d", r.Code)
	}
	exported := r.Body
	rows, err := sheet.Read(bytes.NewReader(exported), importHeader, 100)
	if err != nil || len(rows) != 6 {
		t.Fatalf("export rows = %d %v", len(rows), err)
	}
	env.upload(tok, "/api/v1/checklist-import", "导出.xlsx", exported).decode(t, &res)
	if res != (standard.ImportResult{Rows: 6}) {
		t.Fatalf("re-importing the export = %+v", res)
	}
	// An edited row updates the item it names.
	changed := xlsx(t, [][]string{importHeader, {"仓储部", "叉车司机", "叉车日检", "每日", "叉车", "制动", "检查行车制动和驻车制动", "制动灵敏可靠", "GB/T 10827", "B", "否"}})
	env.upload(tok, "/api/v1/checklist-import", "修改.xlsx", changed).decode(t, &res)
	if res.ItemsUpdated != 1 || res.ItemsCreated != 0 {
		t.Fatalf("edited import = %+v", res)
	}

	// Hostile files are refused with a clear error.
	for _, h := range []struct {
		name   string
		data   []byte
		status int
		code   string
	}{
		{"not a spreadsheet", []byte("GIF89a"), 415, "not_xlsx"},
		{"a header from another template", xlsx(t, [][]string{{"企业名称", "统一社会信用代码"}, {"a", "b"}}), 400, "sheet_bad_header"},
	} {
		r := env.upload(tok, "/api/v1/checklist-import", "x.xlsx", h.data)
		if r.Code != h.status || r.errBody(t).Code != h.code {
			t.Errorf("%s: %d %s", h.name, r.Code, r.Body)
		}
	}
	// The template offers the enterprise's names.
	r = env.as(tok, http.MethodGet, "/api/v1/checklist-import/template", nil)
	if r.Code != 200 || r.Header.Get("Content-Type") != xlsxType {
		t.Errorf("template = %d", r.Code)
	}
}
