package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/enterprise"
	"yqyb/internal/org"
	"yqyb/internal/rbac"
	"yqyb/pkg/period"
)

func (s *Server) profileRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/enterprise", Perm: rbac.ProfileView, Handler: s.getProfile},
		{Method: http.MethodPut, Path: "/api/v1/enterprise", Perm: rbac.ProfileEdit, Handler: s.updateProfile},
		{Method: http.MethodGet, Path: "/api/v1/catalogs", Perm: loggedIn, Handler: s.listCatalogs},
	}
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

// listCatalogs godoc
//
//	@Summary		代码目录
//	@Description	表单用到的代码目录：主营业务、行业门类（GB/T 4754-2017）、企业规模、岗位安全责任大小、排查频次。
//	@Tags			企业信息
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	Catalogs
//	@Router			/api/v1/catalogs [get]
func (s *Server) listCatalogs(c echo.Context) error {
	mbs, err := s.enterprises.MainBusinesses(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Catalogs{MainBusinesses: mbs, Industries: enterprise.Industries, Scales: enterprise.Scales,
		ResponsibilityLevels: levelOptions(), Frequencies: frequencyOptions()})
}

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
