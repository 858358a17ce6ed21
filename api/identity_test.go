package api

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"yqyb/internal/auth"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/rbac"
	"yqyb/internal/session"
	"yqyb/internal/tools/demo"
)

const pw = demo.DemoPassword

func TestLoginModes(t *testing.T) {
	env, sc := seeded(t)
	tests := []struct {
		name, mode, username, password string
		status                         int
		code                           string
		kind                           string
		userID                         int64
	}{
		{"enterprise name at personal login is the admin account", "personal", demo.MallName, pw, 200, "", rbac.KindEnterpriseAdmin, sc.MallAdminID},
		{"full-width brackets and spaces fold", "personal", " " + demo.MallName + " ", pw, 200, "", rbac.KindEnterpriseAdmin, sc.MallAdminID},
		{"post account name at personal login", "personal", demo.MallElectrician, pw, 200, "", rbac.KindPostUser, sc.Users[demo.MallElectrician]},
		{"regulator at personal login", "personal", demo.ChaoyangReg, pw, 200, "", rbac.KindRegulator, sc.ChaoyangRegID},
		{"platform administrator", "personal", demo.PlatformAdmin, pw, 200, "", rbac.KindPlatformAdmin, sc.PlatformAdminID},
		{"enterprise login by name", "enterprise", demo.MallName, pw, 200, "", rbac.KindEnterpriseUser, sc.MallEntUserID},
		{"enterprise login by credit code, any case", "enterprise", strings.ToLower(demo.FactoryCode), pw, 200, "", rbac.KindEnterpriseUser, sc.FactoryEntUserID},
		{"post account name at enterprise login", "enterprise", demo.MallElectrician, pw, 401, "invalid_credentials", "", 0},
		{"credit code at personal login", "personal", demo.MallCode, pw, 401, "invalid_credentials", "", 0},
		{"wrong password", "personal", demo.MallName, "Wrong@2026", 401, "invalid_credentials", "", 0},
		{"unknown name", "personal", "不存在的账号", pw, 401, "invalid_credentials", "", 0},
		{"bad mode", "admin", demo.MallName, pw, 400, "validation_failed", "", 0},
		{"empty password", "personal", demo.MallName, "", 400, "validation_failed", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := env.do(http.MethodPost, "/api/v1/auth/login", map[string]string{"mode": tt.mode, "username": tt.username, "password": tt.password})
			if r.Code != tt.status {
				t.Fatalf("= %d %s", r.Code, r.Body)
			}
			if tt.code != "" {
				if b := r.errBody(t); b.Code != tt.code {
					t.Fatalf("code = %s", b.Code)
				}
				return
			}
			var tok auth.Tokens
			r.decode(t, &tok)
			var me MeResponse
			env.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil).decode(t, &me)
			if me.User.Kind != tt.kind || me.User.ID != tt.userID {
				t.Fatalf("logged in as %+v, want %s #%d", me.User, tt.kind, tt.userID)
			}
		})
	}
	// The answer to an unknown name and to a wrong password is the same: nothing tells them apart.
	a := env.do(http.MethodPost, "/api/v1/auth/login", map[string]string{"mode": "personal", "username": "又一个不存在的账号", "password": "x"})
	b := env.do(http.MethodPost, "/api/v1/auth/login", map[string]string{"mode": "personal", "username": demo.MallKeeper, "password": "x"})
	if a.Code != b.Code || string(a.Body) != string(b.Body) {
		t.Errorf("unknown name %d %s differs from wrong password %d %s", a.Code, a.Body, b.Code, b.Body)
	}
}

func TestMeMenus(t *testing.T) {
	env, _ := seeded(t)
	tests := []struct {
		user, mode string
		menus      []string // page codes shown
	}{
		{demo.MallName, "personal", []string{rbac.SetupView, rbac.ProfileView, rbac.GroupView, rbac.UserList, rbac.RoleList, rbac.DeptList,
			rbac.PostList, rbac.AuditView, rbac.APIKeyManage, rbac.WebhookManage, rbac.StandardView, rbac.GradeView, rbac.ChecklistView, rbac.InspectView, rbac.InspectHistory, rbac.HazardLedger, rbac.StatsView}},
		// through the 安全员 role, plus the default post-user role
		{demo.MallSafetyUser, "personal", []string{rbac.UserList, rbac.AuditView, rbac.InspectView, rbac.HazardLedger}},
		{demo.MallElectrician, "personal", []string{rbac.InspectView, rbac.HazardLedger}},
		{demo.ChaoyangReg, "personal", []string{rbac.RegDashboard, rbac.RegEnterpriseView, rbac.RegHazardView, rbac.RegAPIKeyManage, rbac.RegWebhookManage, rbac.TemplateView}},
		{demo.PlatformAdmin, "personal", []string{rbac.TemplateView, rbac.PlatRegulatorView, rbac.PlatRegionView, rbac.PlatAuditView}},
		{demo.MallCode, "enterprise", []string{rbac.ProfileView, rbac.AssocView, rbac.GroupView, rbac.StatsView}},
	}
	for _, tt := range tests {
		tok := env.login(tt.mode, tt.user, pw)
		var me MeResponse
		env.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil).decode(t, &me)
		var got []string
		var walk func([]*rbac.MenuNode)
		walk = func(ns []*rbac.MenuNode) {
			for _, n := range ns {
				if n.Path != "" {
					got = append(got, n.Code)
				}
				walk(n.Children)
			}
		}
		walk(me.Menus)
		if strings.Join(got, ",") != strings.Join(tt.menus, ",") {
			t.Errorf("%s sees menus %v, want %v", tt.user, got, tt.menus)
		}
	}
}

func TestLockout(t *testing.T) {
	env, sc := seeded(t)
	attempt := func(user, password string) *response {
		return env.do(http.MethodPost, "/api/v1/auth/login", map[string]string{"mode": "personal", "username": user, "password": password})
	}
	for _, user := range []string{demo.MallKeeper, "从未注册的名字"} {
		t.Run(user, func(t *testing.T) {
			for i := 1; i <= 4; i++ {
				r := attempt(user, "Wrong@1234")
				if b := r.errBody(t); r.Code != 401 || b.Details["remaining_attempts"] != float64(5-i) {
					t.Fatalf("attempt %d = %d %s", i, r.Code, r.Body)
				}
			}
			r := attempt(user, "Wrong@1234")
			b := r.errBody(t)
			if r.Code != http.StatusLocked || b.Code != "account_locked" || !strings.Contains(b.Message, "15分钟") {
				t.Fatalf("fifth attempt = %d %s", r.Code, r.Body)
			}
			// Even the right password is refused while locked.
			if r := attempt(user, pw); r.Code != http.StatusLocked {
				t.Fatalf("right password while locked = %d", r.Code)
			}
		})
	}
	env.clk.Advance(14 * time.Minute)
	if r := attempt(demo.MallKeeper, pw); r.Code != http.StatusLocked {
		t.Fatalf("after 14 minutes = %d", r.Code)
	}
	env.clk.Advance(time.Minute + time.Second)
	if r := attempt(demo.MallKeeper, pw); r.Code != 200 {
		t.Fatalf("after 15 minutes = %d %s", r.Code, r.Body)
	}
	// Every step is in the audit log of the enterprise.
	var actions []string
	testdb.Must(t, env.db.Table("audit_logs").Where("target_id = ?", sc.Users[demo.MallKeeper]).Order("id").Pluck("action", &actions))
	want := "login_failed,login_failed,login_failed,login_failed,login_failed,lockout,login_failed,login_failed,login"
	if strings.Join(actions, ",") != want {
		t.Errorf("audit = %v\nwant   %s", actions, want)
	}
	// An administrator's reset lifts a lockout.
	for range 5 {
		attempt(demo.MallForklift, "Wrong@1234")
	}
	admin := env.login("personal", demo.MallName, pw)
	r := env.as(admin.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/users/%d/reset-password", sc.Users[demo.MallForklift]), nil)
	var tp TemporaryPassword
	r.decode(t, &tp)
	if r := attempt(demo.MallForklift, tp.TemporaryPassword); r.Code != 200 {
		t.Fatalf("login after reset = %d %s", r.Code, r.Body)
	}
}

func TestLoginRateLimitPerIP(t *testing.T) {
	env, _ := seeded(t, func(d *Deps) { d.Config.LoginPerIP = 3 })
	for i := 1; i <= 4; i++ {
		r := env.do(http.MethodPost, "/api/v1/auth/login", map[string]string{"mode": "personal", "username": fmt.Sprintf("名字%d", i), "password": "x"})
		if i <= 3 && r.Code != 401 || i == 4 && (r.Code != 429 || r.errBody(t).Code != "too_many_requests") {
			t.Fatalf("attempt %d = %d %s", i, r.Code, r.Body)
		}
	}
	env.clk.Advance(time.Minute)
	if r := env.do(http.MethodPost, "/api/v1/auth/login", map[string]string{"mode": "personal", "username": demo.MallName, "password": pw}); r.Code != 200 {
		t.Fatalf("next window = %d", r.Code)
	}
}

func TestForcedPasswordChange(t *testing.T) {
	env, sc := seeded(t)
	admin := env.login("personal", demo.MallName, pw)
	var tp TemporaryPassword
	env.as(admin.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/users/%d/reset-password", sc.Users[demo.MallSafetyUser]), nil).decode(t, &tp)
	if tp.LoginName != demo.MallSafetyUser || len(tp.TemporaryPassword) != 12 {
		t.Fatalf("reset = %+v", tp)
	}
	tok := env.login("personal", demo.MallSafetyUser, tp.TemporaryPassword)
	if !tok.MustChangePassword {
		t.Fatal("must_change_password not set after reset")
	}
	// Until changed: only who-am-i, change password and logout.
	tests := []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/api/v1/me", 200},
		{http.MethodGet, "/api/v1/users", 403},
		{http.MethodGet, "/api/v1/audit-logs", 403},
		{http.MethodGet, "/api/v1/permissions", 403},
	}
	for _, tt := range tests {
		r := env.as(tok.AccessToken, tt.method, tt.path, nil)
		if r.Code != tt.status || tt.status == 403 && r.errBody(t).Code != "password_change_required" {
			t.Errorf("%s %s = %d %s", tt.method, tt.path, r.Code, r.Body)
		}
	}
	var me MeResponse
	env.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil).decode(t, &me)
	if !me.MustChangePassword || len(me.Permissions) != 0 || len(me.Menus) != 0 {
		t.Errorf("me before change = %+v", me)
	}
	change := func(old, new string) *response {
		return env.as(tok.AccessToken, http.MethodPost, "/api/v1/me/password", map[string]string{"old_password": old, "new_password": new})
	}
	weak := []struct {
		name, password, rule string
	}{
		{"short", "Ab1!", "长度"},
		{"two classes", "abcdefgh123", "三类"},
		{"equal to user name", demo.MallSafetyUser, "用户名"},
		{"equal to the temporary password", tp.TemporaryPassword, "初始密码或当前密码"},
	}
	for _, w := range weak {
		r := change(tp.TemporaryPassword, w.password)
		b := r.errBody(t)
		if r.Code != 400 || b.Code != "weak_password" || !strings.Contains(fmt.Sprint(b.Details["rules"]), w.rule) {
			t.Errorf("%s: %d %s", w.name, r.Code, r.Body)
		}
	}
	if r := change("Wrong@2026", "Good#Pass2026"); r.errBody(t).Code != "wrong_password" {
		t.Errorf("wrong old password: %s", r.Body)
	}
	r := change(tp.TemporaryPassword, "Good#Pass2026")
	if r.Code != 200 {
		t.Fatalf("change = %d %s", r.Code, r.Body)
	}
	var fresh auth.Tokens
	r.decode(t, &fresh)
	// The old access token's version moved; the reissued one works, and the session's refresh token too.
	if r := env.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil); r.Code != 401 || r.errBody(t).Code != "token_revoked" {
		t.Errorf("old token after change = %d %s", r.Code, r.Body)
	}
	if r := env.as(fresh.AccessToken, http.MethodGet, "/api/v1/users", nil); r.Code != 200 {
		t.Errorf("new token = %d %s", r.Code, r.Body)
	}
	if r := env.do(http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": tok.RefreshToken}); r.Code != 200 {
		t.Errorf("own session's refresh after change = %d %s", r.Code, r.Body)
	}
	env.login("personal", demo.MallSafetyUser, "Good#Pass2026")
}

func TestEnterpriseInitialPasswordCannotBeKept(t *testing.T) {
	env, sc := seeded(t)
	reg := env.login("personal", demo.ChaoyangReg, pw)
	var tp TemporaryPassword
	r := env.as(reg.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/regulator/enterprises/%d/reset-password", sc.MallID), map[string]string{"account": "enterprise_user"})
	r.decode(t, &tp)
	tok := env.login("enterprise", demo.MallCode, tp.TemporaryPassword)
	derived := "BJCYS" + demo.MallCode[12:] + demo.MallLegalPhone[7:] // 北京朝阳示 + last 6 of the code + last 4 of the phone
	r = env.as(tok.AccessToken, http.MethodPost, "/api/v1/me/password", map[string]string{"old_password": tp.TemporaryPassword, "new_password": derived})
	if b := r.errBody(t); b.Code != "weak_password" || !strings.Contains(fmt.Sprint(b.Details["rules"]), "初始密码") {
		t.Fatalf("derived initial password accepted: %d %s", r.Code, r.Body)
	}
}

func TestRefreshRotationAndReuse(t *testing.T) {
	env, _ := seeded(t)
	first := env.login("personal", demo.MallElectrician, pw)
	refresh := func(tok string) *response {
		return env.do(http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": tok})
	}
	r := refresh(first.RefreshToken)
	var second auth.Tokens
	r.decode(t, &second)
	if r.Code != 200 || second.RefreshToken == first.RefreshToken || second.AccessToken == "" {
		t.Fatalf("rotation = %d %s", r.Code, r.Body)
	}
	// The spent token back at once, its successor unused: the answer was lost (a reload mid-refresh, a
	// dropped connection), so it is exchanged again rather than taken for theft.
	if r := refresh(first.RefreshToken); r.Code != 200 {
		t.Fatalf("lost answer retried = %d %s", r.Code, r.Body)
	}
	r = refresh(second.RefreshToken)
	r.decode(t, &second)
	if r.Code != 200 {
		t.Fatalf("successor after a retried refresh = %d %s", r.Code, r.Body)
	}
	// Once a later token has been used, the old one back is theft: the whole family is revoked, including
	// the newest tokens.
	if r := refresh(first.RefreshToken); r.Code != 401 || r.errBody(t).Code != "refresh_reused" {
		t.Fatalf("reuse = %d %s", r.Code, r.Body)
	}
	if r := refresh(second.RefreshToken); r.Code != 401 || r.errBody(t).Code != "refresh_invalid" {
		t.Fatalf("newest refresh after reuse = %d %s", r.Code, r.Body)
	}
	if r := env.as(second.AccessToken, http.MethodGet, "/api/v1/me", nil); r.Code != 401 || r.errBody(t).Code != "token_revoked" {
		t.Fatalf("access token after reuse = %d %s", r.Code, r.Body)
	}
	var n int64
	testdb.Must(t, env.db.Table("audit_logs").Where("action = ?", "refresh_reuse").Count(&n))
	if n != 1 {
		t.Errorf("refresh_reuse audited %d times", n)
	}

	// A spent token back after the grace is theft even with its successor unused.
	late := env.login("personal", demo.MallElectrician, pw)
	if r := refresh(late.RefreshToken); r.Code != 200 {
		t.Fatalf("rotation = %d", r.Code)
	}
	env.clk.Advance(session.ReuseGrace + time.Second)
	if r := refresh(late.RefreshToken); r.Code != 401 || r.errBody(t).Code != "refresh_reused" {
		t.Fatalf("replay after the grace = %d %s", r.Code, r.Body)
	}

	// Two racing refreshes with one token (two tabs without Web Locks): one claims it, the other finds it
	// spent a moment ago with nothing used since, so both get a token and the session lives.
	tok := env.login("personal", demo.MallElectrician, pw)
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i := range codes {
		wg.Add(1)
		go func() { defer wg.Done(); codes[i] = refresh(tok.RefreshToken).Code }()
	}
	wg.Wait()
	sort.Ints(codes)
	if codes[0] != 200 || codes[1] != 200 {
		t.Errorf("racing refreshes = %v, want both 200", codes)
	}
	if r := env.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil); r.Code != 200 {
		t.Errorf("session after racing refreshes = %d", r.Code)
	}

	// Expiry: the access token after its 15 minutes, refresh after 7 idle days.
	tok = env.login("personal", demo.MallElectrician, pw)
	env.clk.Advance(16 * time.Minute)
	if r := env.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil); r.Code != 401 || r.errBody(t).Code != "token_expired" {
		t.Fatalf("expired access token = %d %s", r.Code, r.Body)
	}
	if r := refresh(tok.RefreshToken); r.Code != 200 {
		t.Fatalf("refresh within a week = %d", r.Code)
	}
	env.clk.Advance(8 * 24 * time.Hour)
	if r := refresh(tok.RefreshToken); r.Code != 401 {
		t.Fatalf("refresh after 8 idle days = %d", r.Code)
	}

	// Logout ends the session: the refresh token and the access token.
	tok = env.login("personal", demo.MallElectrician, pw)
	if r := env.do(http.MethodPost, "/api/v1/auth/logout", map[string]string{"refresh_token": tok.RefreshToken}); r.Code != 204 {
		t.Fatalf("logout = %d", r.Code)
	}
	if r := env.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil); r.Code != 401 {
		t.Fatalf("access token after logout = %d", r.Code)
	}
	if r := refresh(tok.RefreshToken); r.Code != 401 {
		t.Fatalf("refresh after logout = %d", r.Code)
	}
	if r := env.do(http.MethodPost, "/api/v1/auth/logout", map[string]string{"refresh_token": tok.RefreshToken}); r.Code != 204 {
		t.Fatalf("second logout = %d", r.Code)
	}
}

func TestTokenSecurity(t *testing.T) {
	env, _ := seeded(t)
	tok := env.login("personal", demo.MallName, pw)
	parts := strings.Split(tok.AccessToken, ".")
	tests := []struct {
		name, header string
		code         string
	}{
		{"no header", "", "unauthorized"},
		{"not bearer", "Basic abc", "unauthorized"},
		{"garbage", "Bearer abc.def.ghi", "token_invalid"},
		{"alg none", "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0." + parts[1] + ".", "token_invalid"},
		{"tampered payload", "Bearer " + parts[0] + "." + parts[1] + "x." + parts[2], "token_invalid"},
		{"signed with another key", "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + parts[1] + ".c2lnbmF0dXJl", "token_invalid"},
	}
	for _, tt := range tests {
		var r *response
		if tt.header == "" {
			r = env.do(http.MethodGet, "/api/v1/me", nil)
		} else {
			r = env.do(http.MethodGet, "/api/v1/me", nil, "Authorization", tt.header)
		}
		if r.Code != 401 || r.errBody(t).Code != tt.code {
			t.Errorf("%s: %d %s", tt.name, r.Code, r.Body)
		}
	}
}

// TestRevocationAcrossInstances proves that a reset, a disable and a grant change made on one instance stop
// older tokens on another at once, with nothing shared but the database.
func TestRevocationAcrossInstances(t *testing.T) {
	a, sc := seeded(t)
	b := a.another()
	admin := a.login("personal", demo.MallName, pw)
	userPath := func(name, suffix string) string { return fmt.Sprintf("/api/v1/users/%d%s", sc.Users[name], suffix) }

	t.Run("grant change", func(t *testing.T) {
		tok := a.login("personal", demo.MallKeeper, pw)
		if r := b.as(tok.AccessToken, http.MethodGet, "/api/v1/audit-logs", nil); r.Code != 403 {
			t.Fatalf("before grant = %d", r.Code)
		}
		// b has now cached the mall's policy; the grant is made on a.
		if r := a.as(admin.AccessToken, http.MethodPut, userPath(demo.MallKeeper, "/grants"), map[string]any{"codes": []string{rbac.AuditView}}); r.Code != 200 {
			t.Fatalf("grant = %d %s", r.Code, r.Body)
		}
		if r := b.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil); r.Code != 401 || r.errBody(t).Code != "token_revoked" {
			t.Fatalf("old token on b = %d %s", r.Code, r.Body)
		}
		var fresh auth.Tokens
		b.do(http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": tok.RefreshToken}).decode(t, &fresh)
		if r := b.as(fresh.AccessToken, http.MethodGet, "/api/v1/audit-logs", nil); r.Code != 200 {
			t.Fatalf("new token on b after grant = %d %s", r.Code, r.Body)
		}
		// And taking it away again is seen by b as well.
		a.as(admin.AccessToken, http.MethodPut, userPath(demo.MallKeeper, "/grants"), map[string]any{"codes": []string{}})
		b.do(http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": fresh.RefreshToken}).decode(t, &fresh)
		if r := b.as(fresh.AccessToken, http.MethodGet, "/api/v1/audit-logs", nil); r.Code != 403 {
			t.Fatalf("after revoking the grant on a, b still allows: %d", r.Code)
		}
	})

	t.Run("role grant change", func(t *testing.T) {
		tok := a.login("personal", demo.MallSafetyUser, pw)
		if r := b.as(tok.AccessToken, http.MethodGet, "/api/v1/audit-logs", nil); r.Code != 200 {
			t.Fatalf("through the role = %d", r.Code)
		}
		a.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/roles/%d/grants", sc.MallSafetyRoleID), map[string]any{"codes": []string{rbac.UserList}})
		if r := b.as(tok.AccessToken, http.MethodGet, "/api/v1/audit-logs", nil); r.Code != 401 {
			t.Fatalf("old token of a role member on b = %d", r.Code)
		}
		var fresh auth.Tokens
		b.do(http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": tok.RefreshToken}).decode(t, &fresh)
		if r := b.as(fresh.AccessToken, http.MethodGet, "/api/v1/audit-logs", nil); r.Code != 403 {
			t.Fatalf("after the role lost the code = %d", r.Code)
		}
	})

	for _, tt := range []struct{ name, user, suffix string }{
		{"reset", demo.MallElectrician, "/reset-password"},
		{"disable", demo.MallForklift, "/disable"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tok := a.login("personal", tt.user, pw)
			if r := b.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil); r.Code != 200 {
				t.Fatalf("before = %d", r.Code)
			}
			if r := a.as(admin.AccessToken, http.MethodPost, userPath(tt.user, tt.suffix), nil); r.Code != 200 {
				t.Fatalf("%s = %d %s", tt.name, r.Code, r.Body)
			}
			if r := b.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil); r.Code != 401 || r.errBody(t).Code != "token_revoked" {
				t.Fatalf("access token on b after %s = %d %s", tt.name, r.Code, r.Body)
			}
			if r := b.do(http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": tok.RefreshToken}); r.Code != 401 {
				t.Fatalf("refresh on b after %s = %d", tt.name, r.Code)
			}
		})
	}
	if r := a.do(http.MethodPost, "/api/v1/auth/login", map[string]string{"mode": "personal", "username": demo.MallForklift, "password": pw}); r.Code != 403 || r.errBody(t).Code != "account_disabled" {
		t.Fatalf("disabled user login = %d %s", r.Code, r.Body)
	}
}

// TestGrantsOpenExactlyTheirRoutes gives a post user one code at a time, once as a user grant and once
// through a role, and checks which routes answer.
func TestGrantsOpenExactlyTheirRoutes(t *testing.T) {
	env, sc := seeded(t)
	admin := env.login("personal", demo.MallName, pw)
	keeper := sc.Users[demo.MallKeeper]
	probes := []struct {
		method, path string
		code         string
	}{
		{http.MethodGet, "/api/v1/users", rbac.UserList},
		{http.MethodGet, "/api/v1/roles", rbac.RoleList},
		{http.MethodGet, "/api/v1/audit-logs", rbac.AuditView},
		{http.MethodGet, "/api/v1/post-options", rbac.UserList},
		{http.MethodGet, fmt.Sprintf("/api/v1/users/%d/grants", sc.Users[demo.MallElectrician]), rbac.UserGrant},
	}
	check := func(t *testing.T, held []string) {
		tok := env.login("personal", demo.MallKeeper, pw)
		for _, p := range probes {
			r := env.as(tok.AccessToken, p.method, p.path, nil)
			want := 403
			if slices.Contains(held, p.code) {
				want = 200
			}
			if r.Code != want {
				t.Errorf("holding %v: %s %s = %d, want %d", held, p.method, p.path, r.Code, want)
			}
		}
	}
	check(t, nil)
	for _, code := range []string{rbac.UserList, rbac.RoleList, rbac.AuditView, rbac.UserGrant} {
		t.Run("user grant "+code, func(t *testing.T) {
			env.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/grants", keeper), map[string]any{"codes": []string{code}})
			held := rbac.WithAncestors([]string{code})
			check(t, held)
			env.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/grants", keeper), map[string]any{"codes": []string{}})
		})
		t.Run("role grant "+code, func(t *testing.T) {
			var role rbac.RoleView
			r := env.as(admin.AccessToken, http.MethodPost, "/api/v1/roles", map[string]any{"name": "角色" + code, "codes": []string{code}})
			r.decode(t, &role)
			if r := env.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/roles/%d/users", role.ID), map[string]any{"user_ids": []int64{keeper}}); r.Code != 200 {
				t.Fatalf("assign = %d %s", r.Code, r.Body)
			}
			check(t, rbac.WithAncestors([]string{code}))
			env.as(admin.AccessToken, http.MethodDelete, fmt.Sprintf("/api/v1/roles/%d", role.ID), nil)
			check(t, nil)
		})
	}
	// Both together: the union.
	env.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/grants", keeper), map[string]any{"codes": []string{rbac.RoleList}})
	env.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/roles", keeper), map[string]any{"role_ids": []int64{sc.MallSafetyRoleID}})
	check(t, []string{rbac.RoleList, rbac.UserList, rbac.AuditView})
	var g rbac.UserGrants
	env.as(admin.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/users/%d/grants", keeper), nil).decode(t, &g)
	// Setting the roles replaced the default role with exactly the one given.
	if len(g.RoleIDs) != 1 || g.RoleIDs[0] != sc.MallSafetyRoleID {
		t.Errorf("role ids = %v, want [%d]", g.RoleIDs, sc.MallSafetyRoleID)
	}
	if strings.Join(g.Effective, ",") != "sys,sys:audit,sys:role,sys:user" || strings.Join(g.Codes, ",") != "sys,sys:role" {
		t.Errorf("grants = %+v", g)
	}
}

func TestNoUserGrantsMoreThanItHolds(t *testing.T) {
	env, sc := seeded(t)
	admin := env.login("personal", demo.MallName, pw)
	safety := sc.Users[demo.MallSafetyUser]
	// The admin lets the safety officer grant: it holds sys:user, sys:audit (role) and now sys:user:grant.
	if r := env.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/grants", safety), map[string]any{"codes": []string{rbac.UserGrant}}); r.Code != 200 {
		t.Fatalf("= %d %s", r.Code, r.Body)
	}
	officer := env.login("personal", demo.MallSafetyUser, pw)
	electrician := fmt.Sprintf("/api/v1/users/%d", sc.Users[demo.MallElectrician])
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"a code it holds", http.MethodPut, electrician + "/grants", map[string]any{"codes": []string{rbac.AuditView}}, 200, ""},
		{"a code it lacks", http.MethodPut, electrician + "/grants", map[string]any{"codes": []string{rbac.AuditView, rbac.RoleDelete}}, 403, "grant_exceeds_own"},
		{"its own grants", http.MethodPut, fmt.Sprintf("/api/v1/users/%d/grants", safety), map[string]any{"codes": []string{rbac.AuditView}}, 403, "cannot_change_own_grants"},
		{"its own roles", http.MethodPut, fmt.Sprintf("/api/v1/users/%d/roles", safety), map[string]any{"role_ids": []int64{}}, 403, "cannot_change_own_grants"},
		{"an unknown code", http.MethodPut, electrician + "/grants", map[string]any{"codes": []string{"sys:everything"}}, 400, "unknown_permission"},
		{"a regulator code", http.MethodPut, electrician + "/grants", map[string]any{"codes": []string{rbac.RegEnterpriseView}}, 400, "unknown_permission"},
		{"the admin account", http.MethodPut, fmt.Sprintf("/api/v1/users/%d/grants", sc.MallAdminID), map[string]any{"codes": []string{}}, 400, "not_grantable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := env.as(officer.AccessToken, tt.method, tt.path, tt.body)
			if r.Code != tt.status || tt.code != "" && r.errBody(t).Code != tt.code {
				t.Fatalf("= %d %s", r.Code, r.Body)
			}
		})
	}
	// Nor may the admin grant the admin account anything, or a role hand out codes the grantor lacks.
	if r := env.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/grants", sc.MallAdminID), map[string]any{"codes": []string{}}); r.Code != 403 {
		t.Errorf("admin changing its own grants = %d", r.Code)
	}
	if r := env.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/grants", sc.MallEntUserID), map[string]any{"codes": []string{}}); r.Code != 400 || r.errBody(t).Code != "not_grantable" {
		t.Errorf("granting the enterprise-user account = %d %s", r.Code, r.Body)
	}
	// A role holding sys:role:delete cannot be assigned by the officer, who lacks it.
	var role rbac.RoleView
	env.as(admin.AccessToken, http.MethodPost, "/api/v1/roles", map[string]any{"name": "管理角色", "codes": []string{rbac.RoleDelete}}).decode(t, &role)
	env.as(admin.AccessToken, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/grants", safety), map[string]any{"codes": []string{rbac.UserGrant}})
	if r := env.as(officer.AccessToken, http.MethodPut, electrician+"/roles", map[string]any{"role_ids": []int64{role.ID}}); r.Code != 401 && r.Code != 403 {
		t.Errorf("assigning a role beyond own codes = %d %s", r.Code, r.Body)
	}
}

// TestBearerSchemeCaseInsensitive: HTTP authentication schemes are case-insensitive (RFC 9110 §11.1), and
// some clients and proxies send "bearer".
func TestBearerSchemeCaseInsensitive(t *testing.T) {
	env, _ := seeded(t)
	tok := env.login("personal", demo.MallKeeper, pw)
	tests := []struct {
		header string
		status int
		code   string
	}{
		{"Bearer " + tok.AccessToken, 200, ""},
		{"bearer " + tok.AccessToken, 200, ""},
		{"BEARER " + tok.AccessToken, 200, ""},
		{"BeArEr   " + tok.AccessToken + " ", 200, ""},
		{"Bearer", 401, "unauthorized"},
		{"Bearer ", 401, "unauthorized"},
		{"Basic " + tok.AccessToken, 401, "unauthorized"},
		{"Bearertoken" + tok.AccessToken, 401, "unauthorized"},
		{tok.AccessToken, 401, "unauthorized"},
	}
	for _, tt := range tests {
		r := env.do(http.MethodGet, "/api/v1/me", nil, "Authorization", tt.header)
		if r.Code != tt.status || tt.code != "" && r.errBody(t).Code != tt.code {
			t.Errorf("Authorization %.20q… = %d %s", tt.header, r.Code, r.Body)
		}
	}
}
