package api

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"yqyb/internal/platform/testdb"
	"yqyb/internal/tools/demo"
)

// The endpoint contract tests (*_endpoints_test.go) describe each endpoint of a domain by the status it
// answers: one table per status, each row naming the caller, the request, and what the answer must and
// must not hold. They complement the story tests, which walk closed loops; a row here pins one answer of
// one endpoint.

// call is one row of an endpoint table.
type call struct {
	name   string
	token  string // empty: no Authorization header
	method string
	path   string
	at     func() string // the path, when it names a row an earlier row creates
	body   any           // nil, a JSON value, or an upload (sent as multipart/form-data)
	status int
	code   string   // the error code; required for every error answer
	field  string   // validation_failed: the field details.fields must name
	perm   string   // forbidden: the permission details.permission must name
	has    []string // what the answer must hold
	hide   []string // what the answer must not hold: another tenant's id and names, secrets
	check  func(t *testing.T, r *response)
}

// upload is a multipart body with one file; field is the form field ("file" when empty). noFile sends a
// form without any file part.
type upload struct {
	name   string
	data   []byte
	field  string
	noFile bool
}

// runCalls sends each row through the full middleware chain, in order (later rows may rely on earlier
// ones), and checks the answer.
func runCalls(t *testing.T, env *testEnv, calls []call) {
	t.Helper()
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			c.mustAssertSomething(t)
			if c.at != nil {
				c.path = c.at()
			}
			r := c.send(t, env)
			if r.Code != c.status {
				t.Fatalf("%s %s = %d, want %d: %.400s", c.method, c.path, r.Code, c.status, r.Body)
			}
			body := string(r.Body)
			for _, h := range c.has {
				if !strings.Contains(body, h) {
					t.Errorf("answer lacks %q: %.400s", h, body)
				}
			}
			for _, h := range c.hide {
				if strings.Contains(body, h) {
					t.Errorf("answer shows %q: %.400s", h, body)
				}
			}
			if c.status >= 400 {
				b := r.errBody(t)
				if b.Code != c.code {
					t.Errorf("code = %q, want %q: %s", b.Code, c.code, body)
				}
				if c.field != "" && !namesField(b, c.field) {
					t.Errorf("details do not name the field %q: %s", c.field, body)
				}
				if c.perm != "" && b.Details["permission"] != c.perm {
					t.Errorf("details.permission = %v, want %q", b.Details["permission"], c.perm)
				}
			}
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
}

// mustAssertSomething refuses rows that would pass on any answer with the right status.
func (c call) mustAssertSomething(t *testing.T) {
	t.Helper()
	switch {
	case c.status >= 400 && c.code == "":
		t.Fatal("an error row must name the error code")
	case c.code == "validation_failed" && c.field == "":
		t.Fatal("a validation row must name the field")
	case c.code == "forbidden" && c.perm == "":
		t.Fatal("a forbidden row must name the permission")
	case c.status == http.StatusNotFound && len(c.hide) == 0:
		t.Fatal("a 404 row must say what the answer must not reveal")
	case c.status < 300 && len(c.has) == 0 && c.check == nil:
		t.Fatal("a success row must check the answer")
	}
}

func (c call) send(t *testing.T, env *testEnv) *response {
	t.Helper()
	u, ok := c.body.(upload)
	switch {
	case !ok && c.token == "":
		return env.do(c.method, c.path, c.body) // a public route, called without a token
	case !ok:
		return env.as(c.token, c.method, c.path, c.body)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if u.noFile {
		if err := w.WriteField("note", u.name); err != nil {
			t.Fatal(err)
		}
	} else {
		field := u.field
		if field == "" {
			field = "file"
		}
		part, err := w.CreateFormFile(field, u.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(u.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(c.method, c.path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.token)
	rec := httptest.NewRecorder()
	env.srv.Handler().ServeHTTP(rec, req)
	return &response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// namesField reports whether a validation error names the field, with a message.
func namesField(b ErrorBody, field string) bool {
	fs, _ := b.Details["fields"].([]any)
	for _, f := range fs {
		m, _ := f.(map[string]any)
		if m["field"] == field {
			msg, _ := m["message"].(string)
			return msg != ""
		}
	}
	return false
}

// actors are the demo accounts the tables call as, signed in once per test.
type actors struct {
	admin      string // the mall's enterprise admin: every enterprise code but the legal entity's own
	entUser    string // the mall's enterprise-user account (企业用户登录): profile, associations, reports
	post       string // the mall's electrician: the default post-user role only
	safety     string // the mall's safety officer: the default role and the 安全员 role (users, audit log)
	reg        string // the Chaoyang district regulator (the mall's district)
	plat       string // the platform administrator
	factory    string // the factory's enterprise admin (another tenant, another district)
	factoryEnt string // the factory's enterprise-user account
}

func signIn(env *testEnv) actors {
	return actors{
		admin:      env.login("personal", demo.MallName, pw).AccessToken,
		entUser:    env.login("enterprise", demo.MallCode, pw).AccessToken,
		post:       env.login("personal", demo.MallElectrician, pw).AccessToken,
		safety:     env.login("personal", demo.MallSafetyUser, pw).AccessToken,
		reg:        env.login("personal", demo.ChaoyangReg, pw).AccessToken,
		plat:       env.login("personal", demo.PlatformAdmin, pw).AccessToken,
		factory:    env.login("personal", demo.FactoryName, pw).AccessToken,
		factoryEnt: env.login("enterprise", demo.FactoryCode, pw).AccessToken,
	}
}

// rowsOf reads one text column of a query and joins it, so a table's rows can be compared before and after
// calls that must change nothing.
func rowsOf(t *testing.T, env *testEnv, query string, args ...any) string {
	t.Helper()
	var rows []string
	testdb.Must(t, env.db.Raw(query, args...).Scan(&rows))
	return strings.Join(rows, "|")
}

// unchanged runs the calls and fails when state, read before and after, differs: refused calls must
// leave everything as it was.
func unchanged(t *testing.T, env *testEnv, state func() string, calls []call) {
	t.Helper()
	before := state()
	runCalls(t, env, calls)
	if after := state(); after != before {
		t.Errorf("refused calls changed data:\nbefore %s\nafter  %s", before, after)
	}
}

// idText renders an id as an answer would show it, for the hide lists of error rows (a success body holds
// many numbers, an error body none).
func idText(id int64) string { return fmt.Sprint(id) }

// decodeInto decodes a successful answer for the row's own checks.
func decodeInto[T any](t *testing.T, r *response) T {
	t.Helper()
	var v T
	r.decode(t, &v)
	return v
}
