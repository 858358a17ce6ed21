package api

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"gorm.io/gorm"
	"yqyb/internal/platform/apperr"
)

// metrics are the Prometheus series of one instance: requests by route template (never by raw path, so
// ids do not explode the series), latency histograms, the database pool and the scheduled jobs. Each server
// has its own registry, so tests that build many servers do not collide.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	jobRuns  *prometheus.CounterVec
	jobTime  *prometheus.HistogramVec
}

func newMetrics(db *gorm.DB) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "yqyb_http_requests_total",
		Help: "HTTP requests by method, route template and status."}, []string{"method", "route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "yqyb_http_request_duration_seconds",
		Help:    "HTTP request latency by method and route template.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"method", "route"})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "yqyb_job_runs_total",
		Help: "Scheduled job runs by this instance, by job and result (ok, error)."}, []string{"job", "result"})
	m.jobTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "yqyb_job_duration_seconds",
		Help: "Scheduled job run time.", Buckets: prometheus.ExponentialBuckets(0.01, 4, 10)}, []string{"job"})
	m.reg.MustRegister(m.requests, m.latency, m.jobRuns, m.jobTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if sqlDB, err := db.DB(); err == nil {
		m.reg.MustRegister(collectors.NewDBStatsCollector(sqlDB, "yqyb"))
	}
	return m
}

// observe records one finished request.
func (m *metrics) observe(method, route string, status int, took time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(method, route).Observe(took.Seconds())
}

// ObserveJob records a scheduled job's run; the jobs runner calls it.
func (s *Server) ObserveJob(job string, took time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	s.metrics.jobRuns.WithLabelValues(job, result).Inc()
	s.metrics.jobTime.WithLabelValues(job).Observe(took.Seconds())
}

// metricsHandler godoc
//
//	@Summary		Prometheus 指标
//	@Description	Prometheus 文本格式的运行指标：按路由模板的请求数与延迟直方图、错误（status 标签）、数据库连接池、定时任务运行次数与耗时、Go 运行时与进程。YQYB_METRICS=false 时不提供；生产环境应只允许内网采集（见 deploy/nginx）。
//	@Tags			系统
//	@Produce		plain
//	@Success		200	{string}	string	"Prometheus 文本格式"
//	@Router			/metrics [get]
func (s *Server) metricsHandler(c echo.Context) error {
	if !s.deps.Config.Metrics {
		return apperr.ErrNotFound
	}
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(c.Response(), c.Request())
	return nil
}
