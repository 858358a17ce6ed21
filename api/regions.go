package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/org"
	"yqyb/internal/rbac"
)

func (s *Server) regionRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/regions", Perm: loggedIn, Handler: s.listRegions},
		{Method: http.MethodPost, Path: "/api/v1/platform/regions", Perm: rbac.PlatRegionEdit, Handler: s.createStreet},
		{Method: http.MethodPut, Path: "/api/v1/platform/regions/:id", Perm: rbac.PlatRegionEdit, Handler: s.updateStreet},
		{Method: http.MethodDelete, Path: "/api/v1/platform/regions/:id", Perm: rbac.PlatRegionEdit, Handler: s.deleteStreet},
	}
}

// listRegions godoc
//
//	@Summary		区域树
//	@Description	全部区域（市 → 区 → 街道/属地），按路径排序，前端据 parent_id 组装成树。
//	@Tags			区域
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{array}	org.Region
//	@Router			/api/v1/regions [get]
func (s *Server) listRegions(c echo.Context) error {
	rs, err := s.org.Regions(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rs)
}

// createStreet godoc
//
//	@Summary		新建街道/属地
//	@Description	在某个区下新建街道（乡镇、属地），代码为以区代码开头的9或12位统计用区划代码。市、区两级内置，不能增删改。
//	@Tags			平台管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		org.RegionInput	true	"街道"
//	@Success		201		{object}	org.Region
//	@Failure		400		{object}	ErrorBody	"region_parent_not_district | validation_failed"
//	@Failure		409		{object}	ErrorBody	"region_code_taken"
//	@Router			/api/v1/platform/regions [post]
func (s *Server) createStreet(c echo.Context) error {
	var in org.RegionInput
	if err := bind(c, &in); err != nil {
		return err
	}
	r, err := s.org.CreateStreet(c.Request().Context(), actor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

// updateStreet godoc
//
//	@Summary		修改街道/属地
//	@Tags			平台管理
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int				true	"区域ID"
//	@Param			body	body		org.RegionInput	true	"名称与排序"
//	@Success		200		{object}	org.Region
//	@Failure		409		{object}	ErrorBody	"region_fixed"
//	@Router			/api/v1/platform/regions/{id} [put]
func (s *Server) updateStreet(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in org.RegionInput
	if err := bind(c, &in); err != nil {
		return err
	}
	r, err := s.org.UpdateStreet(c.Request().Context(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// deleteStreet godoc
//
//	@Summary		删除街道/属地
//	@Description	只能删除没有企业、监管账号和下级区域的街道。
//	@Tags			平台管理
//	@Security		BearerAuth
//	@Param			id	path	int	true	"区域ID"
//	@Success		204
//	@Failure		409	{object}	ErrorBody	"region_in_use | region_fixed"
//	@Router			/api/v1/platform/regions/{id} [delete]
func (s *Server) deleteStreet(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.org.DeleteStreet(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
