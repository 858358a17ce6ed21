package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"yqyb/internal/auth"
	"yqyb/internal/platform/config"
	"yqyb/internal/tools/demo"
)

// TestKeyRotationAcrossInstances rolls a new signing key through instances that share one database, as
// deploy/README.md describes: add the new key last, move it first, remove the old one. At every step a token
// any instance issued is accepted by every instance, until the old key is removed.
func TestKeyRotationAcrossInstances(t *testing.T) {
	oldKey := config.JWTKey{ID: "k202605", Secret: "old-secret-0123456789-abcdefghijklmnop"}
	newKey := config.JWTKey{ID: "k202611", Secret: "new-secret-0123456789-abcdefghijklmnop"}
	withKeys := func(keys ...config.JWTKey) func(*Deps) {
		return func(d *Deps) { d.Config.JWTSecret, d.Config.JWTKeys = "", keys }
	}
	b, _ := seeded(t, withKeys(oldKey)) // B has not rolled yet: old key only
	// instance returns another server over B's database with the given keys.
	instance := func(keys ...config.JWTKey) *testEnv {
		e := *b
		withKeys(keys...)(&e.deps)
		return e.another()
	}
	added := instance(oldKey, newKey)    // step 1: new key known, old still signs
	switched := instance(newKey, oldKey) // step 2: new key signs (instance A)
	removed := instance(newKey)          // step 3: old key removed

	kid := func(token string) string {
		t.Helper()
		tok, _, err := jwt.NewParser().ParseUnverified(token, jwt.MapClaims{})
		if err != nil {
			t.Fatal(err)
		}
		s, _ := tok.Header["kid"].(string)
		return s
	}
	fromB := b.login("personal", demo.MallName, pw)
	fromA := switched.login("personal", demo.MallName, pw)
	if kid(fromB.AccessToken) != oldKey.ID || kid(fromA.AccessToken) != newKey.ID {
		t.Fatalf("kids: B signed with %q, A with %q", kid(fromB.AccessToken), kid(fromA.AccessToken))
	}

	tests := []struct {
		name     string
		verifier *testEnv
		token    string
		ok       bool
	}{
		{"A (new, old) accepts B's token during rotation", switched, fromB.AccessToken, true},
		{"an instance that added the new key last accepts A's token", added, fromA.AccessToken, true},
		{"an instance that added the new key last accepts B's token", added, fromB.AccessToken, true},
		{"B (old only) refuses A's token: add the new key everywhere before it signs", b, fromA.AccessToken, false},
		{"after the old key is removed, A's token still works", removed, fromA.AccessToken, true},
		{"after the old key is removed, B's token is refused", removed, fromB.AccessToken, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.verifier.as(tt.token, http.MethodGet, "/api/v1/me", nil)
			if tt.ok && r.Code != http.StatusOK {
				t.Fatalf("GET /me = %d %s", r.Code, r.Body)
			}
			if !tt.ok && (r.Code != http.StatusUnauthorized || r.errBody(t).Code != "token_invalid") {
				t.Fatalf("GET /me = %d %s, want 401 token_invalid", r.Code, r.Body)
			}
		})
	}

	// Refresh tokens are opaque and live in the database: B's refresh token still works after the old key is
	// gone, and the access token it yields is signed with the new key.
	r := removed.do(http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": fromB.RefreshToken})
	if r.Code != http.StatusOK {
		t.Fatalf("refresh after rotation = %d %s", r.Code, r.Body)
	}
	var renewed auth.Tokens
	r.decode(t, &renewed)
	if kid(renewed.AccessToken) != newKey.ID || removed.as(renewed.AccessToken, http.MethodGet, "/api/v1/me", nil).Code != http.StatusOK {
		t.Fatalf("renewed token: kid %q", kid(renewed.AccessToken))
	}
}

// TestTokenWithoutKid: a token signed with the right secret but naming no key, or an unknown one, is refused.
func TestTokenWithoutKid(t *testing.T) {
	env, _ := seeded(t)
	tok := env.login("personal", demo.MallName, pw)
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok.AccessToken, c); err != nil {
		t.Fatal(err)
	}
	secret := []byte(env.deps.Config.JWTSecret)
	for _, tt := range []struct {
		name string
		kid  any // nil: no kid header
	}{
		{"no kid", nil},
		{"unknown kid", "k2099"},
		{"empty kid", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			forged := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
			if tt.kid != nil {
				forged.Header["kid"] = tt.kid
			}
			s, err := forged.SignedString(secret)
			if err != nil {
				t.Fatal(err)
			}
			r := env.as(s, http.MethodGet, "/api/v1/me", nil)
			if r.Code != http.StatusUnauthorized || r.errBody(t).Code != "token_invalid" {
				t.Fatalf("GET /me = %d %s, want 401 token_invalid", r.Code, strings.TrimSpace(string(r.Body)))
			}
		})
	}
	// The same claims with the kid the server issued are accepted: only the kid made the difference.
	good := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	good.Header["kid"] = config.DefaultJWTKeyID
	s, err := good.SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	if r := env.as(s, http.MethodGet, "/api/v1/me", nil); r.Code != http.StatusOK {
		t.Fatalf("control: GET /me = %d %s", r.Code, r.Body)
	}
}
