package api

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// requestLogger writes one structured line per request, carrying the request id that the response header
// and any error log also carry.
func requestLogger(log *slog.Logger, m *metrics) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURIPath: true, LogRoutePath: true, LogStatus: true, LogLatency: true,
		LogRequestID: true, LogRemoteIP: true, LogResponseSize: true, LogError: true,
		HandleError: true, // let the error handler set the status before the line is written
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return p == "/healthz" || p == "/readyz"
		},
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			if m != nil {
				m.observe(v.Method, v.RoutePath, v.Status, v.Latency)
			}
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("request_id", v.RequestID), slog.String("method", v.Method), slog.String("path", v.URIPath),
				slog.String("route", v.RoutePath), slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
				slog.String("ip", v.RemoteIP), slog.Int64("bytes", v.ResponseSize),
			}
			if uid, ok := c.Get(ctxUserID).(int64); ok {
				attrs = append(attrs, slog.Int64("user_id", uid))
			}
			if key, ok := c.Get(ctxAPIKey).(string); ok {
				attrs = append(attrs, slog.String("api_key", key))
			}
			log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// ctxUserID is where authentication leaves the caller's id for the request log.
const ctxUserID = "user_id"

// ctxAPIKey is where authentication leaves the label (yqyb_<prefix>, never the secret) of the API key a
// request presented, accepted or not, for the request log.
const ctxAPIKey = "api_key"

// recoverPanics turns a panic in a handler into an internal error (logged with its stack by the error
// handler's caller) instead of a dropped connection.
func recoverPanics(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					log.ErrorContext(c.Request().Context(), "panic", "request_id", c.Response().Header().Get(echo.HeaderXRequestID),
						"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return next(c)
		}
	}
}

// requestID names every request with an id that the response, the request log, error answers and the
// audit log all carry. A client must not choose what lands in the audit log, so an X-Request-ID header is
// taken over only from a trusted reverse proxy (the direct peer is in YQYB_TRUSTED_PROXIES: nginx passes its
// $request_id, so its access log and ours agree) and only if it is a short token; otherwise the server makes
// one. The request header is overwritten too, because Echo's request logger reads it first.
func requestID(trusted []*net.IPNet) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			id := req.Header.Get(echo.HeaderXRequestID)
			if !wellFormedRequestID(id) || !peerTrusted(req.RemoteAddr, trusted) {
				id = uuid.NewString()
			}
			req.Header.Set(echo.HeaderXRequestID, id)
			c.Response().Header().Set(echo.HeaderXRequestID, id)
			return next(c)
		}
	}
}

// maxRequestIDLen bounds a proxy's request id: a UUID is 36 characters, nginx's $request_id 32.
const maxRequestIDLen = 64

// wellFormedRequestID accepts 1–64 characters of A-Z a-z 0-9 . _ : - (UUIDs, hex ids, trace ids), nothing
// that could break a log line, a header or a page that shows it.
func wellFormedRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch b := id[i]; {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b == '.', b == '_', b == ':', b == '-':
		default:
			return false
		}
	}
	return true
}

// peerTrusted reports whether the connection's own address (never a forwarded one) is a trusted proxy.
func peerTrusted(remoteAddr string, trusted []*net.IPNet) bool {
	if len(trusted) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// deadline bounds every request's work (database queries included) so a stuck dependency cannot pile up
// goroutines; streaming endpoints can opt out by path prefix later.
func deadline(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ctx, cancel := context.WithTimeout(c.Request().Context(), d)
			defer cancel()
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}

// cors allows a separately hosted SPA from the configured origins to call the API with a bearer token.
func cors(origins []string) echo.MiddlewareFunc {
	return middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins: origins,
		AllowMethods: []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
		AllowHeaders: []string{echo.HeaderAuthorization, echo.HeaderContentType, echo.HeaderXRequestID, refreshCookieHeader},
		// The refresh cookie travels to the API when the SPA is hosted on another origin of the same site.
		AllowCredentials: true,
		ExposeHeaders:    []string{echo.HeaderXRequestID, echo.HeaderContentDisposition, "Retry-After"},
		MaxAge:           600,
	})
}

// isAPIPath reports the paths the SPA never answers. /metrics is one: the metrics have their own listener,
// and a scraper pointed at the API's port by mistake must get a 404, not the app shell with a 200.
func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/api" || p == "/healthz" || p == "/readyz" || p == "/metrics"
}
