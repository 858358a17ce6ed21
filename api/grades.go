package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/rbac"
	"yqyb/internal/standard"
)

func (s *Server) gradeRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/hazard-grades", Perm: loggedIn, Handler: s.listGrades},
		{Method: http.MethodPost, Path: "/api/v1/hazard-grades", Perm: rbac.GradeEdit, Handler: s.createGrade},
		{Method: http.MethodPut, Path: "/api/v1/hazard-grades/:id", Perm: rbac.GradeEdit, Handler: s.updateGrade},
		{Method: http.MethodDelete, Path: "/api/v1/hazard-grades/:id", Perm: rbac.GradeEdit, Handler: s.deleteGrade},
	}
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
