package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"yqyb/internal/platform/storage"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/tools/demo"
)

// An upload sent without a Content-Length (chunked) that grows past the body limit is refused as too large,
// like one that announces its size, not taken for a form without a file (issue 13).
func TestChunkedUploadPastTheBodyLimit(t *testing.T) {
	env, _ := seeded(t)
	tok := env.login("personal", demo.MallForklift, pw).AccessToken
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", "巨大.jpg")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(append(append([]byte{}, jpeg...), bytes.Repeat([]byte{0}, 2<<20)...)) // the test limit is 1M
	w.Close()
	for _, chunked := range []bool{false, true} {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/files", bytes.NewReader(body.Bytes()))
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+tok)
		if chunked {
			req.ContentLength, req.TransferEncoding = -1, []string{"chunked"}
		}
		rec := httptest.NewRecorder()
		env.srv.Handler().ServeHTTP(rec, req)
		r := &response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
		if r.Code != http.StatusRequestEntityTooLarge || r.errBody(t).Code != "payload_too_large" {
			t.Errorf("chunked=%v: %d %s", chunked, r.Code, r.Body)
		}
	}
}

// runJob runs one of the server's scheduled jobs by name, as the runner would.
func runJob(t *testing.T, env *testEnv, name string) string {
	t.Helper()
	for _, j := range env.srv.Jobs() {
		if j.Name == name {
			note, err := j.Run(context.Background())
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return note
		}
	}
	t.Fatalf("no job %s", name)
	return ""
}

// Uploads nobody attached within three days are removed, row and object; attached ones and recent ones stay
// (issue 13, unbounded growth).
func TestUploadsNeverAttachedArePruned(t *testing.T) {
	env, _ := seeded(t)
	mallStandard(t, env)
	tok := env.login("personal", demo.MallForklift, pw).AccessToken
	upload := func() int64 {
		t.Helper()
		var f struct{ ID int64 }
		r := env.upload(tok, "/api/v1/files", "现场.jpg", jpeg)
		r.decode(t, &f)
		if r.Code != 201 {
			t.Fatalf("upload = %d %s", r.Code, r.Body)
		}
		return f.ID
	}
	orphan, attached := upload(), upload()
	if r := env.as(tok, http.MethodPost, "/api/v1/hazards", map[string]any{"subject": "消防通道堵塞", "description": "二号库消防通道堆放纸箱",
		"grade_code": "D", "photo_ids": []int64{attached}}); r.Code != 201 {
		t.Fatalf("report = %d %s", r.Code, r.Body)
	}
	var orphanKey string
	testdb.Must(t, env.db.Table("files").Where("id = ?", orphan).Select("storage_key").Scan(&orphanKey))
	env.clk.Advance(2 * 24 * time.Hour)
	tok = env.login("personal", demo.MallForklift, pw).AccessToken
	recent := upload()
	env.clk.Advance(2 * 24 * time.Hour)
	tok = env.login("personal", demo.MallForklift, pw).AccessToken

	note := runJob(t, env, "files.prune")
	for id, want := range map[int64]int{orphan: 404, attached: 200, recent: 200} {
		if r := env.as(tok, http.MethodGet, fmt.Sprintf("/api/v1/files/%d", id), nil); r.Code != want {
			t.Errorf("file %d after the prune (%s) = %d, want %d", id, note, r.Code, want)
		}
	}
	if _, err := env.deps.Files.Open(context.Background(), orphanKey); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the pruned upload's object is still stored: %v", err)
	}
}

// One enterprise cannot fill the shared file store: past its bytes of the day its uploads are refused until
// the next day in Beijing; other enterprises upload on.
func TestUploadDailyQuota(t *testing.T) {
	env, _ := seeded(t, func(d *Deps) { d.Config.UploadDailyQuota = int64(2*len(jpeg) + 1) })
	mall := env.login("personal", demo.MallForklift, pw).AccessToken
	for i := range 2 {
		if r := env.upload(mall, "/api/v1/files", "现场.jpg", jpeg); r.Code != 201 {
			t.Fatalf("upload %d = %d %s", i, r.Code, r.Body)
		}
	}
	r := env.upload(mall, "/api/v1/files", "现场.jpg", jpeg)
	if b := r.errBody(t); r.Code != 429 || b.Code != "upload_quota_exceeded" || b.Details["retry_after_seconds"] == nil {
		t.Fatalf("third upload = %d %s", r.Code, r.Body)
	}
	if r := env.upload(env.login("personal", demo.FactoryWelder, pw).AccessToken, "/api/v1/files", "现场.jpg", jpeg); r.Code != 201 {
		t.Errorf("another enterprise's upload = %d %s", r.Code, r.Body)
	}
	env.clk.Advance(24 * time.Hour)
	mall = env.login("personal", demo.MallForklift, pw).AccessToken
	if r := env.upload(mall, "/api/v1/files", "现场.jpg", jpeg); r.Code != 201 {
		t.Errorf("next day's upload = %d %s", r.Code, r.Body)
	}
}
