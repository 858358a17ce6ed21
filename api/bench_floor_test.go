package api

import (
	"net/http"
	"strings"
	"testing"

	"yqyb/internal/platform/config"
	"yqyb/internal/tools/demo"
)

// TestBenchFloor: the floor of `make bench` authenticates, checks the session and the post user's page's
// permission, and answers 204; it exists only when the configuration asks for it, in development.
func TestBenchFloor(t *testing.T) {
	env, _ := seeded(t, func(d *Deps) { d.Config.BenchFloor = true })
	post := env.login("personal", demo.MallKeeper, demo.DemoPassword)
	if r := env.as(post.AccessToken, http.MethodGet, benchFloorPath, nil); r.Code != http.StatusNoContent || len(r.Body) != 0 {
		t.Errorf("post user = %d %s, want 204 and no body", r.Code, r.Body)
	}
	if r := env.do(http.MethodGet, benchFloorPath, nil); r.Code != http.StatusUnauthorized {
		t.Errorf("no token = %d %s", r.Code, r.Body)
	}
	reg := env.login("personal", demo.ChaoyangReg, demo.DemoPassword)
	if r := env.as(reg.AccessToken, http.MethodGet, benchFloorPath, nil); r.Code != http.StatusForbidden {
		t.Errorf("a regulator without the code = %d %s, want 403", r.Code, r.Body)
	}
	// The session is checked: after logout the token is refused.
	if r := env.as(post.AccessToken, http.MethodPost, "/api/v1/auth/logout", map[string]string{"refresh_token": post.RefreshToken}); r.Code != http.StatusNoContent {
		t.Fatalf("logout = %d %s", r.Code, r.Body)
	}
	if r := env.as(post.AccessToken, http.MethodGet, benchFloorPath, nil); r.Code != http.StatusUnauthorized || r.errBody(t).Code != "token_revoked" {
		t.Errorf("after logout = %d %s", r.Code, r.Body)
	}

	plain, _ := seeded(t)
	post = plain.login("personal", demo.MallKeeper, demo.DemoPassword)
	if r := plain.as(post.AccessToken, http.MethodGet, benchFloorPath, nil); r.Code != http.StatusNotFound {
		t.Errorf("without YQYB_BENCH_FLOOR = %d, want 404", r.Code)
	}
	if _, err := New(Deps{Config: config.Config{Env: config.Production, BenchFloor: true}}); err == nil || !strings.Contains(err.Error(), "YQYB_BENCH_FLOOR") {
		t.Errorf("a production server with the bench floor: %v", err)
	}
}
