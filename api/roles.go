package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/rbac"
)

func (s *Server) roleRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/roles", Perm: rbac.RoleList, Handler: s.listRoles},
		{Method: http.MethodPost, Path: "/api/v1/roles", Perm: rbac.RoleCreate, Handler: s.createRole},
		{Method: http.MethodGet, Path: "/api/v1/roles/:id", Perm: rbac.RoleList, Handler: s.getRole},
		{Method: http.MethodPut, Path: "/api/v1/roles/:id", Perm: rbac.RoleUpdate, Handler: s.updateRole},
		{Method: http.MethodDelete, Path: "/api/v1/roles/:id", Perm: rbac.RoleDelete, Handler: s.deleteRole},
		{Method: http.MethodPut, Path: "/api/v1/roles/:id/grants", Perm: rbac.RoleGrant, Handler: s.setRoleGrants},
		{Method: http.MethodGet, Path: "/api/v1/roles/:id/users", Perm: rbac.RoleList, Handler: s.getRoleUsers},
		{Method: http.MethodPut, Path: "/api/v1/roles/:id/users", Perm: rbac.RoleAssign, Handler: s.setRoleUsers},
		{Method: http.MethodGet, Path: "/api/v1/user-options", Perm: rbac.RoleAssign, Handler: s.listUserOptions},
	}
}

// listRoles godoc
//
//	@Summary		角色列表
//	@Description	本企业的角色（系统管理 → 角色管理），含每个角色的权限编码和成员数。“岗位人员”为系统内置角色：新建的岗位用户自动拥有，可调整其权限，不能删除或改名。
//	@Tags			角色管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			q			query		string	false	"关键字（名称、说明）"
//	@Param			page		query		int		false	"页码"
//	@Param			page_size	query		int		false	"每页条数"
//	@Param			sort		query		string	false	"排序：name、created_at、id"
//	@Success		200			{object}	RolePage
//	@Router			/api/v1/roles [get]
func (s *Server) listRoles(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	q, err := rbac.RoleSpec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	page, err := s.roles.ListRoles(c.Request().Context(), ent, c.QueryParam("q"), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// CreateRoleRequest is a new role with its grants.
type CreateRoleRequest struct {
	rbac.RoleInput
	Codes []string `json:"codes,omitempty" label:"权限编码" validate:"max=500,dive,max=100"`
} // @name CreateRoleRequest

// createRole godoc
//
//	@Summary		新建角色
//	@Description	新建角色并勾选其菜单和按钮权限（只能勾选自己拥有的编码）。
//	@Tags			角色管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateRoleRequest	true	"角色"
//	@Success		201		{object}	rbac.RoleView
//	@Failure		400		{object}	ErrorBody	"validation_failed | unknown_permission"
//	@Failure		403		{object}	ErrorBody	"grant_exceeds_own"
//	@Failure		409		{object}	ErrorBody	"role_name_taken"
//	@Router			/api/v1/roles [post]
func (s *Server) createRole(c echo.Context) error {
	var in CreateRoleRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	g, err := s.grantor(c)
	if err != nil {
		return err
	}
	r, err := s.roles.CreateRole(c.Request().Context(), g, in.RoleInput, in.Codes)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

// getRole godoc
//
//	@Summary		角色详情
//	@Tags			角色管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"角色ID"
//	@Success		200	{object}	rbac.RoleView
//	@Failure		404	{object}	ErrorBody	"role_not_found"
//	@Router			/api/v1/roles/{id} [get]
func (s *Server) getRole(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	r, err := s.roles.GetRole(c.Request().Context(), ent, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// updateRole godoc
//
//	@Summary		修改角色
//	@Description	修改角色名称和说明（系统内置角色不能改名）。
//	@Tags			角色管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"角色ID"
//	@Param			body	body		rbac.RoleInput	true	"角色"
//	@Success		200		{object}	rbac.RoleView
//	@Failure		404		{object}	ErrorBody	"role_not_found"
//	@Failure		409		{object}	ErrorBody	"role_name_taken | system_role"
//	@Router			/api/v1/roles/{id} [put]
func (s *Server) updateRole(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in rbac.RoleInput
	if err := bind(c, &in); err != nil {
		return err
	}
	g, err := s.grantor(c)
	if err != nil {
		return err
	}
	r, err := s.roles.UpdateRole(c.Request().Context(), g, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// deleteRole godoc
//
//	@Summary		删除角色
//	@Description	删除角色及其授权和分配；其成员由此获得的权限立即失效。系统内置角色不能删除。
//	@Tags			角色管理
//	@Security		BearerAuth
//	@Param			id	path	int	true	"角色ID"
//	@Success		204
//	@Failure		403	{object}	ErrorBody	"grant_exceeds_own | cannot_change_own_grants"
//	@Failure		404	{object}	ErrorBody	"role_not_found"
//	@Failure		409	{object}	ErrorBody	"system_role"
//	@Router			/api/v1/roles/{id} [delete]
func (s *Server) deleteRole(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	g, err := s.grantor(c)
	if err != nil {
		return err
	}
	if err := s.roles.DeleteRole(c.Request().Context(), g, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// setRoleGrants godoc
//
//	@Summary		角色授权
//	@Description	设置角色的菜单和按钮权限。只能增减自己拥有的编码；不能修改自己所在角色的权限。角色成员的旧令牌立即失效。
//	@Tags			角色管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"角色ID"
//	@Param			body	body		CodesRequest	true	"权限编码"
//	@Success		200		{object}	rbac.RoleView
//	@Failure		400		{object}	ErrorBody	"unknown_permission"
//	@Failure		403		{object}	ErrorBody	"grant_exceeds_own | cannot_change_own_grants"
//	@Failure		404		{object}	ErrorBody	"role_not_found"
//	@Router			/api/v1/roles/{id}/grants [put]
func (s *Server) setRoleGrants(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in CodesRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	g, err := s.grantor(c)
	if err != nil {
		return err
	}
	r, err := s.roles.SetRoleCodes(c.Request().Context(), g, id, in.Codes)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// UserIDs lists users.
type UserIDs struct {
	UserIDs []int64 `json:"user_ids" label:"用户" validate:"required,max=10000"`
} // @name UserIDs

// getRoleUsers godoc
//
//	@Summary		角色成员
//	@Tags			角色管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"角色ID"
//	@Success		200	{object}	UserIDs
//	@Failure		404	{object}	ErrorBody	"role_not_found"
//	@Router			/api/v1/roles/{id}/users [get]
func (s *Server) getRoleUsers(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ids, err := s.roles.RoleUserIDs(c.Request().Context(), ent, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, UserIDs{UserIDs: ids})
}

// setRoleUsers godoc
//
//	@Summary		角色分配用户
//	@Description	使该角色恰好分配给所列岗位用户。角色的权限须都在自己权限之内；不能借此改变自己的角色。
//	@Tags			角色管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int		true	"角色ID"
//	@Param			body	body		UserIDs	true	"用户ID"
//	@Success		200		{object}	UserIDs
//	@Failure		400		{object}	ErrorBody	"not_grantable"
//	@Failure		403		{object}	ErrorBody	"grant_exceeds_own | cannot_change_own_grants"
//	@Failure		404		{object}	ErrorBody	"role_not_found | user_not_found"
//	@Router			/api/v1/roles/{id}/users [put]
func (s *Server) setRoleUsers(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in UserIDs
	if err := bind(c, &in); err != nil {
		return err
	}
	g, err := s.grantor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.roles.SetRoleUsers(ctx, g, id, in.UserIDs); err != nil {
		return err
	}
	ids, err := s.roles.RoleUserIDs(ctx, g.EnterpriseID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, UserIDs{UserIDs: ids})
}

// listUserOptions godoc
//
//	@Summary		可选岗位用户
//	@Description	本企业全部岗位用户（最多5000个），供角色分配用户时选择（只需分配用户权限，不需用户管理权限）。
//	@Tags			角色管理
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{array}	account.UserOption
//	@Router			/api/v1/user-options [get]
func (s *Server) listUserOptions(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	out, err := s.accounts.PostUserOptions(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
