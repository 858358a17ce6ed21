package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/association"
	"yqyb/internal/enterprise"
	"yqyb/internal/org"
	"yqyb/internal/rbac"
	"yqyb/internal/setup"
	"yqyb/internal/stats"
	"yqyb/pkg/period"
)

func (s *Server) orgRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/departments", Perm: rbac.DeptList, Handler: s.listDepartments},
		{Method: http.MethodPost, Path: "/api/v1/departments", Perm: rbac.DeptCreate, Handler: s.createDepartment},
		{Method: http.MethodPut, Path: "/api/v1/departments/:id", Perm: rbac.DeptUpdate, Handler: s.updateDepartment},
		{Method: http.MethodDelete, Path: "/api/v1/departments/:id", Perm: rbac.DeptDelete, Handler: s.deleteDepartment},
		{Method: http.MethodGet, Path: "/api/v1/posts", Perm: rbac.PostList, Handler: s.listPosts},
		{Method: http.MethodPost, Path: "/api/v1/posts", Perm: rbac.PostCreate, Handler: s.createPost},
		{Method: http.MethodGet, Path: "/api/v1/posts/:id", Perm: rbac.PostList, Handler: s.getPost},
		{Method: http.MethodPut, Path: "/api/v1/posts/:id", Perm: rbac.PostUpdate, Handler: s.updatePost},
		{Method: http.MethodDelete, Path: "/api/v1/posts/:id", Perm: rbac.PostDelete, Handler: s.deletePost},
		{Method: http.MethodPost, Path: "/api/v1/posts/:id/disable", Perm: rbac.PostDisable, Handler: s.disablePost},
		{Method: http.MethodPost, Path: "/api/v1/posts/:id/enable", Perm: rbac.PostDisable, Handler: s.enablePost},
		{Method: http.MethodGet, Path: "/api/v1/posts/:id/documents", Perm: rbac.PostList, Handler: s.listDocuments},
		{Method: http.MethodPost, Path: "/api/v1/posts/:id/documents", Perm: rbac.PostDocUpload, Handler: s.uploadDocument},
		{Method: http.MethodGet, Path: "/api/v1/posts/:id/documents/:doc/file", Perm: rbac.PostList, Handler: s.downloadDocument},
		{Method: http.MethodGet, Path: "/api/v1/setup", Perm: rbac.SetupView, Handler: s.setupStatus},
		{Method: http.MethodGet, Path: "/api/v1/enterprise", Perm: rbac.ProfileView, Handler: s.getProfile},
		{Method: http.MethodPut, Path: "/api/v1/enterprise", Perm: rbac.ProfileEdit, Handler: s.updateProfile},
		{Method: http.MethodGet, Path: "/api/v1/catalogs", Perm: loggedIn, Handler: s.catalogs},
		{Method: http.MethodGet, Path: "/api/v1/associations", Perm: rbac.AssocView, Handler: s.listAssociations},
		{Method: http.MethodGet, Path: "/api/v1/associations/candidates", Perm: rbac.AssocApply, Handler: s.associationCandidates},
		{Method: http.MethodPost, Path: "/api/v1/associations", Perm: rbac.AssocApply, Handler: s.applyAssociation},
		{Method: http.MethodPost, Path: "/api/v1/associations/:id/approve", Perm: rbac.AssocDecide, Handler: s.approveAssociation},
		{Method: http.MethodPost, Path: "/api/v1/associations/:id/reject", Perm: rbac.AssocDecide, Handler: s.rejectAssociation},
		{Method: http.MethodPost, Path: "/api/v1/associations/:id/withdraw", Perm: rbac.AssocApply, Handler: s.withdrawAssociation},
		{Method: http.MethodPost, Path: "/api/v1/associations/:id/dissolve", Perm: rbac.AssocDissolve, Handler: s.dissolveAssociation},
		{Method: http.MethodGet, Path: "/api/v1/group/members", Perm: rbac.GroupView, Handler: s.groupMembers},
	}
}

// entAndID returns the caller's enterprise and the path id: the pair every enterprise-scoped handler
// starts from.
func entAndID(c echo.Context) (int64, int64, error) {
	ent, err := enterpriseOf(c)
	if err != nil {
		return 0, 0, err
	}
	id, err := idParam(c, "id")
	return ent, id, err
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

// listPosts godoc
//
//	@Summary		岗位列表
//	@Description	本企业的岗位（系统管理 → 岗位管理），含部门、安全责任大小、默认排查频次、岗位用户数和当前的岗位责任制文件。department_id 包含其下级部门。
//	@Tags			岗位管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			department_id	query		int		false	"部门（含下级）"
//	@Param			q				query		string	false	"关键字（岗位、部门名称）"
//	@Param			status			query		string	false	"状态"	Enums(active, disabled)
//	@Param			has_document	query		bool	false	"是否已上传岗位责任制"
//	@Param			page			query		int		false	"页码"
//	@Param			page_size		query		int		false	"每页条数"
//	@Param			sort			query		string	false	"排序：sort_order、name、department、created_at、user_count、id"
//	@Success		200				{object}	PostPage
//	@Router			/api/v1/posts [get]
func (s *Server) listPosts(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	q, err := org.PostSpec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	f := org.PostFilter{Keyword: c.QueryParam("q")}
	if f.DepartmentID, err = queryID(c, "department_id", "部门"); err != nil {
		return err
	}
	if f.Status, err = queryEnum(c, "status", "状态", "active", "disabled"); err != nil {
		return err
	}
	if v, err := queryEnum(c, "has_document", "是否已上传", "true", "false"); err != nil {
		return err
	} else if v != "" {
		b := v == "true"
		f.HasDocument = &b
	}
	page, err := s.org.ListPosts(c.Request().Context(), ent, f, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// createPost godoc
//
//	@Summary		新建岗位
//	@Description	在本企业的部门下新建岗位，记录其安全责任大小和默认排查频次（FAQ 8：频次由企业按岗位安全责任大小自定）。同一部门下名称不能重复。
//	@Tags			岗位管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		org.PostInput	true	"岗位"
//	@Success		201		{object}	org.PostView
//	@Failure		404		{object}	ErrorBody	"department_not_found"
//	@Failure		409		{object}	ErrorBody	"post_name_taken"
//	@Router			/api/v1/posts [post]
func (s *Server) createPost(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in org.PostInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := s.org.CreatePost(c.Request().Context(), actor(c), ent, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p)
}

// getPost godoc
//
//	@Summary		岗位详情
//	@Tags			岗位管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"岗位ID"
//	@Success		200	{object}	org.PostView
//	@Failure		404	{object}	ErrorBody	"post_not_found"
//	@Router			/api/v1/posts/{id} [get]
func (s *Server) getPost(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	p, err := s.org.GetPost(c.Request().Context(), ent, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// updatePost godoc
//
//	@Summary		修改岗位
//	@Description	修改岗位信息，或把岗位移到本企业的另一个部门。
//	@Tags			岗位管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"岗位ID"
//	@Param			body	body		org.PostInput	true	"岗位"
//	@Success		200		{object}	org.PostView
//	@Failure		404		{object}	ErrorBody	"post_not_found | department_not_found"
//	@Failure		409		{object}	ErrorBody	"post_name_taken"
//	@Router			/api/v1/posts/{id} [put]
func (s *Server) updatePost(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in org.PostInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := s.org.UpdatePost(c.Request().Context(), actor(c), ent, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// deletePost godoc
//
//	@Summary		删除岗位
//	@Description	只能删除没有岗位用户、没有岗位责任制文件、也没有任何历史记录的岗位；否则请停用。
//	@Tags			岗位管理
//	@Security		BearerAuth
//	@Param			id	path	int	true	"岗位ID"
//	@Success		204
//	@Failure		404	{object}	ErrorBody	"post_not_found"
//	@Failure		409	{object}	ErrorBody	"post_has_users | post_has_history"
//	@Router			/api/v1/posts/{id} [delete]
func (s *Server) deletePost(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	if err := s.org.DeletePost(c.Request().Context(), actor(c), ent, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// disablePost godoc
//
//	@Summary		停用岗位
//	@Description	停用的岗位保留其用户和历史，但不能再匹配新用户，也不计入完备率。
//	@Tags			岗位管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"岗位ID"
//	@Success		200	{object}	org.PostView
//	@Router			/api/v1/posts/{id}/disable [post]
func (s *Server) disablePost(c echo.Context) error { return s.setPostStatus(c, "disabled") }

// enablePost godoc
//
//	@Summary		启用岗位
//	@Tags			岗位管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"岗位ID"
//	@Success		200	{object}	org.PostView
//	@Router			/api/v1/posts/{id}/enable [post]
func (s *Server) enablePost(c echo.Context) error { return s.setPostStatus(c, "active") }

func (s *Server) setPostStatus(c echo.Context, status string) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	p, err := s.org.SetPostStatus(c.Request().Context(), actor(c), ent, id, status)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// listDocuments godoc
//
//	@Summary		岗位责任制文件版本
//	@Description	岗位责任制文件的所有版本，最新在前；第一条即当前版本（FAQ 16）。
//	@Tags			岗位管理
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path	int	true	"岗位ID"
//	@Success		200	{array}	org.DocumentView
//	@Failure		404	{object}	ErrorBody	"post_not_found"
//	@Router			/api/v1/posts/{id}/documents [get]
func (s *Server) listDocuments(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	out, err := s.org.Documents(c.Request().Context(), ent, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// uploadDocument godoc
//
//	@Summary		上传岗位责任制
//	@Description	上传或替换岗位责任制文件（PDF、Word doc/docx/wps、jpg/png 图片，不超过 10 MB）。文件类型按内容识别，与扩展名不符即拒绝；每次上传生成新版本，旧版本保留。
//	@Tags			岗位管理
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int		true	"岗位ID"
//	@Param			file	formData	file	true	"文件"
//	@Success		201		{object}	org.DocumentView
//	@Failure		400		{object}	ErrorBody	"file_missing | document_empty"
//	@Failure		404		{object}	ErrorBody	"post_not_found"
//	@Failure		413		{object}	ErrorBody	"document_too_large"
//	@Failure		415		{object}	ErrorBody	"document_type_not_allowed"
//	@Router			/api/v1/posts/{id}/documents [post]
func (s *Server) uploadDocument(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	f, name, err := formFile(c)
	if err != nil {
		return err
	}
	defer f.Close()
	d, err := s.org.UploadDocument(c.Request().Context(), actor(c), ent, id, name, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

// downloadDocument godoc
//
//	@Summary		下载岗位责任制
//	@Tags			岗位管理
//	@Produce		application/octet-stream
//	@Security		BearerAuth
//	@Param			id	path	int	true	"岗位ID"
//	@Param			doc	path	int	true	"文件版本ID"
//	@Success		200	{file}	file
//	@Failure		404	{object}	ErrorBody	"document_not_found"
//	@Router			/api/v1/posts/{id}/documents/{doc}/file [get]
func (s *Server) downloadDocument(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	doc, err := idParam(c, "doc")
	if err != nil {
		return err
	}
	v, rc, err := s.org.OpenDocument(c.Request().Context(), ent, id, doc)
	if err != nil {
		return err
	}
	defer rc.Close()
	return attachment(c, v.FileName, v.ContentType, rc)
}

// setupStatus godoc
//
//	@Summary		初始化与信息完备率
//	@Description	企业的初始化步骤（建立部门、岗位、岗位用户、企业标准、岗位清单、上传岗位责任制）各自是否完成、缺什么，以及信息完备率（FAQ 5）：部门信息（有部门即100）、个性化标准（有标准条目即100）、岗位清单（有清单的在用岗位占比）、岗位责任制（已上传的在用岗位占比）四项的平均值；没有在用岗位时后两项为0，停用的岗位不计。初始化未完成时，企业管理账号登录后进入初始化页面。
//	@Tags			初始化
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	setup.Status
//	@Router			/api/v1/setup [get]
func (s *Server) setupStatus(c echo.Context) error {
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

// getProfile godoc
//
//	@Summary		企业基础信息
//	@Description	企业基础信息（企业基础信息 → 详细，FAQ 24）。
//	@Tags			企业信息
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	enterprise.Profile
//	@Router			/api/v1/enterprise [get]
func (s *Server) getProfile(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	p, err := s.enterprises.GetProfile(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// updateProfile godoc
//
//	@Summary		修改企业基础信息
//	@Description	企业用户账号（企业用户登录）修改本企业基础信息（FAQ 24）。企业名称同时是企业管理账号和企业用户账号的用户名，须与任何岗位账号、监管账号及其他企业不同名；统一社会信用代码按 GB 32100-2015 校验且唯一。主营业务只决定企业标准的模板，修改它不影响其他任何信息（FAQ 6）。所属区域由监管部门维护。每次修改都记入审计日志（修改前后）。
//	@Tags			企业信息
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		enterprise.ProfileInput	true	"企业基础信息"
//	@Success		200		{object}	enterprise.Profile
//	@Failure		400		{object}	ErrorBody	"validation_failed | main_business_not_found"
//	@Failure		409		{object}	ErrorBody	"enterprise_name_taken | credit_code_taken"
//	@Router			/api/v1/enterprise [put]
func (s *Server) updateProfile(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in enterprise.ProfileInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := s.enterprises.UpdateProfile(c.Request().Context(), actor(c), ent, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// Catalogs are the code lists forms choose from.
type Catalogs struct {
	MainBusinesses       []enterprise.MainBusiness `json:"main_businesses"`
	Industries           []enterprise.Option       `json:"industries"`
	Scales               []enterprise.Option       `json:"scales"`
	ResponsibilityLevels []enterprise.Option       `json:"responsibility_levels"`
	Frequencies          []enterprise.Option       `json:"frequencies"`
} // @name Catalogs

// catalogs godoc
//
//	@Summary		代码目录
//	@Description	表单用到的代码目录：主营业务、行业门类（GB/T 4754-2017）、企业规模、岗位安全责任大小、排查频次。
//	@Tags			企业信息
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	Catalogs
//	@Router			/api/v1/catalogs [get]
func (s *Server) catalogs(c echo.Context) error {
	mbs, err := s.enterprises.MainBusinesses(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Catalogs{MainBusinesses: mbs, Industries: enterprise.Industries, Scales: enterprise.Scales,
		ResponsibilityLevels: levelOptions(), Frequencies: frequencyOptions()})
}

// listAssociations godoc
//
//	@Summary		关联申请
//	@Description	本企业发出（outgoing）和收到（incoming）的全部关联申请及其状态。
//	@Tags			申请关联
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{array}	association.View
//	@Router			/api/v1/associations [get]
func (s *Server) listAssociations(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	out, err := s.associations.List(c.Request().Context(), ent)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// associationCandidates godoc
//
//	@Summary		备选关联企业
//	@Description	可申请关联的企业名单（FAQ 21）：不含本企业，也不含已与本企业关联或申请待审批的企业。
//	@Tags			申请关联
//	@Produce		json
//	@Security		BearerAuth
//	@Param			q			query		string	false	"企业名称关键字"
//	@Param			page		query		int		false	"页码"
//	@Param			page_size	query		int		false	"每页条数"
//	@Success		200			{object}	CandidatePage
//	@Router			/api/v1/associations/candidates [get]
func (s *Server) associationCandidates(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	q, err := association.CandidateSpec.Parse(c.QueryParams())
	if err != nil {
		return err
	}
	page, err := s.associations.Candidates(c.Request().Context(), ent, c.QueryParam("q"), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// ApplyRequest applies for an association.
type ApplyRequest struct {
	TargetID int64  `json:"target_id" label:"关联企业" validate:"required,gt=0"`
	Note     string `json:"note,omitempty" label:"申请说明" validate:"max=200"`
} // @name ApplyAssociationRequest

// applyAssociation godoc
//
//	@Summary		申请关联
//	@Tags			申请关联
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		ApplyRequest	true	"申请"
//	@Success		201		{object}	association.View
//	@Failure		400		{object}	ErrorBody	"association_self"
//	@Failure		404		{object}	ErrorBody	"enterprise_not_found"
//	@Failure		409		{object}	ErrorBody	"association_exists"
//	@Router			/api/v1/associations [post]
func (s *Server) applyAssociation(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in ApplyRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	v, err := s.associations.Apply(c.Request().Context(), actor(c), ent, in.TargetID, in.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, v)
}

// DecisionRequest carries an optional reply.
type DecisionRequest struct {
	Reply string `json:"reply,omitempty" label:"回复" validate:"max=200"`
} // @name AssociationDecision

// approveAssociation godoc
//
//	@Summary		同意关联申请
//	@Tags			申请关联
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"申请ID"
//	@Param			body	body		DecisionRequest	false	"回复"
//	@Success		200		{object}	association.View
//	@Failure		403		{object}	ErrorBody	"association_not_yours"
//	@Failure		409		{object}	ErrorBody	"association_not_pending"
//	@Router			/api/v1/associations/{id}/approve [post]
func (s *Server) approveAssociation(c echo.Context) error { return s.decideAssociation(c, true) }

// rejectAssociation godoc
//
//	@Summary		拒绝关联申请
//	@Tags			申请关联
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"申请ID"
//	@Param			body	body		DecisionRequest	false	"回复"
//	@Success		200		{object}	association.View
//	@Failure		403		{object}	ErrorBody	"association_not_yours"
//	@Failure		409		{object}	ErrorBody	"association_not_pending"
//	@Router			/api/v1/associations/{id}/reject [post]
func (s *Server) rejectAssociation(c echo.Context) error { return s.decideAssociation(c, false) }

func (s *Server) decideAssociation(c echo.Context, approve bool) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	var in DecisionRequest
	if c.Request().ContentLength > 0 {
		if err := bind(c, &in); err != nil {
			return err
		}
	}
	v, err := s.associations.Decide(c.Request().Context(), actor(c), ent, id, approve, in.Reply)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// withdrawAssociation godoc
//
//	@Summary		撤回关联申请
//	@Tags			申请关联
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"申请ID"
//	@Success		200	{object}	association.View
//	@Failure		403	{object}	ErrorBody	"association_not_yours"
//	@Failure		409	{object}	ErrorBody	"association_not_pending"
//	@Router			/api/v1/associations/{id}/withdraw [post]
func (s *Server) withdrawAssociation(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	v, err := s.associations.Withdraw(c.Request().Context(), actor(c), ent, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// dissolveAssociation godoc
//
//	@Summary		解除关联
//	@Description	已生效的关联，任何一方都可以解除。
//	@Tags			申请关联
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		int	true	"申请ID"
//	@Success		200	{object}	association.View
//	@Failure		409	{object}	ErrorBody	"association_not_approved"
//	@Router			/api/v1/associations/{id}/dissolve [post]
func (s *Server) dissolveAssociation(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	v, err := s.associations.Dissolve(c.Request().Context(), actor(c), ent, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// groupMembers godoc
//
//	@Summary		关联企业（集团视图）
//	@Description	已同意关联到本企业的成员企业及其只读概况：初始化情况、信息完备率，以及最近一次统计刷新（每 5 分钟）时的当前半月系统使用率、未关闭隐患和逾期隐患（stats 为 null 表示尚未统计）。
//	@Tags			申请关联
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{array}	GroupMemberView
//	@Router			/api/v1/group/members [get]
func (s *Server) groupMembers(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	members, err := s.associations.Members(ctx, ent)
	if err != nil {
		return err
	}
	ids := make([]int64, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	cur, err := s.stats.CurrentOf(ctx, ids)
	if err != nil {
		return err
	}
	out := make([]GroupMemberView, len(members))
	for i, m := range members {
		out[i].Member = m
		if v, ok := cur[m.ID]; ok {
			out[i].Stats = &v
		}
	}
	return c.JSON(http.StatusOK, out)
}

// GroupMemberView is a member enterprise with its current figures.
type GroupMemberView struct {
	association.Member
	Stats *stats.Current `json:"stats" extensions:"x-nullable"`
} // @name GroupMemberView

func levelOptions() []enterprise.Option {
	return []enterprise.Option{{Code: org.LevelHigh, Name: org.LevelLabels[org.LevelHigh]}, {Code: org.LevelMedium, Name: org.LevelLabels[org.LevelMedium]},
		{Code: org.LevelLow, Name: org.LevelLabels[org.LevelLow]}}
}

func frequencyOptions() []enterprise.Option {
	out := make([]enterprise.Option, len(period.Frequencies))
	for i, f := range period.Frequencies {
		out[i] = enterprise.Option{Code: string(f), Name: f.Label()}
	}
	return out
}
