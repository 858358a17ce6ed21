package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/buildinfo"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
	"yqyb/internal/platform/storage"
)

// StatusResponse answers the health probes.
type StatusResponse struct {
	Status string `json:"status" example:"ok"`
} // @name Status

// MetaResponse describes the running system.
type MetaResponse struct {
	Name       string    `json:"name" example:"北京市安全生产事故隐患排查信息系统"`
	Version    string    `json:"version" example:"v1.0.0"`
	Env        string    `json:"env" enums:"development,production"`
	TimeZone   string    `json:"time_zone" example:"Asia/Shanghai"`
	ServerTime time.Time `json:"server_time" format:"date-time"`
} // @name Meta

var errDatabaseUnavailable = apperr.New(apperr.Unavailable, "database_unavailable", "数据库不可用")

func (s *Server) systemRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/healthz", Public: true, Handler: s.getHealthz},
		{Method: http.MethodGet, Path: "/readyz", Public: true, Handler: s.getReadyz},
		{Method: http.MethodGet, Path: "/api/v1/meta", Public: true, Handler: s.getMeta},
	}
}

// getHealthz godoc
//
//	@Summary		存活检查
//	@Description	进程在运行即返回 200，不检查数据库（供存活探针使用）。
//	@Tags			系统
//	@Produce		json
//	@Success		200	{object}	StatusResponse
//	@Router			/healthz [get]
func (s *Server) getHealthz(c echo.Context) error {
	return c.JSON(http.StatusOK, StatusResponse{Status: "ok"})
}

// getReadyz godoc
//
//	@Summary		就绪检查
//	@Description	数据库可在 2 秒内应答（使用对象存储时存储桶也可访问）时返回 200，否则 503（供就绪探针和负载均衡使用）。
//	@Tags			系统
//	@Produce		json
//	@Success		200	{object}	StatusResponse
//	@Failure		503	{object}	ErrorBody	"database_unavailable, storage_unavailable"
//	@Router			/readyz [get]
func (s *Server) getReadyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.ready.check(ctx); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, StatusResponse{Status: "ok"})
}

var errStorageUnavailable = apperr.New(apperr.Unavailable, "storage_unavailable", "文件存储不可用")

// readiness is what /readyz asks, built once in New: the database, and the object store.
type readiness struct {
	db    *gorm.DB
	files storage.Store
}

func (r readiness) check(ctx context.Context) error {
	if err := database.Ping(ctx, r.db); err != nil {
		return errDatabaseUnavailable.Wrap(err)
	}
	// Object storage (S3) can be down while the database is up; an instance that cannot keep uploads is
	// not ready either. The local store has nothing to ping.
	if p, ok := r.files.(interface{ Ping(context.Context) error }); ok {
		if err := p.Ping(ctx); err != nil {
			return errStorageUnavailable.Wrap(err)
		}
	}
	return nil
}

// getMeta godoc
//
//	@Summary		系统信息
//	@Description	系统名称、版本、运行模式、业务时区和服务器当前时间（上报周期以服务器时间为准）。
//	@Tags			系统
//	@Produce		json
//	@Success		200	{object}	MetaResponse
//	@Router			/api/v1/meta [get]
func (s *Server) getMeta(c echo.Context) error {
	return c.JSON(http.StatusOK, MetaResponse{
		Name:       buildinfo.Name,
		Version:    buildinfo.Version,
		Env:        s.deps.Config.Env,
		TimeZone:   clock.BusinessZoneName,
		ServerTime: s.deps.Clock.Now().In(clock.Business),
	})
}
