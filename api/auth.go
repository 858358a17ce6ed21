package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/account"
	"yqyb/internal/auth"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/rbac"
)

func (s *Server) authRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/api/v1/auth/login", Public: true, Handler: s.login},
		{Method: http.MethodPost, Path: "/api/v1/auth/refresh", Public: true, Handler: s.refresh},
		{Method: http.MethodPost, Path: "/api/v1/auth/logout", Public: true, Handler: s.logout},
		{Method: http.MethodGet, Path: "/api/v1/me", Perm: loggedIn, BeforePasswordChange: true, Handler: s.getMe},
		{Method: http.MethodPost, Path: "/api/v1/me/password", Perm: loggedIn, BeforePasswordChange: true, Handler: s.changePassword},
		{Method: http.MethodGet, Path: "/api/v1/permissions", Perm: loggedIn, Handler: s.listPermissions},
	}
}

// login godoc
//
//	@Summary		登录
//	@Description	两种登录方式：mode=personal（个人用户登录）时，用户名填写企业名称即登录该企业管理账号，填写岗位账号名称即登录该岗位用户（监管账号、平台管理员同样使用个人用户登录）；mode=enterprise（企业用户登录）时，用户名填写企业名称或统一社会信用代码。
//	@Description	连续输错密码 5 次锁定 15 分钟，24 小时内再次被锁定依次为 1 小时、24 小时（423 account_locked，details.retry_after_seconds；次数与时长见 YQYB_LOCKOUT_*），无论用户名是否存在表现都相同；同一企业的企业管理账号和企业用户账号共用失败次数；同时到达的登录也最多校验这么多次密码，其余的等待其结果（至多 10 秒，仍未决定时 429）。每个 IP（IPv6 按 /64）每分钟的登录尝试次数有限（429）。初始密码或被重置的密码登录后 must_change_password=true，须先修改密码；初始密码自下发起 30 天（YQYB_INITIAL_PASSWORD_TTL）未修改即失效，密码正确时返回 initial_password_expired（仍计一次失败），须由属地监管部门重新下发。
//	@Description	浏览器（本系统前端）发送 X-Refresh-Cookie: 1：刷新令牌不出现在响应体中，而是写入 HttpOnly、SameSite=Strict、路径 /api/v1/auth 的 Cookie（yqyb_refresh，HTTPS 下为 Secure），页面脚本无法读取；其他网站发起的此类请求返回 403 csrf_rejected。对接系统不发送该请求头，刷新令牌在响应体中返回。
//	@Tags			认证
//	@Accept			json
//	@Produce		json
//	@Param			X-Refresh-Cookie	header		string			false	"填 1：刷新令牌放在 Cookie 中（浏览器）"	Enums(1)
//	@Param			body				body		auth.LoginInput	true	"登录信息"
//	@Success		200		{object}	auth.Tokens
//	@Failure		400		{object}	ErrorBody	"validation_failed | https_required（生产环境的浏览器须经 HTTPS 访问）"
//	@Failure		401		{object}	ErrorBody	"invalid_credentials | initial_password_expired（details.remaining_attempts）"
//	@Failure		403		{object}	ErrorBody	"account_disabled | csrf_rejected"
//	@Failure		423		{object}	ErrorBody	"account_locked"
//	@Failure		429		{object}	ErrorBody	"too_many_requests"
//	@Router			/api/v1/auth/login [post]
func (s *Server) login(c echo.Context) error {
	cookie, err := s.cookieMode(c)
	if err != nil {
		return err
	}
	var in auth.LoginInput
	if err := bind(c, &in); err != nil {
		return err
	}
	t, err := s.auth.Login(c.Request().Context(), in, meta(c))
	if err != nil {
		return err
	}
	return s.answerTokens(c, t, cookie)
}

// answerTokens sends new tokens: a browser gets its refresh token only as a cookie, never in the body
// that script on the page could read.
func (s *Server) answerTokens(c echo.Context, t auth.Tokens, cookie bool) error {
	if cookie && t.RefreshToken != "" {
		s.setRefreshCookie(c, t.RefreshToken, t.RefreshExpiresAt)
		t.RefreshToken = ""
	}
	return c.JSON(http.StatusOK, t)
}

// RefreshRequest carries a refresh token.
type RefreshRequest struct {
	// Required unless the browser sends X-Refresh-Cookie: 1 and the token is in its cookie.
	RefreshToken string `json:"refresh_token,omitempty" label:"刷新令牌" validate:"max=200"`
} // @name RefreshRequest

// refreshToken reads the refresh token of a refresh or logout: from the body (integrators; a browser
// moving an old stored token into its cookie) or, in cookie mode, from the cookie.
func (s *Server) refreshToken(c echo.Context) (token string, cookie bool, err error) {
	if cookie, err = s.cookieMode(c); err != nil {
		return "", false, err
	}
	var in RefreshRequest
	if !cookie || c.Request().ContentLength != 0 {
		if err := bind(c, &in); err != nil {
			return "", false, err
		}
	}
	switch {
	case in.RefreshToken != "":
		return in.RefreshToken, cookie, nil
	case cookie:
		token, err := refreshCookie(c)
		return token, true, err
	}
	return "", false, apperr.Validation(apperr.FieldError{Field: "refresh_token", Message: "刷新令牌为必填字段"})
}

// refresh godoc
//
//	@Summary		刷新令牌
//	@Description	用刷新令牌换取新的访问令牌和新的刷新令牌（旧刷新令牌随即失效）。已用过的刷新令牌再次使用视为被盗用，整个登录会话立即吊销（refresh_reused）。
//	@Description	浏览器发送 X-Refresh-Cookie: 1 时刷新令牌取自 Cookie（请求体可为空对象），新的刷新令牌同样只写入 Cookie；刷新失败（401）时 Cookie 被清除。刚用过的刷新令牌在 30 秒内再次出现、且换得的新令牌尚未使用时（刷新的响应在途中丢失，如刷新中重新加载页面），视为同一浏览器重试而再次换发，不视为盗用。该请求头同时是 CSRF 防护：其他网站的页面发起的请求返回 403 csrf_rejected。对接系统在请求体中提交 refresh_token。
//	@Tags			认证
//	@Accept			json
//	@Produce		json
//	@Param			X-Refresh-Cookie	header		string			false	"填 1：刷新令牌取自 Cookie 并写回 Cookie（浏览器）"	Enums(1)
//	@Param			body				body		RefreshRequest	false	"刷新令牌（浏览器可为空对象）"
//	@Success		200					{object}	auth.Tokens
//	@Failure		400					{object}	ErrorBody	"validation_failed（未提交刷新令牌） | refresh_cookie_ambiguous（带有多个同名 Cookie） | https_required"
//	@Failure		401					{object}	ErrorBody	"refresh_invalid | refresh_reused | session_ended"
//	@Failure		403					{object}	ErrorBody	"csrf_rejected"
//	@Router			/api/v1/auth/refresh [post]
func (s *Server) refresh(c echo.Context) error {
	token, cookie, err := s.refreshToken(c)
	if err != nil {
		return err
	}
	t, err := s.auth.Refresh(c.Request().Context(), token, meta(c))
	if err != nil {
		if e, ok := apperr.As(err); cookie && ok && e.Kind == apperr.Unauthenticated {
			s.clearRefreshCookie(c)
		}
		return err
	}
	return s.answerTokens(c, t, cookie)
}

// logout godoc
//
//	@Summary		退出登录
//	@Description	吊销刷新令牌所属的登录会话：其刷新令牌和访问令牌立即失效。令牌已失效时同样返回 204。浏览器发送 X-Refresh-Cookie: 1 时令牌取自 Cookie，并清除该 Cookie。
//	@Tags			认证
//	@Accept			json
//	@Param			X-Refresh-Cookie	header	string			false	"填 1：令牌取自 Cookie（浏览器）"	Enums(1)
//	@Param			body				body	RefreshRequest	false	"刷新令牌（浏览器可为空对象）"
//	@Success		204
//	@Failure		403	{object}	ErrorBody	"csrf_rejected"
//	@Router			/api/v1/auth/logout [post]
func (s *Server) logout(c echo.Context) error {
	token, cookie, err := s.refreshToken(c)
	if err != nil {
		return err
	}
	if cookie {
		s.clearRefreshCookie(c)
	}
	if token == "" {
		return c.NoContent(http.StatusNoContent)
	}
	if err := s.auth.Logout(c.Request().Context(), token, meta(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// MeUser is the signed-in account.
type MeUser struct {
	ID          int64  `json:"id"`
	LoginName   string `json:"login_name"`
	DisplayName string `json:"display_name"`
	Kind        string `json:"kind" enums:"platform_admin,regulator,enterprise_admin,enterprise_user,post_user"`
} // @name MeUser

// IDName is a reference to a named thing.
type IDName struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
} // @name IDName

// MeRegion is the regulator's region.
type MeRegion struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Level string `json:"level" enums:"city,district,street"`
} // @name MeRegion

// MeResponse tells the SPA who is signed in and what it may show.
type MeResponse struct {
	User               MeUser    `json:"user"`
	Enterprise         *IDName   `json:"enterprise" extensions:"x-nullable"`
	Region             *MeRegion `json:"region" extensions:"x-nullable"`
	Post               *IDName   `json:"post" extensions:"x-nullable"`
	MustChangePassword bool      `json:"must_change_password"`
	// SetupComplete tells an enterprise admin's SPA whether to land on the initialization page (false) or
	// the home page (true); null for accounts that do not set up an enterprise.
	SetupComplete *bool `json:"setup_complete" extensions:"x-nullable"`
	// InUse is true once the enterprise has submitted an inspection: its admin then lands on 首页 (with a
	// note of what setup still lacks) rather than on 初始化; null for accounts that do not set up an enterprise.
	InUse          *bool            `json:"in_use" extensions:"x-nullable"`
	PasswordPolicy string           `json:"password_policy"`
	Permissions    []string         `json:"permissions"`
	Menus          []*rbac.MenuNode `json:"menus"`
} // @name Me

// getMe godoc
//
//	@Summary		当前用户
//	@Description	当前登录账号、所属企业（或监管区域、岗位）、是否须先修改密码、拥有的权限编码，以及前端应显示的菜单树。须修改密码时也可调用。企业管理账号另有 setup_complete 与 in_use：初始化未完成且尚未提交过排查（in_use 为 false）时前端进入初始化页面，否则进入首页（初始化未完成时首页提示尚缺的内容）。
//	@Tags			认证
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	MeResponse
//	@Failure		401	{object}	ErrorBody	"token_expired | token_revoked | token_invalid"
//	@Router			/api/v1/me [get]
func (s *Server) getMe(c echo.Context) error {
	ctx := c.Request().Context()
	p := principal(c)
	codes, err := s.authz.Codes(ctx, p.Subject())
	if err != nil {
		return err
	}
	out := MeResponse{
		User:               MeUser{ID: p.UserID, LoginName: p.LoginName, DisplayName: p.DisplayName, Kind: p.Kind},
		MustChangePassword: p.MustChangePassword,
		PasswordPolicy:     account.PasswordRules,
		Permissions:        codes,
		Menus:              rbac.Menus(codes),
	}
	if p.MustChangePassword {
		// Nothing but the password page until the password is changed.
		out.Permissions, out.Menus = []string{}, []*rbac.MenuNode{}
	}
	aff, err := s.org.Affiliation(ctx, p.EnterpriseID, p.RegionID, p.PostID)
	if err != nil {
		return err
	}
	if e := aff.Enterprise; e != nil {
		out.Enterprise = &IDName{ID: e.ID, Name: e.Name}
		if p.Kind == rbac.KindEnterpriseAdmin {
			sums, err := s.setup.Summaries(ctx, []int64{e.ID})
			if err != nil {
				return err
			}
			done := sums[e.ID].Complete
			out.SetupComplete = &done
			inUse, err := s.inspections.InUse(ctx, e.ID)
			if err != nil {
				return err
			}
			out.InUse = &inUse
		}
	}
	if r := aff.Region; r != nil {
		out.Region = &MeRegion{ID: r.ID, Name: r.Name, Level: r.Level}
	}
	if post := aff.Post; post != nil {
		out.Post = &IDName{ID: post.ID, Name: post.Name}
	}
	return c.JSON(http.StatusOK, out)
}

// ChangePasswordRequest sets a new password.
type ChangePasswordRequest struct {
	OldPassword string `json:"old_password" label:"原密码" validate:"required,max=200"`
	NewPassword string `json:"new_password" label:"新密码" validate:"required,max=200"`
} // @name ChangePasswordRequest

// changePassword godoc
//
//	@Summary		修改密码
//	@Description	修改自己的密码。新密码须符合密码规则（8至64位，至少三类字符，不同于用户名、初始密码和当前密码），否则返回 weak_password 并在 details.rules 中列出不满足的规则。成功后其他登录会话全部失效；返回本会话的新访问令牌（刷新令牌不变）。
//	@Tags			认证
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		ChangePasswordRequest	true	"原密码与新密码"
//	@Success		200		{object}	auth.Tokens
//	@Failure		400		{object}	ErrorBody	"wrong_password | weak_password | validation_failed"
//	@Router			/api/v1/me/password [post]
func (s *Server) changePassword(c echo.Context) error {
	var in ChangePasswordRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	p := principal(c)
	ctx := c.Request().Context()
	if err := s.accounts.ChangePassword(ctx, actor(c), p.UserID, in.OldPassword, in.NewPassword, p.SessionID); err != nil {
		return err
	}
	t, err := s.auth.Reissue(ctx, p.UserID, p.SessionID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// PermissionTree is the catalogue of codes a caller can see, and which it holds.
type PermissionTree struct {
	Tree []*rbac.Node `json:"tree"`
	Held []string     `json:"held"`
} // @name PermissionTree

// listPermissions godoc
//
//	@Summary		权限目录
//	@Description	当前账号所属范围（企业、监管、平台）的权限编码树（菜单与按钮），以及当前账号拥有的编码。企业范围只列出可以授予岗位用户的编码；授权时只能勾选自己拥有的编码。
//	@Tags			权限
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	PermissionTree
//	@Router			/api/v1/permissions [get]
func (s *Server) listPermissions(c echo.Context) error {
	p := principal(c)
	held, err := s.authz.Codes(c.Request().Context(), p.Subject())
	if err != nil {
		return err
	}
	tree := rbac.GrantableTree()
	switch p.Kind {
	case rbac.KindRegulator:
		tree = rbac.Tree(rbac.ScopeRegion, rbac.ScopeOversight)
	case rbac.KindPlatformAdmin:
		tree = rbac.Tree(rbac.ScopePlatform, rbac.ScopeOversight)
	}
	return c.JSON(http.StatusOK, PermissionTree{Tree: tree, Held: held})
}
