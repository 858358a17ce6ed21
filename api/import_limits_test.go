package api

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"yqyb/internal/platform/sheet"
	"yqyb/internal/tools/demo"
)

// uploadWithin sends a multipart upload whose request ends after d (a client giving up).
func (e *testEnv) uploadWithin(d time.Duration, token, path, fileName string, content []byte) *response {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", fileName)
	if err != nil {
		e.t.Fatal(err)
	}
	part.Write(content)
	w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	req := httptest.NewRequest(http.MethodPost, path, &body).WithContext(ctx)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return &response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// With both import slots of the instance taken, an import is answered 429 import_busy with Retry-After; the
// caps of a sheet answer 400 with their codes.
func TestImportLimits(t *testing.T) {
	env, _ := seeded(t)
	admin := env.login("personal", demo.MallName, pw)
	reg := env.login("personal", demo.ChaoyangReg, pw)
	file := xlsx(t, [][]string{importHeader, {"仓储部", "叉车司机", "", "每日", "叉车", "制动", "检查行车制动", "", "", "", ""}})

	ctx := context.Background()
	var releases []func()
	for range 2 {
		release, err := sheet.Imports.Enter(ctx)
		if err != nil {
			t.Fatal(err)
		}
		releases = append(releases, release)
	}
	for _, path := range []string{"/api/v1/checklist-import", "/api/v1/regulator/enterprise-import"} {
		token := admin.AccessToken
		if strings.Contains(path, "regulator") {
			token = reg.AccessToken
		}
		// The request's deadline stands in for the 10 s the gate would wait.
		r := env.uploadWithin(500*time.Millisecond, token, path, "x.xlsx", file)
		b := r.errBody(t)
		if r.Code != http.StatusTooManyRequests || b.Code != "import_busy" || !strings.Contains(b.Message, "导入") ||
			r.Header.Get("Retry-After") != "10" {
			t.Errorf("%s while busy = %d %s (Retry-After %q)", path, r.Code, r.Body, r.Header.Get("Retry-After"))
		}
	}
	for _, release := range releases {
		release()
	}
	if r := env.upload(admin.AccessToken, "/api/v1/checklist-import", "x.xlsx", file); r.Code != http.StatusOK {
		t.Fatalf("import once free = %d %s", r.Code, r.Body)
	}

	long := xlsx(t, [][]string{importHeader, {"仓储部", "叉车司机", "", "每日", "叉车", "灯光", "检查灯光", strings.Repeat("准", 2001), "", "", ""}})
	r := env.upload(admin.AccessToken, "/api/v1/checklist-import", "x.xlsx", long)
	if b := r.errBody(t); r.Code != http.StatusBadRequest || b.Code != "cell_too_long" || b.Details["column"] != "排查标准" || b.Details["row"] != float64(2) {
		t.Errorf("a 2,001-character criterion = %d %s", r.Code, r.Body)
	}
}
