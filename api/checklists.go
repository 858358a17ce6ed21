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

func (s *Server) checklistRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/checklists", Perm: rbac.ChecklistView, Handler: s.listChecklists},
		{Method: http.MethodPost, Path: "/api/v1/checklists", Perm: rbac.ChecklistEdit, Handler: s.createChecklist},
		{Method: http.MethodGet, Path: "/api/v1/checklists/:id", Perm: rbac.ChecklistView, Handler: s.getChecklist},
		{Method: http.MethodPut, Path: "/api/v1/checklists/:id", Perm: rbac.ChecklistEdit, Handler: s.updateChecklist},
		{Method: http.MethodDelete, Path: "/api/v1/checklists/:id", Perm: rbac.ChecklistEdit, Handler: s.deleteChecklist},
		{Method: http.MethodPost, Path: "/api/v1/checklists/:id/disable", Perm: rbac.ChecklistEdit, Handler: s.disableChecklist},
		{Method: http.MethodPost, Path: "/api/v1/checklists/:id/enable", Perm: rbac.ChecklistEdit, Handler: s.enableChecklist},
		{Method: http.MethodGet, Path: "/api/v1/checklist-coverage", Perm: rbac.ChecklistView, Handler: s.getChecklistCoverage},
		{Method: http.MethodGet, Path: "/api/v1/checklist-import/template", Perm: rbac.ChecklistImport, Handler: s.downloadChecklistImportTemplate},
		{Method: http.MethodPost, Path: "/api/v1/checklist-import", Perm: rbac.ChecklistImport, Handler: s.importChecklists},
		{Method: http.MethodGet, Path: "/api/v1/checklist-export", Perm: rbac.ChecklistExport, Handler: s.exportChecklists},
		{Method: http.MethodGet, Path: "/api/v1/my/checklists", Perm: rbac.InspectView, Handler: s.listMyChecklists},
	}
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

// getChecklistCoverage godoc
//
//	@Summary		清单覆盖情况
//	@Description	企业标准中未被任何在用岗位清单覆盖的条目，以及没有在用清单的在用岗位。
//	@Tags			岗位清单
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	standard.Coverage
//	@Router			/api/v1/checklist-coverage [get]
func (s *Server) getChecklistCoverage(c echo.Context) error {
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

// downloadChecklistImportTemplate godoc
//
//	@Summary		清单导入模板
//	@Description	下载标准与岗位清单的 Excel 导入模板：部门、岗位、清单名称、排查频次、类别、排查项目、排查内容、排查标准、依据、隐患等级、重大隐患判定；部门、岗位、频次、等级列带本企业的下拉选项。
//	@Tags			岗位清单
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Success		200	{file}	file
//	@Router			/api/v1/checklist-import/template [get]
func (s *Server) downloadChecklistImportTemplate(c echo.Context) error {
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

// listMyChecklists godoc
//
//	@Summary		我的岗位清单
//	@Description	岗位用户看到的本岗位在用清单（隐患管理 → 隐患排查）。没有清单时 checklists 为空，reason 说明原因（如岗位尚未匹配岗位清单，FAQ 9）。
//	@Tags			岗位清单
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	standard.MyChecklists
//	@Router			/api/v1/my/checklists [get]
func (s *Server) listMyChecklists(c echo.Context) error {
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
