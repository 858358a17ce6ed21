package api

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/enterprise"
	"yqyb/internal/platform/clock"
	"yqyb/internal/rbac"
	"yqyb/internal/standard"
)

func (s *Server) standardRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/templates", Perm: loggedIn, Handler: s.listTemplates},
		{Method: http.MethodGet, Path: "/api/v1/templates/:id", Perm: loggedIn, Handler: s.getTemplate},
		{Method: http.MethodPost, Path: "/api/v1/templates/:id/categories", Perm: rbac.TemplateEdit, Handler: s.createTemplateCategory},
		{Method: http.MethodPut, Path: "/api/v1/template-categories/:id", Perm: rbac.TemplateEdit, Handler: s.updateTemplateCategory},
		{Method: http.MethodDelete, Path: "/api/v1/template-categories/:id", Perm: rbac.TemplateEdit, Handler: s.deleteTemplateCategory},
		{Method: http.MethodPost, Path: "/api/v1/template-items", Perm: rbac.TemplateEdit, Handler: s.createTemplateItem},
		{Method: http.MethodPut, Path: "/api/v1/template-items/:id", Perm: rbac.TemplateEdit, Handler: s.updateTemplateItem},
		{Method: http.MethodDelete, Path: "/api/v1/template-items/:id", Perm: rbac.TemplateEdit, Handler: s.deleteTemplateItem},

		{Method: http.MethodGet, Path: "/api/v1/standard", Perm: rbac.StandardView, Handler: s.getStandard},
		{Method: http.MethodPost, Path: "/api/v1/standard", Perm: rbac.StandardEdit, Handler: s.createStandard},
		{Method: http.MethodPost, Path: "/api/v1/standard/categories", Perm: rbac.StandardEdit, Handler: s.createStandardCategory},
		{Method: http.MethodPut, Path: "/api/v1/standard/categories/:id", Perm: rbac.StandardEdit, Handler: s.renameStandardCategory},
		{Method: http.MethodDelete, Path: "/api/v1/standard/categories/:id", Perm: rbac.StandardEdit, Handler: s.deleteStandardCategory},
		{Method: http.MethodPut, Path: "/api/v1/standard/category-order", Perm: rbac.StandardEdit, Handler: s.reorderStandardCategories},
		{Method: http.MethodPut, Path: "/api/v1/standard/categories/:id/item-order", Perm: rbac.StandardEdit, Handler: s.reorderStandardItems},
		{Method: http.MethodPost, Path: "/api/v1/standard/items", Perm: rbac.StandardEdit, Handler: s.createStandardItem},
		{Method: http.MethodPut, Path: "/api/v1/standard/items/:id", Perm: rbac.StandardEdit, Handler: s.updateStandardItem},
		{Method: http.MethodDelete, Path: "/api/v1/standard/items/:id", Perm: rbac.StandardEdit, Handler: s.deleteStandardItem},
		{Method: http.MethodGet, Path: "/api/v1/standard/template-changes", Perm: rbac.StandardView, Handler: s.templateChanges},
		{Method: http.MethodPost, Path: "/api/v1/standard/template-changes", Perm: rbac.StandardEdit, Handler: s.applyTemplateChanges},

		{Method: http.MethodGet, Path: "/api/v1/hazard-grades", Perm: loggedIn, Handler: s.listGrades},
		{Method: http.MethodPost, Path: "/api/v1/hazard-grades", Perm: rbac.GradeEdit, Handler: s.createGrade},
		{Method: http.MethodPut, Path: "/api/v1/hazard-grades/:id", Perm: rbac.GradeEdit, Handler: s.updateGrade},
		{Method: http.MethodDelete, Path: "/api/v1/hazard-grades/:id", Perm: rbac.GradeEdit, Handler: s.deleteGrade},

		{Method: http.MethodGet, Path: "/api/v1/checklists", Perm: rbac.ChecklistView, Handler: s.listChecklists},
		{Method: http.MethodPost, Path: "/api/v1/checklists", Perm: rbac.ChecklistEdit, Handler: s.createChecklist},
		{Method: http.MethodGet, Path: "/api/v1/checklists/:id", Perm: rbac.ChecklistView, Handler: s.getChecklist},
		{Method: http.MethodPut, Path: "/api/v1/checklists/:id", Perm: rbac.ChecklistEdit, Handler: s.updateChecklist},
		{Method: http.MethodDelete, Path: "/api/v1/checklists/:id", Perm: rbac.ChecklistEdit, Handler: s.deleteChecklist},
		{Method: http.MethodPost, Path: "/api/v1/checklists/:id/disable", Perm: rbac.ChecklistEdit, Handler: s.disableChecklist},
		{Method: http.MethodPost, Path: "/api/v1/checklists/:id/enable", Perm: rbac.ChecklistEdit, Handler: s.enableChecklist},
		{Method: http.MethodGet, Path: "/api/v1/checklist-coverage", Perm: rbac.ChecklistView, Handler: s.checklistCoverage},
		{Method: http.MethodGet, Path: "/api/v1/checklist-import/template", Perm: rbac.ChecklistImport, Handler: s.checklistImportTemplate},
		{Method: http.MethodPost, Path: "/api/v1/checklist-import", Perm: rbac.ChecklistImport, Handler: s.importChecklists},
		{Method: http.MethodGet, Path: "/api/v1/checklist-export", Perm: rbac.ChecklistExport, Handler: s.exportChecklists},
		{Method: http.MethodGet, Path: "/api/v1/my/checklists", Perm: rbac.InspectView, Handler: s.myChecklists},
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

// getStandard godoc
//
//	@Summary		企业标准
//	@Description	本企业的个性化标准（适用于全公司，可分解为多个岗位清单，FAQ 13）：类别及条目，每个条目注明被几个岗位清单采用（0 表示未被任何清单覆盖），以及模板自复制以来的变更数。尚未建立时 created=false，并给出将采用的主营业务模板。
//	@Tags			企业标准
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	standard.View
//	@Router			/api/v1/standard [get]
func (s *Server) getStandard(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	v, err := s.standards.Get(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// CreateStandardRequest chooses how to start the standard.
type CreateStandardRequest struct {
	// FromTemplate copies the template of the enterprise's main business; false starts empty.
	FromTemplate bool `json:"from_template"`
} // @name CreateStandardRequest

// createStandard godoc
//
//	@Summary		建立企业标准
//	@Description	从本企业主营业务的模板复制（from_template=true）或建立空白标准。复制的标准归企业所有，可任意增删改；之后模板的修改不会自动改变它（FAQ 6）。同时建立默认的 A、B、C、D 隐患等级方案（A 对应重大隐患）。
//	@Tags			企业标准
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateStandardRequest	true	"方式"
//	@Success		201		{object}	standard.View
//	@Failure		400		{object}	ErrorBody	"main_business_missing"
//	@Failure		409		{object}	ErrorBody	"standard_exists"
//	@Router			/api/v1/standard [post]
func (s *Server) createStandard(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in CreateStandardRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	v, err := s.standards.Create(c.Request().Context(), actor(c), ent, in.FromTemplate)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}

// createStandardCategory godoc
//
//	@Summary		新建标准类别
//	@Tags			企业标准
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		standard.CategoryInput	true	"类别"
//	@Success		201		{object}	standard.Category
//	@Failure		404		{object}	ErrorBody	"standard_not_created"
//	@Failure		409		{object}	ErrorBody	"standard_category_taken"
//	@Router			/api/v1/standard/categories [post]
func (s *Server) createStandardCategory(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in standard.CategoryInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.standards.CreateCategory(c.Request().Context(), actor(c), ent, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// renameStandardCategory godoc
//
//	@Summary		重命名标准类别
//	@Tags			企业标准
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"类别ID"
//	@Param			body	body		standard.CategoryInput	true	"类别"
//	@Success		200		{object}	standard.Category
//	@Failure		404		{object}	ErrorBody	"standard_category_not_found"
//	@Failure		409		{object}	ErrorBody	"standard_category_taken"
//	@Router			/api/v1/standard/categories/{id} [put]
func (s *Server) renameStandardCategory(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in standard.CategoryInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.standards.RenameCategory(c.Request().Context(), actor(c), ent, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// deleteStandardCategory godoc
//
//	@Summary		删除标准类别
//	@Description	删除类别及其全部条目，这些条目同时从所有岗位清单中移除；已有排查记录保留当时的条目内容。
//	@Tags			企业标准
//	@Security		BearerAuth
//	@Param			id	path	int	true	"类别ID"
//	@Success		204
//	@Failure		404	{object}	ErrorBody	"standard_category_not_found"
//	@Router			/api/v1/standard/categories/{id} [delete]
func (s *Server) deleteStandardCategory(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	if err := s.standards.DeleteCategory(c.Request().Context(), actor(c), ent, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// IDsRequest is an ordered list of ids.
type IDsRequest struct {
	IDs []int64 `json:"ids" label:"顺序" validate:"required,max=5000"`
} // @name IDsRequest

// reorderStandardCategories godoc
//
//	@Summary		调整类别顺序
//	@Description	ids 须恰好是全部类别，按新的顺序排列（拖动排序）。
//	@Tags			企业标准
//	@Accept			json
//	@Security		BearerAuth
//	@Param			body	body	IDsRequest	true	"类别ID，按新顺序"
//	@Success		204
//	@Failure		400	{object}	ErrorBody	"order_mismatch"
//	@Router			/api/v1/standard/category-order [put]
func (s *Server) reorderStandardCategories(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in IDsRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	if err := s.standards.ReorderCategories(c.Request().Context(), actor(c), ent, in.IDs); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// reorderStandardItems godoc
//
//	@Summary		调整条目顺序
//	@Description	ids 须恰好是该类别的全部条目，按新的顺序排列。
//	@Tags			企业标准
//	@Accept			json
//	@Security		BearerAuth
//	@Param			id		path	int			true	"类别ID"
//	@Param			body	body	IDsRequest	true	"条目ID，按新顺序"
//	@Success		204
//	@Failure		400	{object}	ErrorBody	"order_mismatch"
//	@Router			/api/v1/standard/categories/{id}/item-order [put]
func (s *Server) reorderStandardItems(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in IDsRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	if err := s.standards.ReorderItems(c.Request().Context(), actor(c), ent, id, in.IDs); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// createStandardItem godoc
//
//	@Summary		新建标准条目
//	@Description	grade 为本企业隐患等级方案中的代码（可空）；is_major 表示该条目是重大事故隐患判定条目，在此发现的隐患一律为重大隐患。
//	@Tags			企业标准
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		standard.ItemInput	true	"条目"
//	@Success		201		{object}	standard.Item
//	@Failure		400		{object}	ErrorBody	"hazard_grade_unknown | validation_failed"
//	@Failure		404		{object}	ErrorBody	"standard_category_not_found"
//	@Router			/api/v1/standard/items [post]
func (s *Server) createStandardItem(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in standard.ItemInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.standards.CreateItem(c.Request().Context(), actor(c), ent, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// updateStandardItem godoc
//
//	@Summary		修改标准条目
//	@Description	修改条目（可移到其他类别）。条目版本号加一；已有的排查记录保留当时的条目内容，含义不变。
//	@Tags			企业标准
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int					true	"条目ID"
//	@Param			body	body		standard.ItemInput	true	"条目"
//	@Success		200		{object}	standard.Item
//	@Failure		404		{object}	ErrorBody	"standard_item_not_found"
//	@Router			/api/v1/standard/items/{id} [put]
func (s *Server) updateStandardItem(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in standard.ItemInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.standards.UpdateItem(c.Request().Context(), actor(c), ent, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// deleteStandardItem godoc
//
//	@Summary		删除标准条目
//	@Description	条目同时从所有岗位清单中移除。
//	@Tags			企业标准
//	@Security		BearerAuth
//	@Param			id	path	int	true	"条目ID"
//	@Success		204
//	@Failure		404	{object}	ErrorBody	"standard_item_not_found"
//	@Router			/api/v1/standard/items/{id} [delete]
func (s *Server) deleteStandardItem(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	if err := s.standards.DeleteItem(c.Request().Context(), actor(c), ent, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// templateChanges godoc
//
//	@Summary		模板变更
//	@Description	本企业复制模板以后，主营业务模板新增（added）、修改（updated）、删除（removed）的条目，以及企业标准中对应的副本。企业主营业务变更后（rebased=true）新模板的全部条目都列为可采纳。
//	@Tags			企业标准
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	standard.Changes
//	@Failure		404	{object}	ErrorBody	"standard_not_created"
//	@Router			/api/v1/standard/template-changes [get]
func (s *Server) templateChanges(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	out, err := s.standards.TemplateChanges(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// ApplyChangesRequest picks template changes to take in.
type ApplyChangesRequest struct {
	TemplateItemIDs []int64 `json:"template_item_ids" label:"模板条目" validate:"required,max=5000"`
	// DismissRest marks the changes not picked as seen, so they are no longer offered.
	DismissRest bool `json:"dismiss_rest,omitempty"`
} // @name ApplyTemplateChangesRequest

// applyTemplateChanges godoc
//
//	@Summary		采纳模板变更
//	@Description	把所选的模板变更并入企业标准：新增条目复制到同名类别（没有则新建），修改的条目覆盖企业副本，删除的条目删除企业副本。dismiss_rest=true 时其余变更标为已阅，不再提示。返回剩余的变更。
//	@Tags			企业标准
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		ApplyChangesRequest	true	"所选模板条目"
//	@Success		200		{object}	standard.Changes
//	@Router			/api/v1/standard/template-changes [post]
func (s *Server) applyTemplateChanges(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in ApplyChangesRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.standards.ApplyChanges(c.Request().Context(), actor(c), ent, in.TemplateItemIDs, in.DismissRest)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// listGrades godoc
//
//	@Summary		隐患等级方案
//	@Description	本企业的隐患等级（默认 A、B、C、D，可自定名称和数量），以及每个等级对应的管理级别：一般隐患（general）或重大隐患（major）（FAQ 14）。重大隐患判定条目上发现的隐患一律为重大隐患，不受等级影响。
//	@Tags			隐患等级
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{array}	standard.Grade
//	@Router			/api/v1/hazard-grades [get]
func (s *Server) listGrades(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	out, err := s.standards.Grades(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// createGrade godoc
//
//	@Summary		新建隐患等级
//	@Tags			隐患等级
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		standard.GradeInput	true	"等级"
//	@Success		201		{object}	standard.Grade
//	@Failure		409		{object}	ErrorBody	"hazard_grade_taken"
//	@Router			/api/v1/hazard-grades [post]
func (s *Server) createGrade(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in standard.GradeInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.standards.CreateGrade(c.Request().Context(), actor(c), ent, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// updateGrade godoc
//
//	@Summary		修改隐患等级 / 对应关系
//	@Description	修改等级名称、说明、排序，或它对应的一般/重大隐患。等级代码创建后不变。
//	@Tags			隐患等级
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int					true	"等级ID"
//	@Param			body	body		standard.GradeInput	true	"等级"
//	@Success		200		{object}	standard.Grade
//	@Failure		404		{object}	ErrorBody	"hazard_grade_not_found"
//	@Router			/api/v1/hazard-grades/{id} [put]
func (s *Server) updateGrade(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in standard.GradeInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.standards.UpdateGrade(c.Request().Context(), actor(c), ent, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// deleteGrade godoc
//
//	@Summary		删除隐患等级
//	@Description	只能删除未被标准条目或隐患使用的等级，且至少保留一个。
//	@Tags			隐患等级
//	@Security		BearerAuth
//	@Param			id	path	int	true	"等级ID"
//	@Success		204
//	@Failure		409	{object}	ErrorBody	"hazard_grade_in_use | hazard_grade_last"
//	@Router			/api/v1/hazard-grades/{id} [delete]
func (s *Server) deleteGrade(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	if err := s.standards.DeleteGrade(c.Request().Context(), actor(c), ent, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// listChecklists godoc
//
//	@Summary		岗位清单列表
//	@Description	本企业的岗位清单（一个岗位可有多个清单，如每日与每月）。
//	@Tags			岗位清单
//	@Produce		json
//	@Security		BearerAuth
//	@Param			post_id			query		int		false	"岗位"
//	@Param			department_id	query		int		false	"部门"
//	@Param			status			query		string	false	"状态"	Enums(active, disabled)
//	@Param			q				query		string	false	"关键字（清单、岗位名称）"
//	@Param			page			query		int		false	"页码"
//	@Param			page_size		query		int		false	"每页条数"
//	@Param			sort			query		string	false	"排序：post、name、frequency、created_at、id"
//	@Success		200				{object}	ChecklistPage
//	@Router			/api/v1/checklists [get]
func (s *Server) listChecklists(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	q, err := standard.ChecklistSpec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	f := standard.ChecklistFilter{Keyword: c.QueryParam("q")}
	if f.PostID, err = queryID(c, "post_id", "岗位"); err != nil {
		return err
	}
	if f.DepartmentID, err = queryID(c, "department_id", "部门"); err != nil {
		return err
	}
	if f.Status, err = queryEnum(c, "status", "状态", "active", "disabled"); err != nil {
		return err
	}
	page, err := s.standards.ListChecklists(c.Request().Context(), ent, f, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// createChecklist godoc
//
//	@Summary		新建岗位清单
//	@Description	从企业标准中选取条目，为某个岗位建立清单并设定排查频次（每日、每周、每半月、每月、每季度、每年；FAQ 8）。该岗位的所有岗位用户都使用此清单。
//	@Tags			岗位清单
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		standard.ChecklistInput	true	"清单"
//	@Success		201		{object}	standard.ChecklistDetail
//	@Failure		400		{object}	ErrorBody	"checklist_items_invalid"
//	@Failure		404		{object}	ErrorBody	"post_not_found"
//	@Failure		409		{object}	ErrorBody	"checklist_name_taken | checklist_post_disabled"
//	@Router			/api/v1/checklists [post]
func (s *Server) createChecklist(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in standard.ChecklistInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.standards.CreateChecklist(c.Request().Context(), actor(c), ent, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// getChecklist godoc
//
//	@Summary		岗位清单详情
//	@Tags			岗位清单
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"清单ID"
//	@Success		200	{object}	standard.ChecklistDetail
//	@Failure		404	{object}	ErrorBody	"checklist_not_found"
//	@Router			/api/v1/checklists/{id} [get]
func (s *Server) getChecklist(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	out, err := s.standards.GetChecklist(c.Request().Context(), ent, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// updateChecklist godoc
//
//	@Summary		修改岗位清单
//	@Description	修改清单的岗位、名称、频次，以及条目和它们的顺序（item_ids 为完整的新列表）。
//	@Tags			岗位清单
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"清单ID"
//	@Param			body	body		standard.ChecklistInput	true	"清单"
//	@Success		200		{object}	standard.ChecklistDetail
//	@Failure		404		{object}	ErrorBody	"checklist_not_found"
//	@Router			/api/v1/checklists/{id} [put]
func (s *Server) updateChecklist(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in standard.ChecklistInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.standards.UpdateChecklist(c.Request().Context(), actor(c), ent, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// deleteChecklist godoc
//
//	@Summary		删除岗位清单
//	@Description	已有排查记录的清单不能删除，请停用。
//	@Tags			岗位清单
//	@Security		BearerAuth
//	@Param			id	path	int	true	"清单ID"
//	@Success		204
//	@Failure		404	{object}	ErrorBody	"checklist_not_found"
//	@Failure		409	{object}	ErrorBody	"checklist_has_history"
//	@Router			/api/v1/checklists/{id} [delete]
func (s *Server) deleteChecklist(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	if err := s.standards.DeleteChecklist(c.Request().Context(), actor(c), ent, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// disableChecklist godoc
//
//	@Summary		停用岗位清单
//	@Tags			岗位清单
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"清单ID"
//	@Success		200	{object}	standard.ChecklistDetail
//	@Router			/api/v1/checklists/{id}/disable [post]
func (s *Server) disableChecklist(c echo.Context) error { return s.setChecklistStatus(c, "disabled") }

// enableChecklist godoc
//
//	@Summary		启用岗位清单
//	@Tags			岗位清单
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"清单ID"
//	@Success		200	{object}	standard.ChecklistDetail
//	@Router			/api/v1/checklists/{id}/enable [post]
func (s *Server) enableChecklist(c echo.Context) error { return s.setChecklistStatus(c, "active") }

func (s *Server) setChecklistStatus(c echo.Context, status string) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	out, err := s.standards.SetChecklistStatus(c.Request().Context(), actor(c), ent, id, status)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// checklistCoverage godoc
//
//	@Summary		清单覆盖情况
//	@Description	企业标准中未被任何在用岗位清单覆盖的条目，以及没有在用清单的在用岗位。
//	@Tags			岗位清单
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	standard.Coverage
//	@Router			/api/v1/checklist-coverage [get]
func (s *Server) checklistCoverage(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	out, err := s.standards.Coverage(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// checklistImportTemplate godoc
//
//	@Summary		清单导入模板
//	@Description	下载标准与岗位清单的 Excel 导入模板：部门、岗位、清单名称、排查频次、类别、排查项目、排查内容、排查标准、依据、隐患等级、重大隐患判定；部门、岗位、频次、等级列带本企业的下拉选项。
//	@Tags			岗位清单
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Success		200	{file}	file
//	@Router			/api/v1/checklist-import/template [get]
func (s *Server) checklistImportTemplate(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	b, err := s.standards.ImportTemplate(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return attachment(c, "标准与岗位清单导入模板.xlsx", xlsxType, bytes.NewReader(b))
}

// importChecklists godoc
//
//	@Summary		导入标准与岗位清单
//	@Description	上传按模板填写的 Excel（FAQ 19）：每行一个标准条目，填写部门和岗位时同时加入该岗位的清单。先逐行校验，任何一行有问题都整体不导入，返回 import_rejected，details.errors 逐条给出行号、列名和中文原因，如“第12行：公司不存在'仓储部'部门”“第13行：部门'仓储部'下不存在'叉车司机'岗位”；全部无误才在一个事务中写入。条目按“类别+排查项目+排查内容”识别：再次导入同一文件不会重复，修改后的文件会更新对应条目。最多 20000 行、10 MB，单元格不超过 2000 字（cell_too_long，给出行号和列名），全文不超过 500 万字（sheet_too_much_text）；公式、非 xlsx 文件、解压炸弹一律拒绝。每个实例同时最多进行两个导入，再有导入时等待至多 10 秒，仍无空位则返回 429 import_busy（带 Retry-After）。
//	@Tags			岗位清单
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			file	formData	file	true	"Excel 文件"
//	@Success		200		{object}	standard.ImportResult
//	@Failure		400		{object}	ErrorBody	"import_rejected | sheet_bad_header | sheet_empty | sheet_too_many_rows | cell_too_long | sheet_too_much_text"
//	@Failure		413		{object}	ErrorBody	"sheet_too_large"
//	@Failure		415		{object}	ErrorBody	"not_xlsx"
//	@Failure		429		{object}	ErrorBody	"import_busy"
//	@Router			/api/v1/checklist-import [post]
func (s *Server) importChecklists(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	f, _, err := formFile(c)
	if err != nil {
		return err
	}
	defer f.Close()
	out, err := s.standards.Import(c.Request().Context(), actor(c), ent, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// exportChecklists godoc
//
//	@Summary		导出标准与岗位清单
//	@Description	以导入模板的格式导出企业标准和全部在用岗位清单：每个清单条目一行，未被清单覆盖的条目单独成行（部门、岗位为空）。导出的文件可直接修改后再导入。
//	@Tags			岗位清单
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Success		200	{file}	file
//	@Router			/api/v1/checklist-export [get]
func (s *Server) exportChecklists(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	b, err := s.standards.Export(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return attachment(c, enterprise.FileName("企业标准与岗位清单", s.deps.Clock.Now().In(clock.Business)), xlsxType, bytes.NewReader(b))
}

// myChecklists godoc
//
//	@Summary		我的岗位清单
//	@Description	岗位用户看到的本岗位在用清单（隐患管理 → 隐患排查）。没有清单时 checklists 为空，reason 说明原因（如岗位尚未匹配岗位清单，FAQ 9）。
//	@Tags			岗位清单
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	standard.MyChecklists
//	@Router			/api/v1/my/checklists [get]
func (s *Server) myChecklists(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	out, err := s.standards.ForPost(c.Request().Context(), ent, principal(c).PostID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
