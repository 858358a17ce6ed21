package api

import (
	"io"
	"io/fs"
	"net/http"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
)

// gzipMinLength is the smallest response compressed: below it the bytes saved do not pay for the work.
const gzipMinLength = 1024

// gzipUnlessSmall compresses responses of gzipMinLength bytes or more for clients that accept gzip; health
// probes are tiny and polled often, so they are skipped, and the SPA's hashed assets that the build
// precompressed (brotli and gzip at their best levels) are sent as they are.
//
// Level 1 (BestSpeed) with klauspost/compress's encoder rather than the standard library's: an inspection
// with 30 items answers with about 26 KB of JSON on every submission, and under load (make bench) the standard
// library's level 1 still took a quarter of the server's CPU per submission (level 5 took more, for output only
// about a tenth smaller). The output is ordinary gzip.
func gzipUnlessSmall(spa fs.FS) echo.MiddlewareFunc {
	pool := &sync.Pool{New: func() any {
		w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
		return w
	}}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			p := req.URL.Path
			if p == "/healthz" || p == "/readyz" || hasPrecompressed(spa, p) || !acceptsEncoding(req.Header.Get(echo.HeaderAcceptEncoding), "gzip") {
				return next(c)
			}
			res := c.Response()
			res.Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
			w := &gzipWriter{ResponseWriter: res.Writer, pool: pool}
			res.Writer = w
			defer func() {
				w.finish()
				res.Writer = w.ResponseWriter
			}()
			return next(c)
		}
	}
}

// gzipWriter holds the first bytes of a response back until it knows whether to compress it: once
// gzipMinLength bytes are written it compresses (unless the response is already encoded or partial), and a
// response that ends shorter is sent as it is. The status waits with the bytes.
type gzipWriter struct {
	http.ResponseWriter
	pool *sync.Pool
	gz   *gzip.Writer
	buf  []byte
	code int  // the status the handler gave, 0 until it gives one
	sent bool // the status has gone out: writes go to gz when it is set, else straight through
}

func (w *gzipWriter) WriteHeader(code int) {
	if w.code == 0 && !w.sent {
		w.code = code
	}
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	switch {
	case w.gz != nil:
		return w.gz.Write(b)
	case w.sent:
		return w.ResponseWriter.Write(b)
	}
	w.buf = append(w.buf, b...)
	if len(w.buf) >= gzipMinLength {
		if err := w.start(true); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// start sends the status and the bytes held back, compressed when compress and the response allows it.
func (w *gzipWriter) start(compress bool) error {
	code := w.code
	if code == 0 {
		code = http.StatusOK
	}
	h := w.ResponseWriter.Header()
	compress = compress && code >= 200 && code != http.StatusNoContent && code != http.StatusNotModified &&
		code != http.StatusPartialContent && h.Get(echo.HeaderContentEncoding) == "" && h.Get("Content-Range") == ""
	if compress {
		h.Set(echo.HeaderContentEncoding, "gzip")
		h.Del(echo.HeaderContentLength)
	}
	w.sent = true
	w.ResponseWriter.WriteHeader(code)
	buf := w.buf
	w.buf = nil
	if !compress {
		_, err := w.ResponseWriter.Write(buf)
		return err
	}
	w.gz = w.pool.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
	_, err := w.gz.Write(buf)
	return err
}

// Flush sends what is held back (compressed if it is long enough) and flushes the connection.
func (w *gzipWriter) Flush() {
	if !w.sent {
		w.start(len(w.buf) >= gzipMinLength) // Flush has no error to give; the next Write sees it
	}
	if w.gz != nil {
		w.gz.Flush() // as above
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish ends the response: it closes the compressed stream, or sends a short response as it is. Nothing is
// sent when the handler wrote nothing (an error, answered by the error handler after this middleware).
func (w *gzipWriter) finish() {
	switch {
	case w.gz != nil:
		w.gz.Close() // the client went away; nothing to tell it
		w.gz.Reset(io.Discard)
		w.pool.Put(w.gz)
		w.gz = nil
	case !w.sent && (w.code != 0 || len(w.buf) > 0):
		w.start(false) // as above
	}
}
