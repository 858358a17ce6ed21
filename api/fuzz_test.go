package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"yqyb/internal/inspection"
	"yqyb/internal/platform/apperr/apperrtest"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

// TestAPIFuzz drives every operation of openapi.yaml with generated requests — boundary and random path
// ids, query values by schema, JSON bodies built from the request schema and then broken in the usual ways,
// multipart uploads — as several callers (no token, the platform admin, a district regulator, an enterprise
// admin, a post user). No answer may be a 5xx, no handler may panic, and every 4xx must be the one error
// shape with a Chinese message.
//
// YQYB_FUZZ_N sets the requests per operation and caller (default 8); YQYB_FUZZ_SEED the seed (default 1).
// The seed is printed when the test fails, so a failure replays exactly.
func TestAPIFuzz(t *testing.T) {
	n := 8
	if v, err := strconv.Atoi(os.Getenv("YQYB_FUZZ_N")); err == nil && v > 0 {
		n = v
	}
	seed := int64(1)
	if v := os.Getenv("YQYB_FUZZ_SEED"); v != "" {
		s, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("YQYB_FUZZ_SEED=%q is not an integer", v)
		}
		seed = s
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replay with YQYB_FUZZ_SEED=%d YQYB_FUZZ_N=%d", seed, n)
		}
	})

	doc := loadContract(t)
	env, _ := seeded(t)
	fz := &fuzzer{t: t, env: env, rng: rand.New(rand.NewSource(seed)), doc: doc,
		idsAt: map[string][]int64{}, ints: map[string][]int64{}, strs: map[string][]string{}, protectedUser: map[int64]bool{},
		protectedEnt: map[int64]bool{}, seen: map[string]bool{}, answered: map[string]bool{}}
	fz.callers = []*fuzzCaller{
		{label: "匿名"},
		{label: "平台管理员", user: demo.PlatformAdmin},
		{label: "朝阳区监管", user: demo.ChaoyangReg},
		{label: "企业管理账号", user: demo.MallName},
		{label: "岗位用户", user: demo.MallForklift},
	}
	fz.prepare()

	ops := fuzzOperations(doc)
	start := time.Now()
	// Two rounds, harvesting real ids before each, so the second round also reaches what the first created.
	rounds := []int{(n + 1) / 2, n / 2}
	for _, per := range rounds {
		if per == 0 {
			continue
		}
		fz.harvest(ops)
		for _, op := range ops {
			for _, c := range fz.callers {
				for i := 0; i < per; i++ {
					fz.fire(op, c)
				}
			}
			if op.method != http.MethodGet {
				fz.keepSessions(op)
			}
		}
	}

	if logs := env.logs.String(); strings.Contains(logs, "panic") {
		var lines []string
		for _, l := range strings.Split(logs, "\n") {
			if strings.Contains(l, "panic") {
				lines = append(lines, fuzzCut(l, 2000))
			}
		}
		if len(lines) > 5 {
			lines = lines[:5]
		}
		t.Errorf("the logs record a panic:\n%s", strings.Join(lines, "\n"))
	}
	for _, f := range fz.failures {
		t.Error(f)
	}
	if fz.more > 0 {
		t.Errorf("… and %d more failures of the same operations", fz.more)
	}
	var never []string
	for _, op := range ops {
		if !fz.answered[op.method+" "+op.path] {
			never = append(never, op.method+" "+op.path)
		}
	}
	t.Logf("%d operations never answered 2xx to the generated requests (reached only their checks): %s", len(never), strings.Join(never, ", "))
	t.Logf("seed %d: %d operations × %d callers, %d requests (%d 2xx, %d 4xx) in %v", seed, len(ops), len(fz.callers), fz.sent,
		fz.ok, fz.clientErr, time.Since(start).Round(time.Millisecond))
}

type fuzzCaller struct {
	label   string
	user    string // login name; empty for the caller without a token
	id      int64
	token   string
	refresh string
}

type fuzzOp struct {
	method, path string
	op           *openapi3.Operation
	body         *openapi3.Schema // JSON request body
	multipart    bool
	// sessionEnding operations are sent with a session of their own, so the caller's session survives.
	sessionEnding bool
}

// fuzzOperations lists the documented operations in a fixed order.
func fuzzOperations(doc *openapi3.T) []fuzzOp {
	var ops []fuzzOp
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := fuzzOp{method: method, path: path, op: op,
				sessionEnding: path == "/api/v1/auth/logout" || path == "/api/v1/auth/refresh" || path == "/api/v1/me/password"}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for ct, mt := range op.RequestBody.Value.Content {
					switch {
					case strings.HasPrefix(ct, "multipart/"):
						o.multipart = true
					case ct == "application/json" && mt.Schema != nil:
						o.body = mt.Schema.Value
					}
				}
			}
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].path != ops[j].path {
			return ops[i].path < ops[j].path
		}
		return ops[i].method < ops[j].method
	})
	return ops
}

type fuzzer struct {
	t       *testing.T
	env     *testEnv
	rng     *rand.Rand
	doc     *openapi3.T
	callers []*fuzzCaller

	idsAt map[string][]int64  // ids seen in the answers of a path (template or concrete)
	ints  map[string][]int64  // integer values seen, by JSON key
	strs  map[string][]string // short strings seen, by JSON key
	files map[string][][]byte // sample uploads: "xlsx", "image", "doc"
	// Accounts and enterprises of the callers: operations that would disable, delete, reset or rename them
	// get another id, so the fuzz run keeps its sessions.
	protectedUser map[int64]bool
	protectedEnt  map[int64]bool

	sent, ok, clientErr int
	answered            map[string]bool // operations that answered 2xx at least once
	failures            []string
	seen                map[string]bool
	more                int
}

// send passes one request through the full middleware chain. Every request comes from its own address, so
// the per-IP login limit does not turn the run into a stream of 429s; a panic that escaped would show as 599.
func (f *fuzzer) send(method, target, contentType string, body []byte, token string, hdr ...string) *response {
	f.t.Helper()
	req := httptest.NewRequest(method, "http://127.0.0.1"+target, bytes.NewReader(body))
	req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:40000", f.sent>>16&255, f.sent>>8&255, f.sent&255)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	f.sent++
	func() {
		defer func() {
			if r := recover(); r != nil {
				rec = httptest.NewRecorder()
				rec.Code = 599
				fmt.Fprintf(rec.Body, "panic escaped the server: %v", r)
			}
		}()
		f.env.srv.Handler().ServeHTTP(rec, req)
	}()
	return &response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

func (f *fuzzer) login(c *fuzzCaller) {
	f.t.Helper()
	name := c.user
	if c.id != 0 {
		// The fuzz run may have renamed the account (an enterprise admin is named after its enterprise).
		var cur string
		testdb.Must(f.t, f.env.db.Raw(`SELECT login_name FROM users WHERE id = ?`, c.id).Scan(&cur))
		if cur != "" {
			name = cur
		}
	}
	j, _ := json.Marshal(map[string]string{"mode": "personal", "username": name, "password": demo.DemoPassword})
	r := f.send(http.MethodPost, "/api/v1/auth/login", "application/json", j, "")
	if r.Code != http.StatusOK {
		f.t.Fatalf("log in %s (%s) = %d %s", c.label, name, r.Code, r.Body)
	}
	var tk struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	r.decode(f.t, &tk)
	c.token, c.refresh = tk.AccessToken, tk.RefreshToken
}

// keepSessions re-logs in a caller whose session an operation ended despite the protection, so the rest
// of the run still fuzzes with valid tokens.
func (f *fuzzer) keepSessions(op fuzzOp) {
	for _, c := range f.callers {
		if c.user == "" {
			continue
		}
		if r := f.send(http.MethodGet, "/api/v1/me", "", nil, c.token); r.Code == http.StatusUnauthorized {
			f.t.Logf("%s lost its session after %s %s (%s); logging in again", c.label, op.method, op.path, fuzzCut(string(r.Body), 200))
			f.login(c)
		}
	}
}

// prepare logs the callers in and gives the mall something to fuzz against: a standard, a checklist on the
// forklift driver's post, a submitted inspection with an ordinary and a major hazard, a photo and a post
// document. Failures here only narrow the run; they are logged, not fatal.
func (f *fuzzer) prepare() {
	t, env := f.t, f.env
	for _, c := range f.callers {
		if c.user == "" {
			continue
		}
		f.login(c)
		var me struct {
			User struct {
				ID int64 `json:"id"`
			} `json:"user"`
			Enterprise *struct {
				ID int64 `json:"id"`
			} `json:"enterprise"`
		}
		f.send(http.MethodGet, "/api/v1/me", "", nil, c.token).decode(t, &me)
		c.id = me.User.ID
		if c.id == 0 {
			t.Fatalf("GET /api/v1/me as %s names no user", c.label)
		}
		f.protectedUser[c.id] = true
		if me.Enterprise != nil && me.Enterprise.ID != 0 {
			f.protectedEnt[me.Enterprise.ID] = true
		}
	}
	admin, forklift := f.callers[3].token, f.callers[4].token

	var v standard.View
	if r := env.as(admin, http.MethodPost, "/api/v1/standard", map[string]any{"from_template": true}); r.Code == http.StatusCreated {
		r.decode(t, &v)
	} else {
		t.Logf("prepare: create standard = %d %s", r.Code, fuzzCut(string(r.Body), 300))
	}
	var items []int64
	var major int64
	for _, c := range v.Categories {
		for _, it := range c.Items {
			if it.IsMajor && major == 0 {
				major = it.ID
			} else if !it.IsMajor && len(items) < 4 {
				items = append(items, it.ID)
			}
		}
	}
	var post int64
	testdb.Must(f.t, env.db.Raw(`SELECT post_id FROM users WHERE id = ?`, f.callers[4].id).Scan(&post))
	var cl standard.ChecklistDetail
	if r := env.as(admin, http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": post, "name": "叉车每日点检", "frequency": "daily",
		"item_ids": append(items, major)}); r.Code == http.StatusCreated {
		r.decode(t, &cl)
	} else {
		t.Logf("prepare: create checklist = %d %s", r.Code, fuzzCut(string(r.Body), 300))
	}
	var photo struct {
		ID int64 `json:"id"`
	}
	if r := env.upload(forklift, "/api/v1/files", "制动.jpg", fuzzJPEG); r.Code == http.StatusCreated || r.Code == http.StatusOK {
		r.decode(t, &photo)
	}
	if cl.ID != 0 {
		var d inspection.Detail
		if r := env.as(forklift, http.MethodPost, fmt.Sprintf("/api/v1/my/checklists/%d/inspection", cl.ID), nil); r.Code == http.StatusOK {
			r.decode(t, &d)
			answers := []map[string]any{}
			for _, a := range d.Answers {
				answers = append(answers, map[string]any{"item_id": a.ItemID, "result": "ok"})
			}
			if len(answers) > 1 {
				answers[0] = map[string]any{"item_id": d.Answers[0].ItemID, "result": "hazard", "description": "右前轮制动失灵", "grade_code": "B"}
				if photo.ID != 0 {
					answers[0]["photo_ids"] = []int64{photo.ID}
				}
				answers[len(answers)-1] = map[string]any{"item_id": d.Answers[len(answers)-1].ItemID, "result": "hazard",
					"description": "重大隐患判定条目不合格", "grade_code": "C"}
			}
			if r := env.as(forklift, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", d.ID), map[string]any{"answers": answers}); r.Code != http.StatusOK {
				t.Logf("prepare: submit inspection = %d %s", r.Code, fuzzCut(string(r.Body), 300))
			}
		} else {
			t.Logf("prepare: start inspection = %d %s", r.Code, fuzzCut(string(r.Body), 300))
		}
	}
	if post != 0 {
		if r := env.upload(admin, fmt.Sprintf("/api/v1/posts/%d/documents", post), "叉车司机岗位职责.docx", docx(t, true)); r.Code >= 300 {
			t.Logf("prepare: upload post document = %d %s", r.Code, fuzzCut(string(r.Body), 300))
		}
	}

	// Sample uploads: the real import templates, an image and a document.
	f.files = map[string][][]byte{"image": {fuzzJPEG}, "doc": {docx(t, true)}}
	for _, tp := range []struct{ token, path string }{{admin, "/api/v1/checklist-import/template"}, {admin, "/api/v1/checklist-export"},
		{f.callers[2].token, "/api/v1/regulator/enterprise-import/template"}} {
		if r := f.send(http.MethodGet, tp.path, "", nil, tp.token); r.Code == http.StatusOK {
			f.files["xlsx"] = append(f.files["xlsx"], r.Body)
		}
	}
}

var fuzzParam = regexp.MustCompile(`\{([a-zA-Z_]+)\}`)

// harvest reads every list and detail the callers can see and remembers the ids and values in them.
func (f *fuzzer) harvest(ops []fuzzOp) {
	var withParams []fuzzOp
	for _, op := range ops {
		if op.method != http.MethodGet || strings.Contains(op.path, "export") || strings.HasSuffix(op.path, "/file") ||
			strings.HasSuffix(op.path, "/template") || strings.HasSuffix(op.path, "/download") || strings.Contains(op.path, "initial-passwords") {
			continue
		}
		if strings.Contains(op.path, "{") {
			withParams = append(withParams, op)
			continue
		}
		for _, c := range f.callers[1:] {
			f.absorb(op.path, f.send(http.MethodGet, op.path+"?page_size=100", "", nil, c.token))
		}
	}
	for _, op := range withParams {
		for _, c := range f.callers[1:] {
			for k := 0; k < 3; k++ {
				path := f.realPath(op.path)
				if path == "" {
					break
				}
				r := f.send(http.MethodGet, path, "", nil, c.token)
				f.absorb(op.path, r)
				f.absorb(path, r)
			}
		}
	}
}

// realPath fills a template's parameters with ids seen so far, or "" when there are none.
func (f *fuzzer) realPath(tmpl string) string {
	out, ok := "", true
	rest := tmpl
	for ok {
		loc := fuzzParam.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		out += rest[:loc[0]]
		name := rest[loc[2]:loc[3]]
		if name == "slug" {
			pool := f.strs["slug"]
			if len(pool) == 0 {
				return ""
			}
			out += url.PathEscape(pool[f.rng.Intn(len(pool))])
		} else {
			ids := f.idsNear(out, tmpl[:len(tmpl)-len(rest)+loc[0]])
			if len(ids) == 0 {
				return ""
			}
			out += strconv.FormatInt(ids[f.rng.Intn(len(ids))], 10)
		}
		rest = rest[loc[1]:]
	}
	return out + rest
}

// idsNear are the ids seen at the concrete prefix, else at the template prefix, else at its parents.
func (f *fuzzer) idsNear(concrete, tmpl string) []int64 {
	if ids := f.idsAt[concrete]; len(ids) > 0 {
		return ids
	}
	for p := tmpl; strings.Count(p, "/") > 2; p = p[:strings.LastIndex(p, "/")] {
		if ids := f.idsAt[p]; len(ids) > 0 {
			return ids
		}
	}
	return nil
}

func (f *fuzzer) absorb(key string, r *response) {
	if r.Code != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		return
	}
	var v any
	if json.Unmarshal(r.Body, &v) != nil {
		return
	}
	f.walk(key, "", v)
}

func (f *fuzzer) walk(key, field string, v any) {
	switch x := v.(type) {
	case map[string]any:
		names := make([]string, 0, len(x))
		for k := range x {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			f.walk(key, k, x[k])
		}
	case []any:
		for _, e := range x {
			f.walk(key, field, e)
		}
	case float64:
		if x != math.Trunc(x) || x <= 0 || x > 1<<53 {
			return
		}
		id := int64(x)
		if field == "id" {
			f.idsAt[key] = fuzzAdd(f.idsAt[key], id, 200)
		}
		if field == "id" || strings.HasSuffix(field, "_id") || strings.HasSuffix(field, "_ids") {
			f.ints[field] = fuzzAdd(f.ints[field], id, 200)
			f.ints["*"] = fuzzAdd(f.ints["*"], id, 2000)
		}
	case string:
		if field != "" && len(x) <= 60 && !strings.Contains(field, "token") && !strings.Contains(field, "password") {
			f.strs[field] = fuzzAdd(f.strs[field], x, 30)
		}
	}
}

func fuzzAdd[T comparable](list []T, v T, limit int) []T {
	if len(list) >= limit {
		return list
	}
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func (f *fuzzer) pick(n int) int { return f.rng.Intn(n) }

func (f *fuzzer) chance(p float64) bool { return f.rng.Float64() < p }

// fire sends one generated request for op as c and checks the answer.
func (f *fuzzer) fire(op fuzzOp, c *fuzzCaller) {
	token, refresh := c.token, c.refresh
	if op.sessionEnding && c.user != "" {
		own := &fuzzCaller{label: c.label, user: c.user, id: c.id}
		f.login(own)
		token, refresh = own.token, own.refresh
	}
	if c.user != "" && f.chance(0.03) {
		token = f.mangleToken(token)
	}
	// A quarter of the requests are plain: no query and a body straight from the schema, so they get past
	// the checks into the handlers more often.
	plain := f.chance(0.25)
	path := f.path(op)
	if q := f.query(op); q != "" && !plain {
		path += "?" + q
	}
	var ct string
	var body []byte
	switch {
	case op.multipart:
		ct, body = f.multipartBody()
	case op.body != nil && plain:
		ct = "application/json"
		body, _ = json.Marshal(f.value(op.body, "", 0))
	case op.body != nil:
		ct, body = f.jsonBody(op, refresh)
	case f.chance(0.1):
		ct, body = f.jsonBody(op, refresh)
	}
	r := f.send(op.method, path, ct, body, token)
	f.check(op, c, path, ct, body, r)
}

func (f *fuzzer) check(op fuzzOp, c *fuzzCaller, target, ct string, body []byte, r *response) {
	var problem string
	switch {
	case r.Code >= 500:
		problem = "answered a server error"
	case r.Code >= 400:
		f.clientErr++
		var e ErrorBody
		if err := json.Unmarshal(r.Body, &e); err != nil {
			problem = "a 4xx whose body is not the error JSON"
		} else if e.Code == "" || e.Message == "" {
			problem = "a 4xx without code and message"
		} else if !apperrtest.HasHan(e.Message) {
			problem = "a 4xx whose message is not Chinese"
		}
	default:
		f.ok++
		f.answered[op.method+" "+op.path] = true
	}
	if problem == "" {
		return
	}
	key := fmt.Sprintf("%s %s %d %s", op.method, op.path, r.Code, problem)
	if f.seen[key] || len(f.failures) >= 40 {
		f.more++
		return
	}
	f.seen[key] = true
	cause := ""
	if rid := r.Header.Get("X-Request-ID"); rid != "" && r.Code >= 500 {
		for _, l := range strings.Split(f.env.logs.String(), "\n") {
			if strings.Contains(l, rid) && !strings.Contains(l, `"msg":"request"`) {
				cause += "\n  log: " + fuzzCut(l, 1500)
			}
		}
	}
	f.failures = append(f.failures, fmt.Sprintf("%s %s as %s %s: %d\n  request: %s %s (Content-Type %q) %s\n  answer: %s%s",
		op.method, op.path, c.label, problem, r.Code, op.method, fuzzCut(target, 300), ct, fuzzCut(string(body), 400), fuzzCut(string(r.Body), 400), cause))
}

func (f *fuzzer) mangleToken(tok string) string {
	switch f.pick(4) {
	case 0:
		return tok[:len(tok)/2]
	case 1:
		return tok + "x"
	case 2:
		return strings.ToUpper(tok)
	}
	return "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."
}

// path fills the path parameters: real ids, boundaries, junk.
func (f *fuzzer) path(op fuzzOp) string {
	var out strings.Builder
	rest := op.path
	for {
		loc := fuzzParam.FindStringSubmatchIndex(rest)
		if loc == nil {
			break
		}
		out.WriteString(rest[:loc[0]])
		name := rest[loc[2]:loc[3]]
		tmplPrefix := op.path[:len(op.path)-len(rest)+loc[0]]
		out.WriteString(url.PathEscape(f.pathValue(op, name, out.String(), tmplPrefix)))
		rest = rest[loc[1]:]
	}
	out.WriteString(rest)
	return out.String()
}

var fuzzBoundaryIDs = []string{"0", "-1", "1", "2", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"99999999999999999999", "abc", "1.5", "1e3", " 1", "0x10", "朝阳", "%", "..", "1;DROP TABLE users", "00000000001", "+1",
	"2147483648", "4294967296", "null", "true", "[1]", "１２３"}

func (f *fuzzer) pathValue(op fuzzOp, name, concrete, tmpl string) string {
	if name == "slug" {
		if pool := f.strs["slug"]; len(pool) > 0 && f.chance(0.5) {
			return pool[f.pick(len(pool))]
		}
		return []string{"", "../../etc/passwd", "不存在", "a", strings.Repeat("x", 300), "%00", "index.html", "..%2f", "\x00"}[f.pick(9)]
	}
	ids := f.idsNear(concrete, tmpl)
	var v string
	switch p := f.rng.Float64(); {
	case p < 0.45 && len(ids) > 0:
		v = strconv.FormatInt(ids[f.pick(len(ids))], 10)
	case p < 0.6 && len(f.ints["*"]) > 0:
		v = strconv.FormatInt(f.ints["*"][f.pick(len(f.ints["*"]))], 10)
	default:
		v = fuzzBoundaryIDs[f.pick(len(fuzzBoundaryIDs))]
	}
	// Keep the callers' own accounts and enterprises out of the operations that would end their sessions.
	if op.method != http.MethodGet && name == "id" {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			switch {
			case strings.HasPrefix(op.path, "/api/v1/users/{id}") || strings.HasPrefix(op.path, "/api/v1/platform/regulators/{id}"):
				if f.protectedUser[id] {
					v = "0"
				}
			case strings.HasPrefix(op.path, "/api/v1/regulator/enterprises/{id}"):
				if f.protectedEnt[id] {
					v = "0"
				}
			}
		}
	}
	return v
}

// query sets the documented query parameters by their schema, sometimes wrongly, and now and then adds
// unknown or repeated ones.
func (f *fuzzer) query(op fuzzOp) string {
	q := url.Values{}
	for _, pr := range op.op.Parameters {
		p := pr.Value
		if p == nil || p.In != "query" || !f.chance(0.5) {
			continue
		}
		var s *openapi3.Schema
		if p.Schema != nil {
			s = p.Schema.Value
		}
		q.Add(p.Name, f.queryValue(p.Name, s))
		if f.chance(0.05) {
			q.Add(p.Name, f.queryValue(p.Name, s))
		}
	}
	if f.chance(0.1) {
		q.Add([]string{"page", "page_size", "sort", "q", "unknown", "' OR 1=1 --"}[f.pick(6)], f.str(nil, ""))
	}
	return q.Encode()
}

func (f *fuzzer) queryValue(name string, s *openapi3.Schema) string {
	if f.chance(0.2) {
		return f.str(nil, name)
	}
	switch {
	case name == "page" || name == "page_size" || name == "limit":
		return []string{"1", "2", "0", "-1", "100", "101", "1000000", "9223372036854775807", "99999999999999999999", "a", "1.5", ""}[f.pick(12)]
	case name == "sort":
		return []string{"id", "-id", "name", "-created_at,id", "created_at", "nosuch", "-", ",", "id,id", "1; DROP TABLE users", "名称", strings.Repeat("id,", 200)}[f.pick(12)]
	case name == "period" || name == "period_key":
		return []string{"2026-Q3", "2026-Q4", "2026", "2025", "2026-Q0", "2026-Q5", "0000-Q1", "9999", "-1", "2026-11", "2026-11-28", "2026-H2", "2026-11-1", "Q3-2026", "", "2026-Q３"}[f.pick(16)]
	case name == "date" || name == "from" || name == "to" || (s != nil && (s.Format == "date" || s.Format == "date-time")):
		return []string{"2026-11-28", "2026-01-01", "1970-01-01", "0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "26-11-28",
			"2026/11/28", "2026-11-28T10:00:00+08:00", "tomorrow", "", "-2026-11-28", "2026-11-28\x00"}[f.pick(14)]
	case name == "cursor":
		return []string{"", "0", "1", "-1", "abc", "9223372036854775807", "99999999999999999999", "MTIz", "{}", strings.Repeat("z", 2000)}[f.pick(10)]
	case name == "ids":
		var parts []string
		for i := f.pick(4); i >= 0; i-- {
			parts = append(parts, f.intText(name))
		}
		return strings.Join(parts, []string{",", ", ", ";", ""}[f.pick(4)])
	}
	v := f.value(s, name, 0)
	switch x := v.(type) {
	case string:
		return x
	case json.RawMessage:
		return string(x)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (f *fuzzer) intText(name string) string {
	v := f.integer(name)
	if r, ok := v.(json.RawMessage); ok {
		return string(r)
	}
	return fmt.Sprint(v)
}

// jsonBody builds a body from the schema and then, often, breaks it.
func (f *fuzzer) jsonBody(op fuzzOp, refresh string) (string, []byte) {
	ct := "application/json"
	switch f.pick(20) {
	case 0:
		ct = "text/plain"
	case 1:
		ct = "application/x-www-form-urlencoded"
	case 2:
		ct = ""
	case 3:
		ct = "application/json; charset=gbk"
	case 4:
		ct = "APPLICATION/JSON"
	}
	var v any
	if op.body != nil {
		v = f.value(op.body, "", 0)
	} else {
		v = map[string]any{"x": f.str(nil, "")}
	}
	if m, ok := v.(map[string]any); ok && refresh != "" {
		if _, has := m["refresh_token"]; has && f.chance(0.5) {
			m["refresh_token"] = refresh
		}
	}
	valid, _ := json.Marshal(v)
	switch p := f.pick(100); {
	case p < 55:
		return ct, valid
	case p < 60:
		return ct, nil
	case p < 66:
		return ct, []byte([]string{"null", "[]", "{}", `"text"`, "123", "true", "-0", "1e999"}[f.pick(8)])
	case p < 72:
		if len(valid) > 1 {
			return ct, valid[:1+f.pick(len(valid)-1)]
		}
		return ct, []byte("{")
	case p < 76:
		return ct, []byte([]string{`{"a":}`, `{"a" 1}`, `{'a':1}`, "\xef\xbb\xbf{}", "{\"a\":\"\xff\xfe\"}", `{"a":1,}`, "\x00", `{"a":"\ud800"}`}[f.pick(8)])
	case p < 79:
		return ct, append(append(valid, ' '), valid...)
	case p < 82:
		depth := 1 + f.pick(20000)
		return ct, []byte(strings.Repeat("[", depth) + strings.Repeat("]", depth))
	case p < 85:
		depth := 1 + f.pick(3000)
		return ct, []byte(strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth))
	case p < 87:
		// Beyond the body limit.
		return ct, append([]byte(`{"name":"`), append(bytes.Repeat([]byte("隐"), 400_000), '"', '}')...)
	case p < 92:
		if m, ok := v.(map[string]any); ok {
			for k := range m {
				m[k] = nil
			}
			b, _ := json.Marshal(m)
			return ct, b
		}
		return ct, []byte("null")
	default:
		b, _ := json.Marshal(f.junk(0))
		return ct, b
	}
}

// value generates a value for a schema: mostly of the right type and within bounds, sometimes not.
func (f *fuzzer) value(s *openapi3.Schema, name string, depth int) any {
	if s == nil || depth > 6 {
		return f.junk(depth)
	}
	if len(s.AllOf) > 0 {
		s = fuzzMerge(s)
	}
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		alts := append(append(openapi3.SchemaRefs{}, s.OneOf...), s.AnyOf...)
		if a := alts[f.pick(len(alts))]; a != nil {
			return f.value(a.Value, name, depth)
		}
	}
	if f.chance(0.08) {
		return f.junk(depth)
	}
	if f.chance(0.03) {
		return nil
	}
	if len(s.Enum) > 0 && f.chance(0.85) {
		return s.Enum[f.pick(len(s.Enum))]
	}
	typ := ""
	if s.Type != nil && len(s.Type.Slice()) > 0 {
		typ = s.Type.Slice()[0]
	} else if len(s.Properties) > 0 {
		typ = "object"
	}
	switch typ {
	case "object":
		m := map[string]any{}
		names := make([]string, 0, len(s.Properties))
		for k := range s.Properties {
			names = append(names, k)
		}
		sort.Strings(names)
		required := map[string]bool{}
		for _, r := range s.Required {
			required[r] = true
		}
		for _, k := range names {
			keep := 0.75
			if required[k] {
				keep = 0.93
			}
			if !f.chance(keep) {
				continue
			}
			var ps *openapi3.Schema
			if s.Properties[k] != nil {
				ps = s.Properties[k].Value
			}
			m[k] = f.value(ps, k, depth+1)
		}
		if f.chance(0.05) {
			m["unknown_field"] = f.junk(depth + 1)
		}
		return m
	case "array":
		n := []int{0, 1, 1, 2, 3, 5}[f.pick(6)]
		if f.chance(0.03) {
			n = 300 + f.pick(5000)
		}
		out := make([]any, 0, n)
		var is *openapi3.Schema
		if s.Items != nil {
			is = s.Items.Value
		}
		item := strings.TrimSuffix(name, "s")
		for i := 0; i < n; i++ {
			out = append(out, f.value(is, item, depth+1))
		}
		if n > 1 && f.chance(0.2) {
			out[n-1] = out[0] // a duplicate
		}
		return out
	case "integer":
		return f.integer(name)
	case "number":
		return []any{0, -1, 1, 0.5, 99.99, 100, 100.01, -0.0001, 1e308, json.RawMessage("1e999"), json.RawMessage("-1e999"), 3.14159}[f.pick(12)]
	case "boolean":
		if f.chance(0.9) {
			return f.chance(0.5)
		}
		return []any{"true", 1, 0, "是"}[f.pick(4)]
	case "string":
		return f.str(s, name)
	}
	return f.junk(depth)
}

func fuzzMerge(s *openapi3.Schema) *openapi3.Schema {
	m := *s
	m.AllOf = nil
	for _, part := range s.AllOf {
		if part == nil || part.Value == nil {
			continue
		}
		p := part.Value
		if len(p.AllOf) > 0 {
			p = fuzzMerge(p)
		}
		if m.Type == nil {
			m.Type = p.Type
		}
		if len(m.Enum) == 0 {
			m.Enum = p.Enum
		}
		if m.Items == nil {
			m.Items = p.Items
		}
		if m.Format == "" {
			m.Format = p.Format
		}
		if len(p.Properties) > 0 {
			props := openapi3.Schemas{}
			for k, v := range m.Properties {
				props[k] = v
			}
			for k, v := range p.Properties {
				props[k] = v
			}
			m.Properties = props
		}
		m.Required = append(append([]string{}, m.Required...), p.Required...)
	}
	return &m
}

func (f *fuzzer) integer(name string) any {
	if strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_ids") || name == "id" || strings.HasSuffix(name, "_id_") {
		key := name
		if strings.HasSuffix(name, "_ids") {
			key = strings.TrimSuffix(name, "s")
		}
		pool := f.ints[key]
		if len(pool) == 0 {
			pool = f.ints[key+"s"]
		}
		if len(pool) > 0 && f.chance(0.6) {
			return pool[f.pick(len(pool))]
		}
		if len(f.ints["*"]) > 0 && f.chance(0.3) {
			return f.ints["*"][f.pick(len(f.ints["*"]))]
		}
	}
	return []any{0, 1, 2, -1, 7, 30, 100, 101, 366, 1000000, math.MaxInt32, math.MaxInt64, math.MinInt64, int64(1) << 53,
		json.RawMessage("9223372036854775808"), json.RawMessage("1.5"), json.RawMessage("1e3"), json.RawMessage("-0")}[f.pick(18)]
}

var fuzzStrings = []string{
	"", " ", "a", "朝阳区安全检查", "叉车司机", "仓储部", "北京朝阳示范商场有限公司", "91110105MA01ABCD13", "13800138000", "+86 138-0013-8000",
	"' OR 1=1 --", "'; DROP TABLE users; --", "\" OR \"\"=\"", "%", "_", "\\", "%_\\'", "<script>alert(1)</script>", "=cmd|' /C calc'!A0",
	"😀🚧", "\u202eabc", "\t\n\r", "null", "undefined", "true", "0", "-1", "1e999", "NaN", "../../etc/passwd", "ＡＢＣ", "　", "\u00a0",
	"é", "a\x00b", "\x00", "\x7f", "\ufeff", "\U0010ffff", "🀄️", "${jndi:ldap://x}", "{{7*7}}", "SELECT pg_sleep(0)",
}

// str generates a string: by format and known values when it has them, else from the pool, long, or random.
func (f *fuzzer) str(s *openapi3.Schema, name string) string {
	if s != nil {
		switch s.Format {
		case "date-time":
			if f.chance(0.6) {
				return []string{"2026-11-28T10:00:00+08:00", "2026-11-28T02:00:00Z", "2026-12-31T23:59:59+08:00", "2025-01-01T00:00:00Z",
					"0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-11-28", "2026-13-01T00:00:00Z", "2026-11-28T25:00:00Z", "now"}[f.pick(10)]
			}
		case "date":
			if f.chance(0.6) {
				return []string{"2026-11-28", "2026-12-15", "2026-11-27", "1970-01-01", "9999-12-31", "2026-02-30", "2026/11/28", "20261128"}[f.pick(8)]
			}
		}
	}
	if pool := f.strs[name]; len(pool) > 0 && f.chance(0.3) {
		return pool[f.pick(len(pool))]
	}
	switch {
	case strings.Contains(name, "password"):
		if f.chance(0.5) {
			return []string{"Fuzz#Pass2026", "short", "aaaaaaaa", strings.Repeat("Aa1#", 20), "12345678", "Password1"}[f.pick(6)]
		}
	case strings.Contains(name, "credit_code") || name == "uscc":
		if f.chance(0.5) {
			return []string{"91110105MA01ABCD13", "91110105MA01ABCD14", "911101", "91110105ma01abcd13", "IOZSV0000000000000"}[f.pick(5)]
		}
	case strings.Contains(name, "phone") || strings.Contains(name, "mobile"):
		if f.chance(0.5) {
			return []string{"13800138000", "138001380001", "12345678901", "+8613800138000", "010-12345678", "１３８００１３８０００"}[f.pick(6)]
		}
	case name == "username":
		// Never the callers' own names: failed attempts would lock the accounts the run fuzzes with.
		if f.chance(0.5) {
			return []string{demo.MallElectrician, demo.FactoryName, demo.MallCode, demo.HaidianReg, "nobody"}[f.pick(5)]
		}
	}
	var max uint64 = 200
	if s != nil && s.MaxLength != nil {
		max = *s.MaxLength
	}
	switch p := f.pick(100); {
	case p < 60:
		return fuzzStrings[f.pick(len(fuzzStrings))]
	case p < 70:
		// Exactly at and just over the documented length.
		n := int(max)
		if f.chance(0.5) {
			n++
		}
		return strings.Repeat("隐", min(n, 100_000))
	case p < 75:
		return strings.Repeat("x", 10_000+f.pick(50_000))
	default:
		n := f.pick(40)
		var b strings.Builder
		for i := 0; i < n; i++ {
			switch f.pick(4) {
			case 0:
				b.WriteRune(rune(0x4e00 + f.pick(0x9fa5-0x4e00)))
			case 1:
				b.WriteByte(byte(0x20 + f.pick(0x5f)))
			case 2:
				b.WriteRune(rune(f.pick(0x80)))
			default:
				b.WriteRune(rune(f.pick(0x10ffff)))
			}
		}
		return b.String()
	}
}

// junk is a value of an arbitrary, usually wrong, type.
func (f *fuzzer) junk(depth int) any {
	switch f.pick(9) {
	case 0:
		return nil
	case 1:
		return f.chance(0.5)
	case 2:
		return f.integer("")
	case 3:
		return -1.5
	case 4:
		return f.str(nil, "")
	case 5:
		if depth < 4 {
			return []any{f.junk(depth + 1), f.junk(depth + 1)}
		}
		return []any{}
	case 6:
		if depth < 4 {
			return map[string]any{"a": f.junk(depth + 1), "id": f.integer("id")}
		}
		return map[string]any{}
	case 7:
		return strings.Repeat("隐患", 5000)
	}
	return json.RawMessage("99999999999999999999999999999")
}

// multipartBody is an upload: a sample file, a mangled one, random bytes, nothing, or a broken form.
func (f *fuzzer) multipartBody() (string, []byte) {
	var content []byte
	kinds := []string{"xlsx", "image", "doc"}
	switch p := f.pick(10); {
	case p < 3:
		pool := f.files[kinds[f.pick(3)]]
		if len(pool) > 0 {
			content = pool[f.pick(len(pool))]
		}
	case p < 5:
		pool := f.files[kinds[f.pick(3)]]
		if len(pool) > 0 {
			content = append([]byte{}, pool[f.pick(len(pool))]...)
			for i := 0; i < 1+f.pick(20); i++ {
				content[f.pick(len(content))] = byte(f.pick(256))
			}
			if f.chance(0.3) {
				content = content[:f.pick(len(content))]
			}
		}
	case p < 7:
		content = make([]byte, f.pick(5000))
		f.rng.Read(content)
		if f.chance(0.5) {
			content = append([]byte("PK\x03\x04"), content...)
		}
	case p < 8:
		content = nil
	}
	name := []string{"清单.xlsx", "企业.xlsx", "photo.jpg", "岗位职责.docx", "", strings.Repeat("很长的文件名", 100) + ".xlsx",
		"../../../etc/passwd", "a\"b\r\nc.xlsx", "noext", ".xlsx", "文件.exe", "x.XLSX"}[f.pick(12)]

	switch f.pick(12) {
	case 0:
		return "multipart/form-data", content // no boundary
	case 1:
		return "multipart/form-data; boundary=xyz", append([]byte("--abc\r\n"), content...) // boundary mismatch
	case 2:
		return "application/json", []byte(`{"file":"x"}`)
	case 3:
		if len(content) == 0 {
			content = []byte("x")
		}
		big := bytes.Repeat(content, 1+(2<<20)/len(content)) // over the test's 1M body limit
		return f.form("file", name, big)
	}
	field := "file"
	if f.chance(0.1) {
		field = []string{"files", "", "FILE", "文件"}[f.pick(4)]
	}
	return f.form(field, name, content)
}

func (f *fuzzer) form(field, name string, content []byte) (string, []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if f.chance(0.1) {
		w.WriteField("note", "备注")
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, field, strings.NewReplacer(`"`, `\"`, "\r", "", "\n", "").Replace(name)))
	if f.chance(0.5) {
		h.Set("Content-Type", []string{"application/octet-stream", "image/jpeg", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/plain"}[f.pick(4)])
	}
	part, _ := w.CreatePart(h)
	part.Write(content)
	if f.chance(0.05) {
		part, _ = w.CreatePart(h)
		part.Write(content)
	}
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func fuzzCut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("…(%d bytes)", len(s))
}

// fuzzJPEG is the smallest JPEG header mimetype recognises.
var fuzzJPEG = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00}, make([]byte, 64)...)
