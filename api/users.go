package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/account"
	"yqyb/internal/rbac"
)

func (s *Server) userRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/users", Perm: rbac.UserList, Handler: s.listUsers},
		{Method: http.MethodPost, Path: "/api/v1/users", Perm: rbac.UserCreate, Handler: s.createUser},
		{Method: http.MethodGet, Path: "/api/v1/users/:id", Perm: rbac.UserList, Handler: s.getUser},
		{Method: http.MethodPut, Path: "/api/v1/users/:id", Perm: rbac.UserUpdate, Handler: s.updateUser},
		{Method: http.MethodDelete, Path: "/api/v1/users/:id", Perm: rbac.UserDelete, Handler: s.deleteUser},
		{Method: http.MethodPost, Path: "/api/v1/users/:id/disable", Perm: rbac.UserDisable, Handler: s.disableUser},
		{Method: http.MethodPost, Path: "/api/v1/users/:id/enable", Perm: rbac.UserDisable, Handler: s.enableUser},
		{Method: http.MethodPost, Path: "/api/v1/users/:id/reset-password", Perm: rbac.UserResetPassword, Handler: s.resetUserPassword},
		{Method: http.MethodGet, Path: "/api/v1/users/:id/grants", Perm: rbac.UserGrant, Handler: s.getUserGrants},
		{Method: http.MethodPut, Path: "/api/v1/users/:id/grants", Perm: rbac.UserGrant, Handler: s.setUserGrants},
		{Method: http.MethodPut, Path: "/api/v1/users/:id/roles", Perm: rbac.UserGrant, Handler: s.setUserRoles},
		{Method: http.MethodGet, Path: "/api/v1/post-options", Perm: rbac.UserList, Handler: s.listPostOptions},
		{Method: http.MethodGet, Path: "/api/v1/role-options", Perm: rbac.UserGrant, Handler: s.listRoleOptions},
	}
}

// listUsers godoc
//
//	@Summary		岗位用户列表
//	@Description	本企业的岗位用户（系统管理 → 用户管理），可按关键字（登录名、姓名、手机号）、岗位、部门、状态筛选。
//	@Tags			用户管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			q				query		string	false	"关键字"
//	@Param			post_id			query		int		false	"岗位"
//	@Param			department_id	query		int		false	"部门"
//	@Param			status			query		string	false	"状态"	Enums(active, disabled)
//	@Param			page			query		int		false	"页码，从1开始"
//	@Param			page_size		query		int		false	"每页条数，默认20，最大100"
//	@Param			sort			query		string	false	"排序：login_name、display_name、created_at、last_login_at、id，前加-为降序"
//	@Success		200				{object}	UserPage
//	@Failure		400				{object}	ErrorBody	"validation_failed"
//	@Failure		403				{object}	ErrorBody	"forbidden"
//	@Router			/api/v1/users [get]
func (s *Server) listUsers(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	q, err := account.UserSpec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	f := account.UserFilter{Keyword: c.QueryParam("q")}
	if f.PostID, err = queryID(c, "post_id", "岗位"); err != nil {
		return err
	}
	if f.DepartmentID, err = queryID(c, "department_id", "部门"); err != nil {
		return err
	}
	if f.Status, err = queryEnum(c, "status", "状态", account.StatusActive, account.StatusDisabled); err != nil {
		return err
	}
	page, err := s.accounts.ListPostUsers(c.Request().Context(), ent, f, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// CreatedUser is a new account with its temporary password, shown once.
type CreatedUser struct {
	User              account.UserView `json:"user"`
	TemporaryPassword string           `json:"temporary_password" example:"Kp7#mQ2xRw9a"`
} // @name CreatedUser

// createUser godoc
//
//	@Summary		新建岗位用户
//	@Description	新建岗位用户并匹配到本企业的岗位，自动获得“岗位人员”默认角色。登录名全系统唯一，且不能与任何企业名称相同（个人用户登录时据此区分企业管理账号与岗位账号），建议采用“企业简称-岗位名”。返回的临时密码只显示这一次，首次登录须修改。
//	@Tags			用户管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		account.NewPostUserInput	true	"岗位用户"
//	@Success		201		{object}	CreatedUser
//	@Failure		400		{object}	ErrorBody	"validation_failed"
//	@Failure		404		{object}	ErrorBody	"post_not_found"
//	@Failure		409		{object}	ErrorBody	"login_name_taken | post_disabled"
//	@Failure		403	{object}	ErrorBody	"account_exceeds_own"
//	@Router			/api/v1/users [post]
func (s *Server) createUser(c echo.Context) error {
	g, err := s.grantor(c)
	if err != nil {
		return err
	}
	var in account.NewPostUserInput
	if err := bind(c, &in); err != nil {
		return err
	}
	u, pw, err := s.accounts.CreatePostUser(c.Request().Context(), g, g.EnterpriseID, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, CreatedUser{User: u, TemporaryPassword: pw})
}

// getUser godoc
//
//	@Summary		岗位用户详情
//	@Tags			用户管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"用户ID"
//	@Success		200	{object}	account.UserView
//	@Failure		404	{object}	ErrorBody	"user_not_found"
//	@Router			/api/v1/users/{id} [get]
func (s *Server) getUser(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, err := s.accounts.PostUser(c.Request().Context(), ent, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// updateUser godoc
//
//	@Summary		修改岗位用户 / 匹配岗位
//	@Description	修改姓名、手机号或所匹配的岗位；登录名创建后不可修改。
//	@Tags			用户管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"用户ID"
//	@Param			body	body		account.PostUserInput	true	"岗位用户"
//	@Success		200		{object}	account.UserView
//	@Failure		400		{object}	ErrorBody	"validation_failed"
//	@Failure		404		{object}	ErrorBody	"user_not_found | post_not_found"
//	@Router			/api/v1/users/{id} [put]
func (s *Server) updateUser(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in account.PostUserInput
	if err := bind(c, &in); err != nil {
		return err
	}
	u, err := s.accounts.UpdatePostUser(c.Request().Context(), actor(c), ent, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// deleteUser godoc
//
//	@Summary		删除岗位用户
//	@Description	删除后登录名可再次使用；其授权、角色和登录会话随即失效，历史记录中仍保留其姓名。
//	@Tags			用户管理
//	@Security		BearerAuth
//	@Param			id	path	int	true	"用户ID"
//	@Success		204
//	@Failure		404	{object}	ErrorBody	"user_not_found"
//	@Failure		403	{object}	ErrorBody	"account_exceeds_own"
//	@Router			/api/v1/users/{id} [delete]
func (s *Server) deleteUser(c echo.Context) error {
	g, err := s.grantor(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.accounts.DeletePostUser(c.Request().Context(), g, g.EnterpriseID, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// disableUser godoc
//
//	@Summary		停用岗位用户
//	@Description	停用后该用户的所有令牌立即失效，不能登录。
//	@Tags			用户管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"用户ID"
//	@Success		200	{object}	account.UserView
//	@Failure		404	{object}	ErrorBody	"user_not_found"
//	@Failure		403	{object}	ErrorBody	"account_exceeds_own"
//	@Router			/api/v1/users/{id}/disable [post]
func (s *Server) disableUser(c echo.Context) error {
	return s.setUserStatus(c, account.StatusDisabled)
}

// enableUser godoc
//
//	@Summary		启用岗位用户
//	@Tags			用户管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"用户ID"
//	@Success		200	{object}	account.UserView
//	@Failure		404	{object}	ErrorBody	"user_not_found"
//	@Failure		403	{object}	ErrorBody	"account_exceeds_own"
//	@Router			/api/v1/users/{id}/enable [post]
func (s *Server) enableUser(c echo.Context) error {
	return s.setUserStatus(c, account.StatusActive)
}

func (s *Server) setUserStatus(c echo.Context, status string) error {
	g, err := s.grantor(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	u, err := s.accounts.SetPostUserStatus(c.Request().Context(), g, g.EnterpriseID, id, status)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// TemporaryPassword is a reset password, shown once.
type TemporaryPassword struct {
	LoginName         string `json:"login_name"`
	TemporaryPassword string `json:"temporary_password" example:"Kp7#mQ2xRw9a"`
} // @name TemporaryPassword

// resetUserPassword godoc
//
//	@Summary		重置岗位用户密码
//	@Description	生成新的临时密码（只显示这一次），用户下次登录须修改；其登录会话和令牌立即失效，锁定同时解除（FAQ 11）。
//	@Tags			用户管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"用户ID"
//	@Success		200	{object}	TemporaryPassword
//	@Failure		404	{object}	ErrorBody	"user_not_found"
//	@Failure		403	{object}	ErrorBody	"account_exceeds_own"
//	@Router			/api/v1/users/{id}/reset-password [post]
func (s *Server) resetUserPassword(c echo.Context) error {
	g, err := s.grantor(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	login, pw, err := s.accounts.ResetPostUserPassword(c.Request().Context(), g, g.EnterpriseID, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, TemporaryPassword{LoginName: login, TemporaryPassword: pw})
}

// getUserGrants godoc
//
//	@Summary		查看用户授权
//	@Description	岗位用户直接获得的权限编码（用户授权）、所属角色，以及两者合并后的实际权限。
//	@Tags			用户管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"用户ID"
//	@Success		200	{object}	rbac.UserGrants
//	@Failure		404	{object}	ErrorBody	"user_not_found"
//	@Router			/api/v1/users/{id}/grants [get]
func (s *Server) getUserGrants(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return s.respondGrants(c, ent, id)
}

func (s *Server) respondGrants(c echo.Context, ent, id int64) error {
	g, err := s.roles.GetUserGrants(c.Request().Context(), ent, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

// CodesRequest sets a list of permission codes.
type CodesRequest struct {
	Codes []string `json:"codes" label:"权限编码" validate:"required,max=500,dive,max=100"`
} // @name CodesRequest

// setUserGrants godoc
//
//	@Summary		用户授权
//	@Description	直接勾选授予该岗位用户的菜单和按钮（与角色授权同时生效，取并集）。只能授予或收回自己拥有的编码（grant_exceeds_own），不能修改自己的授权（cannot_change_own_grants）；勾选按钮时其所在菜单自动一并授予。被授权用户的旧令牌立即失效。
//	@Tags			用户管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"用户ID"
//	@Param			body	body		CodesRequest	true	"权限编码"
//	@Success		200		{object}	rbac.UserGrants
//	@Failure		400		{object}	ErrorBody	"unknown_permission | not_grantable"
//	@Failure		403		{object}	ErrorBody	"grant_exceeds_own | cannot_change_own_grants"
//	@Failure		404		{object}	ErrorBody	"user_not_found"
//	@Router			/api/v1/users/{id}/grants [put]
func (s *Server) setUserGrants(c echo.Context) error {
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
	if err := s.roles.SetUserGrants(c.Request().Context(), g, id, in.Codes); err != nil {
		return err
	}
	return s.respondGrants(c, g.EnterpriseID, id)
}

// RoleIDsRequest sets a list of roles.
type RoleIDsRequest struct {
	RoleIDs []int64 `json:"role_ids" label:"角色" validate:"required,max=200"`
} // @name RoleIDsRequest

// setUserRoles godoc
//
//	@Summary		设置用户角色
//	@Description	使该岗位用户恰好拥有所列角色。只能分配或收回其权限都在自己权限之内的角色，不能修改自己的角色。
//	@Tags			用户管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"用户ID"
//	@Param			body	body		RoleIDsRequest	true	"角色ID"
//	@Success		200		{object}	rbac.UserGrants
//	@Failure		403		{object}	ErrorBody	"grant_exceeds_own | cannot_change_own_grants"
//	@Failure		404		{object}	ErrorBody	"user_not_found | role_not_found"
//	@Router			/api/v1/users/{id}/roles [put]
func (s *Server) setUserRoles(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in RoleIDsRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	g, err := s.grantor(c)
	if err != nil {
		return err
	}
	if err := s.roles.SetUserRoles(c.Request().Context(), g, id, in.RoleIDs); err != nil {
		return err
	}
	return s.respondGrants(c, g.EnterpriseID, id)
}

// listPostOptions godoc
//
//	@Summary		可匹配的岗位
//	@Description	本企业全部岗位及其部门，供新建或修改岗位用户时选择。
//	@Tags			用户管理
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{array}	org.PostChoice
//	@Router			/api/v1/post-options [get]
func (s *Server) listPostOptions(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	out, err := s.org.PostChoices(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// listRoleOptions godoc
//
//	@Summary		可选角色
//	@Description	本企业全部角色的名称，供用户授权时选择角色（只需用户授权权限，不需角色管理权限）。
//	@Tags			用户管理
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{array}	rbac.RoleOption
//	@Router			/api/v1/role-options [get]
func (s *Server) listRoleOptions(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	out, err := s.roles.RoleOptions(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
