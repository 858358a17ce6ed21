package api

import (
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// hstsMaxAge is a year. Echo's Secure middleware sends Strict-Transport-Security only on answers that
// arrived over TLS (directly, or with X-Forwarded-Proto: https from the proxy), never over plain HTTP.
const hstsMaxAge = 365 * 24 * 3600

// contentPolicy is what the SPA may load: its own scripts (plus the inline scripts of index.html, each
// allowed by its hash, never by 'unsafe-inline'), its own styles and the inline styles that Element Plus
// and ECharts set on elements, images from here, data: and blob: (photo previews), nothing framed from
// elsewhere, nothing framing it from elsewhere, and API calls to this server only.
func contentPolicy(scriptHashes []string) string {
	script := "script-src 'self'"
	for _, h := range scriptHashes {
		script += " '" + h + "'"
	}
	return strings.Join([]string{
		"default-src 'self'",
		script,
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: blob:",
		"font-src 'self' data:",
		"connect-src 'self'",
		"worker-src 'self'",
		"manifest-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'self'",
	}, "; ")
}

// docsPolicy is Swagger UI's: its page boots from an inline script, so that script is allowed there and
// only there (under /api/docs), away from the SPA's pages.
const docsPolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"

var (
	inlineScript = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
	srcAttribute = regexp.MustCompile(`(?i)\bsrc\s*=`)
)

// inlineScriptHashes returns the CSP hash source of each inline script in the SPA's index.html (the check
// that tells users of browsers too old to run the app what to do).
func inlineScriptHashes(spa fs.FS) []string {
	if spa == nil {
		return nil
	}
	index, err := fs.ReadFile(spa, "index.html")
	if err != nil {
		return nil
	}
	var out []string
	for _, m := range inlineScript.FindAllSubmatch(index, -1) {
		if srcAttribute.Match(m[1]) {
			continue
		}
		sum := sha256.Sum256(m[2])
		out = append(out, "sha256-"+base64.StdEncoding.EncodeToString(sum[:]))
	}
	return out
}

// securityHeaders are the response headers every page and API answer carries.
func securityHeaders(spa fs.FS) echo.MiddlewareFunc {
	secure := func(policy string) echo.MiddlewareFunc {
		return middleware.SecureWithConfig(middleware.SecureConfig{
			XSSProtection:      "0",
			ContentTypeNosniff: "nosniff",
			XFrameOptions:      "SAMEORIGIN",
			ReferrerPolicy:     "same-origin",
			HSTSMaxAge:         hstsMaxAge,
			// Other hosts of the bureau's domain may not speak HTTPS yet: pin only this one.
			HSTSExcludeSubdomains: true,
			ContentSecurityPolicy: policy,
		})
	}
	app, docs := secure(contentPolicy(inlineScriptHashes(spa))), secure(docsPolicy)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		appNext, docsNext := app(next), docs(next)
		return func(c echo.Context) error {
			if p := c.Request().URL.Path; p == docsPath || strings.HasPrefix(p, docsPath+"/") {
				return docsNext(c)
			}
			return appNext(c)
		}
	}
}
