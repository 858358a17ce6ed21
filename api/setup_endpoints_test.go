package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"yqyb/internal/rbac"
	"yqyb/internal/setup"
	"yqyb/internal/tools/demo"
)

// TestSetupEndpoints is the contract of the initialization page's endpoint. It takes no input and no id,
// so it answers 200 or 403 only.
func TestSetupEndpoints(t *testing.T) {
	env, sc := seeded(t)
	as := signIn(env)
	// One of the mall's six posts has its responsibility document; the keeper is granted the page itself.
	if r := env.upload(as.admin, fmt.Sprintf("/api/v1/posts/%d/documents", sc.Posts["仓储部/叉车司机"]), "叉车司机岗位责任制.pdf", pdf); r.Code != 201 {
		t.Fatalf("upload = %d %s", r.Code, r.Body)
	}
	if r := env.as(as.admin, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/grants", sc.Users[demo.MallKeeper]), map[string]any{"codes": []string{rbac.SetupView}}); r.Code != 200 {
		t.Fatalf("grant = %d %s", r.Code, r.Body)
	}
	keeper := env.login("personal", demo.MallKeeper, pw).AccessToken

	// The demo mall: departments, posts and some post users, one document, no standard, no checklists.
	mallState := func(t *testing.T, r *response) {
		st := decodeInto[setup.Status](t, r)
		var steps []string
		for _, s := range st.Steps {
			steps = append(steps, fmt.Sprintf("%s:%v", s.Key, s.Done))
		}
		if got := strings.Join(steps, ","); got != "departments:true,posts:true,post_users:false,standard:false,checklists:false,documents:false" {
			t.Errorf("steps = %s", got)
		}
		var parts []string
		for _, p := range st.Parts {
			parts = append(parts, fmt.Sprintf("%s:%.2f", p.Key, p.Rate))
		}
		if got := strings.Join(parts, ","); got != "departments:100.00,standard:0.00,checklists:0.00,documents:16.67" {
			t.Errorf("parts = %s", got)
		}
		if st.Complete || st.Completeness < 29.1 || st.Completeness > 29.2 {
			t.Errorf("completeness = %v, complete = %v; want (100+0+0+100/6)/4", st.Completeness, st.Complete)
		}
		if m := st.Steps[2].Missing; !strings.Contains(m, "电梯管理员") || !strings.Contains(m, "收银员") || strings.Contains(m, "叉车司机") {
			t.Errorf("posts without users = %q", m)
		}
		if m := st.Parts[3].Missing; !strings.Contains(m, "还有 5 个岗位") || strings.Contains(m, "叉车司机") {
			t.Errorf("posts without a document = %q", m)
		}
	}
	// The factory's posts (it has none of the mall's steps done either) never show.
	factoryPosts := []string{"焊工", "车工", "设备管理员"}

	t.Run("200", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "the enterprise admin", token: as.admin, method: http.MethodGet, path: "/api/v1/setup", status: 200, hide: factoryPosts, check: mallState},
			{name: "a post user granted the page", token: keeper, method: http.MethodGet, path: "/api/v1/setup", status: 200, hide: factoryPosts, check: mallState},
		})
	})

	t.Run("403", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "a post user", token: as.post, method: http.MethodGet, path: "/api/v1/setup", status: 403, code: "forbidden", perm: rbac.SetupView},
			{name: "the enterprise-user account", token: as.entUser, method: http.MethodGet, path: "/api/v1/setup", status: 403, code: "forbidden", perm: rbac.SetupView},
			{name: "a regulator", token: as.reg, method: http.MethodGet, path: "/api/v1/setup", status: 403, code: "forbidden", perm: rbac.SetupView},
			{name: "the platform administrator", token: as.plat, method: http.MethodGet, path: "/api/v1/setup", status: 403, code: "forbidden", perm: rbac.SetupView},
		})
	})
}
