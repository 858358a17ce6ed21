package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"

	"yqyb/api/apidoc"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/database"
	"yqyb/internal/tools/demo"
)

func TestSystemEndpoints(t *testing.T) {
	env := newEnv(t)

	t.Run("200", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz"} {
			r := env.do(http.MethodGet, path, nil)
			if r.Code != http.StatusOK || !strings.Contains(string(r.Body), `"status":"ok"`) {
				t.Errorf("%s = %d %s", path, r.Code, r.Body)
			}
		}
		r := env.do(http.MethodGet, "/api/v1/meta", nil)
		var m MetaResponse
		r.decode(t, &m)
		if r.Code != http.StatusOK || m.Name != "北京市安全生产事故隐患排查信息系统" || m.TimeZone != "Asia/Shanghai" || m.Env != "development" {
			t.Errorf("meta = %d %+v", r.Code, m)
		}
		// The server's (injected) clock decides, shown in Beijing time.
		if !m.ServerTime.Equal(testNow) || !strings.Contains(string(r.Body), "+08:00") {
			t.Errorf("server_time = %v, body %s", m.ServerTime, r.Body)
		}
		if r.Header.Get(echo.HeaderXRequestID) == "" {
			t.Error("no X-Request-ID on the response")
		}
	})

	t.Run("404 405", func(t *testing.T) {
		tests := []struct {
			method, path string
			status       int
			code         string
		}{
			{http.MethodGet, "/api/v1/no-such-thing", 404, "route_not_found"},
			{http.MethodPost, "/api/v1/no-such-thing", 404, "route_not_found"},
			{http.MethodDelete, "/api/v1/meta", 405, "method_not_allowed"},
			{http.MethodPost, "/healthz", 405, "method_not_allowed"},
		}
		for _, tt := range tests {
			r := env.do(tt.method, tt.path, nil)
			if b := r.errBody(t); r.Code != tt.status || b.Code != tt.code {
				t.Errorf("%s %s = %d %+v, want %d %s", tt.method, tt.path, r.Code, b, tt.status, tt.code)
			}
		}
	})

	t.Run("503 when the database is down", func(t *testing.T) {
		down := newEnv(t)
		database.Close(down.db)
		r := down.do(http.MethodGet, "/readyz", nil)
		if b := r.errBody(t); r.Code != http.StatusServiceUnavailable || b.Code != "database_unavailable" || b.Message != "数据库不可用" {
			t.Errorf("readyz = %d %s", r.Code, r.Body)
		}
		if r := down.do(http.MethodGet, "/healthz", nil); r.Code != http.StatusOK {
			t.Errorf("healthz must not depend on the database: %d", r.Code)
		}
	})
}

// sampleRequest exercises validation the way domain requests will use it.
type sampleRequest struct {
	Name       string       `json:"name" label:"企业名称" validate:"required,max=10"`
	CreditCode string       `json:"credit_code" label:"统一社会信用代码" validate:"required,uscc"`
	Phone      string       `json:"phone" label:"法人电话" validate:"omitempty,mobile"`
	Count      int          `json:"count" validate:"gte=0"`
	Items      []sampleItem `json:"items" label:"明细" validate:"dive"`
}

type sampleItem struct {
	Title string `json:"title" label:"标题" validate:"required"`
}

func TestErrorShape(t *testing.T) {
	env := newEnv(t)
	errDeptBusy := apperr.New(apperr.Conflict, "dept_has_posts", "部门下仍有岗位，不能删除")
	e := env.srv.echo
	e.GET("/test/panic", func(echo.Context) error { panic("boom") })
	e.GET("/test/domain", func(echo.Context) error { return errDeptBusy.WithDetails(map[string]any{"posts": 2}) })
	e.GET("/test/missing", func(c echo.Context) error {
		var x struct{ ID int64 }
		return env.db.Table("regions").Where("id = ?", -1).Take(&x).Error
	})
	e.GET("/test/internal", func(echo.Context) error { return errors.New("secret detail: password=hunter2") })
	e.GET("/test/pgdown", func(echo.Context) error {
		return fmt.Errorf("query: %w", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"})
	})
	e.POST("/test/validate", func(c echo.Context) error {
		var req sampleRequest
		if err := bind(c, &req); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, req)
	})

	t.Run("domain, not found, unavailable", func(t *testing.T) {
		tests := []struct {
			path   string
			status int
			code   string
		}{
			{"/test/domain", 409, "dept_has_posts"},
			{"/test/missing", 404, "not_found"},
			{"/test/pgdown", 503, "service_unavailable"},
		}
		for _, tt := range tests {
			r := env.do(http.MethodGet, tt.path, nil)
			if b := r.errBody(t); r.Code != tt.status || b.Code != tt.code {
				t.Errorf("%s = %d %s", tt.path, r.Code, r.Body)
			}
		}
		r := env.do(http.MethodGet, "/test/domain", nil)
		if b := r.errBody(t); b.Details["posts"] != float64(2) || b.Message != "部门下仍有岗位，不能删除" {
			t.Errorf("details lost: %s", r.Body)
		}
	})

	t.Run("500 hides the cause and logs it with the request id", func(t *testing.T) {
		for _, path := range []string{"/test/panic", "/test/internal"} {
			r := env.do(http.MethodGet, path, nil)
			b := r.errBody(t)
			rid := r.Header.Get(echo.HeaderXRequestID)
			if r.Code != 500 || b.Code != "internal_error" || !strings.Contains(b.Message, rid) || b.Details["request_id"] != rid {
				t.Errorf("%s = %d %s", path, r.Code, r.Body)
			}
			if strings.Contains(string(r.Body), "hunter2") || strings.Contains(string(r.Body), "boom") {
				t.Errorf("%s leaked the cause: %s", path, r.Body)
			}
			if logs := env.logs.String(); !strings.Contains(logs, rid) {
				t.Errorf("%s: request id %s not in logs", path, rid)
			}
		}
		if logs := env.logs.String(); !strings.Contains(logs, "hunter2") || !strings.Contains(logs, "boom") || !strings.Contains(logs, "goroutine") {
			t.Error("the cause or the panic stack is missing from the logs")
		}
	})

	t.Run("400 validation lists each field in Chinese", func(t *testing.T) {
		r := env.do(http.MethodPost, "/test/validate", map[string]any{
			"name": "一二三四五六七八九十一", "credit_code": "91350100M000100Y44", "phone": "12345",
			"count": -1, "items": []map[string]any{{"title": "ok"}, {"title": ""}},
		})
		b := r.errBody(t)
		if r.Code != 400 || b.Code != "validation_failed" {
			t.Fatalf("= %d %s", r.Code, r.Body)
		}
		got := map[string]string{}
		for _, f := range b.Details["fields"].([]any) {
			m := f.(map[string]any)
			got[m["field"].(string)] = m["message"].(string)
		}
		want := map[string]string{
			"name":           "企业名称长度不能超过10个字符",
			"credit_code":    "统一社会信用代码校验位不正确",
			"phone":          "法人电话：手机号码格式不正确，应为11位大陆手机号（可带+86）",
			"count":          "count必须大于或等于0",
			"items[1].title": "标题为必填字段",
		}
		for f, msg := range want {
			if got[f] != msg {
				t.Errorf("field %s: message %q, want %q", f, got[f], msg)
			}
		}
		if len(got) != len(want) {
			t.Errorf("fields = %v", got)
		}
	})

	t.Run("400 for required texts of spaces only, nested ones named by their path", func(t *testing.T) {
		r := env.do(http.MethodPost, "/test/validate", map[string]any{"name": "  ", "credit_code": "91350100M000100Y43",
			"items": []map[string]any{{"title": "ok"}, {"title": " \t"}, {"title": "ok"}, {"title": "　 "}}})
		b := r.errBody(t)
		if r.Code != 400 || b.Code != "validation_failed" {
			t.Fatalf("= %d %s", r.Code, r.Body)
		}
		got := map[string]string{}
		for _, f := range b.Details["fields"].([]any) {
			m := f.(map[string]any)
			got[m["field"].(string)] = m["message"].(string)
		}
		want := map[string]string{"name": "企业名称为必填字段", "items[1].title": "标题为必填字段", "items[3].title": "标题为必填字段"}
		if len(got) != len(want) {
			t.Errorf("fields = %v, want %v", got, want)
		}
		for f, msg := range want {
			if got[f] != msg {
				t.Errorf("field %s: message %q, want %q", f, got[f], msg)
			}
		}
	})

	t.Run("400 413 415 for malformed bodies", func(t *testing.T) {
		valid := `{"name":"测试","credit_code":"91350100M000100Y43"}`
		tests := []struct {
			name   string
			body   any
			hdr    []string
			status int
			code   string
		}{
			{"valid", valid, nil, 200, ""},
			{"bad json", `{"name":`, nil, 400, "bad_request"},
			{"two objects", valid + valid, nil, 400, "bad_request"},
			{"wrong type", `{"name":1,"credit_code":"91350100M000100Y43"}`, nil, 400, "validation_failed"},
			{"empty body", "", nil, 400, "bad_request"},
			{"form content type", valid, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"},
			{"too large", `{"name":"` + strings.Repeat("长", 400_000) + `"}`, nil, 413, "payload_too_large"},
		}
		for _, tt := range tests {
			r := env.do(http.MethodPost, "/test/validate", tt.body, tt.hdr...)
			if r.Code != tt.status {
				t.Errorf("%s: status %d, want %d: %s", tt.name, r.Code, tt.status, r.Body)
				continue
			}
			if tt.code != "" {
				if b := r.errBody(t); b.Code != tt.code {
					t.Errorf("%s: code %s, want %s", tt.name, b.Code, tt.code)
				}
			}
		}
		r := env.do(http.MethodPost, "/test/validate", `{"name":1,"credit_code":"91350100M000100Y43"}`)
		if !strings.Contains(string(r.Body), `"field":"name"`) || !strings.Contains(string(r.Body), "类型不正确，应为字符串") {
			t.Errorf("type error does not name the field: %s", r.Body)
		}
	})
}

func TestSPAServing(t *testing.T) {
	spa := fstest.MapFS{
		"index.html":         {Data: []byte("<!doctype html><title>北京市安全生产事故隐患排查信息系统</title>")},
		"assets/app-abc.js":  {Data: []byte("console.log(1)")},
		"favicon.ico":        {Data: []byte{0, 0, 1, 0}},
		"assets/big-def.css": {Data: bytes.Repeat([]byte("body{color:red}\n"), 200)},
	}
	env := newEnv(t, func(d *Deps) { d.SPA = spa })
	tests := []struct {
		path, contains, cache string
		status                int
	}{
		{"/", "<title>", "no-cache", 200},
		{"/login", "<title>", "no-cache", 200},
		{"/system/users/12", "<title>", "no-cache", 200},
		{"/assets/app-abc.js", "console.log", "immutable", 200},
		{"/favicon.ico", "", "", 200},
		{"/assets/old-123.js", `"code":"not_found"`, "", 404},
		{"/api/v1/unknown", "route_not_found", "", 404},
		{"/api", "route_not_found", "", 404},
	}
	for _, tt := range tests {
		r := env.do(http.MethodGet, tt.path, nil)
		if r.Code != tt.status || !strings.Contains(string(r.Body), tt.contains) || !strings.Contains(r.Header.Get("Cache-Control"), tt.cache) {
			t.Errorf("GET %s = %d cache=%q %.80s", tt.path, r.Code, r.Header.Get("Cache-Control"), r.Body)
		}
	}
	if r := env.do(http.MethodHead, "/login", nil); r.Code != 200 {
		t.Errorf("HEAD /login = %d", r.Code)
	}
	r := env.do(http.MethodGet, "/assets/big-def.css", nil, "Accept-Encoding", "gzip")
	if r.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("large asset not compressed")
	} else if zr, err := gzip.NewReader(bytes.NewReader(r.Body)); err != nil {
		t.Error(err)
	} else if b, _ := io.ReadAll(zr); !bytes.Equal(b, spa["assets/big-def.css"].Data) {
		t.Error("gzip body differs")
	}

	none := newEnv(t)
	if r := none.do(http.MethodGet, "/", nil); r.Code != 404 || r.errBody(t).Code != "spa_not_built" {
		t.Errorf("without SPA: %d %s", r.Code, r.Body)
	}
}

func TestDocsServed(t *testing.T) {
	env := newEnv(t)
	r := env.do(http.MethodGet, "/api/openapi.yaml", nil)
	if r.Code != 200 || !bytes.Equal(r.Body, apidoc.OpenAPI) || !strings.Contains(r.Header.Get("Content-Type"), "yaml") {
		t.Errorf("openapi.yaml = %d %q", r.Code, r.Header.Get("Content-Type"))
	}
	for _, p := range []string{"/api/docs", "/api/docs/"} {
		if r := env.do(http.MethodGet, p, nil); r.Code != http.StatusFound || r.Header.Get("Location") != "/api/docs/index.html" {
			t.Errorf("%s = %d %s", p, r.Code, r.Header.Get("Location"))
		}
	}
	r = env.do(http.MethodGet, "/api/docs/index.html", nil)
	if r.Code != 200 || !strings.Contains(string(r.Body), "openapi.yaml") {
		t.Errorf("Swagger UI = %d %.200s", r.Code, r.Body)
	}
	if r := env.do(http.MethodGet, "/api/docs/swagger-ui-bundle.js", nil); r.Code != 200 || len(r.Body) < 100_000 {
		t.Errorf("Swagger UI bundle = %d (%d bytes)", r.Code, len(r.Body))
	}
}

func TestCORS(t *testing.T) {
	env := newEnv(t, func(d *Deps) { d.Config.CORSOrigins = []string{"https://spa.example.gov.cn"} })
	tests := []struct {
		origin string
		allow  string
	}{
		{"https://spa.example.gov.cn", "https://spa.example.gov.cn"},
		{"https://evil.example.com", ""},
	}
	for _, tt := range tests {
		r := env.do(http.MethodOptions, "/api/v1/meta", nil, "Origin", tt.origin, "Access-Control-Request-Method", "GET",
			"Access-Control-Request-Headers", "authorization")
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != tt.allow {
			t.Errorf("preflight from %s: allow-origin %q, want %q", tt.origin, got, tt.allow)
		}
	}
	if r := newEnv(t).do(http.MethodGet, "/api/v1/meta", nil, "Origin", "https://spa.example.gov.cn"); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("CORS open although no origin is configured")
	}
}

// TestGracefulShutdown proves that cancelling Serve's context (what SIGTERM does in main) lets an
// in-flight request finish and refuses new connections.
func TestGracefulShutdown(t *testing.T) {
	env := newEnv(t)
	started := make(chan struct{})
	env.srv.echo.GET("/test/slow", func(c echo.Context) error {
		close(started)
		time.Sleep(300 * time.Millisecond)
		return c.String(http.StatusOK, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- env.srv.Serve(ctx, ln) }()

	var wg sync.WaitGroup
	var status int
	var body string
	wg.Add(1)
	go func() {
		defer wg.Done()
		resp, err := http.Get("http://" + ln.Addr().String() + "/test/slow")
		if err != nil {
			t.Errorf("in-flight request failed: %v", err)
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		status, body = resp.StatusCode, string(b)
	}()
	<-started
	cancel()
	wg.Wait()
	if status != 200 || body != "finished" {
		t.Fatalf("in-flight request = %d %q", status, body)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve = %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("a new request was accepted after shutdown")
	}
}

// TestMetrics: the metrics are served by their own handler (main puts it on YQYB_METRICS_ADDR), with the
// request counters by route template; the API's router has no /metrics, so nothing that routes the API can
// expose them.
func TestMetrics(t *testing.T) {
	// With the SPA built, as in the binary: its fallback must not answer /metrics with the app shell.
	env := newEnv(t, func(d *Deps) {
		d.SPA = fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>yqyb</title>")}}
	})
	env.do(http.MethodGet, "/api/v1/meta", nil)
	env.do(http.MethodGet, "/api/v1/nothing-here", nil)
	env.srv.ObserveJob("stats.refresh", 120*time.Millisecond, nil)
	if r := env.do(http.MethodGet, "/metrics", nil); r.Code != http.StatusNotFound || strings.Contains(string(r.Body), "yqyb_http_requests_total") {
		t.Fatalf("GET /metrics on the API = %d %s, want 404", r.Code, r.Body)
	}
	if r := env.do(http.MethodGet, "/hazards", nil); r.Code != 200 {
		t.Fatalf("the SPA does not answer its own routes: %d", r.Code)
	}
	rec := httptest.NewRecorder()
	env.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("metrics = %d", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`yqyb_http_requests_total{method="GET",route="/api/v1/meta",status="200"} 1`,
		`yqyb_http_request_duration_seconds_bucket{method="GET",route="/api/v1/meta"`,
		`yqyb_http_requests_total{method="GET",route="/api/*",status="404"} 1`,
		`yqyb_http_requests_total{method="GET",route="/*",status="404"} 1`,
		`yqyb_job_runs_total{job="stats.refresh",result="ok"} 1`,
		`go_goroutines`, `go_sql_max_open_connections{db_name="yqyb"}`,
		// PostgreSQL without a listener: the session cache is bypassed, and says so.
		"yqyb_session_cache_live 0", "yqyb_session_cache_bypassed_total",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// Raw paths never become labels (ids would explode the series).
	if strings.Contains(body, "nothing-here") || strings.Contains(body, `route="/metrics"`) {
		t.Error("a raw path became a label")
	}
}

// TestFuzzFindings keeps the 5xx that TestAPIFuzz found answered as client errors: text PostgreSQL cannot
// store (a NUL character in a JSON string or a query parameter) and dates so far out that the answer's
// times have no RFC 3339 form (year 10000).
func TestFuzzFindings(t *testing.T) {
	env, _ := seeded(t)
	admin, _ := mallStandard(t, env)
	reg := env.login("personal", demo.ChaoyangReg, pw).AccessToken

	t.Run("NUL in text is a 400", func(t *testing.T) {
		for _, tt := range []struct {
			token, method, path string
			body                any
		}{
			{admin, http.MethodPost, "/api/v1/standard/categories", `{"name":"a\u0000b"}`},
			{admin, http.MethodPost, "/api/v1/reports/hazards/signoff", `{"period":"2026-Q3","signer_name":"\u0000","signer_title":"安全员"}`},
			{admin, http.MethodGet, "/api/v1/users?q=a%00b", nil},
			{reg, http.MethodGet, "/api/v1/regulator/enterprises?q=%00", nil},
		} {
			r := env.as(tt.token, tt.method, tt.path, tt.body)
			if r.Code >= 500 {
				t.Errorf("%s %s = %d %s", tt.method, tt.path, r.Code, r.Body)
			} else if r.Code == 400 && r.errBody(t).Code != "invalid_character" && r.errBody(t).Code != "validation_failed" {
				t.Errorf("%s %s = %s", tt.method, tt.path, r.Body)
			}
		}
		r := env.as(admin, http.MethodPost, "/api/v1/standard/categories", `{"name":"a\u0000b"}`)
		if b := r.errBody(t); r.Code != 400 || b.Code != "invalid_character" || !strings.Contains(b.Message, "字符") {
			t.Errorf("NUL in a name = %d %s", r.Code, r.Body)
		}
	})

	t.Run("far dates are a 400", func(t *testing.T) {
		for _, tt := range []struct{ token, path string }{
			{admin, "/api/v1/usage?date=9999-12-31"},
			{admin, "/api/v1/dashboard?from=2026-11-01&to=9999-12-31"},
			{reg, "/api/v1/regulator/dashboard?from=9999-12-31&to=9999-12-31"},
			{admin, "/api/v1/hazards?from=0001-01-01"},
		} {
			r := env.as(tt.token, http.MethodGet, tt.path, nil)
			if b := r.errBody(t); r.Code != 400 || b.Code != "validation_failed" || !strings.Contains(string(r.Body), "2000年至2100年") {
				t.Errorf("%s = %d %s", tt.path, r.Code, r.Body)
			}
		}
		if r := env.as(admin, http.MethodGet, "/api/v1/usage?date=2100-12-31", nil); r.Code != 200 {
			t.Errorf("the last allowed day = %d %s", r.Code, r.Body)
		}
	})
}
