package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"yqyb/internal/rbac"
	"yqyb/internal/tools/demo"
)

// A post user given some user-management codes acts only on accounts whose codes it holds itself: whoever
// resets a password or creates an account learns a password it can log in with (issue 13, escalation).
func TestUserManagementStaysWithinOwnCodes(t *testing.T) {
	env, sc := seeded(t)
	admin := env.login("personal", demo.MallName, pw).AccessToken
	keeper := sc.Users[demo.MallKeeper]
	grant := func(user int64, codes ...string) {
		t.Helper()
		if r := env.as(admin, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/grants", user), map[string]any{"codes": codes}); r.Code != 200 {
			t.Fatalf("grant %v = %d %s", codes, r.Code, r.Body)
		}
	}
	grant(keeper, rbac.UserCreate, rbac.UserResetPassword, rbac.UserDisable, rbac.UserDelete)
	tok := env.login("personal", demo.MallKeeper, pw).AccessToken
	safety, forklift := sc.Users[demo.MallSafetyUser], sc.Users[demo.MallForklift]
	post := sc.Posts["营业部/收银员"]

	t.Run("403 on a more privileged account", func(t *testing.T) {
		for _, tt := range []struct{ name, method, path string }{
			{"reset", http.MethodPost, fmt.Sprintf("/api/v1/users/%d/reset-password", safety)},
			{"disable", http.MethodPost, fmt.Sprintf("/api/v1/users/%d/disable", safety)},
			{"delete", http.MethodDelete, fmt.Sprintf("/api/v1/users/%d", safety)},
		} {
			r := env.as(tok, tt.method, tt.path, nil)
			if b := r.errBody(t); r.Code != 403 || b.Code != "account_exceeds_own" || b.Message == "" {
				t.Errorf("%s the safety officer (安全员 role) = %d %s", tt.name, r.Code, r.Body)
			}
		}
		// Nothing happened: the safety officer still logs in with the old password.
		env.login("personal", demo.MallSafetyUser, pw)
	})

	t.Run("200 on an account within its codes", func(t *testing.T) {
		var tp TemporaryPassword
		r := env.as(tok, http.MethodPost, fmt.Sprintf("/api/v1/users/%d/reset-password", forklift), nil)
		r.decode(t, &tp)
		if r.Code != 200 || tp.LoginName != demo.MallForklift || tp.TemporaryPassword == "" {
			t.Fatalf("reset the forklift driver (default role only) = %d %s", r.Code, r.Body)
		}
		r = env.as(tok, http.MethodPost, "/api/v1/users", map[string]any{"login_name": "朝阳商场-收银员甲", "display_name": "钱多", "post_id": post})
		if r.Code != 201 {
			t.Fatalf("create with the default role, which the keeper holds = %d %s", r.Code, r.Body)
		}
	})

	t.Run("403 creating an account with codes the creator lacks", func(t *testing.T) {
		// Without the default role the keeper no longer holds what a new account would get.
		if r := env.as(admin, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/roles", keeper), map[string]any{"role_ids": []int64{}}); r.Code != 200 {
			t.Fatalf("drop the keeper's roles = %d %s", r.Code, r.Body)
		}
		tok := env.login("personal", demo.MallKeeper, pw).AccessToken
		r := env.as(tok, http.MethodPost, "/api/v1/users", map[string]any{"login_name": "朝阳商场-收银员乙", "display_name": "钱少", "post_id": post})
		b := r.errBody(t)
		if r.Code != 403 || b.Code != "account_exceeds_own" || len(b.Details["codes"].([]any)) == 0 {
			t.Fatalf("create = %d %s", r.Code, r.Body)
		}
		if r := env.as(admin, http.MethodGet, "/api/v1/users?q=收银员乙", nil); r.Code != 200 || strings.Contains(string(r.Body), "朝阳商场-收银员乙") {
			t.Errorf("the refused account exists: %s", r.Body)
		}
	})

	t.Run("the enterprise admin acts on anyone", func(t *testing.T) {
		if r := env.as(admin, http.MethodPost, fmt.Sprintf("/api/v1/users/%d/reset-password", safety), nil); r.Code != 200 {
			t.Errorf("admin reset = %d %s", r.Code, r.Body)
		}
	})
}

// The acceptor of a fix is not its fixer, and a second account the acceptor created (or whose password it
// reset) counts as the same person; an account the enterprise admin issued does not tie it to the admin.
func TestAcceptorIsNotTheFixerBehindAnotherAccount(t *testing.T) {
	env, sc := seeded(t)
	admin, _ := mallStandard(t, env)
	keeper := sc.Users[demo.MallKeeper]
	if r := env.as(admin, http.MethodPut, fmt.Sprintf("/api/v1/users/%d/grants", keeper), map[string]any{"codes": []string{
		rbac.UserCreate, rbac.UserResetPassword, rbac.HazardAssign, rbac.HazardAccept}}); r.Code != 200 {
		t.Fatalf("grant = %d %s", r.Code, r.Body)
	}
	a := env.login("personal", demo.MallKeeper, pw).AccessToken
	// The keeper makes a second account and logs in with it.
	var created CreatedUser
	env.as(a, http.MethodPost, "/api/v1/users", map[string]any{"login_name": "朝阳商场-库管员小号", "display_name": "孙丽", "post_id": sc.Posts["仓储部/库管员"]}).decode(t, &created)
	if created.TemporaryPassword == "" {
		t.Fatal("second account not created")
	}
	b := changedPassword(t, env, "朝阳商场-库管员小号", created.TemporaryPassword)

	var photo struct{ ID int64 }
	env.upload(b, "/api/v1/files", "整改.jpg", jpeg).decode(t, &photo)
	fixedBy := func(fixer string) int64 {
		t.Helper()
		var h struct{ ID int64 }
		r := env.as(fixer, http.MethodPost, "/api/v1/hazards", map[string]any{"subject": "货架松动", "description": "三号货架立柱螺栓松动", "grade_code": "D"})
		r.decode(t, &h)
		if r.Code != 201 {
			t.Fatalf("report = %d %s", r.Code, r.Body)
		}
		steps := []struct {
			tok, step string
			body      map[string]any
		}{
			{admin, "assign", map[string]any{"responsible_person": "孙丽", "measures": "紧固螺栓", "deadline": env.clk.Now().AddDate(0, 0, 7).Format("2006-01-02")}},
			{fixer, "fix", map[string]any{"note": "已紧固", "photo_ids": []int64{photo.ID}}},
		}
		for _, s := range steps {
			if r := env.as(s.tok, http.MethodPost, fmt.Sprintf("/api/v1/hazards/%d/%s", h.ID, s.step), s.body); r.Code != 200 {
				t.Fatalf("%s = %d %s", s.step, r.Code, r.Body)
			}
		}
		return h.ID
	}
	accept := map[string]any{"note": "验收合格"}

	h := fixedBy(b)
	for _, step := range []string{"accept", "reject"} {
		r := env.as(a, http.MethodPost, fmt.Sprintf("/api/v1/hazards/%d/%s", h, step), accept)
		if e := r.errBody(t); r.Code != 403 || e.Code != "acceptor_is_fixer" {
			t.Errorf("the creator of the fixer's account: %s = %d %s", step, r.Code, r.Body)
		}
	}
	// The admin issued the keeper's account (and every other): it may accept.
	if r := env.as(admin, http.MethodPost, fmt.Sprintf("/api/v1/hazards/%d/accept", h), accept); r.Code != 200 {
		t.Errorf("admin accept = %d %s", r.Code, r.Body)
	}
	// A password reset links the same way: the keeper resets the forklift driver's password, so it may not
	// accept the driver's fixes either; the driver's own fix, accepted by the admin, is fine.
	forklift := sc.Users[demo.MallForklift]
	var tp TemporaryPassword
	env.as(a, http.MethodPost, fmt.Sprintf("/api/v1/users/%d/reset-password", forklift), nil).decode(t, &tp)
	driver := changedPassword(t, env, demo.MallForklift, tp.TemporaryPassword)
	env.upload(driver, "/api/v1/files", "整改.jpg", jpeg).decode(t, &photo)
	h = fixedBy(driver)
	if r := env.as(a, http.MethodPost, fmt.Sprintf("/api/v1/hazards/%d/accept", h), accept); r.Code != 403 {
		t.Errorf("the resetter of the fixer's password: accept = %d %s", r.Code, r.Body)
	}
	// After the admin resets the driver's password, the keeper no longer holds the driver's credentials.
	env.as(admin, http.MethodPost, fmt.Sprintf("/api/v1/users/%d/reset-password", forklift), nil).decode(t, &tp)
	if r := env.as(a, http.MethodPost, fmt.Sprintf("/api/v1/hazards/%d/accept", h), accept); r.Code != 200 {
		t.Errorf("after the admin re-issued the driver's password: accept = %d %s", r.Code, r.Body)
	}
}

// changedPassword logs in with a temporary password, sets a chosen one and returns a token of the account.
func changedPassword(t *testing.T, env *testEnv, login, temporary string) string {
	t.Helper()
	tok := env.login("personal", login, temporary).AccessToken
	if r := env.as(tok, http.MethodPost, "/api/v1/me/password", map[string]any{"old_password": temporary, "new_password": "Chosen#2026pw"}); r.Code != 200 {
		t.Fatalf("change password = %d %s", r.Code, r.Body)
	}
	return env.login("personal", login, "Chosen#2026pw").AccessToken
}
