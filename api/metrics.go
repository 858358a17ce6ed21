package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"gorm.io/gorm"

	"yqyb/internal/auth"
	"yqyb/internal/platform/database"
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

// watchSessionCache exports the session cache's state: whether it is in use (1) or bypassed because its
// notification connection is down (0), and how requests were served.
func (m *metrics) watchSessionCache(c *auth.Cache) {
	if c == nil {
		return
	}
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yqyb_session_cache_live",
			Help: "1 while the session cache is in use; 0 while it is bypassed (notification connection down, every request reads the database)."},
			func() float64 {
				if c.Live() {
					return 1
				}
				return 0
			}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yqyb_session_cache_entries", Help: "Sessions in the session cache."},
			func() float64 { return float64(c.Len()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "yqyb_session_cache_hits_total", Help: "Authenticated requests served from the session cache."},
			func() float64 { return float64(c.Stats().Hits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "yqyb_session_cache_misses_total", Help: "Authenticated requests that read their session from the database while the cache was live."},
			func() float64 { return float64(c.Stats().Misses) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "yqyb_session_cache_bypassed_total", Help: "Authenticated requests that read their session from the database because the cache was bypassed."},
			func() float64 { return float64(c.Stats().Bypassed) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "yqyb_session_cache_invalidations_total", Help: "Revocation notifications applied to the session cache."},
			func() float64 { return float64(c.Stats().Invalidations) }),
	)
}

// watchReplica exports the read-only replica's state: whether regulators' reads use it, how far behind it
// was at the last check, and the reads sent to the primary instead, by reason (down, lagging, not_standby).
func (m *metrics) watchReplica(g *database.ReplicaGuard) {
	if g == nil {
		return
	}
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yqyb_replica_in_use",
			Help: "1 while dashboards and reports read the read-only replica; 0 while they fall back to the primary."},
			func() float64 {
				if g.Status().InUse {
					return 1
				}
				return 0
			}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "yqyb_replica_lag_seconds",
			Help: "How far the replica's data was behind the primary at the last check; -1 when unknown (replica down or not a standby)."},
			func() float64 { return g.Status().Lag.Seconds() }),
	)
	for _, reason := range database.FallbackReasons {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "yqyb_replica_fallback_reads_total",
			Help:        "Reads meant for the read-only replica that went to the primary, by reason (down, lagging, not_standby).",
			ConstLabels: prometheus.Labels{"reason": reason}},
			func() float64 { return float64(g.Status().Fallbacks[reason]) }))
	}
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

// MetricsHandler answers Prometheus' scrapes in its text format: requests and latency by route template,
// errors (the status label), the database pool, scheduled job runs and their duration, the Go runtime and
// the process. main serves it on its own listener (YQYB_METRICS_ADDR), never on the API's port.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{})
}
