package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/apikey"
	"yqyb/internal/rbac"
)

// An enterprise's keys (its admin, or a post user granted sys:apikey) and a regulator's keys (its region)
// are managed on two sets of routes with one set of rules: the owner is taken from the caller's token,
// never from the request.
func (s *Server) apiKeyRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/api-key-scopes", Perm: rbac.APIKeyManage, Handler: s.listAPIKeyScopes},
		{Method: http.MethodGet, Path: "/api/v1/api-keys", Perm: rbac.APIKeyManage, Handler: s.listAPIKeys},
		{Method: http.MethodPost, Path: "/api/v1/api-keys", Perm: rbac.APIKeyManage, Handler: s.createAPIKey},
		{Method: http.MethodPost, Path: "/api/v1/api-keys/:id/revoke", Perm: rbac.APIKeyManage, Handler: s.revokeAPIKey},
		{Method: http.MethodGet, Path: "/api/v1/regulator/api-key-scopes", Perm: rbac.RegAPIKeyManage, Handler: s.listRegionAPIKeyScopes},
		{Method: http.MethodGet, Path: "/api/v1/regulator/api-keys", Perm: rbac.RegAPIKeyManage, Handler: s.listRegionAPIKeys},
		{Method: http.MethodPost, Path: "/api/v1/regulator/api-keys", Perm: rbac.RegAPIKeyManage, Handler: s.createRegionAPIKey},
		{Method: http.MethodPost, Path: "/api/v1/regulator/api-keys/:id/revoke", Perm: rbac.RegAPIKeyManage, Handler: s.revokeRegionAPIKey},
	}
}

// enterpriseKeyOwner is the caller as the owner of its enterprise's keys.
func enterpriseKeyOwner(c echo.Context) (apikey.Owner, error) {
	ent, err := enterpriseOf(c)
	if err != nil {
		return apikey.Owner{}, err
	}
	p := principal(c)
	return apikey.Owner{UserID: p.UserID, Kind: p.Kind, EnterpriseID: ent, SessionID: p.SessionID, Actor: actor(c)}, nil
}

// regionKeyOwner is the caller as the owner of its region's keys.
func regionKeyOwner(c echo.Context) (apikey.Owner, error) {
	if _, err := regionPathOf(c); err != nil {
		return apikey.Owner{}, err
	}
	p := principal(c)
	if p.EnterpriseID != 0 || p.RegionID == 0 {
		return apikey.Owner{}, errNoRegion
	}
	return apikey.Owner{UserID: p.UserID, Kind: p.Kind, RegionID: p.RegionID, SessionID: p.SessionID, Actor: actor(c)}, nil
}

// APIKeyScopes lists the scopes the caller can give a key.
type APIKeyScopes struct {
	Items []apikey.Scope `json:"items"`
} // @name APIKeyScopes

// listAPIKeyScopes godoc
//
//	@Summary		API密钥可选的权限范围
//	@Description	本账号可以授予API密钥的权限范围。只读范围（:read）只允许 GET/HEAD 请求；写范围（:write）允许其所列权限码的全部操作。密钥在任何情况下都不超出创建账号当时持有的权限。
//	@Tags			API密钥
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	APIKeyScopes
//	@Router			/api/v1/api-key-scopes [get]
func (s *Server) listAPIKeyScopes(c echo.Context) error {
	return c.JSON(http.StatusOK, APIKeyScopes{Items: apikey.ScopesFor(principal(c).Kind)})
}

// listRegionAPIKeyScopes godoc
//
//	@Summary		API密钥可选的权限范围（监管）
//	@Description	监管账号可以授予API密钥的权限范围，规则同企业。
//	@Tags			API密钥
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	APIKeyScopes
//	@Router			/api/v1/regulator/api-key-scopes [get]
func (s *Server) listRegionAPIKeyScopes(c echo.Context) error {
	return c.JSON(http.StatusOK, APIKeyScopes{Items: apikey.ScopesFor(principal(c).Kind)})
}

// listAPIKeys godoc
//
//	@Summary		API密钥列表
//	@Description	本企业的API密钥（含已吊销、已过期的），只显示前缀，从不显示密钥本身。
//	@Tags			API密钥
//	@Produce		json
//	@Security		BearerAuth
//	@Param			page		query		int		false	"页码"
//	@Param			page_size	query		int		false	"每页条数"
//	@Param			sort		query		string	false	"排序：id、created_at、last_used_at，默认 -id"
//	@Success		200			{object}	APIKeyPage
//	@Router			/api/v1/api-keys [get]
func (s *Server) listAPIKeys(c echo.Context) error {
	return s.listKeys(c, enterpriseKeyOwner)
}

// listRegionAPIKeys godoc
//
//	@Summary		API密钥列表（监管）
//	@Description	本辖区监管账号的API密钥（含已吊销、已过期的），只显示前缀，从不显示密钥本身。
//	@Tags			API密钥
//	@Produce		json
//	@Security		BearerAuth
//	@Param			page		query		int		false	"页码"
//	@Param			page_size	query		int		false	"每页条数"
//	@Param			sort		query		string	false	"排序：id、created_at、last_used_at，默认 -id"
//	@Success		200			{object}	APIKeyPage
//	@Failure		403			{object}	ErrorBody	"region_required"
//	@Router			/api/v1/regulator/api-keys [get]
func (s *Server) listRegionAPIKeys(c echo.Context) error {
	return s.listKeys(c, regionKeyOwner)
}

func (s *Server) listKeys(c echo.Context, ownerOf func(echo.Context) (apikey.Owner, error)) error {
	o, err := ownerOf(c)
	if err != nil {
		return err
	}
	q, err := apikey.Spec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	page, err := s.apikeys.List(c.Request().Context(), o, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// createAPIKey godoc
//
//	@Summary		新建API密钥
//	@Description	为对接程序新建API密钥。密钥以创建账号的身份访问，范围收窄到所选权限范围，不超出创建账号的权限与本企业；创建账号停用或失去权限时，密钥随之失效。返回的 key 只显示这一次，服务器只保存其摘要。调用时放在请求头 Authorization: Bearer <key>。每次使用都记入审计日志。
//	@Tags			API密钥
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		apikey.CreateInput	true	"API密钥"
//	@Success		201		{object}	apikey.Created
//	@Router			/api/v1/api-keys [post]
func (s *Server) createAPIKey(c echo.Context) error {
	return s.createKey(c, enterpriseKeyOwner)
}

// createRegionAPIKey godoc
//
//	@Summary		新建API密钥（监管）
//	@Description	监管账号为对接程序新建API密钥，范围不超出本账号的权限与辖区。返回的 key 只显示这一次。
//	@Tags			API密钥
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		apikey.CreateInput	true	"API密钥"
//	@Success		201		{object}	apikey.Created
//	@Failure		403		{object}	ErrorBody	"region_required"
//	@Router			/api/v1/regulator/api-keys [post]
func (s *Server) createRegionAPIKey(c echo.Context) error {
	return s.createKey(c, regionKeyOwner)
}

func (s *Server) createKey(c echo.Context, ownerOf func(echo.Context) (apikey.Owner, error)) error {
	o, err := ownerOf(c)
	if err != nil {
		return err
	}
	var in apikey.CreateInput
	if err := bind(c, &in); err != nil {
		return err
	}
	k, err := s.apikeys.Create(c.Request().Context(), o, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, k)
}

// revokeAPIKey godoc
//
//	@Summary		吊销API密钥
//	@Description	立即吊销：所有实例上的下一个请求即被拒绝（401 api_key_revoked）。
//	@Tags			API密钥
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"密钥ID"
//	@Success		200	{object}	apikey.View
//	@Failure		404	{object}	ErrorBody	"api_key_not_found"
//	@Failure		409	{object}	ErrorBody	"api_key_already_revoked"
//	@Router			/api/v1/api-keys/{id}/revoke [post]
func (s *Server) revokeAPIKey(c echo.Context) error {
	return s.revokeKey(c, enterpriseKeyOwner)
}

// revokeRegionAPIKey godoc
//
//	@Summary		吊销API密钥（监管）
//	@Description	立即吊销本辖区的API密钥：所有实例上的下一个请求即被拒绝。
//	@Tags			API密钥
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"密钥ID"
//	@Success		200	{object}	apikey.View
//	@Failure		403	{object}	ErrorBody	"region_required"
//	@Failure		404	{object}	ErrorBody	"api_key_not_found"
//	@Failure		409	{object}	ErrorBody	"api_key_already_revoked"
//	@Router			/api/v1/regulator/api-keys/{id}/revoke [post]
func (s *Server) revokeRegionAPIKey(c echo.Context) error {
	return s.revokeKey(c, regionKeyOwner)
}

func (s *Server) revokeKey(c echo.Context, ownerOf func(echo.Context) (apikey.Owner, error)) error {
	o, err := ownerOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	k, err := s.apikeys.Revoke(c.Request().Context(), o, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, k)
}
