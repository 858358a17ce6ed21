package api

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"yqyb/internal/enterprise"
	"yqyb/internal/feed"
	"yqyb/internal/hazard"
	"yqyb/internal/org"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/rbac"
	"yqyb/internal/stats"
)

func (s *Server) statsRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/dashboard", Perm: rbac.StatsView, Handler: s.enterpriseDashboard},
		{Method: http.MethodGet, Path: "/api/v1/reports/hazards", Perm: rbac.StatsView, Handler: s.hazardReport},
		{Method: http.MethodGet, Path: "/api/v1/reports/hazards/export", Perm: rbac.StatsView, Handler: s.exportHazardReport},
		{Method: http.MethodPost, Path: "/api/v1/reports/hazards/signoff", Perm: rbac.ReportSign, Handler: s.signHazardReport},
		{Method: http.MethodGet, Path: "/api/v1/feed", Perm: rbac.FeedRead, Handler: s.enterpriseFeed},

		{Method: http.MethodGet, Path: "/api/v1/regulator/dashboard", Perm: rbac.RegDashboard, Handler: s.regionDashboard},
		{Method: http.MethodGet, Path: "/api/v1/regulator/enterprises/:id/summary", Perm: rbac.RegDashboard, Handler: s.regulatorEnterpriseSummary},
		{Method: http.MethodGet, Path: "/api/v1/regulator/enterprises/:id/report", Perm: rbac.RegDashboard, Handler: s.regulatorReport},
		{Method: http.MethodGet, Path: "/api/v1/regulator/enterprises/:id/report/export", Perm: rbac.RegDashboard, Handler: s.regulatorReportExport},
		{Method: http.MethodPost, Path: "/api/v1/regulator/hazards/:id/supervise", Perm: rbac.RegSupervise, Handler: s.superviseHazard},
		{Method: http.MethodPost, Path: "/api/v1/regulator/hazards/:id/lift-supervision", Perm: rbac.RegSupervise, Handler: s.liftSupervision},
		{Method: http.MethodGet, Path: "/api/v1/regulator/feed", Perm: rbac.RegFeed, Handler: s.regionFeed},
	}
}

// maxRangeDays bounds a statistics range, so one request cannot ask for decades of trend.
const maxRangeDays = 3 * 366

var errRange = apperr.New(apperr.Invalid, "range_invalid", "统计期间无效：起始日期不能晚于结束日期，且跨度不超过三年")

// statsRange reads from/to (dates, to inclusive); the default is the current quarter.
func (s *Server) statsRange(c echo.Context) (stats.Range, error) {
	r := stats.DefaultRange(s.deps.Clock.Now())
	from, err := queryDate(c, "from", "起始日期", false)
	if err != nil {
		return r, err
	}
	to, err := queryDate(c, "to", "结束日期", true)
	if err != nil {
		return r, err
	}
	if !from.IsZero() {
		r.From = from
	}
	if !to.IsZero() {
		r.To = to
	}
	if !r.From.Before(r.To) || r.To.Sub(r.From) > maxRangeDays*24*time.Hour {
		return r, errRange
	}
	return r, nil
}

// EnterpriseDashboard is an enterprise's home page (首页).
type EnterpriseDashboard struct {
	Summary     stats.EnterpriseSummary   `json:"summary"`
	Inspections stats.PeriodInspections   `json:"inspections"`
	Supervised  []hazard.SupervisedHazard `json:"supervised"`
} // @name EnterpriseDashboard

// enterpriseDashboard godoc
//
//	@Summary		企业首页统计
//	@Description	本企业的当前半月系统使用率（实时计算）、信息完备率、本半月排查（已提交、错过、当前未提交）、未关闭和逾期隐患、所选期间（默认本季度）按管理级别与企业隐患等级的隐患数和整改率、使用率走势，以及正在被监管部门督办的重大隐患。统计口径见《操作手册》统计口径一章。
//	@Tags			统计报表
//	@Produce		json
//	@Security		BearerAuth
//	@Param			from	query		string	false	"起始日期（含），默认本季度第一天"	format(date)
//	@Param			to		query		string	false	"结束日期（含），默认本季度最后一天"	format(date)
//	@Success		200		{object}	EnterpriseDashboard
//	@Failure		400		{object}	ErrorBody	"range_invalid"
//	@Router			/api/v1/dashboard [get]
func (s *Server) enterpriseDashboard(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	r, err := s.statsRange(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var out EnterpriseDashboard
	if out.Summary, err = s.stats.Enterprise(ctx, ent, r); err != nil {
		return err
	}
	if out.Inspections, err = s.stats.Inspections(ctx, ent); err != nil {
		return err
	}
	if out.Supervised, err = s.hazards.SupervisedOpen(ctx, ent); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func reportKey(c echo.Context, now time.Time) string {
	if k := c.QueryParam("period"); k != "" {
		return k
	}
	return stats.LastReportPeriod(now).Key
}

// hazardReport godoc
//
//	@Summary		季度/年度隐患统计报表
//	@Description	按数据生成的隐患排查治理情况统计报表：本期一般/重大隐患排查数、已整改数（期末前销号）、整改率（无隐患时为 null）、上期未整改、期末未整改与逾期、列入治理计划的重大隐患、整改资金、应排查与已排查次数、本期重大隐患清单。报送截止为期间结束后次月 15 日，由主要负责人签字确认；签字后报表内容以签字时为准，不再随数据变化。period 为季度（2026-Q3）或年度（2026），默认上一季度。
//	@Tags			统计报表
//	@Produce		json
//	@Security		BearerAuth
//	@Param			period	query		string	false	"期间，如 2026-Q3 或 2026"
//	@Success		200		{object}	stats.Report
//	@Failure		400		{object}	ErrorBody	"report_period_invalid, report_period_future"
//	@Router			/api/v1/reports/hazards [get]
func (s *Server) hazardReport(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	r, err := s.stats.Report(c.Request().Context(), ent, reportKey(c, s.deps.Clock.Now()))
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
	return s.sendReport(c, ent)
}

func (s *Server) sendReport(c echo.Context, ent int64) error {
	r, err := s.stats.Report(c.Request().Context(), ent, reportKey(c, s.deps.Clock.Now()))
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

// feedLimit reads the batch size of a feed read.
func feedLimit(c echo.Context) (int, error) {
	raw := c.QueryParam("limit")
	if raw == "" {
		return 200, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 1000 {
		return 0, apperr.Validation(apperr.FieldError{Field: "limit", Message: "每批条数应为 1 到 1000"})
	}
	return n, nil
}

// enterpriseFeed godoc
//
//	@Summary		变更流（本企业）
//	@Description	供对接系统增量同步：按提交顺序返回 cursor 之后的变更（排查提交 inspection.submitted；隐患登记、安排整改、提交整改、验收、退回、当场整改、督办与解除督办 hazard.*）。把返回的 cursor 原样带回即可继续，不会遗漏也不会重复；不带 cursor 从头重新同步。more 为 true 时还有可读的变更。正在提交中的事务的变更在其提交后才出现，且出现在已发出的游标之后。
//	@Tags			数据对接
//	@Produce		json
//	@Security		BearerAuth
//	@Param			cursor	query		string	false	"上次返回的 cursor；空表示从头"
//	@Param			limit	query		int		false	"每批条数，1–1000，默认 200"
//	@Success		200		{object}	feed.Page
//	@Failure		400		{object}	ErrorBody	"feed_cursor_invalid"
//	@Router			/api/v1/feed [get]
func (s *Server) enterpriseFeed(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	return s.readFeed(c, feed.Scope{EnterpriseID: ent})
}

func (s *Server) readFeed(c echo.Context, scope feed.Scope) error {
	limit, err := feedLimit(c)
	if err != nil {
		return err
	}
	p, err := s.feed.Read(c.Request().Context(), scope, c.QueryParam("cursor"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// regionFeed godoc
//
//	@Summary		变更流（辖区）
//	@Description	同 /api/v1/feed，范围为本监管账号辖区内的全部企业。
//	@Tags			数据对接
//	@Produce		json
//	@Security		BearerAuth
//	@Param			cursor	query		string	false	"上次返回的 cursor；空表示从头"
//	@Param			limit	query		int		false	"每批条数，1–1000，默认 200"
//	@Success		200		{object}	feed.Page
//	@Failure		400		{object}	ErrorBody	"feed_cursor_invalid"
//	@Router			/api/v1/regulator/feed [get]
func (s *Server) regionFeed(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	return s.readFeed(c, feed.Scope{RegionPath: path})
}

// regionDashboard godoc
//
//	@Summary		监管看板
//	@Description	某区域（默认本账号辖区；region_id 可下钻到下级区县、街道）的统计：企业数、已初始化、初始化完成、平均信息完备率、当前半月系统使用率（每 5 分钟刷新，computed_at 为刷新时间）、所选期间（默认本季度）各半月使用率走势（已结束的半月取快照，不随之后的数据修改而变）、排查率、按管理级别和企业隐患等级的隐患数与整改率、未关闭一般/重大隐患、逾期隐患；下级区域汇总；使用率最低、完备率最低、逾期最多、从未初始化的企业（各前 10）；未关闭的重大隐患及其方案、期限和督办状态；上季度报表签字情况。辖区外的区域返回 404。
//	@Tags			监管
//	@Produce		json
//	@Security		BearerAuth
//	@Param			region_id	query		int		false	"区域，默认本账号辖区"
//	@Param			from		query		string	false	"起始日期（含）"	format(date)
//	@Param			to			query		string	false	"结束日期（含）"	format(date)
//	@Success		200			{object}	stats.Dashboard
//	@Failure		400			{object}	ErrorBody	"range_invalid"
//	@Failure		404			{object}	ErrorBody	"region_not_found"
//	@Router			/api/v1/regulator/dashboard [get]
func (s *Server) regionDashboard(c echo.Context) error {
	p := principal(c)
	if p.RegionPath == "" {
		return errNoRegion
	}
	id, err := queryID(c, "region_id", "区域")
	if err != nil {
		return err
	}
	if id == 0 {
		id = p.RegionID
	}
	r, err := s.statsRange(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	region, err := s.stats.RegionIn(ctx, p.RegionPath, id)
	if err != nil {
		return err
	}
	d, err := s.stats.RegionDashboard(ctx, region, r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// regulatorEnterpriseSummary godoc
//
//	@Summary		企业统计概况（下钻）
//	@Description	辖区内某企业的统计概况，与该企业首页的口径相同（当前数字实时计算）。
//	@Tags			监管
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int		true	"企业ID"
//	@Param			from	query		string	false	"起始日期（含）"	format(date)
//	@Param			to		query		string	false	"结束日期（含）"	format(date)
//	@Success		200		{object}	stats.EnterpriseSummary
//	@Failure		404		{object}	ErrorBody	"enterprise_not_found"
//	@Router			/api/v1/regulator/enterprises/{id}/summary [get]
func (s *Server) regulatorEnterpriseSummary(c echo.Context) error {
	e, err := s.enterpriseInRegion(c)
	if err != nil {
		return err
	}
	r, err := s.statsRange(c)
	if err != nil {
		return err
	}
	out, err := s.stats.Enterprise(c.Request().Context(), e.ID, r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) enterpriseInRegion(c echo.Context) (org.Enterprise, error) {
	path, err := regionPathOf(c)
	if err != nil {
		return org.Enterprise{}, err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return org.Enterprise{}, err
	}
	return s.org.EnterpriseInRegion(c.Request().Context(), path, id)
}

// regulatorReport godoc
//
//	@Summary		企业隐患统计报表（监管查看）
//	@Description	辖区内某企业的季度/年度隐患统计报表及签字情况，与企业看到的相同。
//	@Tags			监管
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int		true	"企业ID"
//	@Param			period	query		string	false	"期间，如 2026-Q3 或 2026，默认上一季度"
//	@Success		200		{object}	stats.Report
//	@Failure		404		{object}	ErrorBody	"enterprise_not_found"
//	@Router			/api/v1/regulator/enterprises/{id}/report [get]
func (s *Server) regulatorReport(c echo.Context) error {
	e, err := s.enterpriseInRegion(c)
	if err != nil {
		return err
	}
	r, err := s.stats.Report(c.Request().Context(), e.ID, reportKey(c, s.deps.Clock.Now()))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// regulatorReportExport godoc
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
func (s *Server) regulatorReportExport(c echo.Context) error {
	e, err := s.enterpriseInRegion(c)
	if err != nil {
		return err
	}
	return s.sendReport(c, e.ID)
}

// superviseHazard godoc
//
//	@Summary		督办重大隐患
//	@Description	监管部门对辖区内未销号的重大隐患挂牌督办：督办期限和督办意见。企业在隐患详情和首页看到督办；隐患时间线和变更流记录此事。每条隐患同时只有一个有效督办。
//	@Tags			监管
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int						true	"隐患ID"
//	@Param			body	body		hazard.SuperviseInput	true	"督办"
//	@Success		200		{object}	hazard.Detail
//	@Failure		400		{object}	ErrorBody	"validation_failed, deadline_in_past"
//	@Failure		404		{object}	ErrorBody	"hazard_not_found"
//	@Failure		409		{object}	ErrorBody	"supervision_major_only, already_supervised"
//	@Router			/api/v1/regulator/hazards/{id}/supervise [post]
func (s *Server) superviseHazard(c echo.Context) error {
	p := principal(c)
	if p.RegionPath == "" {
		return errNoRegion
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in hazard.SuperviseInput
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.hazards.Supervise(c.Request().Context(), hazardActor(c), p.RegionID, p.RegionPath, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// liftSupervision godoc
//
//	@Summary		解除督办
//	@Tags			监管
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		int					true	"隐患ID"
//	@Param			body	body		hazard.LiftInput	true	"解除说明"
//	@Success		200		{object}	hazard.Detail
//	@Failure		404		{object}	ErrorBody	"hazard_not_found, supervision_not_found"
//	@Router			/api/v1/regulator/hazards/{id}/lift-supervision [post]
func (s *Server) liftSupervision(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in hazard.LiftInput
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.hazards.Lift(c.Request().Context(), hazardActor(c), path, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}
