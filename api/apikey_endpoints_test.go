package api

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/labstack/echo/v4"
	"net/http"
	"strings"
	"testing"
	"time"

	"yqyb/internal/account"
	"yqyb/internal/apikey"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/rbac"
	"yqyb/internal/tools/demo"
)

// newKey creates an API key through the API and returns it with its secret.
func newKey(t *testing.T, env *testEnv, token, path string, body map[string]any) apikey.Created {
	t.Helper()
	r := env.as(token, http.MethodPost, path, body)
	if r.Code != http.StatusCreated {
		t.Fatalf("create key at %s = %d %s", path, r.Code, r.Body)
	}
	var k apikey.Created
	r.decode(t, &k)
	if !strings.HasPrefix(k.Key, k.APIKey.Prefix+"_") {
		t.Fatalf("the key %q does not start with its prefix %q", k.Key, k.APIKey.Prefix)
	}
	return k
}

// secretOf is the part of a key that must never be shown again.
func secretOf(k apikey.Created) string { return strings.TrimPrefix(k.Key, k.APIKey.Prefix+"_") }

// TestAPIKeyEndpoints: who manages keys, and what a key reaches: only its scopes, only its creator's
// enterprise or region.
func TestAPIKeyEndpoints(t *testing.T) {
	env, sc := seeded(t)
	as := signIn(env)
	mallStats := newKey(t, env, as.admin, "/api/v1/api-keys", map[string]any{"name": "统计对接", "scopes": []string{"stats:read"}})
	mallLists := newKey(t, env, as.admin, "/api/v1/api-keys", map[string]any{"name": "列表对接", "scopes": []string{"lists:read"}})
	factoryLists := newKey(t, env, as.factory, "/api/v1/api-keys", map[string]any{"name": "精工对接", "scopes": []string{"lists:read", "feed:read"}})
	regLists := newKey(t, env, as.reg, "/api/v1/regulator/api-keys", map[string]any{"name": "区平台", "scopes": []string{"lists:read", "stats:read"}, "rate_limit": 1000})

	factoryPosts := rowsOf(t, env, "SELECT name FROM posts WHERE enterprise_id = ? ORDER BY id", sc.FactoryID)
	var factoryPost int64
	testdb.Must(t, env.db.Raw("SELECT id FROM posts WHERE enterprise_id = ? ORDER BY id LIMIT 1", sc.FactoryID).Scan(&factoryPost))
	factoryPostNames := strings.Split(factoryPosts, "|")
	mallPostName := rowsOf(t, env, "SELECT name FROM posts WHERE enterprise_id = ? ORDER BY id LIMIT 1", sc.MallID)
	secrets := []string{secretOf(mallStats), secretOf(mallLists), secretOf(factoryLists), secretOf(regLists)}

	t.Run("200", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "a statistics key reads the dashboard", token: mallStats.Key, method: http.MethodGet, path: "/api/v1/dashboard",
				status: http.StatusOK, has: []string{`"`}, hide: factoryPostNames},
			{name: "a lists key reads its enterprise's posts, never another's", token: mallLists.Key, method: http.MethodGet,
				path: "/api/v1/posts?page_size=100", status: http.StatusOK, has: []string{mallPostName}, hide: factoryPostNames},
			{name: "a lists key reads who it acts as", token: mallLists.Key, method: http.MethodGet, path: "/api/v1/me",
				status: http.StatusOK, has: []string{demo.MallName}, hide: []string{demo.FactoryName}},
			{name: "a regulator's key lists the enterprises of its district only", token: regLists.Key, method: http.MethodGet,
				path: "/api/v1/regulator/enterprises?page_size=100", status: http.StatusOK, has: []string{demo.MallName}, hide: []string{demo.FactoryName}},
			{name: "the list never shows a secret", token: as.admin, method: http.MethodGet, path: "/api/v1/api-keys", status: http.StatusOK,
				has:  []string{mallStats.APIKey.Prefix, mallLists.APIKey.Prefix, "统计对接", `"status":"active"`},
				hide: append([]string{factoryLists.APIKey.Prefix, regLists.APIKey.Prefix, "精工对接", "secret_hash", mallStats.Key}, secrets...)},
			{name: "a regulator lists its region's keys, never an enterprise's", token: as.reg, method: http.MethodGet, path: "/api/v1/regulator/api-keys",
				status: http.StatusOK, has: []string{regLists.APIKey.Prefix, demo.ChaoyangReg},
				hide: append([]string{mallStats.APIKey.Prefix, factoryLists.APIKey.Prefix}, secrets...)},
			{name: "the scopes an enterprise admin can give", token: as.admin, method: http.MethodGet, path: "/api/v1/api-key-scopes",
				status: http.StatusOK, has: []string{apikey.ScopeStatsRead, apikey.ScopeHazardsWrite}, hide: []string{apikey.ScopeEnterprisesWrite}},
			{name: "the scopes a regulator can give", token: as.reg, method: http.MethodGet, path: "/api/v1/regulator/api-key-scopes",
				status: http.StatusOK, has: []string{apikey.ScopeEnterprisesWrite, apikey.ScopeSuperviseWrite}, hide: []string{apikey.ScopeHazardsWrite}},
		})
	})

	t.Run("201", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "a key is shown once, with an expiry and a limit", token: as.admin, method: http.MethodPost, path: "/api/v1/api-keys",
				body:   map[string]any{"name": "临时", "scopes": []string{"feed:read", "feed:read"}, "rate_limit": 60, "expires_at": testNow.Add(24 * time.Hour)},
				status: http.StatusCreated, has: []string{`"key":"yqyb_`, `"rate_limit":60`, `"scopes":["feed:read"]`}, hide: []string{"secret_hash"}},
		})
	})

	t.Run("400", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "an unknown scope", token: as.admin, method: http.MethodPost, path: "/api/v1/api-keys",
				body: map[string]any{"name": "x", "scopes": []string{"admin:all"}}, status: http.StatusBadRequest, code: "validation_failed", field: "scopes"},
			{name: "a regulator's scope for an enterprise", token: as.admin, method: http.MethodPost, path: "/api/v1/api-keys",
				body: map[string]any{"name": "x", "scopes": []string{apikey.ScopeEnterprisesWrite}}, status: http.StatusBadRequest, code: "validation_failed", field: "scopes"},
			{name: "an enterprise's scope for a regulator", token: as.reg, method: http.MethodPost, path: "/api/v1/regulator/api-keys",
				body: map[string]any{"name": "x", "scopes": []string{apikey.ScopeHazardsWrite}}, status: http.StatusBadRequest, code: "validation_failed", field: "scopes"},
			{name: "no scope", token: as.admin, method: http.MethodPost, path: "/api/v1/api-keys",
				body: map[string]any{"name": "x", "scopes": []string{}}, status: http.StatusBadRequest, code: "validation_failed", field: "scopes"},
			{name: "an expiry in the past", token: as.admin, method: http.MethodPost, path: "/api/v1/api-keys",
				body:   map[string]any{"name": "x", "scopes": []string{"stats:read"}, "expires_at": testNow.Add(-time.Minute)},
				status: http.StatusBadRequest, code: "validation_failed", field: "expires_at"},
			{name: "a limit above the cap", token: as.admin, method: http.MethodPost, path: "/api/v1/api-keys",
				body:   map[string]any{"name": "x", "scopes": []string{"stats:read"}, "rate_limit": apikey.MaxRateLimit + 1},
				status: http.StatusBadRequest, code: "validation_failed", field: "rate_limit"},
			{name: "no name", token: as.admin, method: http.MethodPost, path: "/api/v1/api-keys",
				body: map[string]any{"name": "", "scopes": []string{"stats:read"}}, status: http.StatusBadRequest, code: "validation_failed", field: "name"},
		})
	})

	t.Run("401", func(t *testing.T) {
		wrong := mallLists.APIKey.Prefix + "_" + strings.Repeat("a", len(secretOf(mallLists)))
		runCalls(t, env, []call{
			{name: "a made-up key", token: "yqyb_nothing", method: http.MethodGet, path: "/api/v1/posts", status: http.StatusUnauthorized,
				code: "api_key_invalid", hide: []string{mallPostName}},
			{name: "a known prefix with a wrong secret", token: wrong, method: http.MethodGet, path: "/api/v1/posts", status: http.StatusUnauthorized,
				code: "api_key_invalid", hide: []string{mallPostName}},
		})
	})

	t.Run("403", func(t *testing.T) {
		unchanged(t, env, func() string { return rowsOf(t, env, "SELECT name FROM departments ORDER BY id") }, []call{
			{name: "a statistics key outside its scope", token: mallStats.Key, method: http.MethodGet, path: "/api/v1/posts",
				status: http.StatusForbidden, code: "api_key_scope", perm: rbac.PostList, hide: []string{mallPostName}},
			{name: "a read scope never writes", token: mallLists.Key, method: http.MethodPost, path: "/api/v1/departments",
				body: map[string]any{"name": "钥匙建的部门"}, status: http.StatusForbidden, code: "api_key_scope", perm: rbac.DeptCreate},
			{name: "a read scope never writes with a route any account may use", token: mallLists.Key, method: http.MethodPost, path: "/api/v1/me/password",
				body: map[string]any{"old_password": pw, "new_password": "Another-Pass-2026"}, status: http.StatusForbidden, code: "api_key_scope", perm: loggedIn},
			{name: "the feed is not a list", token: mallLists.Key, method: http.MethodGet, path: "/api/v1/feed",
				status: http.StatusForbidden, code: "api_key_scope", perm: rbac.FeedRead},
			{name: "a key never manages keys", token: mallLists.Key, method: http.MethodGet, path: "/api/v1/api-keys",
				status: http.StatusForbidden, code: "api_key_scope", perm: rbac.APIKeyManage, hide: []string{mallStats.APIKey.Prefix}},
			{name: "a key never makes keys", token: regLists.Key, method: http.MethodPost, path: "/api/v1/regulator/api-keys",
				body: map[string]any{"name": "x", "scopes": []string{"lists:read"}}, status: http.StatusForbidden, code: "api_key_scope", perm: rbac.RegAPIKeyManage},
			{name: "an enterprise key on a regulator's route", token: mallLists.Key, method: http.MethodGet, path: "/api/v1/regulator/enterprises",
				status: http.StatusForbidden, code: "forbidden", perm: rbac.RegEnterpriseView, hide: []string{demo.FactoryName}},
			{name: "a post user without the code", token: as.post, method: http.MethodGet, path: "/api/v1/api-keys",
				status: http.StatusForbidden, code: "forbidden", perm: rbac.APIKeyManage, hide: []string{mallStats.APIKey.Prefix}},
			{name: "an enterprise admin on the regulator's keys", token: as.admin, method: http.MethodGet, path: "/api/v1/regulator/api-keys",
				status: http.StatusForbidden, code: "forbidden", perm: rbac.RegAPIKeyManage, hide: []string{regLists.APIKey.Prefix}},
			{name: "a regulator on an enterprise's keys", token: as.reg, method: http.MethodGet, path: "/api/v1/api-keys",
				status: http.StatusForbidden, code: "forbidden", perm: rbac.APIKeyManage, hide: []string{mallStats.APIKey.Prefix}},
		})
	})

	t.Run("404", func(t *testing.T) {
		unchanged(t, env, func() string {
			return rowsOf(t, env, "SELECT prefix || COALESCE(CAST(revoked_at AS TEXT), '') FROM api_keys ORDER BY id")
		}, []call{
			{name: "an enterprise key reads another enterprise's post", token: mallLists.Key, method: http.MethodGet, path: "/api/v1/posts/" + idText(factoryPost),
				status: http.StatusNotFound, code: "post_not_found", hide: factoryPostNames},
			{name: "a regulator's key reads an enterprise outside its district", token: regLists.Key, method: http.MethodGet,
				path: "/api/v1/regulator/enterprises/" + idText(sc.FactoryID), status: http.StatusNotFound, code: "enterprise_not_found", hide: []string{demo.FactoryName}},
			{name: "another enterprise's key is not revoked", token: as.factory, method: http.MethodPost, path: fmt.Sprintf("/api/v1/api-keys/%d/revoke", mallStats.APIKey.ID),
				status: http.StatusNotFound, code: "api_key_not_found", hide: []string{mallStats.APIKey.Prefix, "统计对接"}},
			{name: "a regulator's key is not revoked by an enterprise", token: as.admin, method: http.MethodPost, path: fmt.Sprintf("/api/v1/api-keys/%d/revoke", regLists.APIKey.ID),
				status: http.StatusNotFound, code: "api_key_not_found", hide: []string{regLists.APIKey.Prefix, "区平台"}},
			{name: "an enterprise's key is not revoked by a regulator", token: as.reg, method: http.MethodPost, path: fmt.Sprintf("/api/v1/regulator/api-keys/%d/revoke", mallLists.APIKey.ID),
				status: http.StatusNotFound, code: "api_key_not_found", hide: []string{mallLists.APIKey.Prefix, "列表对接"}},
		})
	})

	t.Run("409 and the revoked key", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "revoke", token: as.factory, method: http.MethodPost, path: fmt.Sprintf("/api/v1/api-keys/%d/revoke", factoryLists.APIKey.ID),
				status: http.StatusOK, has: []string{`"status":"revoked"`, factoryLists.APIKey.Prefix}, hide: []string{secretOf(factoryLists)}},
			{name: "revoke again", token: as.factory, method: http.MethodPost, path: fmt.Sprintf("/api/v1/api-keys/%d/revoke", factoryLists.APIKey.ID),
				status: http.StatusConflict, code: "api_key_already_revoked"},
			{name: "the revoked key", token: factoryLists.Key, method: http.MethodGet, path: "/api/v1/posts", status: http.StatusUnauthorized,
				code: "api_key_revoked", hide: factoryPostNames},
		})
	})
}

// listening makes an instance's session cache live on PostgreSQL, as `serve` does, until the test ends.
func listening(t *testing.T, env *testEnv) {
	t.Helper()
	l := env.srv.SessionListener(testdb.URLFor(testdb.Name(t, env.db)))
	if l == nil {
		t.Fatal("no session listener on PostgreSQL")
	}
	states := make(chan bool, 16)
	l.OnState = func(live bool) { states <- live }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case live := <-states:
		if !live {
			t.Fatal("the session cache did not become live")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the session cache did not become live")
	}
}

// refusedWithin sends the request on env until it is refused with code, for at most a second (a
// notification's way to every instance).
func refusedWithin(t *testing.T, env *testEnv, token, path, code string) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		r := env.as(token, http.MethodGet, path, nil)
		if r.Code == http.StatusUnauthorized && r.errBody(t).Code == code {
			return
		}
		if r.Code != http.StatusOK || time.Now().After(deadline) {
			t.Fatalf("still %d a second later (want 401 %s): %.300s", r.Code, code, r.Body)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestAPIKeyRevocationAcrossInstances: two instances with live session caches over one database; a key
// served from the second one's cache is refused there once the first revokes it, and once its creator is
// disabled on the first.
func TestAPIKeyRevocationAcrossInstances(t *testing.T) {
	a, sc := seeded(t)
	b := a.another()
	listening(t, a)
	listening(t, b)
	admin := a.login("personal", demo.MallName, pw).AccessToken
	cachedOnB := func(key, path string) {
		t.Helper()
		before := b.srv.auth.Cache().Stats().Hits
		for range 2 {
			if r := b.as(key, http.MethodGet, path, nil); r.Code != http.StatusOK {
				t.Fatalf("key on b = %d %s", r.Code, r.Body)
			}
		}
		if b.srv.auth.Cache().Stats().Hits <= before {
			t.Fatal("the key was not served from b's cache: the test would prove nothing")
		}
	}

	t.Run("revoked on a", func(t *testing.T) {
		k := newKey(t, a, admin, "/api/v1/api-keys", map[string]any{"name": "同步", "scopes": []string{"lists:read"}})
		cachedOnB(k.Key, "/api/v1/posts")
		if r := a.as(admin, http.MethodPost, fmt.Sprintf("/api/v1/api-keys/%d/revoke", k.APIKey.ID), nil); r.Code != http.StatusOK {
			t.Fatalf("revoke = %d %s", r.Code, r.Body)
		}
		refusedWithin(t, b, k.Key, "/api/v1/posts", "api_key_revoked")
	})

	t.Run("creator disabled on a", func(t *testing.T) {
		// The electrician, granted the management of keys, makes one; disabling the electrician ends it.
		user := fmt.Sprintf("/api/v1/users/%d", sc.Users[demo.MallElectrician])
		if r := a.as(admin, http.MethodPut, user+"/grants", map[string]any{"codes": []string{rbac.APIKeyManage}}); r.Code != http.StatusOK {
			t.Fatalf("grant = %d %s", r.Code, r.Body)
		}
		post := a.login("personal", demo.MallElectrician, pw).AccessToken
		k := newKey(t, a, post, "/api/v1/api-keys", map[string]any{"name": "电工的", "scopes": []string{"lists:read", "stats:read"}})
		// The key is no more than its creator: the electrician cannot see the dashboard, nor can its key.
		if r := b.as(k.Key, http.MethodGet, "/api/v1/dashboard", nil); r.Code != http.StatusForbidden || r.errBody(t).Code != "forbidden" {
			t.Fatalf("a key beyond its creator's permissions = %d %s", r.Code, r.Body)
		}
		cachedOnB(k.Key, "/api/v1/hazards")
		if r := a.as(admin, http.MethodPost, user+"/disable", nil); r.Code != http.StatusOK {
			t.Fatalf("disable = %d %s", r.Code, r.Body)
		}
		refusedWithin(t, b, k.Key, "/api/v1/hazards", "api_key_revoked")
		// Enabling the account again does not bring the key back: disabling revoked it for good.
		if r := a.as(admin, http.MethodPost, user+"/enable", nil); r.Code != http.StatusOK {
			t.Fatalf("enable = %d %s", r.Code, r.Body)
		}
		refusedWithin(t, b, k.Key, "/api/v1/hazards", "api_key_revoked")
		keyRevokedBySystem(t, a, k.APIKey.ID)
	})

	// A hijacked account whose owner changes its password, or whose password an administrator resets,
	// must not keep the keys an intruder made with it.
	t.Run("creator's own password change on a", func(t *testing.T) {
		user := fmt.Sprintf("/api/v1/users/%d", sc.Users[demo.MallForklift])
		if r := a.as(admin, http.MethodPut, user+"/grants", map[string]any{"codes": []string{rbac.APIKeyManage}}); r.Code != http.StatusOK {
			t.Fatalf("grant = %d %s", r.Code, r.Body)
		}
		post := a.login("personal", demo.MallForklift, pw).AccessToken
		k := newKey(t, a, post, "/api/v1/api-keys", map[string]any{"name": "叉车的", "scopes": []string{"lists:read"}})
		cachedOnB(k.Key, "/api/v1/hazards")
		if r := a.as(post, http.MethodPost, "/api/v1/me/password", map[string]any{"old_password": pw, "new_password": "Chacha#2026pw"}); r.Code != http.StatusOK {
			t.Fatalf("change password = %d %s", r.Code, r.Body)
		}
		refusedWithin(t, b, k.Key, "/api/v1/hazards", "api_key_revoked")
		keyRevokedBySystem(t, a, k.APIKey.ID)
	})

	t.Run("creator's password reset on a", func(t *testing.T) {
		k := newKey(t, a, admin, "/api/v1/api-keys", map[string]any{"name": "重置前", "scopes": []string{"lists:read"}})
		cachedOnB(k.Key, "/api/v1/posts")
		other := newKey(t, a, admin, "/api/v1/api-keys", map[string]any{"name": "另一把", "scopes": []string{"lists:read"}})
		if r := a.as(other.Key, http.MethodGet, "/api/v1/posts", nil); r.Code != http.StatusOK {
			t.Fatalf("second key = %d %s", r.Code, r.Body)
		}
		reg := a.login("personal", demo.ChaoyangReg, pw).AccessToken
		r := a.as(reg, http.MethodPost, fmt.Sprintf("/api/v1/regulator/enterprises/%d/reset-password", sc.MallID), map[string]any{"account": "enterprise_admin"})
		if r.Code != http.StatusOK {
			t.Fatalf("reset = %d %s", r.Code, r.Body)
		}
		refusedWithin(t, b, k.Key, "/api/v1/posts", "api_key_revoked")
		refusedWithin(t, a, other.Key, "/api/v1/posts", "api_key_revoked")
		keyRevokedBySystem(t, a, k.APIKey.ID)
		keyRevokedBySystem(t, a, other.APIKey.ID)
	})
}

// keyRevokedBySystem checks that a key's revocation was recorded as the system's, not as a person's.
func keyRevokedBySystem(t *testing.T, env *testEnv, id int64) {
	t.Helper()
	var n int64
	testdb.Must(t, env.db.Raw(`SELECT COUNT(*) FROM api_keys WHERE id = ? AND revoked_at IS NOT NULL AND revoked_by IS NULL`, id).Scan(&n))
	if n != 1 {
		t.Fatalf("key %d is not revoked by the system", id)
	}
	testdb.Must(t, env.db.Raw(`SELECT COUNT(*) FROM audit_logs WHERE action = 'api_key_revoke' AND target_id = ? AND actor_id IS NULL AND actor_name = '系统'`, id).Scan(&n))
	if n != 1 {
		t.Fatalf("the revocation of key %d is not audited as the system's (%d entries)", id, n)
	}
}

// TestAPIKeyExpiry: a key past its expiry is refused, and listed as expired.
func TestAPIKeyExpiry(t *testing.T) {
	env, _ := seeded(t)
	admin := env.login("personal", demo.MallName, pw).AccessToken
	k := newKey(t, env, admin, "/api/v1/api-keys", map[string]any{"name": "一小时", "scopes": []string{"lists:read"}, "expires_at": testNow.Add(time.Hour)})
	if r := env.as(k.Key, http.MethodGet, "/api/v1/posts", nil); r.Code != http.StatusOK {
		t.Fatalf("before expiry = %d %s", r.Code, r.Body)
	}
	env.clk.Advance(time.Hour)
	r := env.as(k.Key, http.MethodGet, "/api/v1/posts", nil)
	if r.Code != http.StatusUnauthorized || r.errBody(t).Code != "api_key_expired" {
		t.Fatalf("after expiry = %d %s", r.Code, r.Body)
	}
	var page APIKeyPage
	admin = env.login("personal", demo.MallName, pw).AccessToken
	env.as(admin, http.MethodGet, "/api/v1/api-keys", nil).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Status != apikey.StatusExpired {
		t.Fatalf("listed as %+v", page.Items)
	}
}

// TestAPIKeyAuditAndLastUse: every use is in the audit log under the key's prefix (the refused ones too),
// the key's last use and address are recorded, and nothing in the log holds the secret.
func TestAPIKeyAuditAndLastUse(t *testing.T) {
	env, _ := seeded(t)
	admin := env.login("personal", demo.MallName, pw).AccessToken
	k := newKey(t, env, admin, "/api/v1/api-keys", map[string]any{"name": "审计", "scopes": []string{"lists:read"}})
	env.as(k.Key, http.MethodGet, "/api/v1/posts", nil)
	env.as(k.Key, http.MethodGet, "/api/v1/feed", nil) // refused: outside the scope, and recorded all the same

	r := env.as(admin, http.MethodGet, "/api/v1/audit-logs?action=api_key_use", nil)
	var page AuditPage
	r.decode(t, &page)
	if page.Total != 2 {
		t.Fatalf("uses recorded = %d, want 2: %s", page.Total, r.Body)
	}
	notes := map[string]bool{}
	for _, e := range page.Items {
		var d struct {
			Note   string `json:"note"`
			APIKey struct {
				ID     int64  `json:"id"`
				Prefix string `json:"prefix"`
			} `json:"api_key"`
		}
		if err := json.Unmarshal(e.Detail, &d); err != nil {
			t.Fatal(err)
		}
		if d.APIKey.ID != k.APIKey.ID || d.APIKey.Prefix != k.APIKey.Prefix || e.ActorName != demo.MallName {
			t.Errorf("the entry does not name the key and its creator: %+v %s", e, e.Detail)
		}
		notes[d.Note] = true
	}
	if !notes["GET /api/v1/posts"] || !notes["GET /api/v1/feed"] {
		t.Errorf("notes = %v", notes)
	}
	if strings.Contains(string(r.Body), secretOf(k)) {
		t.Error("the audit log shows the secret")
	}
	// The request log names the key by its prefix, never by its secret.
	if len(env.logs.Grep(`"api_key":"`+k.APIKey.Prefix+`"`)) < 2 || strings.Contains(env.logs.String(), secretOf(k)) {
		t.Errorf("request log: %s", env.logs.Tail(3))
	}
	// The creation is in the log as well, by the admin without a key.
	if r := env.as(admin, http.MethodGet, "/api/v1/audit-logs?action=api_key_create", nil); !strings.Contains(string(r.Body), k.APIKey.Prefix) {
		t.Errorf("creation not logged: %s", r.Body)
	}
	var list APIKeyPage
	env.as(admin, http.MethodGet, "/api/v1/api-keys", nil).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].LastUsedAt == nil || list.Items[0].LastUsedIP == "" {
		t.Fatalf("last use not recorded: %+v", list.Items)
	}
	{
		var n int64
		testdb.Must(t, env.db.Raw("SELECT count(*) FROM api_keys WHERE secret_hash = ?", secretOf(k)).Scan(&n))
		if n != 0 {
			t.Error("the secret is stored in clear")
		}
	}
}

// TestAPIKeyRateLimit: a key over its per-minute limit gets 429 with the usual error shape, until the next
// minute; another key is not held back by it.
func TestAPIKeyRateLimit(t *testing.T) {
	env, _ := seeded(t)
	admin := env.login("personal", demo.MallName, pw).AccessToken
	slow := newKey(t, env, admin, "/api/v1/api-keys", map[string]any{"name": "慢", "scopes": []string{"lists:read"}, "rate_limit": 2})
	other := newKey(t, env, admin, "/api/v1/api-keys", map[string]any{"name": "快", "scopes": []string{"lists:read"}})
	env.clk.Set(env.clk.Now().Truncate(time.Minute))
	for i := range 2 {
		if r := env.as(slow.Key, http.MethodGet, "/api/v1/posts", nil); r.Code != http.StatusOK {
			t.Fatalf("request %d = %d", i+1, r.Code)
		}
	}
	r := env.as(slow.Key, http.MethodGet, "/api/v1/posts", nil)
	if r.Code != http.StatusTooManyRequests {
		t.Fatalf("over the limit = %d %s", r.Code, r.Body)
	}
	b := r.errBody(t)
	if b.Code != "api_key_rate_limited" || b.Details["retry_after_seconds"] == nil || r.Header.Get("Retry-After") == "" || strings.Contains(string(r.Body), "朝阳") {
		t.Fatalf("429 body = %s", r.Body)
	}
	if r := env.as(other.Key, http.MethodGet, "/api/v1/posts", nil); r.Code != http.StatusOK {
		t.Fatalf("another key = %d", r.Code)
	}
	env.clk.Advance(time.Minute)
	if r := env.as(slow.Key, http.MethodGet, "/api/v1/posts", nil); r.Code != http.StatusOK {
		t.Fatalf("next minute = %d %s", r.Code, r.Body)
	}
}

// TestAPIKeyWriteScope: a regulator's key with the supervision scope supervises a major hazard of its
// district, and the audit entry of that write names the key; a read-only key cannot, and another district's
// key does not find the hazard.
func TestAPIKeyWriteScope(t *testing.T) {
	f := newStatsFixture(t)
	env := f.env
	chaoyang := env.login("personal", demo.ChaoyangReg, pw).AccessToken
	haidian := env.login("personal", demo.HaidianReg, pw).AccessToken
	writer := newKey(t, env, chaoyang, "/api/v1/regulator/api-keys", map[string]any{"name": "督办", "scopes": []string{"supervise:write", "lists:read"}})
	reader := newKey(t, env, chaoyang, "/api/v1/regulator/api-keys", map[string]any{"name": "只读", "scopes": []string{"lists:read"}})
	elsewhere := newKey(t, env, haidian, "/api/v1/regulator/api-keys", map[string]any{"name": "海淀", "scopes": []string{"supervise:write"}})
	path := fmt.Sprintf("/api/v1/regulator/hazards/%d/supervise", f.hzMajor.ID)
	body := map[string]string{"deadline": "2026-12-10", "note": "12月10日前完成治理并报告"}

	if r := env.as(reader.Key, http.MethodPost, path, body); r.Code != http.StatusForbidden || r.errBody(t).Code != "api_key_scope" {
		t.Fatalf("read-only key = %d %s", r.Code, r.Body)
	}
	if r := env.as(elsewhere.Key, http.MethodPost, path, body); r.Code != http.StatusNotFound || strings.Contains(string(r.Body), f.hzMajor.Code) {
		t.Fatalf("another district's key = %d %s", r.Code, r.Body)
	}
	if r := env.as(writer.Key, http.MethodPost, path, body); r.Code != http.StatusOK {
		t.Fatalf("supervise with the key = %d %s", r.Code, r.Body)
	}
	plat := env.login("personal", demo.PlatformAdmin, pw).AccessToken
	var page AuditPage
	env.as(plat, http.MethodGet, "/api/v1/platform/audit-logs?action=hazard_supervise", nil).decode(t, &page)
	if page.Total != 1 || page.Items[0].ActorName != demo.ChaoyangReg || !strings.Contains(string(page.Items[0].Detail), `"prefix":"`+writer.APIKey.Prefix+`"`) {
		t.Fatalf("the supervision's audit entry does not name the key: %+v", page.Items)
	}
}

// TestAPIKeysNeverReachCredentials: a key never gets an account's password, whatever its scopes. The
// enterprises:write scope covers 企业登记与导入, whose permission also guards the export of the initial
// passwords still unchanged; with a key that export would hand the holder the enterprises' admin accounts.
func TestAPIKeysNeverReachCredentials(t *testing.T) {
	env, _ := seeded(t)
	chaoyang := env.login("personal", demo.ChaoyangReg, pw).AccessToken
	registrar := newKey(t, env, chaoyang, "/api/v1/regulator/api-keys", map[string]any{"name": "企业登记", "scopes": []string{"enterprises:write", "lists:read"}})
	const path = "/api/v1/regulator/initial-passwords"
	if r := env.as(chaoyang, http.MethodGet, path, nil); r.Code != http.StatusOK {
		t.Fatalf("the regulator's own export = %d %s", r.Code, r.Body)
	}
	r := env.as(registrar.Key, http.MethodGet, path, nil)
	if r.Code != http.StatusForbidden || !strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEApplicationJSON) {
		t.Fatalf("the export with a key = %d %s (%d bytes)", r.Code, r.Header.Get(echo.HeaderContentType), len(r.Body))
	}
	if e := r.errBody(t); e.Code != "api_key_scope" {
		t.Fatalf("the export with a key: %s", r.Body)
	}
}

// TestAPIKeyStaysWithItsRegion: a regulator moved to another district keeps its account, but its keys were
// made for the old one (whose managers list and revoke them); they stop, rather than follow it into the new
// district's data.
func TestAPIKeyStaysWithItsRegion(t *testing.T) {
	env, _ := seeded(t)
	chaoyang := env.login("personal", demo.ChaoyangReg, pw).AccessToken
	key := newKey(t, env, chaoyang, "/api/v1/regulator/api-keys", map[string]any{"name": "区平台", "scopes": []string{"lists:read"}})
	if r := env.as(key.Key, http.MethodGet, "/api/v1/regulator/enterprises", nil); r.Code != http.StatusOK {
		t.Fatalf("the key before the move = %d %s", r.Code, r.Body)
	}
	plat := env.login("personal", demo.PlatformAdmin, pw).AccessToken
	var regs struct {
		Items []account.UserView `json:"items"`
	}
	env.as(plat, http.MethodGet, "/api/v1/platform/regulators?page_size=100", nil).decode(t, &regs)
	var moved, haidian *account.UserView
	for i := range regs.Items {
		switch regs.Items[i].LoginName {
		case demo.ChaoyangReg:
			moved = &regs.Items[i]
		case demo.HaidianReg:
			haidian = &regs.Items[i]
		}
	}
	if moved == nil || haidian == nil || haidian.RegionID == nil {
		t.Fatalf("regulators not found: %+v", regs.Items)
	}
	if r := env.as(plat, http.MethodPut, fmt.Sprintf("/api/v1/platform/regulators/%d", moved.ID),
		map[string]any{"display_name": moved.DisplayName, "region_id": *haidian.RegionID}); r.Code != http.StatusOK {
		t.Fatalf("moving the regulator = %d %s", r.Code, r.Body)
	}
	r := env.as(key.Key, http.MethodGet, "/api/v1/regulator/enterprises", nil)
	if r.Code != http.StatusUnauthorized || r.errBody(t).Code != "api_key_revoked" {
		t.Fatalf("the key after its creator moved = %d %s", r.Code, r.Body)
	}
}
