package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/rbac"
	"yqyb/internal/setup"
)

func (s *Server) setupRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/setup", Perm: rbac.SetupView, Handler: s.getSetupStatus},
	}
}

// getSetupStatus godoc
//
//	@Summary		初始化与信息完备率
//	@Description	企业的初始化步骤（建立部门、岗位、岗位用户、企业标准、岗位清单、上传岗位责任制）各自是否完成、缺什么，以及信息完备率（FAQ 5）：部门信息（有部门即100）、个性化标准（有标准条目即100）、岗位清单（有清单的在用岗位占比）、岗位责任制（已上传的在用岗位占比）四项的平均值；没有在用岗位时后两项为0，停用的岗位不计。初始化未完成时，企业管理账号登录后进入初始化页面。
//	@Tags			初始化
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	setup.Status
//	@Router			/api/v1/setup [get]
func (s *Server) getSetupStatus(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var st setup.Status
	if st, err = s.setup.Status(c.Request().Context(), ent); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}
