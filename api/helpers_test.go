package api

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/auth"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/config"
	"yqyb/internal/platform/storage"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/platform/testproc"
	"yqyb/internal/tools/demo"
)

// testEnv is the real router over a real database (PostgreSQL; see testdb) with a fixed clock and captured
// logs.
type testEnv struct {
	deps Deps
	t    testing.TB
	srv  *Server
	db   *gorm.DB
	clk  *clock.Fixed
	logs *testproc.Log
}

// testNow is where every test's clock starts: 28 November 2026, 10:00 in Beijing.
var testNow = time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business)

func newEnv(t testing.TB, opts ...func(*Deps)) *testEnv {
	t.Helper()
	clk := clock.NewFixed(testNow)
	db := testdb.Postgres(t, clk)
	logs := &testproc.Log{}
	files, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	d := Deps{
		Config: config.Config{Env: config.Development, DevFeatures: true, BodyLimit: "1M", ServeSPA: true, ShutdownWait: 5 * time.Second,
			JWTSecret: "test-secret-0123456789-abcdefghijklmnop", AccessTTL: 15 * time.Minute, RefreshTTL: 7 * 24 * time.Hour,
			SessionMaxAge: 30 * 24 * time.Hour, LockThreshold: 5, LockDuration: 15 * time.Minute, LoginPerIP: 1000},
		Hasher: account.Hasher{Cost: bcrypt.MinCost},
		DB:     db,
		Clock:  clk,
		Log:    slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Files:  files,
	}
	for _, o := range opts {
		o(&d)
	}
	srv, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, srv: srv, db: db, clk: clk, logs: logs, deps: d}
}

// seeded is a test environment holding the demo scenario.
func seeded(t testing.TB, opts ...func(*Deps)) (*testEnv, demo.Scenario) {
	t.Helper()
	env := newEnv(t, opts...)
	sc, err := demo.Seed(context.Background(), env.db, env.clk, env.deps.Hasher, false)
	if err != nil {
		t.Fatal(err)
	}
	return env, sc
}

// another builds a second server instance over the same database, as a second replica behind a load
// balancer would be: nothing shared but PostgreSQL.
func (e *testEnv) another() *testEnv {
	e.t.Helper()
	srv, err := New(e.deps)
	if err != nil {
		e.t.Fatal(err)
	}
	return &testEnv{t: e.t, srv: srv, db: e.db, clk: e.clk, logs: e.logs, deps: e.deps}
}

// login signs in and returns the tokens, failing the test on any error.
func (e *testEnv) login(mode, username, password string) auth.Tokens {
	e.t.Helper()
	r := e.do(http.MethodPost, "/api/v1/auth/login", map[string]string{"mode": mode, "username": username, "password": password})
	if r.Code != http.StatusOK {
		e.t.Fatalf("login %s/%s = %d %s", mode, username, r.Code, r.Body)
	}
	var t auth.Tokens
	r.decode(e.t, &t)
	return t
}

// as sends a request with a bearer token.
func (e *testEnv) as(token, method, path string, body any) *response {
	e.t.Helper()
	return e.do(method, path, body, "Authorization", "Bearer "+token)
}

// response is what a request returned.
type response struct {
	Code   int
	Header http.Header
	Body   []byte
}

// do sends a request through the full middleware chain. body may be nil, a string (sent as is) or a value
// (sent as JSON). hdr holds extra header pairs.
func (e *testEnv) do(method, path string, body any, hdr ...string) *response {
	e.t.Helper()
	var raw []byte
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		raw, ct = []byte(b), "application/json"
	case []byte:
		raw, ct = b, "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		raw, ct = j, "application/json"
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if body == nil {
		req = httptest.NewRequest(method, path, nil)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	check := req.Clone(context.Background())
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	conform(e.t, check, raw, rec)
	return &response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// decode unmarshals the body into v.
func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("body is not the expected JSON (%v): %s", err, r.Body)
	}
}

// errBody decodes the one error shape.
func (r *response) errBody(t testing.TB) ErrorBody {
	t.Helper()
	var b ErrorBody
	r.decode(t, &b)
	if b.Code == "" || b.Message == "" {
		t.Fatalf("not an error body: %s", r.Body)
	}
	return b
}

// upload sends a multipart form with one file field named "file".
func (e *testEnv) upload(token, path, fileName string, content []byte) *response {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", fileName)
	if err != nil {
		e.t.Fatal(err)
	}
	part.Write(content)
	w.Close()
	raw := body.Bytes()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	check := req.Clone(context.Background())
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	conform(e.t, check, raw, rec)
	return &response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// xlsx builds a spreadsheet whose first row is the header.
func xlsx(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, c := range r {
			cells[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
