package api

import (
	"strings"

	"github.com/labstack/echo/v4"

	"yqyb/internal/apikey"
	"yqyb/internal/audit"
	"yqyb/internal/auth"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/rbac"
)

// loggedIn is the Perm of routes open to any signed-in caller.
const loggedIn = "@logged-in"

const ctxPrincipal = "principal"

// authenticate verifies the bearer token and leaves the caller in the request context. Until an account
// has changed its initial or reset password, only the routes marked BeforePasswordChange answer.
func (s *Server) authenticate(r Route) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			token, ok := bearerToken(c.Request().Header.Get(echo.HeaderAuthorization))
			if !ok {
				return auth.ErrTokenMissing
			}
			if apikey.IsKey(token) {
				return s.authenticateKey(c, r, token, next)
			}
			p, err := s.auth.Authenticate(c.Request().Context(), token)
			if err != nil {
				return err
			}
			c.Set(ctxPrincipal, p)
			c.Set(ctxUserID, p.UserID)
			if p.MustChangePassword && !r.BeforePasswordChange {
				return auth.ErrPasswordChangeRequired
			}
			return next(c)
		}
	}
}

// authenticateKey lets a program in with an API key: as the key's creator (who must not owe a password
// change: a reset may mean the account was taken over), within the key's per-minute limit. Every request
// that gets this far is recorded, by key, in the audit log, the refused ones (scope, permission) included.
func (s *Server) authenticateKey(c echo.Context, r Route, token string, next echo.HandlerFunc) error {
	ctx := c.Request().Context()
	if prefix, _, ok := apikey.Parse(token); ok {
		c.Set(ctxAPIKey, apikey.Label(prefix))
	}
	p, err := s.auth.AuthenticateKey(ctx, token)
	if err != nil {
		return err
	}
	c.Set(ctxPrincipal, p)
	c.Set(ctxUserID, p.UserID)
	if p.MustChangePassword {
		return auth.ErrPasswordChangeRequired
	}
	use := apikey.Use{KeyID: p.APIKeyID, Prefix: strings.TrimPrefix(p.APIKey, apikey.Marker), RateLimit: p.APIKeyRateLimit,
		Actor: actor(c), Method: c.Request().Method, Path: r.Path}
	if err := s.apikeys.Admit(ctx, use); err != nil {
		return err
	}
	return next(c)
}

// errKeyScope refuses a request with an API key whose scopes do not cover the route.
var errKeyScope = apperr.New(apperr.Forbidden, "api_key_scope", "API密钥的权限范围不包括此操作")

// bearerToken takes the token out of an Authorization header. The scheme is case-insensitive (RFC 9110
// §11.1: "bearer" and "BEARER" are Bearer) and may be followed by more than one space.
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// refuseKeys turns API keys away from a route only people may call (Route.PeopleOnly).
func refuseKeys(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if p := principal(c); p.APIKeyID != 0 {
			return errKeyScope.WithDetails(map[string]any{"api_key": p.APIKey, "people_only": true})
		}
		return next(c)
	}
}

// authorize lets the request through only if the caller holds code.
func (s *Server) authorize(code string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			// A key first needs a scope that covers the route; then, like its creator, the code itself.
			if p := principal(c); p.APIKeyID != 0 && !apikey.Permits(p.APIKeyScopes, c.Request().Method, code, code == loggedIn) {
				return errKeyScope.WithDetails(map[string]any{"permission": code, "api_key": p.APIKey, "scopes": p.APIKeyScopes})
			}
			if code == loggedIn {
				return next(c)
			}
			ok, err := s.authz.Allowed(c.Request().Context(), principal(c).Subject(), code)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.ErrForbidden.WithDetails(map[string]any{"permission": code})
			}
			return next(c)
		}
	}
}

// principal is the authenticated caller; only handlers behind authenticate call it.
func principal(c echo.Context) auth.Principal {
	p, _ := c.Get(ctxPrincipal).(auth.Principal)
	return p
}

// actor names the caller for the audit log.
func actor(c echo.Context) audit.Actor {
	return principal(c).Actor(c.RealIP(), c.Response().Header().Get(echo.HeaderXRequestID))
}

func meta(c echo.Context) auth.Meta {
	return auth.Meta{IP: c.RealIP(), UserAgent: c.Request().UserAgent(), RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
}

// errNoEnterprise guards enterprise routes against callers that have no enterprise; the permission table
// should already have refused them, so this is defence in depth.
var errNoEnterprise = apperr.New(apperr.Forbidden, "enterprise_required", "此功能仅限企业账号使用")

// enterpriseOf returns the caller's enterprise, failing closed.
func enterpriseOf(c echo.Context) (int64, error) {
	p := principal(c)
	if p.EnterpriseID == 0 {
		return 0, errNoEnterprise
	}
	return p.EnterpriseID, nil
}

// grantor is the caller as a grantor of permissions, with the codes it holds.
func (s *Server) grantor(c echo.Context) (rbac.Grantor, error) {
	p := principal(c)
	ent, err := enterpriseOf(c)
	if err != nil {
		return rbac.Grantor{}, err
	}
	held, err := s.authz.Codes(c.Request().Context(), p.Subject())
	if err != nil {
		return rbac.Grantor{}, err
	}
	return rbac.Grantor{UserID: p.UserID, EnterpriseID: ent, Held: held, Actor: actor(c)}, nil
}

// errNoRegion guards regulator routes against callers without a region.
var errNoRegion = apperr.New(apperr.Forbidden, "region_required", "此功能仅限监管账号使用")

func regionPathOf(c echo.Context) (string, error) {
	p := principal(c)
	if p.RegionPath == "" {
		return "", errNoRegion
	}
	return p.RegionPath, nil
}
