package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"yqyb/internal/hazard"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/rbac"
	"yqyb/internal/stats"
)

func (s *Server) dashboardRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/dashboard", Perm: rbac.StatsView, Handler: s.getEnterpriseDashboard},
		{Method: http.MethodGet, Path: "/api/v1/regulator/dashboard", Perm: rbac.RegDashboard, Handler: s.getRegionDashboard},
		{Method: http.MethodGet, Path: "/api/v1/regulator/enterprises/:id/summary", Perm: rbac.RegDashboard, Handler: s.getRegulatorEnterpriseSummary},
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

// getEnterpriseDashboard godoc
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
func (s *Server) getEnterpriseDashboard(c echo.Context) error {
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

// getRegionDashboard godoc
//
//	@Summary		监管看板
//	@Description	某区域（默认本账号辖区；region_id 可下钻到下级区县、街道）的统计：企业数、已初始化、初始化完成、平均信息完备率、当前半月系统使用率（每 5 分钟刷新，computed_at 为刷新时间）、所选期间（默认本季度）各半月使用率走势（已结束的半月取快照，不随之后的数据修改而变）、排查率、按管理级别和企业隐患等级的隐患数与整改率、未关闭一般/重大隐患、逾期隐患；下级区域汇总；使用率最低、完备率最低、逾期最多、从未初始化的企业（各前 10）；未关闭的重大隐患及其方案、期限和督办状态；上季度报表签字情况。data_as_of 为数据截至时间：读只读副本（from_replica 为 true）时为副本已回放到的时刻，副本不可用或落后过多时改读主库，为读取时刻。辖区外的区域返回 404。
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
func (s *Server) getRegionDashboard(c echo.Context) error {
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
	region, err := s.regStats.RegionIn(ctx, p.RegionPath, id)
	if err != nil {
		return err
	}
	d, err := s.regStats.RegionDashboard(ctx, region, r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// getRegulatorEnterpriseSummary godoc
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
func (s *Server) getRegulatorEnterpriseSummary(c echo.Context) error {
	e, err := s.enterpriseInRegion(c)
	if err != nil {
		return err
	}
	r, err := s.statsRange(c)
	if err != nil {
		return err
	}
	out, err := s.regStats.Enterprise(c.Request().Context(), e.ID, r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}
