package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/audit"
	"yqyb/internal/rbac"
)

func (s *Server) auditRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/audit-logs", Perm: rbac.AuditView, Handler: s.listAudit},
		{Method: http.MethodGet, Path: "/api/v1/platform/audit-logs", Perm: rbac.PlatAuditView, Handler: s.listAllAudit},
	}
}

// listAudit godoc
//
//	@Summary		审计日志
//	@Description	本企业的审计日志：登录、登录失败、锁定、修改与重置密码、用户、角色和授权的每次变更（谁、何时、做了什么、变更前后）。
//	@Tags			用户管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			action		query		string	false	"操作类型，如 login、password_reset、role_grant"
//	@Param			q			query		string	false	"关键字（操作人、对象）"
//	@Param			from		query		string	false	"起始日期 YYYY-MM-DD（北京时间）"	format(date)
//	@Param			to			query		string	false	"截止日期 YYYY-MM-DD（含当日）"	format(date)
//	@Param			page		query		int		false	"页码"
//	@Param			page_size	query		int		false	"每页条数"
//	@Param			sort		query		string	false	"排序：at、id，默认 -id"
//	@Success		200			{object}	AuditPage
//	@Router			/api/v1/audit-logs [get]
func (s *Server) listAudit(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	return s.respondAudit(c, audit.Filter{EnterpriseID: ent})
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
//	@Param			from		query		string	false	"起始日期 YYYY-MM-DD"	format(date)
//	@Param			to			query		string	false	"截止日期 YYYY-MM-DD（含当日）"	format(date)
//	@Param			page		query		int		false	"页码"
//	@Param			page_size	query		int		false	"每页条数"
//	@Param			sort		query		string	false	"排序：at、id"
//	@Success		200			{object}	AuditPage
//	@Router			/api/v1/platform/audit-logs [get]
func (s *Server) listAllAudit(c echo.Context) error {
	return s.respondAudit(c, audit.Filter{AllTenants: true})
}

func (s *Server) respondAudit(c echo.Context, f audit.Filter) error {
	q, err := audit.Spec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	f.Action = c.QueryParam("action")
	f.Keyword = c.QueryParam("q")
	if f.From, err = queryDate(c, "from", "起始日期", false); err != nil {
		return err
	}
	if f.To, err = queryDate(c, "to", "截止日期", true); err != nil {
		return err
	}
	page, err := s.audit.List(c.Request().Context(), f, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}
