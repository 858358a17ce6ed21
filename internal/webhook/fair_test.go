package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"yqyb/internal/audit"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
)

// TestIdleEndpointsSleep: an endpoint that has taken everything its feed holds is not looked at again by
// every pass (with more due endpoints than a pass takes, the later ones would starve) until an entry of its
// own feed passes its position. Runs on both engines.
func TestIdleEndpointsSleep(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			clk := clock.NewFixed(start())
			e := newEnv(t, engine.Open(t, clk), clk)
			ctx := context.Background()
			rcv := newReceiver(t, nil)
			ids := map[int64]string{}
			for _, o := range []Owner{{EnterpriseID: 1}, {EnterpriseID: 2}, {RegionPath: "/1/"}, {RegionPath: "/9/"}} {
				ep, err := e.svc.Create(ctx, audit.Actor{ID: 7}, o, CreateInput{URL: rcv.srv.URL, EventTypes: []string{"hazard.register"}})
				if err != nil {
					t.Fatal(err)
				}
				ids[ep.ID] = strconv.FormatInt(o.EnterpriseID, 10) + o.RegionPath
			}
			d := e.deliverer("a")
			var mu sync.Mutex
			var visited []string
			d.visit = func(id int64) {
				mu.Lock()
				visited = append(visited, ids[id])
				mu.Unlock()
			}
			passVisits := func() []string {
				t.Helper()
				mu.Lock()
				visited = nil
				mu.Unlock()
				if _, err := d.Pass(ctx); err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				defer mu.Unlock()
				return append([]string(nil), visited...)
			}
			appendEvents(t, e.db, clk.Now(), 2, "hazard.accept", 1) // not subscribed: only moves the position
			drain(t, d)
			for range 3 {
				if v := passVisits(); len(v) != 0 {
					t.Fatalf("a pass over idle endpoints looked at %v", v)
				}
			}
			appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 1)
			v := passVisits()
			if len(v) != 2 || !(v[0] == "1" && v[1] == "0/1/" || v[0] == "0/1/" && v[1] == "1") {
				t.Fatalf("after an entry of enterprise 1 a pass looked at %v, want that enterprise's and its region's", v)
			}
			if n := len(rcv.all()); n != 2 {
				t.Fatalf("%d deliveries, want 2", n)
			}
			if v := passVisits(); len(v) != 0 {
				t.Fatalf("idle again, a pass looked at %v", v)
			}
		})
	}
}

// TestSlowReceiverDoesNotHoldOthers: an endpoint whose receiver hangs (for longer than any bound here)
// does not hold back the delivery to another endpoint in the same pass.
func TestSlowReceiverDoesNotHoldOthers(t *testing.T) {
	clk := clock.NewFixed(start())
	e := newEnv(t, testdb.Postgres(t, clk), clk)
	ctx := context.Background()
	hung, release := make(chan struct{}, 1), make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case hung <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	got := make(chan string, 10)
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("X-Yqyb-Event-Id")
	}))
	defer fast.Close()
	// The slow endpoint comes first in id order.
	for _, c := range []struct {
		ent int64
		url string
	}{{1, slow.URL}, {2, fast.URL}} {
		if _, err := e.svc.Create(ctx, audit.Actor{ID: 7}, Owner{EnterpriseID: c.ent}, CreateInput{URL: c.url, EventTypes: []string{"hazard.register"}}); err != nil {
			t.Fatal(err)
		}
	}
	appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 1)
	appendEvents(t, e.db, clk.Now(), 2, "hazard.register", 1)
	d := e.deliverer("a")
	d.client = e.guard.Client(time.Hour) // the per-delivery timeout is far beyond the bound below
	pctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Pass(pctx)
	}()
	defer func() { cancel(); <-done }()
	select {
	case <-hung:
	case <-time.After(30 * time.Second):
		t.Fatal("the slow receiver was never called")
	}
	select {
	case <-got:
	case <-time.After(30 * time.Second):
		t.Fatal("the fast endpoint waited for the slow one")
	}
}

// TestOnePassSendsABatch: an endpoint with several events due sends them in one pass (within PerPass): the
// deliverer's own writes do not count as the owner's changes. Runs on both engines.
func TestOnePassSendsABatch(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			clk := clock.NewFixed(start())
			e := newEnv(t, engine.Open(t, clk), clk)
			ctx := context.Background()
			// Time moves as deliveries are made (a write stamped by the clock would show it).
			rcv := newReceiver(t, func(int) int { clk.Advance(time.Second); return 200 })
			if _, err := e.svc.Create(ctx, audit.Actor{ID: 7}, Owner{EnterpriseID: 1}, CreateInput{URL: rcv.srv.URL, EventTypes: []string{"hazard.register"}}); err != nil {
				t.Fatal(err)
			}
			appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 5)
			d := e.deliverer("a")
			d.PerPass = 10 // a take and a send each
			if n, err := d.Pass(ctx); err != nil || n != 5 {
				t.Fatalf("first pass: %d attempts (%v), want all 5", n, err)
			}
			if n, err := d.Pass(ctx); err != nil || n != 0 {
				t.Fatalf("second pass: %d attempts (%v), want none", n, err)
			}
		})
	}
}

// TestQueuedEventKeepsEndpointDue: once an event is moved into an endpoint's queue, the endpoint stays due
// until it is sent, even when the pass that queued it stops before sending (a shutdown, a database error): it
// must not sleep until some later entry of its feed wakes it. Runs on both engines.
func TestQueuedEventKeepsEndpointDue(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			clk := clock.NewFixed(start())
			e := newEnv(t, engine.Open(t, clk), clk)
			ctx := context.Background()
			rcv := newReceiver(t, nil)
			created, err := e.svc.Create(ctx, audit.Actor{ID: 7}, Owner{EnterpriseID: 1}, CreateInput{URL: rcv.srv.URL, EventTypes: []string{"hazard.register"}})
			if err != nil {
				t.Fatal(err)
			}
			d := e.deliverer("a")
			drain(t, d) // caught up: the endpoint sleeps
			appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 1)
			// What a pass does first with the new entry, and then it stops (its lease released as work's does).
			ep, ok, err := d.claim(ctx, created.ID)
			if err != nil || !ok {
				t.Fatalf("claim: %v, %v", ok, err)
			}
			if took, err := d.take(ctx, &ep); err != nil || !took {
				t.Fatalf("take: %v, %v", took, err)
			}
			if err := e.db.Model(&endpointRow{}).Where("id = ?", ep.ID).
				UpdateColumns(map[string]any{"lease_owner": "", "lease_until": time.Now().UTC()}).Error; err != nil {
				t.Fatal(err)
			}
			drain(t, d)
			rcv.mu.Lock()
			got := len(rcv.got)
			rcv.mu.Unlock()
			if got != 1 {
				t.Fatalf("the queued event was delivered %d times by the next passes, want 1", got)
			}
		})
	}
}
