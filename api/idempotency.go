package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"yqyb/internal/idempotency"
)

// headerIdempotencyKey is the request header of a retryable write; headerReplayed marks an answer replayed
// from an earlier request with the same key.
const (
	headerIdempotencyKey = "Idempotency-Key"
	headerReplayed       = "Idempotent-Replayed"
)

// idempotent honours the Idempotency-Key header of a route marked Idempotent in its table (the writes the
// app retries on a weak signal). It runs after authentication: a key belongs to the calling account. Without
// the header the request runs as usual. With it, the first request reserves the key, runs, and its answer is
// stored; a retry gets that answer again (with Idempotent-Replayed: true) and writes nothing. A server
// error (5xx) or a rate limit is not stored: the key is released and a retry runs the write again.
func (s *Server) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		key := req.Header.Get(headerIdempotencyKey)
		if key == "" {
			return next(c)
		}
		if !idempotency.ValidKey(key) {
			return idempotency.ErrKeyInvalid
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return err // the body limit answers 413 through classify
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		res, replay, err := s.idem.Begin(req.Context(), idempotency.Request{AccountID: principal(c).UserID, Key: key,
			Method: req.Method, Path: req.URL.Path, Hash: requestHash(req, body)})
		if err != nil {
			return err
		}
		if replay != nil {
			c.Response().Header().Set(headerReplayed, "true")
			return c.Blob(replay.Status, replay.ContentType, replay.Body)
		}
		w := &capturingWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = w
		herr := next(c)
		if herr != nil {
			c.Error(herr) // the error answer is written now, through w, so it is stored like any other
		}
		c.Response().Writer = w.ResponseWriter
		// The write may have committed while the client went away: store its answer whatever became of the
		// request's context.
		ctx := context.WithoutCancel(req.Context())
		status := c.Response().Status
		if status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout {
			if err := res.Release(ctx); err != nil {
				s.deps.Log.ErrorContext(ctx, "idempotency release", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
			}
			return nil
		}
		if err := res.Complete(ctx, idempotency.Answer{Status: status, ContentType: c.Response().Header().Get(echo.HeaderContentType),
			Body: w.body.Bytes()}); err != nil {
			s.deps.Log.ErrorContext(ctx, "idempotency store", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err)
		}
		return nil
	}
}

// capturingWriter keeps a copy of what the handler writes.
type capturingWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *capturingWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *capturingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requestHash identifies what a keyed request asks: method, path and body. A multipart form is hashed by its
// parts (field name, file name, content), not its bytes, because a browser draws a new boundary for every
// send of the same form.
func requestHash(req *http.Request, body []byte) string {
	h := sha256.New()
	io.WriteString(h, req.Method+" "+req.URL.Path+"\n")
	mt, params, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err == nil && strings.HasPrefix(mt, "multipart/") && params["boundary"] != "" {
		if sum, ok := multipartHash(body, params["boundary"]); ok {
			io.WriteString(h, "multipart\n")
			h.Write(sum)
			return hex.EncodeToString(h.Sum(nil))
		}
	}
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

func multipartHash(body []byte, boundary string) ([]byte, bool) {
	h := sha256.New()
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			return h.Sum(nil), true
		}
		if err != nil {
			return nil, false
		}
		part := sha256.New()
		if _, err := io.Copy(part, p); err != nil {
			return nil, false
		}
		io.WriteString(h, p.FormName()+"\x00"+p.FileName()+"\x00")
		h.Write(part.Sum(nil))
	}
}
