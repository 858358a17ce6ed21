package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/org"
	"yqyb/internal/rbac"
)

func (s *Server) departmentRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/departments", Perm: rbac.DeptList, Handler: s.listDepartments},
		{Method: http.MethodPost, Path: "/api/v1/departments", Perm: rbac.DeptCreate, Handler: s.createDepartment},
		{Method: http.MethodPut, Path: "/api/v1/departments/:id", Perm: rbac.DeptUpdate, Handler: s.updateDepartment},
		{Method: http.MethodDelete, Path: "/api/v1/departments/:id", Perm: rbac.DeptDelete, Handler: s.deleteDepartment},
	}
}

// listDepartments godoc
//
//	@Summary		部门列表
//	@Description	本企业的全部部门（系统管理 → 部门管理），按显示顺序排列，含各部门的岗位数和岗位用户数；前端据 parent_id 组装成树。
//	@Tags			部门管理
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{array}	org.DeptView
//	@Router			/api/v1/departments [get]
func (s *Server) listDepartments(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	out, err := s.org.Departments(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// createDepartment godoc
//
//	@Summary		新建部门
//	@Description	在顶层或某个上级部门下新建部门；同一上级下名称不能重复。
//	@Tags			部门管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		org.DeptInput	true	"部门"
//	@Success		201		{object}	org.Department
//	@Failure		404		{object}	ErrorBody	"department_not_found（上级部门）"
//	@Failure		409		{object}	ErrorBody	"department_name_taken"
//	@Router			/api/v1/departments [post]
func (s *Server) createDepartment(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in org.DeptInput
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.org.CreateDepartment(c.Request().Context(), actor(c), ent, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

// updateDepartment godoc
//
//	@Summary		修改 / 移动部门
//	@Description	修改名称、说明、排序或上级部门（移动）；不能移到自身或其下级之下。
//	@Tags			部门管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"部门ID"
//	@Param			body	body		org.DeptInput	true	"部门"
//	@Success		200		{object}	org.Department
//	@Failure		400		{object}	ErrorBody	"department_move_cycle"
//	@Failure		404		{object}	ErrorBody	"department_not_found"
//	@Failure		409		{object}	ErrorBody	"department_name_taken"
//	@Router			/api/v1/departments/{id} [put]
func (s *Server) updateDepartment(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in org.DeptInput
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.org.UpdateDepartment(c.Request().Context(), actor(c), ent, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// deleteDepartment godoc
//
//	@Summary		删除部门
//	@Description	只能删除没有下级部门、也没有岗位的部门。
//	@Tags			部门管理
//	@Security		BearerAuth
//	@Param			id	path	int	true	"部门ID"
//	@Success		204
//	@Failure		404	{object}	ErrorBody	"department_not_found"
//	@Failure		409	{object}	ErrorBody	"department_has_children | department_has_posts"
//	@Router			/api/v1/departments/{id} [delete]
func (s *Server) deleteDepartment(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	if err := s.org.DeleteDepartment(c.Request().Context(), actor(c), ent, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
