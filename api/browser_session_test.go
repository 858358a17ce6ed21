package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"yqyb/internal/platform/config"
	"yqyb/internal/tools/demo"
)

// The browser's session: the refresh token only in an HttpOnly cookie, the refresh route guarded against
// other sites, integrators unchanged.

// cookieOf returns the refresh cookie a response sets, failing when there is none.
func cookieOf(t *testing.T, r *response) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == refreshCookieName {
			return c
		}
	}
	t.Fatalf("no %s cookie in %v", refreshCookieName, r.Header.Values("Set-Cookie"))
	return nil
}

func bodyHasRefreshToken(t *testing.T, r *response) bool {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	_, ok := m["refresh_token"]
	return ok
}

func TestBrowserSessionCookie(t *testing.T) {
	env, _ := seeded(t)
	creds := map[string]string{"mode": "personal", "username": demo.MallElectrician, "password": pw}
	browser := []string{refreshCookieHeader, "1", "Origin", "http://example.com", "Sec-Fetch-Site", "same-origin"}
	withCookie := func(c *http.Cookie, hdr ...string) []string {
		return append(append([]string{}, hdr...), "Cookie", c.Name+"="+c.Value)
	}

	login := env.do(http.MethodPost, "/api/v1/auth/login", creds, browser...)
	if login.Code != http.StatusOK {
		t.Fatalf("login = %d %s", login.Code, login.Body)
	}
	if bodyHasRefreshToken(t, login) {
		t.Errorf("the browser's login answer carries the refresh token: %s", login.Body)
	}
	first := cookieOf(t, login)
	if !first.HttpOnly || first.SameSite != http.SameSiteStrictMode || first.Path != "/api/v1/auth" || first.MaxAge <= 0 {
		t.Errorf("refresh cookie = %+v, want HttpOnly, SameSite=Strict, Path=/api/v1/auth, a lifetime", first)
	}
	if first.Secure {
		t.Errorf("a developer's plain-HTTP server set a Secure cookie the browser would drop")
	}

	t.Run("refresh through the cookie rotates it", func(t *testing.T) {
		r := env.do(http.MethodPost, "/api/v1/auth/refresh", "{}", withCookie(first, browser...)...)
		if r.Code != http.StatusOK || bodyHasRefreshToken(t, r) {
			t.Fatalf("refresh = %d %s", r.Code, r.Body)
		}
		second := cookieOf(t, r)
		if second.Value == first.Value || second.Value == "" {
			t.Fatalf("cookie not rotated")
		}
		// An empty body works too (no JSON at all).
		r = env.do(http.MethodPost, "/api/v1/auth/refresh", nil, withCookie(second, browser...)...)
		if r.Code != http.StatusOK {
			t.Fatalf("refresh without a body = %d %s", r.Code, r.Body)
		}
		third := cookieOf(t, r)
		// The spent cookie again, after its successor was used, is theft: the session ends and the cookie
		// is cleared.
		if r := env.do(http.MethodPost, "/api/v1/auth/refresh", "{}", withCookie(third, browser...)...); r.Code != http.StatusOK {
			t.Fatalf("refresh = %d %s", r.Code, r.Body)
		}
		r = env.do(http.MethodPost, "/api/v1/auth/refresh", "{}", withCookie(second, browser...)...)
		if r.Code != http.StatusUnauthorized || r.errBody(t).Code != "refresh_reused" {
			t.Fatalf("reuse = %d %s", r.Code, r.Body)
		}
		if c := cookieOf(t, r); c.MaxAge >= 0 || c.Value != "" {
			t.Errorf("a refused refresh leaves the cookie: %+v", c)
		}
		if r := env.do(http.MethodPost, "/api/v1/auth/refresh", "{}", withCookie(first, browser...)...); r.Code != http.StatusUnauthorized {
			t.Errorf("any cookie of the session after reuse = %d", r.Code)
		}
	})

	t.Run("another site cannot refresh", func(t *testing.T) {
		r := env.do(http.MethodPost, "/api/v1/auth/login", creds, browser...)
		c := cookieOf(t, r)
		for _, hdr := range [][]string{
			{refreshCookieHeader, "1", "Origin", "https://evil.example"},
			{refreshCookieHeader, "1", "Sec-Fetch-Site", "cross-site"},
			{refreshCookieHeader, "1", "Origin", "null"},
		} {
			r := env.do(http.MethodPost, "/api/v1/auth/refresh", "{}", withCookie(c, hdr...)...)
			if r.Code != http.StatusForbidden || r.errBody(t).Code != "csrf_rejected" {
				t.Errorf("refresh with %v = %d %s", hdr, r.Code, r.Body)
			}
		}
		// A form post from anywhere cannot set the header: the cookie alone is not accepted.
		r = env.do(http.MethodPost, "/api/v1/auth/refresh", "{}", withCookie(c)...)
		if r.Code != http.StatusBadRequest || r.errBody(t).Code != "validation_failed" {
			t.Errorf("refresh with the cookie but no header = %d %s", r.Code, r.Body)
		}
		// A sibling site's planted cookie of the same name: refused, neither cookie cleared.
		r = env.do(http.MethodPost, "/api/v1/auth/refresh", "{}", append(append([]string{}, browser...), "Cookie",
			refreshCookieName+"=planted; "+c.Name+"="+c.Value)...)
		if r.Code != http.StatusBadRequest || r.errBody(t).Code != "refresh_cookie_ambiguous" || len(r.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("two refresh cookies = %d %s %v", r.Code, r.Body, r.Header.Values("Set-Cookie"))
		}
		// The development server's proxy rewrites Host; the browser's own Sec-Fetch-Site still vouches.
		r = env.do(http.MethodPost, "/api/v1/auth/login", creds, refreshCookieHeader, "1", "Origin", "http://localhost:5173", "Sec-Fetch-Site", "same-origin")
		if r.Code != http.StatusOK {
			t.Errorf("login through a Host-rewriting proxy = %d %s", r.Code, r.Body)
		}
		r = env.do(http.MethodPost, "/api/v1/auth/login", creds, refreshCookieHeader, "1", "Origin", "https://evil.example")
		if r.Code != http.StatusForbidden {
			t.Errorf("login from another site = %d %s", r.Code, r.Body)
		}
		// The refused attempts did not spend the token.
		if r := env.do(http.MethodPost, "/api/v1/auth/refresh", "{}", withCookie(c, browser...)...); r.Code != http.StatusOK {
			t.Errorf("own refresh after refused ones = %d %s", r.Code, r.Body)
		}
	})

	t.Run("logout ends the session and clears the cookie", func(t *testing.T) {
		r := env.do(http.MethodPost, "/api/v1/auth/login", creds, browser...)
		c := cookieOf(t, r)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		r.decode(t, &tok)
		out := env.do(http.MethodPost, "/api/v1/auth/logout", "{}", withCookie(c, browser...)...)
		if out.Code != http.StatusNoContent || cookieOf(t, out).MaxAge >= 0 {
			t.Fatalf("logout = %d %v", out.Code, out.Header.Values("Set-Cookie"))
		}
		if r := env.as(tok.AccessToken, http.MethodGet, "/api/v1/me", nil); r.Code != http.StatusUnauthorized {
			t.Errorf("access token after logout = %d", r.Code)
		}
		if r := env.do(http.MethodPost, "/api/v1/auth/refresh", "{}", withCookie(c, browser...)...); r.Code != http.StatusUnauthorized {
			t.Errorf("cookie after logout = %d", r.Code)
		}
	})

	t.Run("an old stored token moves into the cookie", func(t *testing.T) {
		old := env.login("personal", demo.MallElectrician, pw)
		r := env.do(http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": old.RefreshToken}, browser...)
		if r.Code != http.StatusOK || bodyHasRefreshToken(t, r) || cookieOf(t, r).Value == "" {
			t.Fatalf("legacy refresh = %d %s", r.Code, r.Body)
		}
	})

	t.Run("integrators keep the token in the body", func(t *testing.T) {
		tok := env.login("personal", demo.MallElectrician, pw)
		if tok.RefreshToken == "" {
			t.Fatal("no refresh token for an API client")
		}
		r := env.do(http.MethodPost, "/api/v1/auth/refresh", map[string]string{"refresh_token": tok.RefreshToken})
		if r.Code != http.StatusOK || !bodyHasRefreshToken(t, r) || len(r.Header.Values("Set-Cookie")) != 0 {
			t.Fatalf("body refresh = %d %s %v", r.Code, r.Body, r.Header.Values("Set-Cookie"))
		}
		if r := env.do(http.MethodPost, "/api/v1/auth/refresh", "{}"); r.Code != http.StatusBadRequest {
			t.Errorf("refresh without token or header = %d", r.Code)
		}
	})

	t.Run("Secure behind TLS and in production", func(t *testing.T) {
		// X-Forwarded-Proto counts only from a trusted proxy (httptest's peer is 192.0.2.1).
		r := env.do(http.MethodPost, "/api/v1/auth/login", creds, append(browser, "X-Forwarded-Proto", "https")...)
		if cookieOf(t, r).Secure {
			t.Errorf("a client's own X-Forwarded-Proto was believed")
		}
		proxied := env.withConfig(func(c *config.Config) { c.TrustedProxies = []string{"192.0.2.0/24"} })
		r = proxied.do(http.MethodPost, "/api/v1/auth/login", creds, append(browser, "X-Forwarded-Proto", "https")...)
		if !cookieOf(t, r).Secure {
			t.Errorf("cookie over HTTPS is not Secure")
		}
		prod := env.withConfig(func(c *config.Config) {
			c.Env, c.DevFeatures, c.TrustedProxies = config.Production, false, []string{"192.0.2.0/24"}
		})
		r = prod.do(http.MethodPost, "/api/v1/auth/login", creds, append(browser, "X-Forwarded-Proto", "https")...)
		if !cookieOf(t, r).Secure {
			t.Errorf("production cookie is not Secure")
		}
		// Production over plain HTTP: the browser would drop the Secure cookie, so the login says why.
		r = prod.do(http.MethodPost, "/api/v1/auth/login", creds, browser...)
		if r.Code != http.StatusBadRequest || r.errBody(t).Code != "https_required" {
			t.Errorf("production login over HTTP = %d %s", r.Code, r.Body)
		}
	})
}

// withConfig builds another instance over the same database with a changed configuration.
func (e *testEnv) withConfig(change func(*config.Config)) *testEnv {
	e.t.Helper()
	d := e.deps
	change(&d.Config)
	srv, err := New(d)
	if err != nil {
		e.t.Fatal(err)
	}
	return &testEnv{t: e.t, srv: srv, db: e.db, clk: e.clk, logs: e.logs, deps: d}
}

func TestContentSecurityPolicy(t *testing.T) {
	const check = "(function () { if (!('noModule' in document.createElement('script'))) alert(1) })()"
	spa := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><div id=app></div><script>" + check +
		"</script><script type=\"module\" src=\"/assets/app.js\"></script>")}}
	env := newEnv(t, func(d *Deps) { d.SPA = spa })

	page := env.do(http.MethodGet, "/login", nil)
	csp := page.Header.Get("Content-Security-Policy")
	var script string
	for _, d := range strings.Split(csp, ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, "script-src ") {
			script = d
		}
	}
	// sha256 of the inline check, computed independently: printf '%s' "$check" | openssl dgst -sha256 -binary | base64
	const want = "'sha256-QASB7t3s+6IemtR1DSl9axxQhw1/FqgYp5w0nNMwv60='"
	if script == "" || strings.Contains(script, "unsafe-inline") || strings.Contains(script, "unsafe-eval") || !strings.Contains(script, want) {
		t.Errorf("script-src = %q, want 'self' and %s, nothing unsafe", script, want)
	}
	for _, d := range []string{"object-src 'none'", "base-uri 'self'", "frame-ancestors 'self'", "connect-src 'self'"} {
		if !strings.Contains(csp, d) {
			t.Errorf("CSP lacks %q: %s", d, csp)
		}
	}
	if api := env.do(http.MethodGet, "/healthz", nil); api.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("API answers carry no CSP")
	}
	// Swagger UI boots from an inline script: its own policy allows that, under /api/docs only.
	docs := env.do(http.MethodGet, "/api/docs/index.html", nil)
	if docs.Code != http.StatusOK || !strings.Contains(docs.Header.Get("Content-Security-Policy"), "'unsafe-inline'") {
		t.Errorf("docs = %d CSP %q", docs.Code, docs.Header.Get("Content-Security-Policy"))
	}

	// HSTS only over TLS: a plain-HTTP answer must not pin the host.
	if h := page.Header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("HSTS over plain HTTP: %q", h)
	}
	proxied := env.withConfig(func(c *config.Config) { c.TrustedProxies = []string{"192.0.2.0/24"} })
	tls := proxied.do(http.MethodGet, "/login", nil, "X-Forwarded-Proto", "https")
	if h := tls.Header.Get("Strict-Transport-Security"); h != "max-age=31536000" {
		t.Errorf("HSTS over HTTPS = %q", h)
	}
}

func TestSwaggerUI(t *testing.T) {
	env := newEnv(t)
	// doc.json answers with the contract (it used to be a 500: no swag registry in this binary).
	r := env.do(http.MethodGet, "/api/docs/doc.json", nil)
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if r.Code != http.StatusOK {
		t.Fatalf("doc.json = %d %s", r.Code, r.Body)
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") || doc.Paths["/api/v1/auth/login"] == nil {
		t.Fatalf("doc.json is not the contract: %v %.200s", err, r.Body)
	}
	// A token typed into Swagger UI is remembered only on a developer's machine.
	persisted := func(e *testEnv) bool {
		r := e.do(http.MethodGet, "/api/docs/index.html", nil)
		return regexp.MustCompile(`persistAuthorization:\s*true`).Match(r.Body)
	}
	if !persisted(env) {
		t.Errorf("development Swagger UI forgets the token (check the template still says persistAuthorization)")
	}
	prod := env.withConfig(func(c *config.Config) { c.Env, c.DevFeatures = config.Production, false })
	if persisted(prod) {
		t.Errorf("production Swagger UI keeps the token in localStorage")
	}
}
