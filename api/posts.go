package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/org"
	"yqyb/internal/rbac"
)

func (s *Server) postRoutes() []Route {
	return []Route{
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
	}
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
//	@Failure		404				{object}	ErrorBody	"department_not_found"
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
