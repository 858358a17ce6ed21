package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/rbac"
	"yqyb/internal/standard"
)

func (s *Server) templateRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/templates", Perm: loggedIn, Handler: s.listTemplates},
		{Method: http.MethodGet, Path: "/api/v1/templates/:id", Perm: loggedIn, Handler: s.getTemplate},
		{Method: http.MethodPost, Path: "/api/v1/templates/:id/categories", Perm: rbac.TemplateEdit, Handler: s.createTemplateCategory},
		{Method: http.MethodPut, Path: "/api/v1/template-categories/:id", Perm: rbac.TemplateEdit, Handler: s.updateTemplateCategory},
		{Method: http.MethodDelete, Path: "/api/v1/template-categories/:id", Perm: rbac.TemplateEdit, Handler: s.deleteTemplateCategory},
		{Method: http.MethodPost, Path: "/api/v1/template-items", Perm: rbac.TemplateEdit, Handler: s.createTemplateItem},
		{Method: http.MethodPut, Path: "/api/v1/template-items/:id", Perm: rbac.TemplateEdit, Handler: s.updateTemplateItem},
		{Method: http.MethodDelete, Path: "/api/v1/template-items/:id", Perm: rbac.TemplateEdit, Handler: s.deleteTemplateItem},
	}
}

// listTemplates godoc
//
//	@Summary		模板标准列表
//	@Description	每个主营业务的行业模板标准概况（类别数、条目数、重大隐患判定条目数、修订号）。每个模板都含各企业通用的消防、用电、特种设备、有限空间、危险化学品、应急管理等类别。
//	@Tags			模板标准
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{array}	standard.TemplateSummary
//	@Router			/api/v1/templates [get]
func (s *Server) listTemplates(c echo.Context) error {
	out, err := s.templates.List(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// getTemplate godoc
//
//	@Summary		模板标准详情
//	@Description	某主营业务的模板标准：类别及其条目（排查项目、排查内容、排查标准、依据、默认隐患等级、是否重大隐患判定条目）。
//	@Tags			模板标准
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"主营业务ID"
//	@Success		200	{object}	standard.TemplateView
//	@Failure		404	{object}	ErrorBody	"template_not_found"
//	@Router			/api/v1/templates/{id} [get]
func (s *Server) getTemplate(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	v, err := s.templates.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// createTemplateCategory godoc
//
//	@Summary		新建模板类别
//	@Tags			模板标准
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"主营业务ID"
//	@Param			body	body		standard.CategoryInput	true	"类别"
//	@Success		201		{object}	standard.TemplateCategory
//	@Failure		403	{object}	ErrorBody	"forbidden（只有市级监管账号和平台管理员可以维护行业模板）"
//	@Router			/api/v1/templates/{id}/categories [post]
func (s *Server) createTemplateCategory(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in standard.CategoryInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.templates.CreateCategory(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// updateTemplateCategory godoc
//
//	@Summary		修改模板类别
//	@Tags			模板标准
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"类别ID"
//	@Param			body	body		standard.CategoryInput	true	"类别"
//	@Success		200		{object}	standard.TemplateCategory
//	@Failure		404		{object}	ErrorBody	"template_category_not_found"
//	@Failure		403	{object}	ErrorBody	"forbidden（只有市级监管账号和平台管理员可以维护行业模板）"
//	@Router			/api/v1/template-categories/{id} [put]
func (s *Server) updateTemplateCategory(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in standard.CategoryInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.templates.UpdateCategory(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// deleteTemplateCategory godoc
//
//	@Summary		删除模板类别
//	@Description	只能删除没有条目的类别。
//	@Tags			模板标准
//	@Security		BearerAuth
//	@Param			id	path	int	true	"类别ID"
//	@Success		204
//	@Failure		409	{object}	ErrorBody	"template_category_not_empty"
//	@Failure		403	{object}	ErrorBody	"forbidden（只有市级监管账号和平台管理员可以维护行业模板）"
//	@Router			/api/v1/template-categories/{id} [delete]
func (s *Server) deleteTemplateCategory(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.templates.DeleteCategory(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// createTemplateItem godoc
//
//	@Summary		新建模板条目
//	@Description	在模板类别中新建条目；grade 为默认隐患等级 A～D，重大隐患判定条目固定为 A。已复制该模板的企业会在“模板变更”中看到新增条目，但其企业标准不会被自动修改。
//	@Tags			模板标准
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		standard.ItemInput	true	"条目"
//	@Success		201		{object}	standard.TemplateItem
//	@Failure		403	{object}	ErrorBody	"forbidden（只有市级监管账号和平台管理员可以维护行业模板）"
//	@Router			/api/v1/template-items [post]
func (s *Server) createTemplateItem(c echo.Context) error {
	var in standard.ItemInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.templates.CreateItem(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// updateTemplateItem godoc
//
//	@Summary		修改模板条目
//	@Tags			模板标准
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int					true	"条目ID"
//	@Param			body	body		standard.ItemInput	true	"条目"
//	@Success		200		{object}	standard.TemplateItem
//	@Failure		404		{object}	ErrorBody	"template_item_not_found"
//	@Failure		403	{object}	ErrorBody	"forbidden（只有市级监管账号和平台管理员可以维护行业模板）"
//	@Router			/api/v1/template-items/{id} [put]
func (s *Server) updateTemplateItem(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in standard.ItemInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.templates.UpdateItem(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// deleteTemplateItem godoc
//
//	@Summary		删除模板条目
//	@Tags			模板标准
//	@Security		BearerAuth
//	@Param			id	path	int	true	"条目ID"
//	@Success		204
//	@Failure		403	{object}	ErrorBody	"forbidden（只有市级监管账号和平台管理员可以维护行业模板）"
//	@Router			/api/v1/template-items/{id} [delete]
func (s *Server) deleteTemplateItem(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.templates.DeleteItem(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
