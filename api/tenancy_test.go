package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"yqyb/internal/apikey"
	"yqyb/internal/audit"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/rbac"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
	"yqyb/internal/webhook"
)

// TestTenantIsolation tries every route that takes an id with the id of another tenant's row, for every
// method, and checks that it answers 404 without changing or revealing anything; list routes are checked
// for what must and must not appear.
func TestTenantIsolation(t *testing.T) {
	env, sc := seeded(t)
	var factoryRole int64
	testdb.Must(t, env.db.Table("roles").Where("domain = ?", rbac.EnterpriseDomain(sc.FactoryID)).Pluck("id", &factoryRole))
	if factoryRole == 0 {
		t.Fatal("the factory has no role")
	}
	welder := sc.Users[demo.FactoryWelder]
	factoryAdmin := env.login("personal", demo.FactoryName, pw)
	weldPost := sc.Posts["生产部/焊工"]
	var doc struct{ ID int64 }
	env.upload(factoryAdmin.AccessToken, fmt.Sprintf("/api/v1/posts/%d/documents", weldPost), "焊工岗位责任制.pdf", pdf).decode(t, &doc)
	// An association between the factory and a third enterprise: none of the mall's business.
	var third, assoc int64
	testdb.Must(t, env.db.Raw(`INSERT INTO enterprises (name, credit_code, region_id, region_path, created_at, updated_at)
		SELECT '第三方企业', '91110108MA01THRD0X', region_id, region_path, created_at, updated_at FROM enterprises WHERE id = ? RETURNING id`, sc.FactoryID).Scan(&third))
	testdb.Must(t, env.db.Raw(`INSERT INTO associations (applicant_id, target_id, status, pair_low, pair_high, created_at)
		VALUES (?, ?, 'pending', ?, ?, CURRENT_TIMESTAMP) RETURNING id`, third, sc.FactoryID, min(third, sc.FactoryID), max(third, sc.FactoryID)).Scan(&assoc))

	// The factory's standard, grades and a checklist.
	env.as(factoryAdmin.AccessToken, http.MethodPost, "/api/v1/standard", map[string]any{"from_template": true})
	var fstd standard.View
	env.as(factoryAdmin.AccessToken, http.MethodGet, "/api/v1/standard", nil).decode(t, &fstd)
	var fgrades []standard.Grade
	env.as(factoryAdmin.AccessToken, http.MethodGet, "/api/v1/hazard-grades", nil).decode(t, &fgrades)
	var fcl standard.ChecklistDetail
	env.as(factoryAdmin.AccessToken, http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": weldPost, "name": "焊接日检", "frequency": "daily",
		"item_ids": []int64{fstd.Categories[0].Items[0].ID}}).decode(t, &fcl)
	if fcl.ID == 0 {
		t.Fatal("factory checklist not created")
	}

	// An inspection of the factory with a hazard, and a photo.
	welderTok := env.login("personal", demo.FactoryWelder, pw).AccessToken
	var insp struct {
		ID      int64
		Answers []struct {
			ItemID int64 `json:"item_id"`
		}
	}
	env.as(welderTok, http.MethodPost, fmt.Sprintf("/api/v1/my/checklists/%d/inspection", fcl.ID), nil).decode(t, &insp)
	var photo struct{ ID int64 }
	env.upload(welderTok, "/api/v1/files", "焊机.jpg", jpeg).decode(t, &photo)
	env.as(welderTok, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", insp.ID), map[string]any{"answers": []map[string]any{
		{"item_id": insp.Answers[0].ItemID, "result": "hazard", "description": "焊机接地线松动", "grade_code": "C", "photo_ids": []int64{photo.ID}}}})
	var fhazard int64
	testdb.Must(t, env.db.Table("hazards").Where("enterprise_id = ?", sc.FactoryID).Pluck("id", &fhazard))
	if insp.ID == 0 || photo.ID == 0 || fhazard == 0 {
		t.Fatalf("factory inspection %d photo %d hazard %d", insp.ID, photo.ID, fhazard)
	}

	// An API key of the factory's.
	var fkey apikey.Created
	env.as(factoryAdmin.AccessToken, http.MethodPost, "/api/v1/api-keys", map[string]any{"name": "精工对接", "scopes": []string{"lists:read"}}).decode(t, &fkey)
	if fkey.APIKey.ID == 0 {
		t.Fatal("factory API key not created")
	}
	// A webhook endpoint of the factory, with one delivery in its log.
	fhook, err := env.srv.webhooks.Create(context.Background(), audit.Actor{ID: sc.FactoryAdminID}, webhook.Owner{EnterpriseID: sc.FactoryID},
		webhook.CreateInput{URL: "https://hooks.factory.example/yqyb", EventTypes: []string{"hazard.register"}})
	if err != nil {
		t.Fatal(err)
	}
	var fdelivery int64
	testdb.Must(t, env.db.Raw(`INSERT INTO webhook_deliveries (endpoint_id, enterprise_id, event_id, action, body, status, created_at)
		VALUES (?, ?, 1, 'hazard.register', '{}', 'delivered', CURRENT_TIMESTAMP) RETURNING id`, fhook.ID, sc.FactoryID).Scan(&fdelivery))

	// Which foreign id each :id route gets, by path prefix. A route with an id that is missing here fails
	// the test, so new endpoints must be added.
	foreign := map[string]int64{
		"/api/v1/users/:id":               welder,
		"/api/v1/roles/:id":               factoryRole,
		"/api/v1/departments/:id":         deptOf(t, env, weldPost),
		"/api/v1/posts/:id":               weldPost,
		"/api/v1/associations/:id":        assoc,
		"/api/v1/standard/categories/:id": fstd.Categories[0].ID,
		"/api/v1/standard/items/:id":      fstd.Categories[0].Items[0].ID,
		"/api/v1/hazard-grades/:id":       fgrades[3].ID,
		"/api/v1/checklists/:id":          fcl.ID,
		"/api/v1/my/checklists/:id":       fcl.ID,
		"/api/v1/inspections/:id":         insp.ID,
		"/api/v1/files/:id":               photo.ID,
		"/api/v1/hazards/:id":             fhazard,
		"/api/v1/api-keys/:id":            fkey.APIKey.ID,
		"/api/v1/webhooks/:id":            fhook.ID,
	}
	bodies := map[string]any{
		"/api/v1/users/:id":                          map[string]any{"display_name": "篡改", "post_id": sc.Posts["生产部/焊工"]},
		"/api/v1/users/:id/grants":                   map[string]any{"codes": []string{rbac.UserList}},
		"/api/v1/users/:id/roles":                    map[string]any{"role_ids": []int64{}},
		"/api/v1/roles/:id":                          map[string]any{"name": "篡改"},
		"/api/v1/roles/:id/grants":                   map[string]any{"codes": []string{rbac.UserList}},
		"/api/v1/roles/:id/users":                    map[string]any{"user_ids": []int64{}},
		"/api/v1/departments/:id":                    map[string]any{"name": "篡改"},
		"/api/v1/posts/:id":                          map[string]any{"department_id": deptOf(t, env, weldPost), "name": "篡改", "responsibility_level": "low", "default_frequency": "daily"},
		"/api/v1/standard/categories/:id":            map[string]any{"name": "篡改"},
		"/api/v1/standard/categories/:id/item-order": map[string]any{"ids": []int64{fstd.Categories[0].Items[0].ID}},
		"/api/v1/standard/items/:id":                 map[string]any{"category_id": fstd.Categories[0].ID, "subject": "篡改", "content": "篡改"},
		"/api/v1/hazard-grades/:id":                  map[string]any{"code": "D", "name": "篡改", "legal_level": "major"},
		"/api/v1/checklists/:id":                     map[string]any{"post_id": weldPost, "name": "篡改", "frequency": "daily", "item_ids": []int64{}},
		"/api/v1/inspections/:id/answers":            map[string]any{"answers": []map[string]any{}},
		"/api/v1/hazards/:id/assign":                 map[string]any{"responsible_person": "篡改", "measures": "篡改", "deadline": "2030-01-01"},
		"/api/v1/hazards/:id/fix":                    map[string]any{"note": "篡改", "photo_ids": []int64{photo.ID}},
		"/api/v1/hazards/:id/accept":                 map[string]any{"note": "篡改"},
		"/api/v1/hazards/:id/reject":                 map[string]any{"note": "篡改"},
		"/api/v1/webhooks/:id":                       map[string]any{"enabled": false},
	}
	snapshot := func() string {
		var rows []string
		testdb.Must(t, env.db.Raw(`SELECT CONCAT(id, ':', display_name, ':', status, ':', token_version, ':', password_hash) FROM users WHERE enterprise_id = ?`, sc.FactoryID).Scan(&rows))
		var rules []string
		testdb.Must(t, env.db.Raw(`SELECT CONCAT(ptype, v0, v1, v2) FROM casbin_rule WHERE v1 = ? OR v2 = ? ORDER BY 1`, rbac.EnterpriseDomain(sc.FactoryID), rbac.EnterpriseDomain(sc.FactoryID)).Scan(&rules))
		var roles []string
		testdb.Must(t, env.db.Raw(`SELECT CONCAT(id, name) FROM roles WHERE domain = ?`, rbac.EnterpriseDomain(sc.FactoryID)).Scan(&roles))
		var structure []string
		testdb.Must(t, env.db.Raw(`SELECT CONCAT('d', id, name, parent_id) FROM departments WHERE enterprise_id = ?
			UNION ALL SELECT CONCAT('p', id, name, status, department_id) FROM posts WHERE enterprise_id = ?
			UNION ALL SELECT CONCAT('doc', id, version) FROM post_documents WHERE enterprise_id = ?
			UNION ALL SELECT CONCAT('a', id, status) FROM associations WHERE target_id = ?
			UNION ALL SELECT CONCAT('sc', id, name, sort_order, deleted_at) FROM standard_categories WHERE enterprise_id = ?
			UNION ALL SELECT CONCAT('si', id, subject, version, sort_order, deleted_at) FROM standard_items WHERE enterprise_id = ?
			UNION ALL SELECT CONCAT('g', id, name, legal_level) FROM hazard_grades WHERE enterprise_id = ?
			UNION ALL SELECT CONCAT('c', id, name, status, frequency) FROM checklists WHERE enterprise_id = ?
			UNION ALL SELECT CONCAT('ci', checklist_id, item_id, sort_order) FROM checklist_items WHERE checklist_id IN (SELECT id FROM checklists WHERE enterprise_id = ?)
			UNION ALL SELECT CONCAT('i', id, status, version) FROM inspections WHERE enterprise_id = ?
			UNION ALL SELECT CONCAT('h', id, status, responsible_person, updated_at) FROM hazards WHERE enterprise_id = ?
			UNION ALL SELECT CONCAT('k', id, name, revoked_at) FROM api_keys WHERE enterprise_id = ?
			UNION ALL SELECT CONCAT('w', id, enabled, event_types, updated_at) FROM webhook_endpoints WHERE enterprise_id = ?
			UNION ALL SELECT CONCAT('wd', id, status, manual) FROM webhook_deliveries WHERE enterprise_id = ?
			ORDER BY 1`, sc.FactoryID, sc.FactoryID, sc.FactoryID, sc.FactoryID, sc.FactoryID, sc.FactoryID, sc.FactoryID, sc.FactoryID, sc.FactoryID, sc.FactoryID, sc.FactoryID, sc.FactoryID,
			sc.FactoryID, sc.FactoryID).Scan(&structure))
		return strings.Join(rows, "|") + "#" + strings.Join(rules, "|") + "#" + strings.Join(roles, "|") + "#" + strings.Join(structure, "|")
	}
	before := snapshot()

	admin := env.login("personal", demo.MallName, pw)
	entUser := env.login("enterprise", demo.MallCode, pw)
	tried := 0
	for _, r := range env.srv.Routes() {
		// Regulator and platform routes are scoped by region or not tenant data at all; templates are shared.
		if !strings.Contains(r.Path, ":id") || strings.HasPrefix(r.Path, "/api/v1/regulator/") || strings.HasPrefix(r.Path, "/api/v1/platform/") ||
			strings.HasPrefix(r.Path, "/api/v1/template") {
			continue
		}
		prefix := r.Path
		if i := strings.Index(r.Path, ":id"); i >= 0 {
			prefix = r.Path[:i+3]
		}
		id, ok := foreign[prefix]
		if !ok {
			t.Errorf("route %s %s takes an id but the isolation test has no foreign id for it", r.Method, r.Path)
			continue
		}
		path := strings.Replace(strings.Replace(r.Path, ":id", fmt.Sprint(id), 1), ":doc", fmt.Sprint(doc.ID), 1)
		path = strings.Replace(path, ":delivery", fmt.Sprint(fdelivery), 1)
		token := admin.AccessToken
		if strings.HasPrefix(r.Path, "/api/v1/associations/") {
			token = entUser.AccessToken // associations are the enterprise-user account's business
		}
		var resp *response
		if r.Path == "/api/v1/posts/:id/documents" && r.Method == http.MethodPost {
			resp = env.upload(token, path, "x.pdf", pdf)
		} else {
			resp = env.as(token, r.Method, path, bodies[r.Path])
		}
		tried++
		if resp.Code != http.StatusNotFound {
			t.Errorf("%s %s with another enterprise's id = %d %s", r.Method, path, resp.Code, resp.Body)
		}
		for _, leak := range []string{demo.FactoryName, demo.FactoryWelder, "周海", "焊工", "焊机接地线松动", "精工对接", fkey.APIKey.Prefix} {
			if strings.Contains(string(resp.Body), leak) {
				t.Errorf("%s %s leaked %q: %s", r.Method, path, leak, resp.Body)
			}
		}
	}
	if tried < 50 {
		t.Errorf("only %d routes tried", tried)
	}
	if after := snapshot(); after != before {
		t.Errorf("another enterprise's data changed:\nbefore %s\nafter  %s", before, after)
	}

	// Assigning another enterprise's user to one's own role, or one's user to a foreign role.
	if r := env.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/roles/%d/users", sc.MallSafetyRoleID), map[string]any{"user_ids": []int64{welder}}); r.Code != 404 {
		t.Errorf("foreign user into own role = %d %s", r.Code, r.Body)
	}
	if r := env.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/roles", sc.Users[demo.MallKeeper]), map[string]any{"role_ids": []int64{factoryRole}}); r.Code != 404 {
		t.Errorf("own user into foreign role = %d %s", r.Code, r.Body)
	}
	// A post of another enterprise cannot be matched.
	if r := env.as(admin.AccessToken, http.MethodPost, "/api/v1/users", map[string]any{"login_name": "越权用户", "display_name": "越权", "post_id": sc.Posts["生产部/焊工"]}); r.Code != 404 || r.errBody(t).Code != "post_not_found" {
		t.Errorf("foreign post = %d %s", r.Code, r.Body)
	}

	// Lists show the caller's tenant only.
	lists := []struct {
		path          string
		must, mustNot []string
	}{
		{"/api/v1/users?page_size=100", []string{demo.MallElectrician}, []string{demo.FactoryWelder}},
		{"/api/v1/roles", []string{demo.SafetyRoleName}, []string{fmt.Sprintf(`"id":%d,`, factoryRole)}},
		{"/api/v1/post-options", []string{"叉车司机"}, []string{"焊工"}},
		{"/api/v1/audit-logs?page_size=100", []string{demo.SafetyRoleName}, []string{demo.FactoryName, demo.FactoryWelder, "焊工岗位责任制"}},
		{"/api/v1/departments", []string{"仓储部"}, []string{"生产部"}},
		{"/api/v1/posts?page_size=100", []string{"叉车司机"}, []string{"焊工"}},
		{"/api/v1/enterprise", []string{demo.MallCode}, []string{demo.FactoryCode}},
		{"/api/v1/setup", []string{"departments"}, []string{"焊工"}},
		{"/api/v1/checklists", []string{`"items":[]`}, []string{"焊接日检"}},
		{"/api/v1/checklist-coverage", []string{"叉车司机"}, []string{"焊工"}},
		{"/api/v1/standard", []string{`"created":false`}, []string{`"created":true`}},
		{"/api/v1/hazards", []string{`"total":0`}, []string{"焊机接地线松动"}},
		{"/api/v1/inspections", []string{`"total":0`}, []string{"焊接日检"}},
	}
	env.login("personal", demo.FactoryName, pw) // an event in the factory's audit log
	lists = append(lists, struct {
		path          string
		must, mustNot []string
	}{"/api/v1/associations", nil, []string{"第三方企业", demo.FactoryName}})
	for _, l := range lists {
		token := admin.AccessToken
		if l.path == "/api/v1/associations" {
			token = entUser.AccessToken
		}
		r := env.as(token, http.MethodGet, l.path, nil)
		for _, m := range l.must {
			if !strings.Contains(string(r.Body), m) {
				t.Errorf("%s lacks %q: %s", l.path, m, r.Body)
			}
		}
		for _, m := range l.mustNot {
			if strings.Contains(string(r.Body), m) {
				t.Errorf("%s shows %q of another enterprise", l.path, m)
			}
		}
	}
}

// TestRegulatorJurisdiction checks that a regulator sees and acts on the enterprises of its region and
// below, and nothing else.
func TestRegulatorJurisdiction(t *testing.T) {
	env, sc := seeded(t)
	tests := []struct {
		regulator string
		sees      []string
		notSees   []string
	}{
		{demo.ChaoyangReg, []string{demo.MallName}, []string{demo.FactoryName}},
		{demo.HaidianReg, []string{demo.FactoryName}, []string{demo.MallName}},
		{demo.CityRegulator, []string{demo.MallName, demo.FactoryName}, nil},
	}
	for _, tt := range tests {
		tok := env.login("personal", tt.regulator, pw)
		r := env.as(tok.AccessToken, http.MethodGet, "/api/v1/regulator/enterprises", nil)
		for _, n := range tt.sees {
			if !strings.Contains(string(r.Body), n) {
				t.Errorf("%s does not see %s", tt.regulator, n)
			}
		}
		for _, n := range tt.notSees {
			if strings.Contains(string(r.Body), n) {
				t.Errorf("%s sees %s", tt.regulator, n)
			}
		}
	}
	haidian := env.login("personal", demo.HaidianReg, pw)
	r := env.as(haidian.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/regulator/enterprises/%d/reset-password", sc.MallID), map[string]string{"account": "enterprise_admin"})
	if r.Code != 404 || r.errBody(t).Code != "enterprise_not_found" {
		t.Errorf("reset outside the region = %d %s", r.Code, r.Body)
	}
	env.login("personal", demo.MallName, pw) // still the demo password: nothing was reset

	chaoyang := env.login("personal", demo.ChaoyangReg, pw)
	for _, acct := range []string{"enterprise_admin", "enterprise_user"} {
		var tp TemporaryPassword
		r := env.as(chaoyang.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/regulator/enterprises/%d/reset-password", sc.MallID), map[string]string{"account": acct})
		r.decode(t, &tp)
		if r.Code != 200 || tp.LoginName != demo.MallName {
			t.Fatalf("reset %s = %d %s", acct, r.Code, r.Body)
		}
		mode := map[string]string{"enterprise_admin": "personal", "enterprise_user": "enterprise"}[acct]
		if tok := env.login(mode, demo.MallName, tp.TemporaryPassword); !tok.MustChangePassword {
			t.Errorf("%s not forced to change after a regulator's reset", acct)
		}
	}
	// Enterprise accounts cannot reach regulator or platform routes, nor regulators enterprise ones.
	mall := env.login("personal", demo.MallSafetyUser, pw)
	for _, c := range []struct {
		token, path string
	}{
		{mall.AccessToken, "/api/v1/regulator/enterprises"},
		{mall.AccessToken, "/api/v1/platform/regulators"},
		{chaoyang.AccessToken, "/api/v1/users"},
		{chaoyang.AccessToken, "/api/v1/platform/audit-logs"},
	} {
		if r := env.as(c.token, http.MethodGet, c.path, nil); r.Code != 403 {
			t.Errorf("GET %s = %d", c.path, r.Code)
		}
	}
}

// TestPublicRoutesAreExactlyThese fails when a route becomes reachable without a token by accident.
func TestPublicRoutesAreExactlyThese(t *testing.T) {
	want := map[string]bool{
		"GET /healthz": true, "GET /readyz": true, "GET /api/v1/meta": true,
		"POST /api/v1/auth/login": true, "POST /api/v1/auth/refresh": true, "POST /api/v1/auth/logout": true,
		// development servers on a loopback address only (the test server has the development features)
		"GET /api/v1/dev/clock": true, "PUT /api/v1/dev/clock": true, "POST /api/v1/dev/jobs/run": true,
		"GET /api/v1/manual": true, "GET /api/v1/manual/download": true, "GET /api/v1/manual/:slug": true,
	}
	env := newEnv(t)
	for _, r := range env.srv.Routes() {
		k := r.Method + " " + r.Path
		if r.Public != want[k] {
			t.Errorf("%s: public=%v, the explicit public list says %v", k, r.Public, want[k])
		}
		if !r.Public {
			if resp := env.do(r.Method, strings.ReplaceAll(r.Path, ":id", "1"), nil); resp.Code != 401 {
				t.Errorf("%s without a token = %d", k, resp.Code)
			}
		}
	}
}
