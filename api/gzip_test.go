package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// The compression middleware on its own: long answers compressed (readable by the standard library), short
// ones, empty ones, already encoded and partial ones sent as they are, errors left to the error handler.
func TestGzipUnlessSmall(t *testing.T) {
	long := strings.Repeat("隐患排查 ", 400)
	e := echo.New()
	e.Use(gzipUnlessSmall(nil))
	e.GET("/long", func(c echo.Context) error { return c.String(http.StatusCreated, long) })
	e.GET("/pieces", func(c echo.Context) error {
		c.Response().WriteHeader(http.StatusOK)
		for range 100 {
			if _, err := c.Response().Write([]byte("0123456789abcdef0123456789abcdef")); err != nil {
				return err
			}
		}
		c.Response().Flush()
		return nil
	})
	e.GET("/short", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"a": "b"}) })
	e.GET("/empty", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	e.GET("/encoded", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentEncoding, "br")
		return c.Blob(http.StatusOK, "application/octet-stream", []byte(long))
	})
	e.GET("/fails", func(c echo.Context) error { return echo.NewHTTPError(http.StatusTeapot, "no") })
	e.GET("/readyz", func(c echo.Context) error { return c.String(http.StatusOK, long) })
	get := func(path, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if accept != "" {
			req.Header.Set(echo.HeaderAcceptEncoding, accept)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec
	}
	unzip := func(rec *httptest.ResponseRecorder) string {
		t.Helper()
		zr, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, path := range []string{"/long", "/pieces"} {
		rec := get(path, "gzip, deflate, br")
		if rec.Header().Get(echo.HeaderContentEncoding) != "gzip" || rec.Header().Get(echo.HeaderVary) != echo.HeaderAcceptEncoding {
			t.Fatalf("%s: %d %v", path, rec.Code, rec.Header())
		}
		want := long
		if path == "/pieces" {
			want = strings.Repeat("0123456789abcdef0123456789abcdef", 100)
		}
		if got := unzip(rec); got != want || path == "/long" && rec.Code != http.StatusCreated {
			t.Errorf("%s: %d, %d bytes unzipped, want %d", path, rec.Code, len(got), len(want))
		}
	}
	for _, accept := range []string{"", "gzip;q=0", "br, gzip;q=0", "identity", "xgzip"} {
		if rec := get("/long", accept); rec.Header().Get(echo.HeaderContentEncoding) != "" || rec.Body.String() != long {
			t.Errorf("Accept-Encoding %q: %v", accept, rec.Header())
		}
	}
	for path, code := range map[string]int{"/short": 200, "/empty": 204, "/encoded": 200, "/readyz": 200} {
		rec := get(path, "gzip")
		if rec.Code != code || rec.Header().Get(echo.HeaderContentEncoding) == "gzip" {
			t.Errorf("%s: %d %v", path, rec.Code, rec.Header())
		}
	}
	if rec := get("/short", "gzip"); rec.Body.String() != "{\"a\":\"b\"}\n" {
		t.Errorf("short body %q", rec.Body.String())
	}
	if rec := get("/encoded", "gzip"); rec.Header().Get(echo.HeaderContentEncoding) != "br" || rec.Body.String() != long {
		t.Errorf("encoded: %v", rec.Header())
	}
	if rec := get("/fails", "gzip"); rec.Code != http.StatusTeapot || rec.Header().Get(echo.HeaderContentEncoding) != "" ||
		!strings.Contains(rec.Body.String(), "no") {
		t.Errorf("error: %d %v %q", rec.Code, rec.Header(), rec.Body.String())
	}
}
