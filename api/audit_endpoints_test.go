package api

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"yqyb/internal/audit"
	"yqyb/internal/platform/clock"
	"yqyb/internal/rbac"
	"yqyb/internal/tools/demo"
)

// TestAuditEndpoints is the contract of the two audit-log listings: an enterprise's own, and the platform's
// across every tenant. They take filters but no ids, so they answer 200, 400 or 403.
func TestAuditEndpoints(t *testing.T) {
	env, sc := seeded(t)
	as := signIn(env)
	// A password reset (whose secret must never reach the log) and a department in each enterprise.
	var tp TemporaryPassword
	r := env.as(as.admin, http.MethodPost, fmt.Sprintf("/api/v1/users/%d/reset-password", sc.Users[demo.MallSafetyUser]), nil)
	r.decode(t, &tp)
	if r.Code != 200 || tp.TemporaryPassword == "" {
		t.Fatalf("reset = %d %s", r.Code, r.Body)
	}
	for _, d := range []struct{ token, name string }{{as.admin, "商场审计部"}, {as.factory, "工厂审计部"}} {
		if r := env.as(d.token, http.MethodPost, "/api/v1/departments", map[string]any{"name": d.name}); r.Code != 201 {
			t.Fatalf("department = %d %s", r.Code, r.Body)
		}
	}
	// The reset ended the officer's sessions: sign in again with the new password after changing it.
	first := env.login("personal", demo.MallSafetyUser, tp.TemporaryPassword)
	var fresh struct {
		AccessToken string `json:"access_token"`
	}
	env.as(first.AccessToken, http.MethodPost, "/api/v1/me/password", map[string]string{"old_password": tp.TemporaryPassword, "new_password": "Anquan#2026"}).decode(t, &fresh)
	safety := fresh.AccessToken
	secrets := []string{tp.TemporaryPassword, "Anquan#2026", "$2a$", "password_hash"}

	page := func(want func(t *testing.T, p AuditPage)) func(*testing.T, *response) {
		return func(t *testing.T, r *response) { want(t, decodeInto[AuditPage](t, r)) }
	}
	actions := func(p AuditPage) map[string]int {
		m := map[string]int{}
		for _, it := range p.Items {
			m[it.Action]++
		}
		return m
	}
	day := time.Date(2026, 11, 28, 0, 0, 0, 0, clock.Business)

	t.Run("200", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "by action", token: as.admin, method: http.MethodGet, path: "/api/v1/audit-logs?action=password_reset", status: 200, hide: secrets,
				check: page(func(t *testing.T, p AuditPage) {
					if p.Total != 1 || p.Items[0].TargetName != demo.MallSafetyUser || p.Items[0].ActorName != demo.MallName || p.Items[0].ActionLabel != "重置密码" {
						t.Errorf("page = %+v", p)
					}
				})},
			{name: "the password change leaves no secret either", token: as.admin, method: http.MethodGet, path: "/api/v1/audit-logs?action=password_change", status: 200, hide: secrets,
				check: page(func(t *testing.T, p AuditPage) {
					if p.Total != 1 || p.Items[0].ActorName != demo.MallSafetyUser {
						t.Errorf("page = %+v", p)
					}
				})},
			{name: "by action within the tenant", token: as.admin, method: http.MethodGet, path: "/api/v1/audit-logs?action=" + audit.DeptCreate, status: 200,
				hide: []string{"工厂审计部", demo.FactoryName},
				check: page(func(t *testing.T, p AuditPage) {
					if p.Total != 1 || p.Items[0].TargetName != "商场审计部" || p.Items[0].ActionLabel != "新建部门" {
						t.Errorf("page = %+v", p)
					}
				})},
			{name: "a post user holding the code, by keyword and day", token: safety, method: http.MethodGet,
				path: "/api/v1/audit-logs?q=" + demo.MallSafetyUser + "&from=2026-11-28&to=2026-11-28&sort=at", status: 200,
				check: page(func(t *testing.T, p AuditPage) {
					got := actions(p)
					if got[audit.PasswordReset] != 1 || got[audit.PasswordChange] != 1 || got[audit.Login] < 2 {
						t.Errorf("actions = %v", got)
					}
					for i, it := range p.Items {
						if it.At.Before(day) || !it.At.Before(day.AddDate(0, 0, 1)) || i > 0 && it.At.Before(p.Items[i-1].At) {
							t.Errorf("item %d at %v: outside the day or out of order", i, it.At)
						}
					}
				})},
			{name: "a day without entries", token: as.admin, method: http.MethodGet, path: "/api/v1/audit-logs?from=2026-11-29", status: 200,
				check: page(func(t *testing.T, p AuditPage) {
					if p.Total != 0 || len(p.Items) != 0 {
						t.Errorf("page = %+v", p)
					}
				})},
			{name: "the second page of one", token: as.admin, method: http.MethodGet, path: "/api/v1/audit-logs?page=2&page_size=1&sort=id", status: 200,
				check: page(func(t *testing.T, p AuditPage) {
					if p.Page != 2 || p.PageSize != 1 || len(p.Items) != 1 || p.Total < 3 {
						t.Errorf("page = %+v", p)
					}
				})},
			{name: "the platform's log spans every tenant", token: as.plat, method: http.MethodGet, path: "/api/v1/platform/audit-logs?action=" + audit.DeptCreate, status: 200,
				hide: secrets,
				check: page(func(t *testing.T, p AuditPage) {
					names := map[string]bool{}
					for _, it := range p.Items {
						names[it.TargetName] = true
					}
					if p.Total != 2 || !names["商场审计部"] || !names["工厂审计部"] {
						t.Errorf("page = %+v", p)
					}
				})},
			{name: "the platform's log by keyword", token: as.plat, method: http.MethodGet, path: "/api/v1/platform/audit-logs?q=工厂审计部", status: 200,
				check: page(func(t *testing.T, p AuditPage) {
					if p.Total != 1 || p.Items[0].ActorName != demo.FactoryName {
						t.Errorf("page = %+v", p)
					}
				})},
		})
	})

	t.Run("400", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "a month that does not exist", token: as.admin, method: http.MethodGet, path: "/api/v1/audit-logs?from=2026-13-01", status: 400, code: "validation_failed", field: "from"},
			{name: "a day in another format", token: as.admin, method: http.MethodGet, path: "/api/v1/audit-logs?to=28-11-2026", status: 400, code: "validation_failed", field: "to"},
			{name: "a year out of range", token: as.admin, method: http.MethodGet, path: "/api/v1/audit-logs?from=1999-12-31", status: 400, code: "validation_failed", field: "from"},
			{name: "sorted by a column that is not offered", token: as.admin, method: http.MethodGet, path: "/api/v1/audit-logs?sort=actor_name", status: 400, code: "validation_failed", field: "sort"},
			{name: "page zero", token: as.admin, method: http.MethodGet, path: "/api/v1/audit-logs?page=0", status: 400, code: "validation_failed", field: "page"},
			{name: "too large a page", token: as.admin, method: http.MethodGet, path: "/api/v1/audit-logs?page_size=101", status: 400, code: "validation_failed", field: "page_size"},
			{name: "the platform's log with a bad day", token: as.plat, method: http.MethodGet, path: "/api/v1/platform/audit-logs?to=yesterday", status: 400, code: "validation_failed", field: "to"},
			{name: "the platform's log sorted by address", token: as.plat, method: http.MethodGet, path: "/api/v1/platform/audit-logs?sort=ip", status: 400, code: "validation_failed", field: "sort"},
		})
	})

	t.Run("403", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "a post user without the code", token: as.post, method: http.MethodGet, path: "/api/v1/audit-logs", status: 403, code: "forbidden", perm: rbac.AuditView},
			{name: "the enterprise-user account", token: as.entUser, method: http.MethodGet, path: "/api/v1/audit-logs", status: 403, code: "forbidden", perm: rbac.AuditView},
			{name: "a regulator reads an enterprise's log", token: as.reg, method: http.MethodGet, path: "/api/v1/audit-logs", status: 403, code: "forbidden", perm: rbac.AuditView},
			{name: "an enterprise admin reads the platform's log", token: as.admin, method: http.MethodGet, path: "/api/v1/platform/audit-logs", status: 403, code: "forbidden", perm: rbac.PlatAuditView},
			{name: "a post user holding the enterprise code reads the platform's log", token: safety, method: http.MethodGet, path: "/api/v1/platform/audit-logs",
				status: 403, code: "forbidden", perm: rbac.PlatAuditView},
		})
	})
}
