package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"yqyb/internal/webui"
)

// The app shell, the service worker and the manifest are revalidated on every use; hashed assets are cached
// for a year and sent precompressed by the browser's Accept-Encoding (issue 15).
func TestSPACachingAndPrecompressed(t *testing.T) {
	js := bytes.Repeat([]byte("console.log('隐患排查');\n"), 300)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(js)
	zw.Close()
	// The server sends the build's .br file as it is and never decodes it: any bytes stand for it here.
	br := bytes.NewBufferString("brotli stream of the asset")
	spa := fstest.MapFS{
		"index.html":              {Data: []byte("<!doctype html><title>北京市安全生产事故隐患排查信息系统</title>")},
		"sw.js":                   {Data: []byte("self.addEventListener('fetch', () => {})")},
		"manifest.webmanifest":    {Data: []byte(`{"name":"安全生产事故隐患排查"}`)},
		"icons/icon-192.png":      {Data: []byte("\x89PNG\r\n\x1a\n")},
		"assets/index-AbC1.js":    {Data: js},
		"assets/index-AbC1.js.gz": {Data: gz.Bytes()},
		"assets/index-AbC1.js.br": {Data: br.Bytes()},
		"assets/plain-Zz9.css":    {Data: bytes.Repeat([]byte("body{color:red}\n"), 200)},
	}
	env := newEnv(t, func(d *Deps) { d.SPA = spa })

	for _, tt := range []struct{ path, cache, ctype string }{
		{"/", "no-cache", "text/html; charset=utf-8"},
		{"/inspections", "no-cache", "text/html; charset=utf-8"},
		{"/index.html", "no-cache", "text/html; charset=utf-8"},
		{"/sw.js", "no-cache", "text/javascript; charset=utf-8"},
		{"/manifest.webmanifest", "no-cache", "application/manifest+json"},
		{"/icons/icon-192.png", "no-cache", "image/png"},
		{"/assets/index-AbC1.js", "public, max-age=31536000, immutable", "text/javascript; charset=utf-8"},
	} {
		r := env.do(http.MethodGet, tt.path, nil, "Accept-Encoding", "gzip, deflate, br")
		if r.Code != 200 || r.Header.Get("Cache-Control") != tt.cache || r.Header.Get("Content-Type") != tt.ctype {
			t.Errorf("GET %s = %d Cache-Control %q Content-Type %q; want 200 %q %q", tt.path, r.Code,
				r.Header.Get("Cache-Control"), r.Header.Get("Content-Type"), tt.cache, tt.ctype)
		}
	}

	for _, tt := range []struct{ accept, coding string }{
		{"gzip, deflate, br, zstd", "br"},
		{"br;q=1.0, gzip;q=0.8", "br"},
		{"gzip, deflate", "gzip"},
		{"gzip, br;q=0", "gzip"},
		{"*", "br"},
		{"br;q=0, *;q=0.5", "gzip"},
		{"identity", ""},
		{"", ""},
		{"gzip;q=0, br;q=0", ""},
	} {
		r := env.do(http.MethodGet, "/assets/index-AbC1.js", nil, "Accept-Encoding", tt.accept)
		if r.Code != 200 {
			t.Fatalf("Accept-Encoding %q: %d", tt.accept, r.Code)
		}
		if got := r.Header.Get("Content-Encoding"); got != tt.coding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.coding)
		}
		if !strings.Contains(r.Header.Get("Vary"), "Accept-Encoding") || strings.Count(strings.Join(r.Header.Values("Vary"), ","), "Accept-Encoding") != 1 {
			t.Errorf("Accept-Encoding %q: Vary %q, want Accept-Encoding once", tt.accept, r.Header.Values("Vary"))
		}
		if r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("Accept-Encoding %q: Cache-Control %q", tt.accept, r.Header.Get("Cache-Control"))
		}
		var body []byte
		switch tt.coding {
		case "br":
			if !bytes.Equal(r.Body, br.Bytes()) {
				t.Errorf("Accept-Encoding %q: not the build's .br file (%d bytes)", tt.accept, len(r.Body))
			}
			continue
		case "gzip":
			if !bytes.Equal(r.Body, gz.Bytes()) {
				t.Errorf("Accept-Encoding %q: not the build's .gz file (%d bytes), compressed twice?", tt.accept, len(r.Body))
			}
			zr, err := gzip.NewReader(bytes.NewReader(r.Body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		default:
			body = r.Body
		}
		if !bytes.Equal(body, js) {
			t.Errorf("Accept-Encoding %q: decoded body differs from the asset", tt.accept)
		}
	}

	// An asset the build did not precompress is still compressed on the fly.
	r := env.do(http.MethodGet, "/assets/plain-Zz9.css", nil, "Accept-Encoding", "gzip")
	if r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("plain asset: Content-Encoding %q Cache-Control %q", r.Header.Get("Content-Encoding"), r.Header.Get("Cache-Control"))
	}
	// HEAD of a precompressed asset: headers only.
	if r := env.do(http.MethodHead, "/assets/index-AbC1.js", nil, "Accept-Encoding", "br"); r.Code != 200 || r.Header.Get("Content-Encoding") != "br" || len(r.Body) != 0 {
		t.Errorf("HEAD asset = %d %q %d bytes", r.Code, r.Header.Get("Content-Encoding"), len(r.Body))
	}
	// The compressed copies are not pages of their own to anyone asking for the asset without them.
	if r := env.do(http.MethodGet, "/assets/missing-1.js", nil, "Accept-Encoding", "br"); r.Code != 404 {
		t.Errorf("missing asset = %d", r.Code)
	}
}

func TestAcceptsEncoding(t *testing.T) {
	for _, tt := range []struct {
		header, coding string
		want           bool
	}{
		{"gzip, br", "br", true},
		{"GZIP", "gzip", true},
		{"gzip;q=0", "gzip", false},
		{"gzip; q=0.001", "gzip", true},
		{"gzip;q=x", "gzip", false},
		{"*;q=0, gzip", "gzip", true},
		{"*;q=0", "br", false},
		{"deflate", "br", false},
		{"", "gzip", false},
	} {
		if got := acceptsEncoding(tt.header, tt.coding); got != tt.want {
			t.Errorf("acceptsEncoding(%q, %q) = %v, want %v", tt.header, tt.coding, got, tt.want)
		}
	}
}

// YQYB_WEBUI_DIR serves a build from disk, read per request: a new build placed there is served at once.
func TestSPAFromDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := webui.Select(dir); err == nil || !strings.Contains(err.Error(), "index.html") {
		t.Fatalf("a directory without index.html: %v", err)
	}
	write("index.html", "<!doctype html><title>v1</title>")
	write("sw.js", "// v1")
	spa, err := webui.Select(dir)
	if err != nil {
		t.Fatal(err)
	}
	env := newEnv(t, func(d *Deps) { d.SPA = spa })
	if r := env.do(http.MethodGet, "/inspections", nil); !strings.Contains(string(r.Body), "v1") {
		t.Fatalf("first build: %s", r.Body)
	}
	write("index.html", "<!doctype html><title>v2</title>")
	write("sw.js", "// v2")
	if r := env.do(http.MethodGet, "/inspections", nil); !strings.Contains(string(r.Body), "v2") {
		t.Errorf("new build not served: %s", r.Body)
	}
	if r := env.do(http.MethodGet, "/sw.js", nil); string(r.Body) != "// v2" || r.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("sw.js = %q %q", r.Body, r.Header.Get("Cache-Control"))
	}
	// Without the setting: the embedded build (nil when the binary was built without one).
	if s, err := webui.Select(""); err != nil || (s == nil) != (webui.FS() == nil) {
		t.Errorf("empty YQYB_WEBUI_DIR: %v, %v", s, err)
	}
}
