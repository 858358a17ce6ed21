package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/rbac"
)

// devRoutes exist only outside production.
func (s *Server) devRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/dev/clock", Public: true, Handler: s.getDevClock},
		{Method: http.MethodPut, Path: "/api/v1/dev/clock", Public: true, Handler: s.setDevClock},
		{Method: http.MethodPost, Path: "/api/v1/dev/jobs/run", Public: true, Handler: s.runJobsNow},
	}
}

// DevJobRun is what one development run of the scheduled jobs did.
type DevJobRun struct {
	Name string `json:"name"`
	Note string `json:"note"`
} // @name DevJobRun

// runJobsNow godoc
//
//	@Summary		立即运行定时任务
//	@Description	仅开发模式：立即运行全部定时任务（统计刷新、半月快照、清理限流计数），不等它们的周期；用于演示和浏览器测试。生产模式下此接口不存在。
//	@Tags			开发
//	@Produce		json
//	@Success		200	{array}	DevJobRun
//	@Router			/api/v1/dev/jobs/run [post]
func (s *Server) runJobsNow(c echo.Context) error {
	if s.deps.DevClock == nil {
		return errNoDevClock
	}
	out := []DevJobRun{}
	for _, j := range s.Jobs() {
		note, err := j.Run(c.Request().Context())
		if err != nil {
			return err
		}
		out = append(out, DevJobRun{Name: j.Name, Note: note})
	}
	return c.JSON(http.StatusOK, out)
}

// DevClock is the development server's clock.
type DevClock struct {
	Now           time.Time `json:"now" format:"date-time"`
	OffsetSeconds int64     `json:"offset_seconds"`
} // @name DevClock

// SetDevClock moves the development clock: to an instant, or by an offset from the real time.
type SetDevClock struct {
	Now           *time.Time `json:"now,omitempty" format:"date-time"`
	OffsetSeconds *int64     `json:"offset_seconds,omitempty"`
} // @name SetDevClock

var errNoDevClock = apperr.New(apperr.Forbidden, "dev_clock_unavailable", "只有开发模式的服务器可以调整时钟")

// getDevClock godoc
//
//	@Summary		开发时钟
//	@Description	仅开发模式：服务器当前时间及其相对系统时间的偏移。生产模式下此接口不存在。
//	@Tags			开发
//	@Produce		json
//	@Success		200	{object}	DevClock
//	@Router			/api/v1/dev/clock [get]
func (s *Server) getDevClock(c echo.Context) error {
	if s.deps.DevClock == nil {
		return errNoDevClock
	}
	return c.JSON(http.StatusOK, DevClock{Now: s.deps.DevClock.Now().In(clock.Business), OffsetSeconds: int64(s.deps.DevClock.Offset().Seconds())})
}

// setDevClock godoc
//
//	@Summary		调整开发时钟
//	@Description	仅开发模式：把服务器时钟拨到某一时刻（now）或设置偏移（offset_seconds），时钟随后继续走时；用于演示和浏览器测试站在上报周期的边界上。生产模式下此接口不存在，且生产模式拒绝 YQYB_FAKE_NOW 与 YQYB_CLOCK_OFFSET。
//	@Tags			开发
//	@Accept			json
//	@Produce		json
//	@Param			body	body		SetDevClock	true	"时刻或偏移"
//	@Success		200		{object}	DevClock
//	@Router			/api/v1/dev/clock [put]
func (s *Server) setDevClock(c echo.Context) error {
	if s.deps.DevClock == nil {
		return errNoDevClock
	}
	var in SetDevClock
	if err := bind(c, &in); err != nil {
		return err
	}
	switch {
	case in.Now != nil:
		s.deps.DevClock.StandAt(*in.Now)
	case in.OffsetSeconds != nil:
		s.deps.DevClock.SetOffset(time.Duration(*in.OffsetSeconds) * time.Second)
	default:
		return apperr.Validation(apperr.FieldError{Field: "now", Message: "请给出时刻 now 或偏移 offset_seconds"})
	}
	s.deps.Log.Warn("development clock moved", "now", s.deps.DevClock.Now().In(clock.Business).Format(time.DateTime))
	return s.getDevClock(c)
}

// benchFloorPath is the bench floor's route (Config.BenchFloor).
const benchFloorPath = "/api/v1/dev/floor"

// mountBenchFloor adds the floor `make bench` measures every endpoint against: the same authentication
// (token, session) and permission check (the post user's own page's code) as every guarded route, then 204
// and nothing else. It is outside the route table and the contract: only a development server started for
// the load scenario (YQYB_BENCH_FLOOR) has it.
func (s *Server) mountBenchFloor() {
	r := Route{Method: http.MethodGet, Path: benchFloorPath, Perm: rbac.InspectView}
	s.echo.Add(r.Method, r.Path, func(c echo.Context) error { return c.NoContent(http.StatusNoContent) },
		s.authenticate(r), s.authorize(r.Perm))
}
