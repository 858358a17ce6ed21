package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"yqyb/internal/rbac"
	"yqyb/internal/tools/demo"
	"yqyb/internal/webhook"
)

// hookReceiver is a real HTTP server in the test that verifies every delivery's signature.
type hookReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	events []string // X-Yqyb-Event-Type of each delivery, in arrival order
	ids    []string
	bad    int // deliveries whose signature did not verify
	secret string
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if !webhook.Verify(h.secret, r.Header.Get("X-Yqyb-Event-Id"), r.Header.Get("X-Yqyb-Timestamp"), r.Header.Get("X-Yqyb-Signature"), b, time.Time{}, 0) {
			h.bad++
		}
		h.events = append(h.events, r.Header.Get("X-Yqyb-Event-Type"))
		h.ids = append(h.ids, r.Header.Get("X-Yqyb-Event-Id"))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.events)
}

func allowLoopback(d *Deps) { d.Config.WebhookAllow = "127.0.0.1" }

// TestWebhookEndpoints: an enterprise admin registers an endpoint (the secret shown once), a hazard registered
// through the API reaches it signed, the delivery log and redelivery work, and the endpoint is the admin's
// enterprise's alone; a regulator's endpoint gets its region's events and not another district's.
func TestWebhookEndpoints(t *testing.T) {
	env, _ := seeded(t, allowLoopback)
	mallStandard(t, env)
	ctx := context.Background()
	admin := env.login("personal", demo.MallName, pw).AccessToken
	factory := env.login("personal", demo.FactoryName, pw).AccessToken
	forklift := env.login("personal", demo.MallForklift, pw).AccessToken
	chaoyang := env.login("personal", demo.ChaoyangReg, pw).AccessToken
	haidian := env.login("personal", demo.HaidianReg, pw).AccessToken
	rcv, regRcv, hdRcv := newHookReceiver(t), newHookReceiver(t), newHookReceiver(t)

	var created webhook.Created
	t.Run("201 create, secret once", func(t *testing.T) {
		r := env.as(admin, http.MethodPost, "/api/v1/webhooks", map[string]any{"url": rcv.srv.URL + "/hook", "event_types": []string{"hazard.register"}, "description": "EHS"})
		if r.Code != 201 {
			t.Fatalf("create = %d %s", r.Code, r.Body)
		}
		r.decode(t, &created)
		if !strings.HasPrefix(created.Secret, "whsec_") || !created.Enabled {
			t.Fatalf("created %+v", created)
		}
		rcv.secret = created.Secret
		logs := env.as(admin, http.MethodGet, "/api/v1/audit-logs?action=webhook_create", nil)
		if logs.Code != 200 || !strings.Contains(string(logs.Body), rcv.srv.URL) || strings.Contains(string(logs.Body), created.Secret) {
			t.Fatalf("audit of the creation = %d %s (must name the URL, never the secret)", logs.Code, logs.Body)
		}
		list := env.as(admin, http.MethodGet, "/api/v1/webhooks", nil)
		if list.Code != 200 || strings.Contains(string(list.Body), created.Secret) || !strings.Contains(string(list.Body), rcv.srv.URL) {
			t.Fatalf("list = %d %s (must not carry the secret)", list.Code, list.Body)
		}
		var reg webhook.Created
		env.as(chaoyang, http.MethodPost, "/api/v1/regulator/webhooks", map[string]any{"url": regRcv.srv.URL, "event_types": []string{"hazard.register"}}).decode(t, &reg)
		regRcv.secret = reg.Secret
		var hd webhook.Created
		env.as(haidian, http.MethodPost, "/api/v1/regulator/webhooks", map[string]any{"url": hdRcv.srv.URL, "event_types": []string{"hazard.register"}}).decode(t, &hd)
		hdRcv.secret = hd.Secret
	})
	t.Run("400 bad input", func(t *testing.T) {
		for body, code := range map[string]map[string]any{
			"webhook_url_invalid":         {"url": "http://example.com/h", "event_types": []string{"hazard.register"}},
			"webhook_address_forbidden":   {"url": "https://169.254.169.254/latest", "event_types": []string{"hazard.register"}},
			"webhook_event_types_invalid": {"url": "https://example.com/h", "event_types": []string{"hazard.nope"}},
			"webhook_secret_invalid":      {"url": "https://example.com/h", "event_types": []string{"hazard.register"}, "secret": "short"},
		} {
			r := env.as(admin, http.MethodPost, "/api/v1/webhooks", code)
			if b := r.errBody(t); r.Code != 400 || b.Code != body || b.Message == "" {
				t.Errorf("%s: %d %s", body, r.Code, r.Body)
			}
		}
	})
	t.Run("403 without the permission", func(t *testing.T) {
		for _, c := range []struct{ tok, path string }{{forklift, "/api/v1/webhooks"}, {chaoyang, "/api/v1/webhooks"}, {admin, "/api/v1/regulator/webhooks"}} {
			if r := env.as(c.tok, http.MethodGet, c.path, nil); r.Code != 403 {
				t.Errorf("%s = %d %s", c.path, r.Code, r.Body)
			}
		}
	})
	t.Run("404 for another tenant", func(t *testing.T) {
		for _, c := range []struct{ method, path string }{{http.MethodPatch, ""}, {http.MethodDelete, ""}, {http.MethodGet, "/deliveries"}} {
			r := env.as(factory, c.method, fmt.Sprintf("/api/v1/webhooks/%d%s", created.ID, c.path), map[string]any{"enabled": false})
			if b := r.errBody(t); r.Code != 404 || b.Code != "webhook_not_found" {
				t.Errorf("%s %s = %d %s", c.method, c.path, r.Code, r.Body)
			}
		}
		if r := env.as(factory, http.MethodGet, "/api/v1/webhooks", nil); strings.Contains(string(r.Body), rcv.srv.URL) {
			t.Errorf("the factory lists the mall's endpoint: %s", r.Body)
		}
		if r := env.as(haidian, http.MethodGet, fmt.Sprintf("/api/v1/regulator/webhooks/%d/deliveries", created.ID), nil); r.Code != 404 {
			t.Errorf("a regulator reads an enterprise's endpoint = %d", r.Code)
		}
	})

	for i := range 3 {
		if r := env.as(forklift, http.MethodPost, "/api/v1/hazards", map[string]any{"subject": fmt.Sprintf("货架松动%d", i), "description": "三号货架立柱螺栓松动", "grade_code": "D"}); r.Code != 201 {
			t.Fatalf("report = %d %s", r.Code, r.Body)
		}
	}
	// Two instances pass at once: each event is delivered once.
	a, b := env.srv.WebhookDeliverer("a"), env.another().srv.WebhookDeliverer("b")
	var wg sync.WaitGroup
	for _, d := range []*webhook.Deliverer{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				if _, err := d.Pass(ctx); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	for _, c := range []struct {
		name string
		r    *hookReceiver
		want int
	}{{"enterprise", rcv, 3}, {"朝阳 regulator", regRcv, 3}, {"海淀 regulator", hdRcv, 0}} {
		c.r.mu.Lock()
		if len(c.r.events) != c.want || c.r.bad != 0 {
			t.Errorf("%s receiver: %d deliveries (%d badly signed), want %d", c.name, len(c.r.events), c.r.bad, c.want)
		}
		c.r.mu.Unlock()
	}

	t.Run("200 delivery log and 202 redeliver", func(t *testing.T) {
		var log []webhook.Delivery
		r := env.as(admin, http.MethodGet, fmt.Sprintf("/api/v1/webhooks/%d/deliveries", created.ID), nil)
		r.decode(t, &log)
		if r.Code != 200 || len(log) != 3 || log[0].Status != webhook.StatusDelivered || log[0].ResponseCode != 200 || log[0].Attempts != 1 {
			t.Fatalf("log = %d %s", r.Code, r.Body)
		}
		rd := env.as(admin, http.MethodPost, fmt.Sprintf("/api/v1/webhooks/%d/deliveries/%d/redeliver", created.ID, log[2].ID), nil)
		if rd.Code != 202 {
			t.Fatalf("redeliver = %d %s", rd.Code, rd.Body)
		}
		if r := env.as(factory, http.MethodPost, fmt.Sprintf("/api/v1/webhooks/%d/deliveries/%d/redeliver", created.ID, log[2].ID), nil); r.Code != 404 {
			t.Errorf("another enterprise redelivers = %d", r.Code)
		}
		if _, err := a.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		if len(rcv.ids) != 4 || rcv.ids[3] != rcv.ids[0] {
			t.Fatalf("after redelivery the receiver got %v", rcv.ids)
		}
	})
	t.Run("200 disable, 204 delete", func(t *testing.T) {
		var ep webhook.Endpoint
		r := env.as(admin, http.MethodPatch, fmt.Sprintf("/api/v1/webhooks/%d", created.ID), map[string]any{"enabled": false})
		r.decode(t, &ep)
		if r.Code != 200 || ep.Enabled {
			t.Fatalf("disable = %d %s", r.Code, r.Body)
		}
		if r := env.as(admin, http.MethodDelete, fmt.Sprintf("/api/v1/webhooks/%d", created.ID), nil); r.Code != 204 {
			t.Fatalf("delete = %d %s", r.Code, r.Body)
		}
		if r := env.as(admin, http.MethodGet, fmt.Sprintf("/api/v1/webhooks/%d/deliveries", created.ID), nil); r.Code != 404 {
			t.Fatalf("deleted endpoint's log = %d", r.Code)
		}
	})
}

// TestWebhookAllowRequiredForLoopback: without YQYB_WEBHOOK_ALLOW a loopback receiver cannot be registered.
func TestWebhookAllowRequiredForLoopback(t *testing.T) {
	env, _ := seeded(t)
	admin := env.login("personal", demo.MallName, pw).AccessToken
	for _, u := range []string{"https://127.0.0.1:8443/h", "https://10.0.0.8/h", "https://[::1]/h"} {
		r := env.as(admin, http.MethodPost, "/api/v1/webhooks", map[string]any{"url": u, "event_types": []string{"hazard.register"}})
		if b := r.errBody(t); r.Code != 400 || b.Code != "webhook_address_forbidden" {
			t.Errorf("%s = %d %s", u, r.Code, r.Body)
		}
	}
}

// TestWebhookFollowsCreatorFeedPermission: an endpoint delivers only what its creator may read from the
// feed. A post user granted event pushing (sys:webhook) without the feed (hz:feed) cannot register one; an
// endpoint whose creator loses the feed later pauses (nothing sent, its position kept) and resumes in order
// once the grant is back.
func TestWebhookFollowsCreatorFeedPermission(t *testing.T) {
	env, sc := seeded(t, allowLoopback)
	mallStandard(t, env)
	ctx := context.Background()
	admin := env.login("personal", demo.MallName, pw).AccessToken
	forklift := env.login("personal", demo.MallForklift, pw).AccessToken
	grants := fmt.Sprintf("/api/v1/users/%d/grants", sc.Users[demo.MallElectrician])
	grant := func(codes ...string) {
		t.Helper()
		if r := env.as(admin, http.MethodPut, grants, map[string]any{"codes": codes}); r.Code != http.StatusOK {
			t.Fatalf("grant %v = %d %s", codes, r.Code, r.Body)
		}
	}
	rcv := newHookReceiver(t)
	body := map[string]any{"url": rcv.srv.URL + "/hook", "event_types": []string{"hazard.register"}}

	grant(rbac.WebhookManage)
	electrician := env.login("personal", demo.MallElectrician, pw).AccessToken
	if r := env.as(electrician, http.MethodGet, "/api/v1/feed", nil); r.Code != http.StatusForbidden {
		t.Fatalf("the electrician reads the feed without hz:feed = %d", r.Code)
	}
	r := env.as(electrician, http.MethodPost, "/api/v1/webhooks", body)
	if b := r.errBody(t); r.Code != http.StatusForbidden || b.Code != "webhook_feed_forbidden" || b.Message == "" {
		t.Fatalf("create without the feed permission = %d %s", r.Code, r.Body)
	}

	grant(rbac.WebhookManage, rbac.FeedRead)
	electrician = env.login("personal", demo.MallElectrician, pw).AccessToken // a grant change ends tokens
	var created webhook.Created
	r = env.as(electrician, http.MethodPost, "/api/v1/webhooks", body)
	if r.Code != http.StatusCreated {
		t.Fatalf("create with the feed permission = %d %s", r.Code, r.Body)
	}
	r.decode(t, &created)
	rcv.secret = created.Secret

	report := func(i int) {
		t.Helper()
		if r := env.as(forklift, http.MethodPost, "/api/v1/hazards", map[string]any{"subject": fmt.Sprintf("护栏缺失%d", i), "description": "二层平台护栏缺失", "grade_code": "D"}); r.Code != 201 {
			t.Fatalf("report = %d %s", r.Code, r.Body)
		}
	}
	d := env.srv.WebhookDeliverer("a")
	// pass delivers until the receiver has want deliveries; the feed's horizon is shared for a moment
	// (feedHorizonCache), so it waits past that before it decides that nothing more comes.
	pass := func(want int) int {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			time.Sleep(2 * feedHorizonCache)
			if _, err := d.Pass(ctx); err != nil {
				t.Fatal(err)
			}
			if n := rcv.count(); n >= want || time.Now().After(deadline) {
				return n
			}
		}
	}
	report(1)
	if n := pass(1); n != 1 {
		t.Fatalf("with the grant: %d deliveries, want 1", n)
	}

	grant(rbac.WebhookManage) // the feed permission is taken away
	report(2)
	report(3)
	pass(0)
	if n := rcv.count(); n != 1 {
		t.Fatalf("after the creator lost hz:feed: %d deliveries, want still 1", n)
	}

	grant(rbac.WebhookManage, rbac.FeedRead)
	// The pause is rechecked at its own pace; a test moves the clock past it.
	env.clk.Advance(10 * time.Minute)
	if got := pass(3); got != 3 {
		t.Fatalf("after the grant came back: %d deliveries, want 3 (the paused ones, in order)", got)
	}
}
