package api

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"yqyb/internal/hazard"
	"yqyb/internal/inspection"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/tools/demo"
)

// keyed sends a request with a bearer token and an Idempotency-Key.
func (e *testEnv) keyed(token, key, method, path string, body any) *response {
	e.t.Helper()
	return e.do(method, path, body, "Authorization", "Bearer "+token, headerIdempotencyKey, key)
}

// keyedUpload uploads a photo with an Idempotency-Key; every call draws a new multipart boundary, as a
// browser does when it sends the same form again.
func (e *testEnv) keyedUpload(token, key, fileName string, content []byte) *response {
	e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", fileName)
	if err != nil {
		e.t.Fatal(err)
	}
	part.Write(content)
	w.Close()
	raw := body.Bytes()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/files", bytes.NewReader(raw))
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set(headerIdempotencyKey, key)
	check := req.Clone(context.Background())
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	conform(e.t, check, raw, rec)
	return &response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// hazardCodesGapless fails unless the enterprise's hazard codes of the year are 1…n without a gap.
func hazardCodesGapless(t *testing.T, env *testEnv, ent int64) {
	t.Helper()
	var codes []string
	testdb.Must(t, env.db.Table("hazards").Where("enterprise_id = ?", ent).Pluck("code", &codes))
	nums := make([]int, 0, len(codes))
	for _, c := range codes {
		n, err := strconv.Atoi(c[strings.LastIndex(c, "-")+1:])
		if err != nil {
			t.Fatalf("hazard code %q", c)
		}
		nums = append(nums, n)
	}
	sort.Ints(nums)
	for i, n := range nums {
		if n != i+1 {
			t.Fatalf("hazard codes are not gapless: %v", codes)
		}
	}
}

// A submission retried after its answer was lost, and several identical submissions sent at once with one
// key, make one submission and one set of hazards; every retry gets the first answer again.
func TestIdempotentSubmit(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	d := f.start(t, f.forklift, f.daily)
	answers := allOK(d)
	answers[0] = map[string]any{"item_id": d.Answers[0].ItemID, "result": "hazard", "description": "右前轮制动失灵", "grade_code": "B"}
	answers[1] = map[string]any{"item_id": d.Answers[1].ItemID, "result": "hazard", "description": "通道有杂物", "grade_code": "D"}
	submit := fmt.Sprintf("/api/v1/inspections/%d/submit", d.ID)
	body := map[string]any{"answers": answers}

	// N identical requests with one key at once: one runs, the others wait for its answer.
	const n = 6
	key := "submit-" + strconv.FormatInt(d.ID, 10) + "-2f0c9a"
	rs := make([]*response, n)
	var wg sync.WaitGroup
	for i := range rs {
		wg.Add(1)
		go func() { defer wg.Done(); rs[i] = env.keyed(f.forklift, key, http.MethodPost, submit, body) }()
	}
	wg.Wait()
	replayed := 0
	for i, r := range rs {
		if r.Code != 200 || !bytes.Equal(r.Body, rs[0].Body) {
			t.Fatalf("concurrent keyed submit %d = %d %s, first %s", i, r.Code, r.Body, rs[0].Body)
		}
		if r.Header.Get(headerReplayed) == "true" {
			replayed++
		}
	}
	if replayed != n-1 {
		t.Errorf("%d of %d concurrent submits were replays, want %d", replayed, n, n-1)
	}
	// The answer to the phone was lost: the app sends the same request with the same key again.
	again := env.keyed(f.forklift, key, http.MethodPost, submit, body)
	if again.Code != 200 || again.Header.Get(headerReplayed) != "true" || !bytes.Equal(again.Body, rs[0].Body) {
		t.Fatalf("retried submit = %d (replayed %q) %s", again.Code, again.Header.Get(headerReplayed), again.Body)
	}
	var sub inspection.Detail
	again.decode(t, &sub)
	var submissions, hazards int64
	testdb.Must(t, env.db.Table("inspections").Where("checklist_id = ? AND status = 'submitted'", f.daily).Count(&submissions))
	testdb.Must(t, env.db.Table("hazards").Where("inspection_id = ?", d.ID).Count(&hazards))
	if submissions != 1 || hazards != 2 {
		t.Fatalf("keyed submits made %d submissions and %d hazards, want 1 and 2", submissions, hazards)
	}
	var ent int64
	testdb.Must(t, env.db.Table("inspections").Where("id = ?", d.ID).Pluck("enterprise_id", &ent))
	hazardCodesGapless(t, env, ent)

	// The same key with another body is refused, whatever the state.
	other := map[string]any{"answers": allOK(d)}
	if r := env.keyed(f.forklift, key, http.MethodPost, submit, other); r.Code != 409 || r.errBody(t).Code != "idempotency_key_reused" ||
		!strings.Contains(r.errBody(t).Message, "幂等键") {
		t.Fatalf("key reused with another body = %d %s", r.Code, r.Body)
	}
	// Another account's key of the same value is its own: the keeper's request is not the forklift driver's.
	keeperTok := env.login("personal", demo.MallKeeper, pw).AccessToken
	if r := env.keyed(keeperTok, key, http.MethodPost, submit, body); r.Header.Get(headerReplayed) != "" {
		t.Fatalf("another account's request replayed the forklift driver's answer: %d %s", r.Code, r.Body)
	}
	// A malformed key is refused before anything runs.
	if r := env.keyed(f.forklift, "含中文的键", http.MethodPost, submit, body); r.Code != 400 || r.errBody(t).Code != "idempotency_key_invalid" {
		t.Fatalf("malformed key = %d %s", r.Code, r.Body)
	}
}

// A hazard reported (随手拍) with a key, retried and sent several times at once, is registered once with one
// code; the codes stay gapless. Its later actions are keyed too: a retried fix answers what the first did.
func TestIdempotentHazardActions(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	report := map[string]any{"subject": "消防通道堵塞", "description": "仓库东侧消防通道堆放纸箱", "grade_code": "D"}
	key := "report-6b1e0f0e-8d7c-4f7e-9a55-1c1b7e2d3a10"
	const n = 5
	rs := make([]*response, n)
	var wg sync.WaitGroup
	for i := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs[i] = env.keyed(f.forklift, key, http.MethodPost, "/api/v1/hazards", report)
		}()
	}
	wg.Wait()
	for i, r := range rs {
		if r.Code != 201 || !bytes.Equal(r.Body, rs[0].Body) {
			t.Fatalf("keyed report %d = %d %s, first %s", i, r.Code, r.Body, rs[0].Body)
		}
	}
	retry := env.keyed(f.forklift, key, http.MethodPost, "/api/v1/hazards", report)
	if retry.Code != 201 || !bytes.Equal(retry.Body, rs[0].Body) {
		t.Fatalf("retried report = %d %s", retry.Code, retry.Body)
	}
	var h hazard.Detail
	retry.decode(t, &h)
	var count int64
	testdb.Must(t, env.db.Table("hazards").Where("subject = ?", "消防通道堵塞").Count(&count))
	if count != 1 {
		t.Fatalf("a keyed report sent %d times registered %d hazards", n+1, count)
	}
	// Without a key, each request is its own write (the header is what makes a retry safe).
	env.as(f.forklift, http.MethodPost, "/api/v1/hazards", report)
	testdb.Must(t, env.db.Table("hazards").Where("subject = ?", "消防通道堵塞").Count(&count))
	if count != 2 {
		t.Fatalf("an unkeyed report registered %d hazards in all, want 2", count)
	}
	var ent int64
	testdb.Must(t, env.db.Table("hazards").Where("id = ?", h.ID).Pluck("enterprise_id", &ent))
	hazardCodesGapless(t, env, ent)

	// The admin assigns it; the assignment retried with its key answers the same and is recorded once.
	var responsible int64
	testdb.Must(t, env.db.Table("users").Where("login_name = ?", demo.MallForklift).Pluck("id", &responsible))
	assign := map[string]any{"responsible_user_id": responsible, "responsible_person": "赵磊", "measures": "清理纸箱", "deadline": "2026-12-05"}
	path := fmt.Sprintf("/api/v1/hazards/%d/assign", h.ID)
	first := env.keyed(f.admin, "assign-1", http.MethodPost, path, assign)
	second := env.keyed(f.admin, "assign-1", http.MethodPost, path, assign)
	if first.Code != 200 || second.Code != 200 || !bytes.Equal(first.Body, second.Body) || second.Header.Get(headerReplayed) != "true" {
		t.Fatalf("assign = %d %s; retried = %d %s", first.Code, first.Body, second.Code, second.Body)
	}
	var assigned int64
	testdb.Must(t, env.db.Table("hazard_events").Where("hazard_id = ? AND action = 'assign'", h.ID).Count(&assigned))
	if assigned != 1 {
		t.Fatalf("a keyed assignment sent twice recorded %d assignments", assigned)
	}
}

// A photo uploaded with a key and sent again (a new multipart boundary, the same file) is stored once.
func TestIdempotentUpload(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	a := env.keyedUpload(f.forklift, "photo-1", "叉车.jpg", jpeg)
	b := env.keyedUpload(f.forklift, "photo-1", "叉车.jpg", jpeg)
	if a.Code != 201 || b.Code != 201 || !bytes.Equal(a.Body, b.Body) || b.Header.Get(headerReplayed) != "true" {
		t.Fatalf("upload = %d %s; retried = %d %s", a.Code, a.Body, b.Code, b.Body)
	}
	var files int64
	testdb.Must(t, env.db.Table("files").Count(&files))
	if files != 1 {
		t.Fatalf("a keyed upload sent twice stored %d files", files)
	}
	// Another file under the same key is another request.
	if r := env.keyedUpload(f.forklift, "photo-1", "叉车.jpg", append([]byte(nil), append(jpeg, 0)...)); r.Code != 409 || r.errBody(t).Code != "idempotency_key_reused" {
		t.Fatalf("another file under the key = %d %s", r.Code, r.Body)
	}
}

// Keys expire after 24 hours; the idempotency.prune job deletes them, and a key used after its expiry runs
// the request again.
func TestIdempotencyKeysExpire(t *testing.T) {
	f := newInspectionFixture(t)
	env := f.env
	report := map[string]any{"subject": "配电箱门未关", "description": "二楼配电箱门敞开", "grade_code": "D"}
	if r := env.keyed(f.forklift, "expiring", http.MethodPost, "/api/v1/hazards", report); r.Code != 201 {
		t.Fatalf("report = %d %s", r.Code, r.Body)
	}
	if note := runJob(t, env, "idempotency.prune"); !strings.Contains(note, "清理 0 个") {
		t.Fatalf("a fresh key was pruned: %s", note)
	}
	env.clk.Advance(24*time.Hour + time.Minute)
	if note := runJob(t, env, "idempotency.prune"); !strings.Contains(note, "清理 1 个") {
		t.Fatalf("prune after a day: %s", note)
	}
	tok := env.login("personal", demo.MallForklift, pw).AccessToken
	if r := env.keyed(tok, "expiring", http.MethodPost, "/api/v1/hazards", report); r.Code != 201 || r.Header.Get(headerReplayed) != "" {
		t.Fatalf("an expired key replayed: %d %s", r.Code, r.Body)
	}
	var count int64
	testdb.Must(t, env.db.Table("hazards").Where("subject = ?", "配电箱门未关").Count(&count))
	if count != 2 {
		t.Fatalf("%d hazards after the key expired, want 2", count)
	}
}
