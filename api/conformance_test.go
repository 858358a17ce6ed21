package api

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"yqyb/api/apidoc"
)

// The contract, loaded once for every test that sends requests.
var contract struct {
	once   sync.Once
	router routers.Router
	err    error
}

func contractRouter() (routers.Router, error) {
	contract.once.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromData(apidoc.OpenAPI)
		if err != nil {
			contract.err = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			contract.err = err
			return
		}
		// Requests in tests go to httptest's example.com: match the operations whatever the host.
		doc.Servers = nil
		contract.router, contract.err = legacy.NewRouter(doc)
	})
	return contract.router, contract.err
}

// conform checks one exchange against openapi.yaml, failing the test on a mismatch:
//   - the response (status, headers, and a JSON body) must be one the operation documents;
//   - a request the contract calls invalid must have been refused (a 4xx): a server that accepts what the
//     contract forbids, or a contract stricter than the server, is a mismatch. A valid request may still be
//     refused, by the rules the services apply.
//
// Requests to paths the contract does not list (the SPA, unknown routes, the documentation) are not checked.
func conform(t testing.TB, req *http.Request, reqBody []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	router, err := contractRouter()
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	probe := req.Clone(context.Background())
	probe.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := router.FindRoute(probe)
	if err != nil {
		return
	}
	// A route this instance does not serve (the developer's routes when they are off) is not an operation.
	if rec.Code == http.StatusNotFound && bytes.Contains(rec.Body.Bytes(), []byte(`"code":"route_not_found"`)) {
		return
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
		// Every status an operation answers with is documented.
		IncludeResponseStatus: true,
		MultiError:            true,
	}
	in := &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route, Options: opts}
	key := req.Method + " " + route.Path
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && rec.Code < 400 {
		t.Errorf("contract: %s: the server answered %d to a request openapi.yaml calls invalid: %v", key, rec.Code, err)
	}
	res := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())), Options: opts}
	ct, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type"))
	// Only JSON bodies are checked; downloads are checked for their status and headers.
	if ct != "application/json" || rec.Header().Get("Content-Encoding") != "" {
		o := *opts
		o.ExcludeResponseBody = true
		res.Options = &o
	}
	if err := openapi3filter.ValidateResponse(context.Background(), res); err != nil {
		body := rec.Body.String()
		if len(body) > 400 {
			body = body[:400] + "…"
		}
		t.Errorf("contract: %s answered %d, which openapi.yaml does not allow: %v\nbody: %s", key, rec.Code,
			strings.ReplaceAll(err.Error(), "\n", "\n\t"), body)
	}
}
