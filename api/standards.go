package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/rbac"
	"yqyb/internal/standard"
)

func (s *Server) standardRoutes() []Route {
	return []Route{
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
		{Method: http.MethodGet, Path: "/api/v1/standard/template-changes", Perm: rbac.StandardView, Handler: s.listTemplateChanges},
		{Method: http.MethodPost, Path: "/api/v1/standard/template-changes", Perm: rbac.StandardEdit, Handler: s.applyTemplateChanges},
	}
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

// listTemplateChanges godoc
//
//	@Summary		模板变更
//	@Description	本企业复制模板以后，主营业务模板新增（added）、修改（updated）、删除（removed）的条目，以及企业标准中对应的副本。企业主营业务变更后（rebased=true）新模板的全部条目都列为可采纳。
//	@Tags			企业标准
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	standard.Changes
//	@Failure		404	{object}	ErrorBody	"standard_not_created"
//	@Router			/api/v1/standard/template-changes [get]
func (s *Server) listTemplateChanges(c echo.Context) error {
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
