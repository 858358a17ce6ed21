package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"yqyb/internal/enterprise"
	"yqyb/internal/org"
	"yqyb/internal/platform/sheet"
	"yqyb/internal/platform/testdb"
	"yqyb/pkg/uscc"

	"yqyb/internal/tools/demo"
)

// code makes a valid credit code from a 17-character stem.
func code(t *testing.T, stem string) string {
	t.Helper()
	c, err := uscc.CheckChar(stem)
	if err != nil {
		t.Fatal(err)
	}
	return stem + string(c)
}

func regionID(t *testing.T, env *testEnv, code string) int64 {
	t.Helper()
	var id int64
	testdb.Must(t, env.db.Table("regions").Where("code = ?", code).Pluck("id", &id))
	return id
}

func mainBusiness(t *testing.T, env *testEnv, code string) int64 {
	t.Helper()
	var id int64
	testdb.Must(t, env.db.Table("main_businesses").Where("code = ?", code).Pluck("id", &id))
	return id
}

func TestRegisterEnterprise(t *testing.T) {
	env, _ := seeded(t)
	reg := env.login("personal", demo.ChaoyangReg, pw)
	valid := map[string]any{
		"name": "北京朝阳餐饮有限公司", "credit_code": code(t, "91110105MA0CY0001"), "legal_rep": "刘芳", "legal_phone": "13512345678",
		"region_id": regionID(t, env, "110105"), "address": "北京市朝阳区三里屯路1号", "industry": "H",
		"main_business_id": mainBusiness(t, env, "catering"), "scale": "small",
	}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for a, b := range valid {
			m[a] = b
		}
		m[k] = v
		return m
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		code   string
		msg    string
	}{
		{"bad check character", with("credit_code", "91110105MA0CY00010"), 400, "validation_failed", "校验位不正确"},
		{"code of 17 characters", with("credit_code", "91110105MA0CY0001"), 400, "validation_failed", "应为18位"},
		{"bad phone", with("legal_phone", "1381234567"), 400, "validation_failed", "手机号码格式不正确"},
		{"bad industry", with("industry", "Z"), 400, "validation_failed", "行业门类"},
		{"bad scale", with("scale", "huge"), 400, "validation_failed", "企业规模"},
		{"unknown main business", with("main_business_id", 9999), 400, "main_business_not_found", ""},
		{"region of another district", with("region_id", regionID(t, env, "110108")), 403, "region_outside_jurisdiction", ""},
		{"name of a registered enterprise", with("name", demo.FactoryName), 409, "enterprise_name_taken", ""},
		{"name of a post account", with("name", demo.MallElectrician), 409, "enterprise_name_taken", ""},
		{"code of a registered enterprise", with("credit_code", demo.FactoryCode), 409, "credit_code_taken", ""},
	}
	for _, tt := range tests {
		r := env.as(reg.AccessToken, http.MethodPost, "/api/v1/regulator/enterprises", tt.body)
		b := r.errBody(t)
		if r.Code != tt.status || b.Code != tt.code || !strings.Contains(string(r.Body), tt.msg) {
			t.Errorf("%s: %d %s", tt.name, r.Code, r.Body)
		}
	}

	var created enterprise.Registered
	r := env.as(reg.AccessToken, http.MethodPost, "/api/v1/regulator/enterprises", valid)
	r.decode(t, &created)
	want := "BJCYC" + valid["credit_code"].(string)[12:] + "5678" // 北京朝阳餐 + last 6 + last 4
	if r.Code != 201 || len(created.Accounts) != 2 || created.Accounts[0].InitialPassword != want || created.Enterprise.MainBusinessName != "餐饮" {
		t.Fatalf("register = %d %s (want password %s)", r.Code, r.Body, want)
	}
	// Both accounts work with the derived password and must change it.
	admin := env.login("personal", "北京朝阳餐饮有限公司", want)
	user := env.login("enterprise", valid["credit_code"].(string), want)
	if !admin.MustChangePassword || !user.MustChangePassword {
		t.Fatal("derived passwords not forced to change")
	}
	// The regulator can export them while unchanged; a changed one disappears from the export.
	export := func() string {
		r := env.as(reg.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/regulator/initial-passwords?ids=%d", created.Enterprise.ID), nil)
		if r.Code != 200 || !strings.Contains(r.Header.Get("Content-Disposition"), "filename*=UTF-8''") {
			t.Fatalf("export = %d %v", r.Code, r.Header)
		}
		rows, err := sheet.Read(bytes.NewReader(r.Body), []string{"企业名称", "账号", "初始密码"}, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, row := range rows {
			out = append(out, row.Get("账号")+":"+row.Get("初始密码"))
		}
		return strings.Join(out, ",")
	}
	if got := export(); got != "企业管理账号:"+want+",企业用户:"+want {
		t.Fatalf("export = %s", got)
	}
	env.as(admin.AccessToken, http.MethodPost, "/api/v1/me/password", map[string]string{"old_password": want, "new_password": "Canyin#2026"})
	if got := export(); got != "企业用户:"+want {
		t.Fatalf("export after the admin changed its password = %s", got)
	}

	// The list shows it with its setup state; the detail shows its accounts.
	var page EnterprisePage
	env.as(reg.AccessToken, http.MethodGet, "/api/v1/regulator/enterprises?q=餐饮", nil).decode(t, &page)
	if page.Total != 1 || page.Items[0].Setup.Complete || page.Items[0].Setup.Completeness != 0 {
		t.Fatalf("list = %+v", page)
	}
	var d enterprise.Detail
	env.as(reg.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/regulator/enterprises/%d", created.Enterprise.ID), nil).decode(t, &d)
	if len(d.Accounts) != 2 || d.Accounts[0].MustChangePassword || !d.Accounts[1].MustChangePassword || len(d.Setup.Steps) != 6 {
		t.Fatalf("detail = %+v", d)
	}
	haidian := env.login("personal", demo.HaidianReg, pw)
	if r := env.as(haidian.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/regulator/enterprises/%d", created.Enterprise.ID), nil); r.Code != 404 {
		t.Errorf("another district's regulator sees the detail: %d", r.Code)
	}
	if r := env.as(haidian.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/regulator/initial-passwords?ids=%d", created.Enterprise.ID), nil); strings.Contains(string(r.Body), "餐饮") {
		t.Error("another district's regulator exported its passwords")
	}
}

func TestImportEnterprises(t *testing.T) {
	env, _ := seeded(t)
	reg := env.login("personal", demo.ChaoyangReg, pw)
	// The template carries every column and reads back.
	r := env.as(reg.AccessToken, http.MethodGet, "/api/v1/regulator/enterprise-import/template", nil)
	if r.Code != 200 || r.Header.Get("Content-Type") != xlsxType {
		t.Fatalf("template = %d %s", r.Code, r.Header.Get("Content-Type"))
	}
	header := []string{"企业名称*", "统一社会信用代码*", "法定代表人*", "法定代表人手机号*", "所属区域*", "地址*", "行业门类*", "主营业务*", "企业规模*"}
	row := func(name, stem, region string) []string {
		return []string{name, code(t, stem), "张三", "13600001111", region, "北京市朝阳区某路1号", "F 批发和零售业", "商场超市", "小型"}
	}
	count := func() int64 {
		var n int64
		testdb.Must(t, env.db.Table("enterprises").Count(&n))
		return n
	}
	before := count()

	bad := xlsx(t, [][]string{
		header,
		row("北京朝阳甲超市有限公司", "91110105MA0KMP001", "朝阳区"),
		{"北京朝阳乙超市有限公司", "91110105MA0KMP0029", "李四", "13600001111", "朝阳区", "地址", "F", "商场超市", "小型"},
		row("北京朝阳丙超市有限公司", "91110105MA0KMP003", "海淀区"),
		row("北京朝阳甲超市有限公司", "91110105MA0KMP004", "朝阳区"),
		row(demo.MallName, "91110105MA0KMP005", "朝阳区"),
		{"北京朝阳丁超市有限公司", code(t, "91110105MA0KMP006"), "", "12345", "朝阳区", "地址", "Z", "火箭发射", "巨型"},
	})
	r = env.upload(reg.AccessToken, "/api/v1/regulator/enterprise-import", "企业.xlsx", bad)
	b := r.errBody(t)
	if r.Code != 400 || b.Code != "import_rejected" {
		t.Fatalf("bad file = %d %s", r.Code, r.Body)
	}
	msgs := fmt.Sprint(b.Details["errors"])
	for _, want := range []string{
		"第3行：统一社会信用代码校验位不正确",
		"第4行：辖区内没有区域“海淀区”",
		"第5行：企业名称与第2行重复",
		"第6行：企业“" + demo.MallName + "”已登记",
		"第7行：“法定代表人”不能为空",
		"第7行：手机号“12345”格式不正确",
		"第7行：行业门类“Z”无效",
		"第7行：主营业务“火箭发射”不在目录中",
		"第7行：企业规模“巨型”无效",
	} {
		if !strings.Contains(msgs, want) {
			t.Errorf("errors lack %q:\n%s", want, msgs)
		}
	}
	if count() != before {
		t.Fatal("a rejected file imported something")
	}

	good := xlsx(t, [][]string{
		header,
		row("北京朝阳甲超市有限公司", "91110105MA0KMP001", "朝阳区"),
		row("北京朝阳乙超市有限公司", "91110105MA0KMP002", "110105"),
	})
	var res enterprise.ImportResult
	r = env.upload(reg.AccessToken, "/api/v1/regulator/enterprise-import", "企业.xlsx", good)
	r.decode(t, &res)
	if r.Code != 201 || res.Created != 2 || count() != before+2 || res.Enterprises[1].Accounts[0].InitialPassword == "" {
		t.Fatalf("good file = %d %s", r.Code, r.Body)
	}
	env.login("personal", "北京朝阳乙超市有限公司", res.Enterprises[1].Accounts[0].InitialPassword)
	// Importing the same file again is rejected as a whole.
	if r := env.upload(reg.AccessToken, "/api/v1/regulator/enterprise-import", "企业.xlsx", good); r.Code != 400 || count() != before+2 {
		t.Fatalf("re-import = %d", r.Code)
	}

	hostile := []struct {
		name, file string
		data       []byte
		status     int
		code       string
	}{
		{"a csv", "企业.csv", []byte("企业名称,统一社会信用代码\n"), 415, "not_xlsx"},
		{"wrong header", "企业.xlsx", xlsx(t, [][]string{{"名称"}, {"x"}}), 400, "sheet_bad_header"},
		{"header only", "企业.xlsx", xlsx(t, [][]string{header}), 400, "sheet_empty"},
	}
	for _, h := range hostile {
		r := env.upload(reg.AccessToken, "/api/v1/regulator/enterprise-import", h.file, h.data)
		if r.Code != h.status || r.errBody(t).Code != h.code {
			t.Errorf("%s: %d %s", h.name, r.Code, r.Body)
		}
	}
	// Post users and enterprises cannot import.
	mall := env.login("personal", demo.MallName, pw)
	if r := env.upload(mall.AccessToken, "/api/v1/regulator/enterprise-import", "企业.xlsx", good); r.Code != 403 {
		t.Errorf("enterprise admin importing = %d", r.Code)
	}
}

func TestEnterpriseProfile(t *testing.T) {
	env, sc := seeded(t)
	user := env.login("enterprise", demo.MallCode, pw)
	admin := env.login("personal", demo.MallName, pw)
	var p enterprise.Profile
	env.as(admin.AccessToken, http.MethodGet, "/api/v1/enterprise", nil).decode(t, &p)
	if p.Name != demo.MallName || p.MainBusinessName != "商场超市" || p.RegionName != "朝阳区" || p.IndustryName != "批发和零售业" {
		t.Fatalf("profile = %+v", p)
	}
	in := map[string]any{"name": demo.MallName, "credit_code": demo.MallCode, "legal_rep": "王建国", "legal_phone": demo.MallLegalPhone,
		"address": "北京市朝阳区建国路99号", "industry": "F", "main_business_id": mainBusiness(t, env, "retail"), "scale": "medium"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for a, b := range in {
			m[a] = b
		}
		m[k] = v
		return m
	}
	// The admin may look but not edit: that is the enterprise-user account's business (FAQ 24).
	if r := env.as(admin.AccessToken, http.MethodPut, "/api/v1/enterprise", in); r.Code != 403 {
		t.Errorf("admin editing the profile = %d", r.Code)
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		code   string
	}{
		{"bad code", with("credit_code", "91110105MA01ABCD14"), 400, "validation_failed"},
		{"another enterprise's name", with("name", demo.FactoryName), 409, "enterprise_name_taken"},
		{"a post account's name", with("name", demo.FactoryWelder), 409, "enterprise_name_taken"},
		{"another enterprise's code", with("credit_code", demo.FactoryCode), 409, "credit_code_taken"},
		{"empty address", with("address", ""), 400, "validation_failed"},
	}
	for _, tt := range tests {
		r := env.as(user.AccessToken, http.MethodPut, "/api/v1/enterprise", tt.body)
		if r.Code != tt.status || r.errBody(t).Code != tt.code {
			t.Errorf("%s: %d %s", tt.name, r.Code, r.Body)
		}
	}
	// Renaming renames both enterprise accounts' login names; only the changed fields are audited.
	r := env.as(user.AccessToken, http.MethodPut, "/api/v1/enterprise", with("name", "北京朝阳示范购物中心有限公司"))
	r.decode(t, &p)
	if r.Code != 200 || p.Name != "北京朝阳示范购物中心有限公司" || p.Address != "北京市朝阳区建国路99号" {
		t.Fatalf("update = %d %s", r.Code, r.Body)
	}
	env.login("personal", "北京朝阳示范购物中心有限公司", pw)
	env.login("enterprise", "北京朝阳示范购物中心有限公司", pw)
	if r := env.do(http.MethodPost, "/api/v1/auth/login", map[string]string{"mode": "personal", "username": demo.MallName, "password": pw}); r.Code != 401 {
		t.Errorf("old name still logs in: %d", r.Code)
	}
	var detail string
	testdb.Must(t, env.db.Table("audit_logs").Where("action = 'enterprise_update' AND enterprise_id = ?", sc.MallID).Pluck("detail", &detail))
	var d struct{ Before, After map[string]any }
	json.Unmarshal([]byte(detail), &d)
	if len(d.Before) != 2 || d.Before["address"] != "北京市朝阳区建国路88号" || d.Before["name"] != demo.MallName || d.After["name"] != "北京朝阳示范购物中心有限公司" {
		t.Errorf("audit detail = %s", detail)
	}
	// Changing the main business changes nothing else.
	var users, depts int64
	testdb.Must(t, env.db.Table("users").Where("enterprise_id = ?", sc.MallID).Count(&users))
	testdb.Must(t, env.db.Table("departments").Where("enterprise_id = ?", sc.MallID).Count(&depts))
	in["name"] = "北京朝阳示范购物中心有限公司"
	r = env.as(user.AccessToken, http.MethodPut, "/api/v1/enterprise", with("main_business_id", mainBusiness(t, env, "catering")))
	r.decode(t, &p)
	var users2, depts2 int64
	testdb.Must(t, env.db.Table("users").Where("enterprise_id = ?", sc.MallID).Count(&users2))
	testdb.Must(t, env.db.Table("departments").Where("enterprise_id = ?", sc.MallID).Count(&depts2))
	if p.MainBusinessName != "餐饮" || users != users2 || depts != depts2 {
		t.Errorf("main business change: %s, users %d→%d, departments %d→%d", p.MainBusinessName, users, users2, depts, depts2)
	}
}

func TestDepartmentsAndPosts(t *testing.T) {
	env, sc := seeded(t)
	admin := env.login("personal", demo.MallName, pw)
	do := func(method, path string, body any) *response { return env.as(admin.AccessToken, method, path, body) }
	var root, child, grandchild org.Department
	do(http.MethodPost, "/api/v1/departments", map[string]any{"name": "物业部"}).decode(t, &root)
	do(http.MethodPost, "/api/v1/departments", map[string]any{"name": "保洁组", "parent_id": root.ID}).decode(t, &child)
	do(http.MethodPost, "/api/v1/departments", map[string]any{"name": "外包组", "parent_id": child.ID}).decode(t, &grandchild)
	tests := []struct {
		name         string
		method, path string
		body         any
		status       int
		code         string
	}{
		{"same name under the same parent", http.MethodPost, "/api/v1/departments", map[string]any{"name": "保洁组", "parent_id": root.ID}, 409, "department_name_taken"},
		{"same name at the top", http.MethodPost, "/api/v1/departments", map[string]any{"name": "物业部"}, 409, "department_name_taken"},
		{"same name under another parent", http.MethodPost, "/api/v1/departments", map[string]any{"name": "保洁组"}, 201, ""},
		{"missing parent", http.MethodPost, "/api/v1/departments", map[string]any{"name": "x", "parent_id": 999999}, 404, "department_not_found"},
		{"move under itself", http.MethodPut, fmt.Sprintf("/api/v1/departments/%d", root.ID), map[string]any{"name": "物业部", "parent_id": root.ID}, 400, "department_move_cycle"},
		{"move under a grandchild", http.MethodPut, fmt.Sprintf("/api/v1/departments/%d", root.ID), map[string]any{"name": "物业部", "parent_id": grandchild.ID}, 400, "department_move_cycle"},
		{"move a child to the top", http.MethodPut, fmt.Sprintf("/api/v1/departments/%d", grandchild.ID), map[string]any{"name": "外包组"}, 200, ""},
		{"delete with children", http.MethodDelete, fmt.Sprintf("/api/v1/departments/%d", root.ID), nil, 409, "department_has_children"},
		{"delete with posts", http.MethodDelete, fmt.Sprintf("/api/v1/departments/%d", deptOf(t, env, sc.Posts["仓储部/叉车司机"])), nil, 409, "department_has_posts"},
		{"delete an empty one", http.MethodDelete, fmt.Sprintf("/api/v1/departments/%d", grandchild.ID), nil, 204, ""},
	}
	for _, tt := range tests {
		r := do(tt.method, tt.path, tt.body)
		if r.Code != tt.status || tt.code != "" && r.errBody(t).Code != tt.code {
			t.Errorf("%s: %d %s", tt.name, r.Code, r.Body)
		}
	}

	post := map[string]any{"department_id": child.ID, "name": "保洁员", "responsibility_level": "low", "default_frequency": "weekly"}
	var p org.PostView
	r := do(http.MethodPost, "/api/v1/posts", post)
	r.decode(t, &p)
	if r.Code != 201 || p.DepartmentName != "保洁组" || p.UserCount != 0 || p.Document != nil {
		t.Fatalf("create post = %d %s", r.Code, r.Body)
	}
	postTests := []struct {
		name         string
		method, path string
		body         any
		status       int
		code         string
	}{
		{"same name in the department", http.MethodPost, "/api/v1/posts", post, 409, "post_name_taken"},
		{"bad frequency", http.MethodPost, "/api/v1/posts", map[string]any{"department_id": child.ID, "name": "x", "responsibility_level": "low", "default_frequency": "hourly"}, 400, "validation_failed"},
		{"bad level", http.MethodPost, "/api/v1/posts", map[string]any{"department_id": child.ID, "name": "x", "responsibility_level": "huge", "default_frequency": "daily"}, 400, "validation_failed"},
		{"another enterprise's department", http.MethodPost, "/api/v1/posts", map[string]any{"department_id": deptOf(t, env, sc.Posts["生产部/焊工"]), "name": "x", "responsibility_level": "low", "default_frequency": "daily"}, 404, "department_not_found"},
		{"delete a post with users", http.MethodDelete, fmt.Sprintf("/api/v1/posts/%d", sc.Posts["仓储部/叉车司机"]), nil, 409, "post_has_users"},
		{"move to another department", http.MethodPut, fmt.Sprintf("/api/v1/posts/%d", p.ID), map[string]any{"department_id": root.ID, "name": "保洁员", "responsibility_level": "medium", "default_frequency": "daily"}, 200, ""},
		{"disable", http.MethodPost, fmt.Sprintf("/api/v1/posts/%d/disable", p.ID), nil, 200, ""},
		{"no user for a disabled post", http.MethodPost, "/api/v1/users", map[string]any{"login_name": "朝阳商场-保洁员", "display_name": "周洁", "post_id": p.ID}, 409, "post_disabled"},
		{"enable", http.MethodPost, fmt.Sprintf("/api/v1/posts/%d/enable", p.ID), nil, 200, ""},
	}
	for _, tt := range postTests {
		r := do(tt.method, tt.path, tt.body)
		if r.Code != tt.status || tt.code != "" && r.errBody(t).Code != tt.code {
			t.Errorf("%s: %d %s", tt.name, r.Code, r.Body)
		}
	}
	// A post whose user was deleted keeps history: it can be disabled but not deleted.
	var cu CreatedUser
	do(http.MethodPost, "/api/v1/users", map[string]any{"login_name": "朝阳商场-保洁员", "display_name": "周洁", "post_id": p.ID}).decode(t, &cu)
	do(http.MethodDelete, fmt.Sprintf("/api/v1/users/%d", cu.User.ID), nil)
	if r := do(http.MethodDelete, fmt.Sprintf("/api/v1/posts/%d", p.ID), nil); r.Code != 409 || r.errBody(t).Code != "post_has_history" {
		t.Errorf("delete a post with history = %d %s", r.Code, r.Body)
	}
	var empty org.PostView
	do(http.MethodPost, "/api/v1/posts", map[string]any{"department_id": child.ID, "name": "临时岗", "responsibility_level": "low", "default_frequency": "yearly"}).decode(t, &empty)
	if r := do(http.MethodDelete, fmt.Sprintf("/api/v1/posts/%d", empty.ID), nil); r.Code != 204 {
		t.Errorf("delete an unused post = %d %s", r.Code, r.Body)
	}
	// Listing: a department includes its sub-departments.
	var page PostPage
	do(http.MethodGet, fmt.Sprintf("/api/v1/posts?department_id=%d", root.ID), nil).decode(t, &page)
	if page.Total != 1 || page.Items[0].Name != "保洁员" {
		t.Errorf("posts under 物业部 = %+v", page)
	}
	do(http.MethodGet, "/api/v1/posts?page_size=100", nil).decode(t, &page)
	if page.Total != 7 {
		t.Errorf("all posts = %d", page.Total)
	}
	var depts []org.DeptView
	do(http.MethodGet, "/api/v1/departments", nil).decode(t, &depts)
	counts := map[string]int64{}
	for _, d := range depts {
		counts[d.Name] += d.PostCount*100 + d.UserCount
	}
	if counts["仓储部"] != 202 || counts["物业部"] != 100 {
		t.Errorf("department counts = %v", counts)
	}
}

func deptOf(t *testing.T, env *testEnv, post int64) int64 {
	t.Helper()
	var id int64
	testdb.Must(t, env.db.Table("posts").Where("id = ?", post).Pluck("department_id", &id))
	return id
}
