package api

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"yqyb/internal/demo"
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
