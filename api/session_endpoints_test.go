package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"yqyb/internal/account"
	"yqyb/internal/auth"
	"yqyb/internal/rbac"
	"yqyb/internal/tools/demo"
)

// TestSessionEndpoints is the contract of the session endpoints: login, refresh, logout, who am I, the
// password change and the permission catalogue. There is no endpoint listing or revoking sessions; the
// rotation, reuse, expiry, lockout and forced-change stories are in identity_test.go and lockout_test.go.
// These endpoints take no ids and have no conflicts, and an account that lacks nothing can call them, so
// they answer 200 or 400 here.
func TestSessionEndpoints(t *testing.T) {
	env, sc := seeded(t)
	as := signIn(env)
	keeper := env.login("personal", demo.MallKeeper, pw)
	forklift := env.login("personal", demo.MallForklift, pw)
	login := func(mode, user, password string) map[string]string {
		return map[string]string{"mode": mode, "username": user, "password": password}
	}
	tokens := func(t *testing.T, r *response) {
		tok := decodeInto[auth.Tokens](t, r)
		if tok.AccessToken == "" || tok.RefreshToken == "" || tok.TokenType != "Bearer" || tok.ExpiresIn != 900 || tok.MustChangePassword {
			t.Errorf("tokens = %+v", tok)
		}
		if m := env.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil); m.Code != 200 {
			t.Errorf("the new access token = %d", m.Code)
		}
	}
	me := func(want func(MeResponse) bool) func(*testing.T, *response) {
		return func(t *testing.T, r *response) {
			if m := decodeInto[MeResponse](t, r); !want(m) {
				t.Errorf("me = %+v", m)
			}
		}
	}
	roots := func(tree []*rbac.Node) string {
		var out []string
		for _, n := range tree {
			out = append(out, n.Code)
		}
		return strings.Join(out, ",")
	}
	permissions := func(tree string, held, notHeld []string) func(*testing.T, *response) {
		return func(t *testing.T, r *response) {
			p := decodeInto[PermissionTree](t, r)
			if roots(p.Tree) != tree {
				t.Errorf("tree = %s, want %s", roots(p.Tree), tree)
			}
			for _, c := range held {
				if !slices.Contains(p.Held, c) {
					t.Errorf("held lacks %s: %v", c, p.Held)
				}
			}
			for _, c := range notHeld {
				if slices.Contains(p.Held, c) {
					t.Errorf("held has %s", c)
				}
			}
		}
	}

	t.Run("200", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "personal login", method: http.MethodPost, path: "/api/v1/auth/login", body: login("personal", demo.MallElectrician, pw), status: 200, hide: []string{pw}, check: tokens},
			{name: "enterprise login by credit code", method: http.MethodPost, path: "/api/v1/auth/login", body: login("enterprise", demo.MallCode, pw), status: 200, check: tokens},
			{name: "refresh", method: http.MethodPost, path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": forklift.RefreshToken}, status: 200,
				hide: []string{forklift.RefreshToken}, check: tokens},
			{name: "a post user's identity", token: as.post, method: http.MethodGet, path: "/api/v1/me", status: 200, has: []string{account.PasswordRules},
				check: me(func(m MeResponse) bool {
					return m.User.Kind == rbac.KindPostUser && m.Enterprise != nil && m.Enterprise.ID == sc.MallID && m.Post != nil && m.Post.Name == "电工" &&
						m.Region == nil && m.SetupComplete == nil && slices.Contains(m.Permissions, rbac.InspectView) && !slices.Contains(m.Permissions, rbac.UserList)
				})},
			{name: "a regulator's identity", token: as.reg, method: http.MethodGet, path: "/api/v1/me", status: 200,
				check: me(func(m MeResponse) bool {
					return m.User.Kind == rbac.KindRegulator && m.Region != nil && m.Region.Name == "朝阳区" && m.Region.Level == "district" && m.Enterprise == nil && m.Post == nil
				})},
			{name: "an enterprise admin's identity", token: as.admin, method: http.MethodGet, path: "/api/v1/me", status: 200,
				check: me(func(m MeResponse) bool {
					return m.User.Kind == rbac.KindEnterpriseAdmin && m.SetupComplete != nil && !*m.SetupComplete && m.Post == nil &&
						!slices.Contains(m.Permissions, rbac.ProfileEdit)
				})},
			{name: "the enterprise catalogue an admin grants from", token: as.admin, method: http.MethodGet, path: "/api/v1/permissions", status: 200,
				hide:  []string{`"` + rbac.ProfileEdit + `"`, `"` + rbac.AssocApply + `"`}, // the legal entity's own codes are never granted
				check: permissions("ent,sys,std,hz", []string{rbac.DeptCreate, rbac.UserGrant}, []string{rbac.RegDashboard})},
			{name: "a post user sees the catalogue and holds little of it", token: as.post, method: http.MethodGet, path: "/api/v1/permissions", status: 200,
				check: permissions("ent,sys,std,hz", []string{rbac.InspectView, rbac.HazardFix}, []string{rbac.UserList, rbac.HazardAccept})},
			{name: "a regulator's catalogue", token: as.reg, method: http.MethodGet, path: "/api/v1/permissions", status: 200,
				check: permissions("reg,tpl", []string{rbac.RegEnterpriseCreate, rbac.TemplateView}, []string{rbac.TemplateEdit, rbac.UserList})},
			{name: "the platform's catalogue", token: as.plat, method: http.MethodGet, path: "/api/v1/permissions", status: 200,
				check: permissions("tpl,plat", []string{rbac.PlatRegionEdit, rbac.TemplateEdit}, []string{rbac.RegEnterpriseView})},
			{name: "change the password", token: keeper.AccessToken, method: http.MethodPost, path: "/api/v1/me/password",
				body: map[string]string{"old_password": pw, "new_password": "Kuguan#2026"}, status: 200, hide: []string{"Kuguan#2026"},
				check: func(t *testing.T, r *response) {
					tok := decodeInto[auth.Tokens](t, r)
					if m := env.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil); m.Code != 200 || tok.RefreshToken != "" {
						t.Errorf("the reissued token = %d, refresh %q (the session keeps its refresh token)", m.Code, tok.RefreshToken)
					}
					env.login("personal", demo.MallKeeper, "Kuguan#2026")
				}},
			{name: "log out", method: http.MethodPost, path: "/api/v1/auth/logout", body: map[string]string{"refresh_token": keeper.RefreshToken}, status: 204,
				check: func(t *testing.T, _ *response) {
					if r := env.do(http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": keeper.RefreshToken}); r.Code != 401 {
						t.Errorf("refresh after logout = %d", r.Code)
					}
				}},
			{name: "log out with a token nobody holds", method: http.MethodPost, path: "/api/v1/auth/logout", body: map[string]string{"refresh_token": "不存在的令牌"}, status: 204,
				check: func(t *testing.T, _ *response) {
					if r := env.as(as.post, http.MethodGet, "/api/v1/me", nil); r.Code != 200 {
						t.Errorf("another session after a logout with an unknown token = %d", r.Code)
					}
				}},
		})
	})

	t.Run("400", func(t *testing.T) {
		long := strings.Repeat("x", 201)
		runCalls(t, env, []call{
			{name: "login without a mode", method: http.MethodPost, path: "/api/v1/auth/login", body: map[string]string{"username": demo.MallName, "password": pw},
				status: 400, code: "validation_failed", field: "mode"},
			{name: "login in an unknown mode", method: http.MethodPost, path: "/api/v1/auth/login", body: login("admin", demo.MallName, pw),
				status: 400, code: "validation_failed", field: "mode"},
			{name: "login without a user name", method: http.MethodPost, path: "/api/v1/auth/login", body: login("personal", "", pw),
				status: 400, code: "validation_failed", field: "username"},
			{name: "login with a user name too long", method: http.MethodPost, path: "/api/v1/auth/login", body: login("personal", strings.Repeat("名", 101), pw),
				status: 400, code: "validation_failed", field: "username"},
			{name: "login with a password too long", method: http.MethodPost, path: "/api/v1/auth/login", body: login("personal", demo.MallName, long),
				status: 400, code: "validation_failed", field: "password", hide: []string{long}},
			{name: "login with a password of the wrong type", method: http.MethodPost, path: "/api/v1/auth/login",
				body: map[string]any{"mode": "personal", "username": demo.MallName, "password": 20260101}, status: 400, code: "validation_failed", field: "password"},
			{name: "refresh without a token", method: http.MethodPost, path: "/api/v1/auth/refresh", body: map[string]string{}, status: 400, code: "validation_failed", field: "refresh_token"},
			{name: "refresh with a token too long", method: http.MethodPost, path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": long},
				status: 400, code: "validation_failed", field: "refresh_token"},
			{name: "log out without a token", method: http.MethodPost, path: "/api/v1/auth/logout", body: map[string]string{}, status: 400, code: "validation_failed", field: "refresh_token"},
			{name: "change the password without the old one", token: as.post, method: http.MethodPost, path: "/api/v1/me/password",
				body: map[string]string{"new_password": "Dian#2026x"}, status: 400, code: "validation_failed", field: "old_password"},
			{name: "change the password without a new one", token: as.post, method: http.MethodPost, path: "/api/v1/me/password",
				body: map[string]string{"old_password": pw}, status: 400, code: "validation_failed", field: "new_password"},
			{name: "change the password to one too long", token: as.post, method: http.MethodPost, path: "/api/v1/me/password",
				body: map[string]string{"old_password": pw, "new_password": "Aa1#" + long}, status: 400, code: "validation_failed", field: "new_password"},
		})
		// None of those changed the electrician's password.
		env.login("personal", demo.MallElectrician, pw)
	})
}
