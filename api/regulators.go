package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/account"
	"yqyb/internal/rbac"
)

func (s *Server) regulatorRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/platform/regulators", Perm: rbac.PlatRegulatorView, Handler: s.listRegulators},
		{Method: http.MethodPost, Path: "/api/v1/platform/regulators", Perm: rbac.PlatRegulatorCreate, Handler: s.createRegulator},
		{Method: http.MethodGet, Path: "/api/v1/platform/regulators/:id", Perm: rbac.PlatRegulatorView, Handler: s.getRegulator},
		{Method: http.MethodPut, Path: "/api/v1/platform/regulators/:id", Perm: rbac.PlatRegulatorUpdate, Handler: s.updateRegulator},
		{Method: http.MethodPost, Path: "/api/v1/platform/regulators/:id/disable", Perm: rbac.PlatRegulatorDisable, Handler: s.disableRegulator},
		{Method: http.MethodPost, Path: "/api/v1/platform/regulators/:id/enable", Perm: rbac.PlatRegulatorDisable, Handler: s.enableRegulator},
		{Method: http.MethodPost, Path: "/api/v1/platform/regulators/:id/reset-password", Perm: rbac.PlatRegulatorReset, Handler: s.resetRegulatorPassword},
	}
}

// listRegulators godoc
//
//	@Summary		监管账号列表
//	@Tags			平台管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			q			query		string	false	"关键字"
//	@Param			region_id	query		int		false	"区域"
//	@Param			status		query		string	false	"状态"	Enums(active, disabled)
//	@Param			page		query		int		false	"页码"
//	@Param			page_size	query		int		false	"每页条数"
//	@Param			sort		query		string	false	"排序"
//	@Success		200			{object}	UserPage
//	@Router			/api/v1/platform/regulators [get]
func (s *Server) listRegulators(c echo.Context) error {
	q, err := account.UserSpec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	f := account.UserFilter{Keyword: c.QueryParam("q")}
	if f.RegionID, err = queryID(c, "region_id", "区域"); err != nil {
		return err
	}
	if f.Status, err = queryEnum(c, "status", "状态", account.StatusActive, account.StatusDisabled); err != nil {
		return err
	}
	page, err := s.accounts.ListRegulators(c.Request().Context(), f, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// createRegulator godoc
//
//	@Summary		新建监管账号
//	@Description	新建绑定到某一区域（市、区或街道）的监管账号，监管范围为该区域及其下级区域。返回的临时密码只显示这一次。
//	@Tags			平台管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		account.NewRegulatorInput	true	"监管账号"
//	@Success		201		{object}	CreatedUser
//	@Failure		404		{object}	ErrorBody	"region_not_found"
//	@Failure		409		{object}	ErrorBody	"login_name_taken"
//	@Router			/api/v1/platform/regulators [post]
func (s *Server) createRegulator(c echo.Context) error {
	var in account.NewRegulatorInput
	if err := bind(c, &in); err != nil {
		return err
	}
	u, pw, err := s.accounts.CreateRegulator(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, CreatedUser{User: u, TemporaryPassword: pw})
}

// getRegulator godoc
//
//	@Summary		监管账号详情
//	@Tags			平台管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"用户ID"
//	@Success		200	{object}	account.UserView
//	@Failure		404	{object}	ErrorBody	"user_not_found"
//	@Router			/api/v1/platform/regulators/{id} [get]
func (s *Server) getRegulator(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, err := s.accounts.Regulator(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// updateRegulator godoc
//
//	@Summary		修改监管账号
//	@Tags			平台管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"用户ID"
//	@Param			body	body		account.RegulatorInput	true	"监管账号"
//	@Success		200		{object}	account.UserView
//	@Failure		404		{object}	ErrorBody	"user_not_found | region_not_found"
//	@Router			/api/v1/platform/regulators/{id} [put]
func (s *Server) updateRegulator(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in account.RegulatorInput
	if err := bind(c, &in); err != nil {
		return err
	}
	u, err := s.accounts.UpdateRegulator(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// disableRegulator godoc
//
//	@Summary		停用监管账号
//	@Tags			平台管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"用户ID"
//	@Success		200	{object}	account.UserView
//	@Router			/api/v1/platform/regulators/{id}/disable [post]
func (s *Server) disableRegulator(c echo.Context) error {
	return s.setRegulatorStatus(c, account.StatusDisabled)
}

// enableRegulator godoc
//
//	@Summary		启用监管账号
//	@Tags			平台管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"用户ID"
//	@Success		200	{object}	account.UserView
//	@Router			/api/v1/platform/regulators/{id}/enable [post]
func (s *Server) enableRegulator(c echo.Context) error {
	return s.setRegulatorStatus(c, account.StatusActive)
}

func (s *Server) setRegulatorStatus(c echo.Context, status string) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, err := s.accounts.SetRegulatorStatus(c.Request().Context(), actor(c), id, status)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// resetRegulatorPassword godoc
//
//	@Summary		重置监管账号密码
//	@Tags			平台管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"用户ID"
//	@Success		200	{object}	TemporaryPassword
//	@Router			/api/v1/platform/regulators/{id}/reset-password [post]
func (s *Server) resetRegulatorPassword(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	pw, err := s.accounts.ResetRegulatorPassword(ctx, actor(c), id)
	if err != nil {
		return err
	}
	u, err := s.accounts.Regulator(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, TemporaryPassword{LoginName: u.LoginName, TemporaryPassword: pw})
}
