package api

import (
	"net"
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
	if s.secureCookies(c) && c.Scheme() != "https" && !loopbackHost(c.Request().Host) {
		// The browser would drop the Secure cookie and the user be signed out at the next reload: say so now.
		return false, errHTTPSRequired
	}
	return true, nil
}

var errHTTPSRequired = apperr.New(apperr.Invalid, "https_required",
	"请通过 HTTPS（https://）访问本系统；若已使用 HTTPS，请管理员检查反向代理是否设置了 X-Forwarded-Proto 并在 YQYB_TRUSTED_PROXIES 中")

// loopbackHost: browsers keep Secure cookies from http://localhost and 127.0.0.1 too.
func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// sameSite accepts a request whose Origin is this server itself or a configured SPA origin, and one
// without an Origin only when the browser does not call it cross-site.
func (s *Server) sameSite(r *http.Request) bool {
	// Browsers set Sec-Fetch-Site themselves and no page can forge it: same-origin is this very page, even
	// behind a proxy that rewrites Host (the development server's does).
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site":
		return false
	case "same-origin":
		return true
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

var errCookieClash = apperr.New(apperr.Invalid, "refresh_cookie_ambiguous",
	"浏览器带有多个登录凭证 Cookie（可能来自同一域名下的其他网站），请清除本站 Cookie 后重新登录")

// refreshCookie is the refresh token the browser sent, if any. Two cookies of that name mean another site
// of the same domain planted one (a cookie's Domain and Path are not sent back, so which is ours cannot be
// told): refused, and neither is touched.
func refreshCookie(c echo.Context) (string, error) {
	var found []string
	for _, ck := range c.Request().Cookies() {
		if ck.Name == refreshCookieName {
			found = append(found, ck.Value)
		}
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	return "", errCookieClash
}
