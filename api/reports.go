package api

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/enterprise"
	"yqyb/internal/platform/clock"
	"yqyb/internal/rbac"
	"yqyb/internal/stats"
)

func (s *Server) reportRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/reports/hazards", Perm: rbac.StatsView, Handler: s.getHazardReport},
		{Method: http.MethodGet, Path: "/api/v1/reports/hazards/export", Perm: rbac.StatsView, Handler: s.exportHazardReport},
		{Method: http.MethodPost, Path: "/api/v1/reports/hazards/signoff", Perm: rbac.ReportSign, Handler: s.signHazardReport},
		{Method: http.MethodGet, Path: "/api/v1/regulator/enterprises/:id/report", Perm: rbac.RegDashboard, Handler: s.getRegulatorReport},
		{Method: http.MethodGet, Path: "/api/v1/regulator/enterprises/:id/report/export", Perm: rbac.RegDashboard, Handler: s.exportRegulatorReport},
	}
}

// reportKey is the period asked for; empty asks for the one the report opens on: the latest quarter the
// enterprise owes a report for, or the quarter in progress for one registered since.
func reportKey(c echo.Context) string { return c.QueryParam("period") }

// getHazardReport godoc
//
//	@Summary		季度/年度隐患统计报表
//	@Description	按数据生成的隐患排查治理情况统计报表：本期一般/重大隐患排查数、已整改数（期末前销号）、整改率（无隐患时为 null）、上期未整改、期末未整改与逾期、列入治理计划的重大隐患、整改资金、应排查与已排查次数、本期重大隐患清单。报送截止为期间结束后次月 15 日，由主要负责人签字确认；签字后报表内容以签字时为准，不再随数据变化。period 为季度（2026-Q3）或年度（2026），默认为最近一个应报送的期间：上一季度；企业在上一季度结束后才登记的，为本季度。企业在期间结束后才登记的，该期不要求报送（required 为 false），不计逾期。
//	@Tags			统计报表
//	@Produce		json
//	@Security		BearerAuth
//	@Param			period	query		string	false	"期间，如 2026-Q3 或 2026"
//	@Success		200		{object}	stats.Report
//	@Failure		400		{object}	ErrorBody	"report_period_invalid, report_period_future"
//	@Router			/api/v1/reports/hazards [get]
func (s *Server) getHazardReport(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	r, err := s.stats.Report(c.Request().Context(), ent, reportKey(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// exportHazardReport godoc
//
//	@Summary		下载隐患统计报表
//	@Description	同上报表，按纸质报表版式写成 .xlsx（横向、一页宽），可直接打印、签字后存档。
//	@Tags			统计报表
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Param			period	query		string	false	"期间，如 2026-Q3 或 2026"
//	@Success		200		{file}		binary
//	@Failure		400		{object}	ErrorBody	"report_period_invalid"
//	@Router			/api/v1/reports/hazards/export [get]
func (s *Server) exportHazardReport(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	return s.sendReport(c, s.stats, ent)
}

func (s *Server) sendReport(c echo.Context, from *stats.Service, ent int64) error {
	r, err := from.Report(c.Request().Context(), ent, reportKey(c))
	if err != nil {
		return err
	}
	b, err := r.Workbook()
	if err != nil {
		return err
	}
	return attachment(c, enterprise.FileName(r.EnterpriseName+"隐患统计报表"+r.Period, s.deps.Clock.Now().In(clock.Business)), xlsxType, bytes.NewReader(b))
}

// SignReportInput is the sign-off of one period's report.
type SignReportInput struct {
	Period string `json:"period" label:"报表期间" validate:"required,max=7" example:"2026-Q3"`
	stats.SignInput
}

// signHazardReport godoc
//
//	@Summary		报表签字确认
//	@Description	主要负责人对已结束期间的报表签字确认：记录签字人、职务、说明和时间，并冻结报表数字。期间未结束不能签；每期只能签一次；逾期（次月 15 日后）签字标记为 late。
//	@Tags			统计报表
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		SignReportInput	true	"签字"
//	@Success		200		{object}	stats.Report
//	@Failure		400		{object}	ErrorBody	"validation_failed, report_period_invalid"
//	@Failure		409		{object}	ErrorBody	"report_period_open, report_already_signed"
//	@Router			/api/v1/reports/hazards/signoff [post]
func (s *Server) signHazardReport(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	var in SignReportInput
	if err := bind(c, &in); err != nil {
		return err
	}
	r, err := s.stats.Sign(c.Request().Context(), actor(c), ent, in.Period, in.SignInput)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// getRegulatorReport godoc
//
//	@Summary		企业隐患统计报表（监管查看）
//	@Description	辖区内某企业的季度/年度隐患统计报表及签字情况，与企业看到的相同。
//	@Tags			监管
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int		true	"企业ID"
//	@Param			period	query		string	false	"期间，如 2026-Q3 或 2026，默认为最近一个应报送的期间"
//	@Success		200		{object}	stats.Report
//	@Failure		404		{object}	ErrorBody	"enterprise_not_found"
//	@Router			/api/v1/regulator/enterprises/{id}/report [get]
func (s *Server) getRegulatorReport(c echo.Context) error {
	e, err := s.enterpriseInRegion(c)
	if err != nil {
		return err
	}
	r, err := s.regStats.Report(c.Request().Context(), e.ID, reportKey(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// exportRegulatorReport godoc
//
//	@Summary		下载企业隐患统计报表（监管）
//	@Tags			监管
//	@Produce		application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
//	@Security		BearerAuth
//	@Param			id		path		int		true	"企业ID"
//	@Param			period	query		string	false	"期间"
//	@Success		200		{file}		binary
//	@Failure		404		{object}	ErrorBody	"enterprise_not_found"
//	@Router			/api/v1/regulator/enterprises/{id}/report/export [get]
func (s *Server) exportRegulatorReport(c echo.Context) error {
	e, err := s.enterpriseInRegion(c)
	if err != nil {
		return err
	}
	return s.sendReport(c, s.regStats, e.ID)
}
