package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"yqyb/internal/rbac"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

// platformAudit reads the platform's audit log for one action.
func platformAudit(t *testing.T, env *testEnv, action string) AuditPage {
	t.Helper()
	plat := env.login("personal", demo.PlatformAdmin, pw).AccessToken
	var logs AuditPage
	if r := env.as(plat, http.MethodGet, "/api/v1/platform/audit-logs?page_size=100&action="+action, nil); r.Code != 200 {
		t.Fatalf("audit = %d %s", r.Code, r.Body)
	} else {
		r.decode(t, &logs)
	}
	return logs
}

// Industry templates are city-wide reference data: the city's regulator and the platform maintain them, a
// district's regulator reads them, and every edit is in the audit log with what it changed (issue 13).
func TestTemplateEditsAreCityWideAndAudited(t *testing.T) {
	env, sc := seeded(t)
	var tpls []standard.TemplateSummary
	env.as(env.login("personal", demo.CityRegulator, pw).AccessToken, http.MethodGet, "/api/v1/templates", nil).decode(t, &tpls)
	var tpl standard.TemplateView
	env.as(env.login("personal", demo.CityRegulator, pw).AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/templates/%d", tpls[0].MainBusinessID), nil).decode(t, &tpl)
	it := tpl.Categories[0].Items[0]
	edit := func(tok, suffix string) *response {
		return env.as(tok, http.MethodPut, fmt.Sprintf("/api/v1/template-items/%d", it.ID), map[string]any{"category_id": it.CategoryID,
			"subject": it.Subject, "content": it.Content + suffix, "criterion": it.Criterion, "basis": it.Basis, "grade": it.Grade, "is_major": it.IsMajor})
	}
	district := env.login("personal", demo.ChaoyangReg, pw).AccessToken
	t.Run("403 for a district regulator", func(t *testing.T) {
		r := edit(district, "（区改）")
		if b := r.errBody(t); r.Code != 403 || b.Details["permission"] != rbac.TemplateEdit {
			t.Errorf("district edit = %d %s", r.Code, r.Body)
		}
		var me MeResponse
		env.as(district, http.MethodGet, "/api/v1/me", nil).decode(t, &me)
		if slices.Contains(me.Permissions, rbac.TemplateEdit) || !slices.Contains(me.Permissions, rbac.TemplateView) {
			t.Errorf("district regulator's permissions = %v", me.Permissions)
		}
	})
	t.Run("200 for the city regulator and the platform", func(t *testing.T) {
		for _, who := range []string{demo.CityRegulator, demo.PlatformAdmin} {
			if r := edit(env.login("personal", who, pw).AccessToken, "（"+who+"修订）"); r.Code != 200 {
				t.Errorf("%s edit = %d %s", who, r.Code, r.Body)
			}
		}
	})
	logs := platformAudit(t, env, "template_edit")
	if logs.Total != 2 {
		t.Fatalf("template edits in the audit log = %+v", logs)
	}
	for _, l := range logs.Items {
		if l.ActionLabel != "修改行业模板" || l.TargetType != "template_item" || !strings.Contains(string(l.Detail), "修订") {
			t.Errorf("entry = %+v %s", l, l.Detail)
		}
	}
	if logs.Items[1].ActorName != demo.CityRegulator {
		t.Errorf("first edit by %q", logs.Items[1].ActorName)
	}
	_ = sc
}

// Street maintenance and the order of a standard's items are recorded like every other change.
func TestStreetsAndReordersAreAudited(t *testing.T) {
	env, _ := seeded(t)
	plat := env.login("personal", demo.PlatformAdmin, pw).AccessToken
	var regions []struct {
		ID   int64  `json:"id"`
		Code string `json:"code"`
	}
	env.as(plat, http.MethodGet, "/api/v1/regions", nil).decode(t, &regions)
	var dongcheng int64
	for _, r := range regions {
		if r.Code == "110101" {
			dongcheng = r.ID
		}
	}
	var street struct{ ID int64 }
	r := env.as(plat, http.MethodPost, "/api/v1/platform/regions", map[string]any{"parent_id": dongcheng, "code": "110101001", "name": "东华门街道"})
	r.decode(t, &street)
	if r.Code != 201 {
		t.Fatalf("create street = %d %s", r.Code, r.Body)
	}
	if r := env.as(plat, http.MethodPut, fmt.Sprintf("/api/v1/platform/regions/%d", street.ID), map[string]any{"name": "东华门街道办事处"}); r.Code != 200 {
		t.Fatalf("rename = %d %s", r.Code, r.Body)
	}
	if r := env.as(plat, http.MethodDelete, fmt.Sprintf("/api/v1/platform/regions/%d", street.ID), nil); r.Code != 204 {
		t.Fatalf("delete = %d %s", r.Code, r.Body)
	}
	for action, want := range map[string]string{"region_create": "东华门街道", "region_update": "东华门街道办事处", "region_delete": "东华门街道办事处"} {
		logs := platformAudit(t, env, action)
		if logs.Total != 1 || logs.Items[0].TargetName != want || logs.Items[0].ActorName != demo.PlatformAdmin {
			t.Errorf("%s: %+v", action, logs.Items)
		}
	}

	tok, v := mallStandard(t, env)
	cat := v.Categories[0]
	ids := make([]int64, len(cat.Items))
	for i, it := range cat.Items {
		ids[len(ids)-1-i] = it.ID
	}
	if r := env.as(tok, http.MethodPut, fmt.Sprintf("/api/v1/standard/categories/%d/item-order", cat.ID), map[string]any{"ids": ids}); r.Code != 204 && r.Code != 200 {
		t.Fatalf("reorder = %d %s", r.Code, r.Body)
	}
	var logs AuditPage
	env.as(tok, http.MethodGet, "/api/v1/audit-logs?action=standard_edit", nil).decode(t, &logs)
	if logs.Total == 0 || logs.Items[0].TargetName != "条目排序" || !strings.Contains(string(logs.Items[0].Detail), fmt.Sprint(ids[0])) {
		t.Errorf("item reorder not audited: %+v", logs.Items)
	}
}

// Exporting the initial passwords hands out the secrets of every enterprise that has not logged in yet: the
// export is recorded with who took it and how many accounts it held.
func TestInitialPasswordExportIsAudited(t *testing.T) {
	env, _ := seeded(t)
	reg := env.login("personal", demo.ChaoyangReg, pw).AccessToken
	if r := env.as(reg, http.MethodPost, "/api/v1/regulator/enterprises", map[string]any{"name": "北京朝阳餐饮有限公司",
		"credit_code": code(t, "91110105MA0CY0001"), "legal_rep": "刘芳", "legal_phone": "13512345678", "region_id": regionID(t, env, "110105"),
		"address": "北京市朝阳区三里屯路1号", "industry": "H", "main_business_id": mainBusiness(t, env, "catering"), "scale": "small"}); r.Code != 201 {
		t.Fatalf("register = %d %s", r.Code, r.Body)
	}
	if r := env.as(reg, http.MethodGet, "/api/v1/regulator/initial-passwords", nil); r.Code != 200 {
		t.Fatalf("export = %d %s", r.Code, r.Body)
	}
	logs := platformAudit(t, env, "initial_password_export")
	if logs.Total != 1 || logs.Items[0].ActorName != demo.ChaoyangReg || logs.Items[0].ActionLabel != "导出企业初始密码" ||
		!strings.Contains(string(logs.Items[0].Detail), `"accounts":2`) {
		t.Fatalf("export audit = %+v", logs.Items)
	}
}
