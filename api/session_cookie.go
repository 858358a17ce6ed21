package api

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/config"
)

// The browser keeps its refresh token (a session of up to 30 days) in an HttpOnly cookie that script on
// the page cannot read, scoped to the auth routes, and its access token only in memory. A browser asks
// for this by sending refreshCookieHeader on login, refresh and logout; integrators that keep tokens
// themselves send no such header and carry the refresh token in the body, as before.
//
// The header is also the refresh route's CSRF guard: a cross-site page cannot set a custom header without
// a CORS preflight that only the configured origins pass, SameSite=Strict keeps the cookie off cross-site
// requests anyway, and an Origin (or Sec-Fetch-Site) that names another site is refused outright.
const (
	refreshCookieName   = "yqyb_refresh"
	refreshCookiePath   = "/api/v1/auth"
	refreshCookieHeader = "X-Refresh-Cookie"
)

var errCrossSite = apperr.New(apperr.Forbidden, "csrf_rejected", "请求来自其他网站，已拒绝；请在本系统页面内操作")

// cookieMode reports whether the caller asked for the refresh token in a cookie, refusing requests that
// come from another site.
func (s *Server) cookieMode(c echo.Context) (bool, error) {
	if c.Request().Header.Get(refreshCookieHeader) != "1" {
		return false, nil
	}
	if !s.sameSite(c.Request()) {
		return false, errCrossSite
	}
	return true, nil
}

// sameSite accepts a request whose Origin is this server itself or a configured SPA origin, and one
// without an Origin only when the browser does not call it cross-site.
func (s *Server) sameSite(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" {
		return false
	}
	origin := r.Header.Get(echo.HeaderOrigin)
	if origin == "" {
		return true
	}
	for _, o := range s.deps.Config.CORSOrigins {
		if strings.EqualFold(o, origin) {
			return true
		}
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	host := r.Host
	if fh := r.Header.Get("X-Forwarded-Host"); fh != "" && peerTrusted(r.RemoteAddr, s.trusted) {
		host = fh
	}
	return strings.EqualFold(u.Host, host)
}

// setRefreshCookie hands the browser its refresh token. Secure unless this is a developer's plain-HTTP
// server (browsers keep Secure cookies only from HTTPS origins, localhost aside in some of them).
func (s *Server) setRefreshCookie(c echo.Context, token string, expires time.Time) {
	c.SetCookie(&http.Cookie{
		Name: refreshCookieName, Value: token, Path: refreshCookiePath, Expires: expires,
		MaxAge:   int(expires.Sub(s.deps.Clock.Now()).Seconds()),
		HttpOnly: true, Secure: s.secureCookies(c), SameSite: http.SameSiteStrictMode,
	})
}

// clearRefreshCookie removes it (logout, or a refresh the server refused).
func (s *Server) clearRefreshCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{
		Name: refreshCookieName, Value: "", Path: refreshCookiePath, MaxAge: -1, Expires: time.Unix(0, 0),
		HttpOnly: true, Secure: s.secureCookies(c), SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) secureCookies(c echo.Context) bool {
	return s.deps.Config.Env != config.Development || c.Scheme() == "https"
}

// refreshCookie is the refresh token the browser sent, if any.
func refreshCookie(c echo.Context) string {
	ck, err := c.Cookie(refreshCookieName)
	if err != nil {
		return ""
	}
	return ck.Value
}
