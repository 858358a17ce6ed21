package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/org"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/listq"
	"yqyb/internal/rbac"
)

func (s *Server) regulatorRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/regulator/enterprises", Perm: rbac.RegEnterpriseView, Handler: s.regulatorEnterprises},
		{Method: http.MethodPost, Path: "/api/v1/regulator/enterprises/:id/reset-password", Perm: rbac.RegEnterpriseReset, Handler: s.resetEnterprisePassword},
	}
}

func (s *Server) platformRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/platform/regulators", Perm: rbac.PlatRegulatorView, Handler: s.listRegulators},
		{Method: http.MethodPost, Path: "/api/v1/platform/regulators", Perm: rbac.PlatRegulatorCreate, Handler: s.createRegulator},
		{Method: http.MethodGet, Path: "/api/v1/platform/regulators/:id", Perm: rbac.PlatRegulatorView, Handler: s.getRegulator},
		{Method: http.MethodPut, Path: "/api/v1/platform/regulators/:id", Perm: rbac.PlatRegulatorUpdate, Handler: s.updateRegulator},
		{Method: http.MethodPost, Path: "/api/v1/platform/regulators/:id/disable", Perm: rbac.PlatRegulatorDisable, Handler: s.disableRegulator},
		{Method: http.MethodPost, Path: "/api/v1/platform/regulators/:id/enable", Perm: rbac.PlatRegulatorDisable, Handler: s.enableRegulator},
		{Method: http.MethodPost, Path: "/api/v1/platform/regulators/:id/reset-password", Perm: rbac.PlatRegulatorReset, Handler: s.resetRegulatorPassword},
		{Method: http.MethodGet, Path: "/api/v1/platform/audit-logs", Perm: rbac.PlatAuditView, Handler: s.listAllAudit},
	}
}

// EnterprisePage is a page of enterprises.
type EnterprisePage = listq.Page[org.EnterpriseListItem]

// errNoRegion guards regulator routes against callers without a region.
var errNoRegion = apperr.New(apperr.Forbidden, "region_required", "此功能仅限监管账号使用")

func regionPathOf(c echo.Context) (string, error) {
	p := principal(c)
	if p.RegionPath == "" {
		return "", errNoRegion
	}
	return p.RegionPath, nil
}

// regulatorEnterprises godoc
//
//	@Summary		辖区企业
//	@Description	监管账号所属区域及其下级区域内的企业，可按关键字（企业名称、信用代码）和下级区域筛选；其他区域的企业不会出现。
//	@Tags			监管
//	@Produce		json
//	@Security		BearerAuth
//	@Param			q			query		string	false	"关键字"
//	@Param			region_id	query		int		false	"下级区域"
//	@Param			page		query		int		false	"页码"
//	@Param			page_size	query		int		false	"每页条数"
//	@Param			sort		query		string	false	"排序：name、credit_code、created_at、id"
//	@Success		200			{object}	EnterprisePage
//	@Router			/api/v1/regulator/enterprises [get]
func (s *Server) regulatorEnterprises(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	q, err := org.EnterpriseSpec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	region, err := queryID(c, "region_id", "区域")
	if err != nil {
		return err
	}
	page, err := org.ListInRegion(c.Request().Context(), s.deps.DB, path, c.QueryParam("q"), region, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// ResetEnterpriseRequest names which account of an enterprise to reset.
type ResetEnterpriseRequest struct {
	Account string `json:"account" label:"账号" validate:"required,oneof=enterprise_admin enterprise_user" enums:"enterprise_admin,enterprise_user"`
} // @name ResetEnterpriseRequest

// resetEnterprisePassword godoc
//
//	@Summary		重置企业账号密码
//	@Description	为辖区内企业的企业管理账号（enterprise_admin，个人用户登录）或企业用户账号（enterprise_user，企业用户登录）生成临时密码，只显示这一次；企业下次登录须修改。其他区域的企业返回 404。
//	@Tags			监管
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"企业ID"
//	@Param			body	body		ResetEnterpriseRequest	true	"账号"
//	@Success		200		{object}	TemporaryPassword
//	@Failure		404		{object}	ErrorBody	"enterprise_not_found | user_not_found"
//	@Router			/api/v1/regulator/enterprises/{id}/reset-password [post]
func (s *Server) resetEnterprisePassword(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in ResetEnterpriseRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	ctx := c.Request().Context()
	e, err := org.EnterpriseInRegion(ctx, s.deps.DB, path, id)
	if err != nil {
		return err
	}
	u, err := s.accounts.EnterpriseAccount(ctx, e.ID, in.Account)
	if err != nil {
		return err
	}
	pw, err := s.accounts.ResetPassword(ctx, actor(c), u, "监管部门重置："+e.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, TemporaryPassword{LoginName: u.LoginName, TemporaryPassword: pw})
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
//	@Param			body	body		account.RegulatorInput	true	"监管账号"
//	@Success		201		{object}	CreatedUser
//	@Failure		404		{object}	ErrorBody	"region_not_found"
//	@Failure		409		{object}	ErrorBody	"login_name_taken"
//	@Router			/api/v1/platform/regulators [post]
func (s *Server) createRegulator(c echo.Context) error {
	var in account.RegulatorInput
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

// listAllAudit godoc
//
//	@Summary		全平台审计日志
//	@Description	所有企业、监管账号和平台的审计日志，包括用户名不存在的登录失败。
//	@Tags			平台管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			action		query		string	false	"操作类型"
//	@Param			q			query		string	false	"关键字（操作人、对象）"
//	@Param			from		query		string	false	"起始日期 YYYY-MM-DD"
//	@Param			to			query		string	false	"截止日期 YYYY-MM-DD（含当日）"
//	@Param			page		query		int		false	"页码"
//	@Param			page_size	query		int		false	"每页条数"
//	@Param			sort		query		string	false	"排序：at、id"
//	@Success		200			{object}	AuditPage
//	@Router			/api/v1/platform/audit-logs [get]
func (s *Server) listAllAudit(c echo.Context) error {
	return s.respondAudit(c, audit.Filter{AllTenants: true})
}
