package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"yqyb/internal/audit"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
)

// gate is a receiver that tells the test when a request arrives and answers it only when the test says.
type gate struct {
	srv     *httptest.Server
	arrived chan string // event id of each request
	answer  chan int    // the status to answer with
	mu      sync.Mutex
	got     []string
}

func newGate(t *testing.T) *gate {
	g := &gate{arrived: make(chan string, 16), answer: make(chan int)}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Yqyb-Event-Id")
		g.mu.Lock()
		g.got = append(g.got, id)
		g.mu.Unlock()
		g.arrived <- id
		select {
		case code := <-g.answer:
			w.WriteHeader(code)
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gate) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.got)
}

// TestOwnerChangesWhileDelivering: the owner disables, redelivers or deletes an endpoint while a delivery to
// it is in flight under another instance's lease (PostgreSQL, concurrently): the deliverer does not undo the
// change nor keep sending past it, and nothing is left behind.
func TestOwnerChangesWhileDelivering(t *testing.T) {
	clk := clock.NewFixed(start())
	e := newEnv(t, testdb.Postgres(t, clk), clk)
	ctx := context.Background()
	owner := Owner{EnterpriseID: 1}
	create := func(g *gate) int64 {
		t.Helper()
		ep, err := e.svc.Create(ctx, audit.Actor{ID: 7}, owner, CreateInput{URL: g.srv.URL, EventTypes: []string{"hazard.register"}})
		if err != nil {
			t.Fatal(err)
		}
		return ep.ID
	}
	// inFlight starts a pass, waits for the first request, runs change while it is held, then answers it with
	// code and lets the pass finish; it returns the pass's error.
	inFlight := func(g *gate, code int, change func()) error {
		t.Helper()
		d := e.deliverer("a")
		errc := make(chan error, 1)
		go func() {
			_, err := d.Pass(ctx)
			errc <- err
		}()
		select {
		case <-g.arrived:
		case <-time.After(30 * time.Second):
			t.Fatal("no delivery arrived")
		}
		change()
		g.answer <- code
		// Any further request would be answered 200 at once.
		go func() {
			for range g.arrived {
				g.answer <- 200
			}
		}()
		return <-errc
	}

	t.Run("disable", func(t *testing.T) {
		g := newGate(t)
		id := create(g)
		appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 3)
		err := inFlight(g, 200, func() {
			off := false
			if _, err := e.svc.Update(ctx, audit.Actor{ID: 7}, owner, id, UpdateInput{Enabled: &off}); err != nil {
				t.Fatal(err)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		var enabled bool
		testdb.Must(t, e.db.Raw("SELECT enabled FROM webhook_endpoints WHERE id = ?", id).Scan(&enabled))
		if enabled || g.count() != 1 {
			t.Fatalf("after disabling mid-delivery: enabled %v, %d requests (want disabled, 1)", enabled, g.count())
		}
		var status string
		testdb.Must(t, e.db.Raw("SELECT status FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY event_id LIMIT 1", id).Scan(&status))
		if status != StatusDelivered {
			t.Fatalf("the delivery in flight is recorded as %q", status)
		}
		if err := e.db.Exec("DELETE FROM webhook_endpoints WHERE id = ?", id).Error; err != nil {
			t.Fatal(err)
		}
	})

	t.Run("redeliver", func(t *testing.T) {
		g := newGate(t)
		id := create(g)
		appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 1)
		go func() { <-g.arrived; g.answer <- 200 }()
		if _, err := e.deliverer("a").Pass(ctx); err != nil {
			t.Fatal(err)
		}
		log, err := e.svc.Deliveries(ctx, owner, id, 0, 10)
		if err != nil || len(log) != 1 {
			t.Fatalf("log %v %v", log, err)
		}
		appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 1)
		// The next event fails while the owner asks for the first one again: the redelivery goes at the next
		// pass, not after the failed event's backoff.
		err = inFlight(g, 500, func() {
			if _, err := e.svc.Redeliver(ctx, audit.Actor{ID: 7}, owner, id, log[0].ID); err != nil {
				t.Fatal(err)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		before := g.count()
		if _, err := e.deliverer("a").Pass(ctx); err != nil {
			t.Fatal(err)
		}
		if g.count() != before+1 {
			t.Fatalf("the redelivery waited: %d requests after the next pass, want %d", g.count(), before+1)
		}
		if err := e.db.Exec("DELETE FROM webhook_endpoints WHERE id = ?", id).Error; err != nil {
			t.Fatal(err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		g := newGate(t)
		id := create(g)
		appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 2)
		err := inFlight(g, 200, func() {
			if err := e.svc.Delete(ctx, audit.Actor{ID: 7}, owner, id); err != nil {
				t.Fatal(err)
			}
		})
		if err != nil {
			t.Fatalf("a pass over an endpoint deleted meanwhile: %v", err)
		}
		var n int64
		testdb.Must(t, e.db.Raw("SELECT (SELECT COUNT(*) FROM webhook_endpoints WHERE id = ?) + (SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ?)", id, id).Scan(&n))
		if n != 0 || g.count() != 1 {
			t.Fatalf("after deleting mid-delivery: %d rows left, %d requests", n, g.count())
		}
	})
}
