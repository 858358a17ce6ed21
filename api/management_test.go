package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/rbac"
	"yqyb/internal/tools/demo"
)

func TestPostUserLifecycle(t *testing.T) {
	env, sc := seeded(t)
	admin := env.login("personal", demo.MallName, pw)
	post := sc.Posts["营业部/收银员"]

	t.Run("400 409 404 on create", func(t *testing.T) {
		tests := []struct {
			name   string
			body   map[string]any
			status int
			code   string
			field  string
		}{
			{"missing name and post", map[string]any{"login_name": "朝阳商场-收银员"}, 400, "validation_failed", "display_name"},
			{"bad phone", map[string]any{"login_name": "朝阳商场-收银员", "display_name": "钱多", "post_id": post, "phone": "12345"}, 400, "validation_failed", "phone"},
			{"blank login name", map[string]any{"login_name": " ", "display_name": "钱多", "post_id": post}, 400, "validation_failed", "login_name"},
			{"an enterprise's name", map[string]any{"login_name": demo.FactoryName, "display_name": "冒名", "post_id": post}, 409, "login_name_taken", ""},
			{"another enterprise's post account name", map[string]any{"login_name": demo.FactoryWelder, "display_name": "重名", "post_id": post}, 409, "login_name_taken", ""},
			{"a regulator's name", map[string]any{"login_name": demo.ChaoyangReg, "display_name": "重名", "post_id": post}, 409, "login_name_taken", ""},
			{"no such post", map[string]any{"login_name": "朝阳商场-收银员", "display_name": "钱多", "post_id": 999999}, 404, "post_not_found", ""},
		}
		for _, tt := range tests {
			r := env.as(admin.AccessToken, http.MethodPost, "/api/v1/users", tt.body)
			b := r.errBody(t)
			if r.Code != tt.status || b.Code != tt.code || tt.field != "" && !strings.Contains(string(r.Body), `"field":"`+tt.field+`"`) {
				t.Errorf("%s: %d %s", tt.name, r.Code, r.Body)
			}
		}
	})

	var created CreatedUser
	r := env.as(admin.AccessToken, http.MethodPost, "/api/v1/users", map[string]any{
		"login_name": "朝阳商场－收银员", "display_name": "钱多多", "phone": "+8613500001111", "post_id": post})
	r.decode(t, &created)
	u := created.User
	if r.Code != 201 || u.LoginName != "朝阳商场-收银员" || u.Phone != "13500001111" || u.PostName != "收银员" || u.DepartmentName != "营业部" || !u.MustChangePassword {
		t.Fatalf("create = %d %s", r.Code, r.Body)
	}
	// The new user has the default role and must change the temporary password first.
	tok := env.login("personal", "朝阳商场-收银员", created.TemporaryPassword)
	if !tok.MustChangePassword {
		t.Fatal("new user not forced to change its password")
	}
	var g rbac.UserGrants
	env.as(admin.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/users/%d/grants", u.ID), nil).decode(t, &g)
	if len(g.RoleIDs) != 1 || g.RoleIDs[0] != sc.MallDefaultRoleID {
		t.Errorf("new user's roles = %v, want the default role %d", g.RoleIDs, sc.MallDefaultRoleID)
	}
	// The same name again, in any enterprise, is taken.
	if r := env.as(admin.AccessToken, http.MethodPost, "/api/v1/users", map[string]any{"login_name": "朝阳商场-收银员", "display_name": "x", "post_id": post}); r.Code != 409 {
		t.Errorf("duplicate = %d", r.Code)
	}

	// Update: rematch to another post; the login name does not change.
	var updated account.UserView
	r = env.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/users/%d", u.ID), map[string]any{
		"login_name": "改名无效", "display_name": "钱多多", "post_id": sc.Posts["仓储部/库管员"]})
	r.decode(t, &updated)
	if r.Code != 200 || updated.PostName != "库管员" || updated.LoginName != "朝阳商场-收银员" {
		t.Errorf("update = %d %s", r.Code, r.Body)
	}

	// List, filter and sort.
	var page UserPage
	env.as(admin.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/users?post_id=%d&sort=-login_name", sc.Posts["仓储部/库管员"]), nil).decode(t, &page)
	var names []string
	for _, it := range page.Items {
		names = append(names, it.LoginName)
	}
	if page.Total != 2 || strings.Join(names, ",") != "朝阳商场-收银员,朝阳商场-库管员" {
		t.Errorf("filtered list = %d %v", page.Total, names)
	}
	if r := env.as(admin.AccessToken, http.MethodGet, "/api/v1/users?status=gone", nil); r.Code != 400 {
		t.Errorf("bad status filter = %d", r.Code)
	}
	if r := env.as(admin.AccessToken, http.MethodGet, "/api/v1/users?sort=password_hash", nil); r.Code != 400 {
		t.Errorf("sort by a hidden column = %d", r.Code)
	}

	// Disable, enable, delete; the deleted user's name becomes free again.
	for _, step := range []struct {
		path   string
		status string
	}{{"/disable", "disabled"}, {"/enable", "active"}} {
		var v account.UserView
		env.as(admin.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/users/%d%s", u.ID, step.path), nil).decode(t, &v)
		if v.Status != step.status {
			t.Errorf("%s → %s", step.path, v.Status)
		}
	}
	if r := env.as(admin.AccessToken, http.MethodDelete, fmt.Sprintf("/api/v1/users/%d", u.ID), nil); r.Code != 204 {
		t.Fatalf("delete = %d", r.Code)
	}
	if r := env.as(admin.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/users/%d", u.ID), nil); r.Code != 404 {
		t.Errorf("deleted user still found: %d", r.Code)
	}
	if r := env.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil); r.Code != 401 {
		t.Errorf("deleted user's token = %d", r.Code)
	}
	if r := env.as(admin.AccessToken, http.MethodPost, "/api/v1/users", map[string]any{"login_name": "朝阳商场-收银员", "display_name": "新人", "post_id": post}); r.Code != 201 {
		t.Errorf("reusing a deleted user's name = %d %s", r.Code, r.Body)
	}

	// Each step is audited with before and after.
	var logs AuditPage
	env.as(admin.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/audit-logs?q=%s&sort=id&page_size=100", "收银员"), nil).decode(t, &logs)
	var actions []string
	for _, l := range logs.Items {
		actions = append(actions, l.Action)
	}
	want := []string{audit.UserCreate, audit.Login, audit.UserUpdate, audit.UserDisable, audit.UserEnable, audit.UserDelete, audit.UserCreate}
	if strings.Join(actions, ",") != strings.Join(want, ",") {
		t.Errorf("audit = %v\nwant    %v", actions, want)
	}
	for _, l := range logs.Items {
		if l.Action == audit.UserUpdate && (!strings.Contains(string(l.Detail), `"before"`) || !strings.Contains(string(l.Detail), "库管员")) {
			t.Errorf("update audit lacks before/after: %s", l.Detail)
		}
	}
}

func TestRoleLifecycle(t *testing.T) {
	env, sc := seeded(t)
	admin := env.login("personal", demo.MallName, pw)
	var role rbac.RoleView
	r := env.as(admin.AccessToken, http.MethodPost, "/api/v1/roles", map[string]any{"name": "仓储主管", "description": "管理仓储部人员", "codes": []string{rbac.UserCreate}})
	r.decode(t, &role)
	// A button brings its page and group with it.
	if r.Code != 201 || strings.Join(role.Codes, ",") != "sys,sys:user,sys:user:create" {
		t.Fatalf("create = %d %s", r.Code, r.Body)
	}
	tests := []struct {
		name         string
		method, path string
		body         any
		status       int
		code         string
	}{
		{"duplicate name", http.MethodPost, "/api/v1/roles", map[string]any{"name": "仓储主管"}, 409, "role_name_taken"},
		{"empty name", http.MethodPost, "/api/v1/roles", map[string]any{"name": ""}, 400, "validation_failed"},
		{"rename the system role", http.MethodPut, fmt.Sprintf("/api/v1/roles/%d", sc.MallDefaultRoleID), map[string]any{"name": "改名"}, 409, "system_role"},
		{"delete the system role", http.MethodDelete, fmt.Sprintf("/api/v1/roles/%d", sc.MallDefaultRoleID), nil, 409, "system_role"},
		{"rename to a taken name", http.MethodPut, fmt.Sprintf("/api/v1/roles/%d", role.ID), map[string]any{"name": demo.SafetyRoleName}, 409, "role_name_taken"},
		{"rename", http.MethodPut, fmt.Sprintf("/api/v1/roles/%d", role.ID), map[string]any{"name": "仓储组长", "description": "改"}, 200, ""},
		{"edit the system role's grants", http.MethodPut, fmt.Sprintf("/api/v1/roles/%d/grants", sc.MallDefaultRoleID), map[string]any{"codes": []string{rbac.AuditView}}, 200, ""},
		{"assign users", http.MethodPut, fmt.Sprintf("/api/v1/roles/%d/users", role.ID), map[string]any{"user_ids": []int64{sc.Users[demo.MallKeeper], sc.Users[demo.MallForklift]}}, 200, ""},
		{"assign the enterprise-user account", http.MethodPut, fmt.Sprintf("/api/v1/roles/%d/users", role.ID), map[string]any{"user_ids": []int64{sc.MallEntUserID}}, 400, "not_grantable"},
		{"assign oneself", http.MethodPut, fmt.Sprintf("/api/v1/roles/%d/users", role.ID), map[string]any{"user_ids": []int64{sc.MallAdminID}}, 403, "cannot_change_own_grants"},
	}
	for _, tt := range tests {
		r := env.as(admin.AccessToken, tt.method, tt.path, tt.body)
		if r.Code != tt.status || tt.code != "" && r.errBody(t).Code != tt.code {
			t.Errorf("%s: %d %s", tt.name, r.Code, r.Body)
		}
	}
	var members UserIDs
	env.as(admin.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/roles/%d/users", role.ID), nil).decode(t, &members)
	if len(members.UserIDs) != 2 {
		t.Errorf("members = %v", members.UserIDs)
	}
	var page RolePage
	env.as(admin.AccessToken, http.MethodGet, "/api/v1/roles?sort=name", nil).decode(t, &page)
	counts := map[string]int64{}
	for _, it := range page.Items {
		counts[it.Name] = it.UserCount
	}
	if counts["仓储组长"] != 2 || counts[demo.SafetyRoleName] != 1 || counts[rbac.SystemRoleName] != 4 {
		t.Errorf("member counts = %v", counts)
	}
	// Every post user now has the audit page through the edited system role.
	el := env.login("personal", demo.MallElectrician, pw)
	if r := env.as(el.AccessToken, http.MethodGet, "/api/v1/audit-logs", nil); r.Code != 200 {
		t.Errorf("system role grant not effective: %d", r.Code)
	}
	if r := env.as(admin.AccessToken, http.MethodDelete, fmt.Sprintf("/api/v1/roles/%d", role.ID), nil); r.Code != 204 {
		t.Errorf("delete = %d", r.Code)
	}
	if r := env.as(admin.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/roles/%d", role.ID), nil); r.Code != 404 {
		t.Errorf("deleted role found: %d", r.Code)
	}
}

func TestRegulatorAccounts(t *testing.T) {
	env, _ := seeded(t)
	plat := env.login("personal", demo.PlatformAdmin, pw)
	var regions []struct {
		ID   int64  `json:"id"`
		Code string `json:"code"`
	}
	env.as(plat.AccessToken, http.MethodGet, "/api/v1/regions", nil).decode(t, &regions)
	var dongcheng int64
	for _, r := range regions {
		if r.Code == "110101" {
			dongcheng = r.ID
		}
	}
	if len(regions) != 17 || dongcheng == 0 {
		t.Fatalf("regions = %d", len(regions))
	}
	var created CreatedUser
	r := env.as(plat.AccessToken, http.MethodPost, "/api/v1/platform/regulators", map[string]any{
		"login_name": "东城区安监局", "display_name": "东城区应急管理局", "region_id": dongcheng})
	r.decode(t, &created)
	if r.Code != 201 || created.User.RegionName != "东城区" || created.TemporaryPassword == "" {
		t.Fatalf("create = %d %s", r.Code, r.Body)
	}
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"unknown region", http.MethodPost, "/api/v1/platform/regulators", map[string]any{"login_name": "某区", "display_name": "某区", "region_id": 99999}, 404, "region_not_found"},
		{"taken name", http.MethodPost, "/api/v1/platform/regulators", map[string]any{"login_name": demo.MallName, "display_name": "x", "region_id": dongcheng}, 409, "login_name_taken"},
		{"not a regulator", http.MethodGet, fmt.Sprintf("/api/v1/platform/regulators/%d", 1), nil, 404, "user_not_found"},
		{"update", http.MethodPut, fmt.Sprintf("/api/v1/platform/regulators/%d", created.User.ID), map[string]any{"display_name": "东城区局", "region_id": dongcheng}, 200, ""},
		{"disable", http.MethodPost, fmt.Sprintf("/api/v1/platform/regulators/%d/disable", created.User.ID), nil, 200, ""},
		{"reset", http.MethodPost, fmt.Sprintf("/api/v1/platform/regulators/%d/reset-password", created.User.ID), nil, 200, ""},
	}
	for _, tt := range tests {
		r := env.as(plat.AccessToken, tt.method, tt.path, tt.body)
		if r.Code != tt.status || tt.code != "" && r.errBody(t).Code != tt.code {
			t.Errorf("%s: %d %s", tt.name, r.Code, r.Body)
		}
	}
	// The platform audit log spans every tenant, including failed logins for unknown names.
	env.do(http.MethodPost, "/api/v1/auth/login", map[string]string{"mode": "personal", "username": "谁也不是", "password": "x"})
	var logs AuditPage
	env.as(plat.AccessToken, http.MethodGet, "/api/v1/platform/audit-logs?action=login_failed", nil).decode(t, &logs)
	if logs.Total != 1 || logs.Items[0].TargetName != "谁也不是" || logs.Items[0].ActionLabel != "登录失败" {
		t.Errorf("platform audit = %+v", logs)
	}
	if r := env.as(plat.AccessToken, http.MethodGet, "/api/v1/platform/audit-logs?from=2026-13-01", nil); r.Code != 400 {
		t.Errorf("bad date = %d", r.Code)
	}
}
