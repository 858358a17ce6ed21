package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/feed"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
)

var testSecret = []byte("webhook-test-secret-0123456789abcdef")

// received is one request the test receiver got.
type received struct {
	eventID, ts, sig, typ, path string
	body                        []byte
	ok                          bool
}

// receiver is a real HTTP server; answer decides each request's status (nil: 200).
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	answer func(n int) int
}

func newReceiver(t *testing.T, answer func(n int) int) *receiver {
	r := &receiver{answer: answer}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		n := len(r.got)
		code := 200
		if r.answer != nil {
			code = r.answer(n)
		}
		r.got = append(r.got, received{eventID: req.Header.Get("X-Yqyb-Event-Id"), ts: req.Header.Get("X-Yqyb-Timestamp"),
			sig: req.Header.Get("X-Yqyb-Signature"), typ: req.Header.Get("X-Yqyb-Event-Type"), path: req.URL.Path, body: b, ok: code < 300})
		r.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

type env struct {
	db    *gorm.DB
	clk   *clock.Fixed
	feed  *feed.Service
	guard *Guard
	svc   *Service
}

func newEnv(t *testing.T, db *gorm.DB, clk *clock.Fixed) env {
	g, err := ParseAllow("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	fs := feed.NewService(db, testSecret)
	return env{db: db, clk: clk, feed: fs, guard: g, svc: NewService(db, clk, fs, g, allReaders{})}
}

func (e env) deliverer(name string) *Deliverer {
	d := NewDeliverer(e.db, e.clk, e.feed, e.guard, allReaders{}, slog.New(slog.NewTextHandler(io.Discard, nil)), name)
	d.Backoff, d.MaxBackoff = time.Minute, time.Hour
	return d
}

func appendEvents(t *testing.T, db *gorm.DB, at time.Time, ent int64, action string, n int) {
	t.Helper()
	for i := range n {
		if err := db.Transaction(func(tx *gorm.DB) error {
			return feed.Append(tx, at, ent, "/1/"+strconv.FormatInt(ent, 10)+"/", "hazard", int64(i+1), action, map[string]any{"n": i})
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// drain makes passes until one makes no attempt.
func drain(t *testing.T, ds ...*Deliverer) {
	t.Helper()
	for range 1000 {
		total := 0
		for _, d := range ds {
			n, err := d.Pass(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			total += n
		}
		if total == 0 {
			return
		}
	}
	t.Fatal("deliveries never settled")
}

// allReaders lets every creator read the feed: these tests are of the queue, and have no accounts.
type allReaders struct{}

func (allReaders) MayRead(context.Context, int64, Owner) (string, string, error) { return "", "", nil }

func start() time.Time { return time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC) }

// TestSignedDeliveriesInFeedOrder: an enterprise's endpoint receives exactly its subscribed events, in feed
// order, each signed over event id, timestamp and body; other enterprises' events and unsubscribed types
// never arrive, nor events from before the endpoint existed. Runs on both engines.
func TestSignedDeliveriesInFeedOrder(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			clk := clock.NewFixed(start())
			e := newEnv(t, engine.Open(t, clk), clk)
			appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 3) // before the endpoint: not sent
			rcv := newReceiver(t, nil)
			ep, err := e.svc.Create(context.Background(), audit.Actor{ID: 7}, Owner{EnterpriseID: 1}, CreateInput{URL: rcv.srv.URL + "/hook",
				EventTypes: []string{"hazard.register", "hazard.accept"}})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(ep.Secret, "whsec_") {
				t.Fatalf("secret %q", ep.Secret)
			}
			for i := range 10 {
				appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 1)
				appendEvents(t, e.db, clk.Now(), 2, "hazard.register", 1) // another enterprise
				appendEvents(t, e.db, clk.Now(), 1, "hazard.assign", 1)   // not subscribed
				if i%3 == 0 {
					appendEvents(t, e.db, clk.Now(), 1, "hazard.accept", 1)
				}
			}
			var want []int64
			if err := e.db.Raw("SELECT seq FROM change_feed WHERE enterprise_id = 1 AND action IN ('hazard.register','hazard.accept') AND seq > 3 ORDER BY seq").Scan(&want).Error; err != nil {
				t.Fatal(err)
			}
			drain(t, e.deliverer("a"))
			got := rcv.all()
			if len(got) != len(want) {
				t.Fatalf("got %d deliveries, want %d", len(got), len(want))
			}
			for i, r := range got {
				if r.eventID != strconv.FormatInt(want[i], 10) {
					t.Fatalf("delivery %d is event %s, want %d (feed order)", i, r.eventID, want[i])
				}
				if !Verify(ep.Secret, r.eventID, r.ts, r.sig, r.body, clk.Now(), 5*time.Minute) {
					t.Fatalf("signature of event %s does not verify", r.eventID)
				}
				if Verify("another-secret-0123456789", r.eventID, r.ts, r.sig, r.body, clk.Now(), 0) ||
					Verify(ep.Secret, r.eventID, r.ts, r.sig, append(r.body, ' '), clk.Now(), 0) ||
					Verify(ep.Secret, "1", r.ts, r.sig, r.body, clk.Now(), 0) {
					t.Fatal("a signature verifies with another secret, body or event id")
				}
				var ev Event
				if err := json.Unmarshal(r.body, &ev); err != nil {
					t.Fatal(err)
				}
				if ev.EnterpriseID != 1 || ev.Type != r.typ || strconv.FormatInt(ev.ID, 10) != r.eventID || ev.Type == "hazard.assign" {
					t.Fatalf("event %+v with type header %s", ev, r.typ)
				}
			}
			log, err := e.svc.Deliveries(context.Background(), Owner{EnterpriseID: 1}, ep.ID, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range log {
				if d.Status != StatusDelivered || d.ResponseCode != 200 || d.Attempts != 1 {
					t.Fatalf("log entry %+v", d)
				}
			}
			if len(log) != len(want) {
				t.Fatalf("log has %d rows, want %d", len(log), len(want))
			}
			// The endpoint is invisible to another enterprise and to a regulator.
			if _, err := e.svc.Deliveries(context.Background(), Owner{EnterpriseID: 2}, ep.ID, 0, 10); !errors.Is(err, ErrNotFound) {
				t.Fatalf("another enterprise reads the log: %v", err)
			}
			if list, _ := e.svc.List(context.Background(), Owner{RegionPath: "/1/"}); len(list) != 0 {
				t.Fatalf("a regulator lists an enterprise's endpoint: %+v", list)
			}
		})
	}
}

// TestRetryWithGrowingBackoffThenRedeliver: a receiver failing twice then succeeding gets the same event three
// times, the second after Backoff and the third after twice that, never earlier; the next event waits for
// it. A manual redelivery sends the event once more with the same id.
func TestRetryWithGrowingBackoffThenRedeliver(t *testing.T) {
	clk := clock.NewFixed(start())
	e := newEnv(t, testdb.Postgres(t, clk), clk)
	rcv := newReceiver(t, func(n int) int {
		if n < 2 {
			return 500
		}
		return 204
	})
	ctx := context.Background()
	ep, err := e.svc.Create(ctx, audit.Actor{ID: 7}, Owner{EnterpriseID: 1}, CreateInput{URL: rcv.srv.URL, EventTypes: []string{"hazard.register"}, Secret: "given-secret-0123456789"})
	if err != nil || ep.Secret != "given-secret-0123456789" {
		t.Fatal(ep, err)
	}
	appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 2)
	d := e.deliverer("a")
	pass := func(wantAttempts int) {
		t.Helper()
		n, err := d.Pass(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != wantAttempts {
			t.Fatalf("pass made %d attempts, want %d", n, wantAttempts)
		}
	}
	pass(1) // fails
	pass(0)
	clk.Advance(time.Minute - time.Second)
	pass(0)
	clk.Advance(time.Second)
	pass(1) // fails again: next in 2 minutes
	clk.Advance(time.Minute)
	pass(0)
	clk.Advance(time.Minute)
	pass(2) // succeeds, and the second event goes at once
	got := rcv.all()
	if len(got) != 4 || got[0].eventID != got[1].eventID || got[1].eventID != got[2].eventID || got[3].eventID == got[0].eventID {
		t.Fatalf("received %+v", got)
	}
	if string(got[0].body) != string(got[2].body) {
		t.Fatal("a retry sent another body")
	}
	log, err := e.svc.Deliveries(ctx, Owner{EnterpriseID: 1}, ep.ID, 0, 10)
	if err != nil || len(log) != 2 {
		t.Fatal(log, err)
	}
	first := log[1]
	if first.Status != StatusDelivered || first.Attempts != 3 || first.ResponseCode != 204 || first.LastError != "" {
		t.Fatalf("first delivery %+v", first)
	}
	if _, err := e.svc.Redeliver(ctx, audit.Actor{ID: 7}, Owner{EnterpriseID: 2}, ep.ID, first.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another enterprise redelivers: %v", err)
	}
	re, err := e.svc.Redeliver(ctx, audit.Actor{ID: 7}, Owner{EnterpriseID: 1}, ep.ID, first.ID)
	if err != nil || !re.Manual || re.EventID != first.EventID || re.Status != StatusPending {
		t.Fatal(re, err)
	}
	pass(1)
	got = rcv.all()
	if len(got) != 5 || got[4].eventID != got[0].eventID || string(got[4].body) != string(got[0].body) {
		t.Fatalf("redelivery: %+v", got[len(got)-1])
	}
}

// TestFailingEndpointIsDisabled: after DisableAfterFailures failed attempts the endpoint is disabled with a
// notice, receives nothing more, and re-enabling resumes with the event that was waiting. Separately, an
// endpoint failing for a whole day gives the event up and is disabled.
func TestFailingEndpointIsDisabled(t *testing.T) {
	clk := clock.NewFixed(start())
	e := newEnv(t, testdb.Postgres(t, clk), clk)
	var fail atomic.Bool
	fail.Store(true)
	rcv := newReceiver(t, func(int) int {
		if fail.Load() {
			return 503
		}
		return 200
	})
	ctx := context.Background()
	o := Owner{EnterpriseID: 1}
	ep, err := e.svc.Create(ctx, audit.Actor{ID: 7}, o, CreateInput{URL: rcv.srv.URL, EventTypes: []string{"inspection.submitted"}})
	if err != nil {
		t.Fatal(err)
	}
	appendEvents(t, e.db, clk.Now(), 1, "inspection.submitted", 2)
	d := e.deliverer("a")
	d.DisableAfterFailures = 3
	for range 10 {
		if _, err := d.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
	}
	if n := len(rcv.all()); n != 3 {
		t.Fatalf("%d attempts reached the receiver, want 3 then disabled", n)
	}
	list, err := e.svc.List(ctx, o)
	if err != nil || len(list) != 1 {
		t.Fatal(list, err)
	}
	if list[0].Enabled || !strings.Contains(list[0].DisabledReason, "自动停用") || list[0].DisabledAt == nil || list[0].ConsecutiveFailures != 3 {
		t.Fatalf("endpoint after failures: %+v", list[0])
	}
	fail.Store(false)
	on := true
	if up, err := e.svc.Update(ctx, audit.Actor{ID: 7}, o, ep.ID, UpdateInput{Enabled: &on}); err != nil || !up.Enabled || up.DisabledReason != "" {
		t.Fatal(up, err)
	}
	drain(t, d)
	got := rcv.all()
	if len(got) != 5 || !got[3].ok || got[3].eventID != got[0].eventID || got[4].eventID == got[0].eventID {
		t.Fatalf("after re-enabling: %+v", got)
	}

	// The time rule: no count limit, a receiver down for a day.
	fail.Store(true)
	d.DisableAfterFailures = 0
	appendEvents(t, e.db, clk.Now(), 1, "inspection.submitted", 1)
	for range 40 {
		if _, err := d.Pass(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
	}
	list, _ = e.svc.List(ctx, o)
	if list[0].Enabled || list[0].DisabledReason == "" {
		t.Fatalf("endpoint failing for a day is still enabled: %+v", list[0])
	}
	log, _ := e.svc.Deliveries(ctx, o, ep.ID, 0, 1)
	if log[0].Status != StatusFailed || log[0].ResponseCode != 503 || log[0].Attempts < 5 {
		t.Fatalf("the day-long failure: %+v", log[0])
	}
}

// TestAddressGuard: without YQYB_WEBHOOK_ALLOW, loopback, link-local and private addresses are refused at
// registration and at dial time, also when a host name resolves to loopback; allowed, they are reached.
func TestAddressGuard(t *testing.T) {
	strict, err := ParseAllow("")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"https://127.0.0.1/h", "https://169.254.169.254/latest", "https://10.1.2.3/h", "https://192.168.1.1/h", "https://[::1]/h", "https://100.64.0.1/h"} {
		if err := strict.CheckURL(u); !errors.Is(err, ErrAddress) {
			t.Errorf("%s: %v, want webhook_address_forbidden", u, err)
		}
	}
	for _, u := range []string{"http://example.com/h", "ftp://example.com/", "https://user:pw@example.com/", "/relative"} {
		if err := strict.CheckURL(u); !errors.Is(err, ErrURL) {
			t.Errorf("%s: %v, want webhook_url_invalid", u, err)
		}
	}
	if err := strict.CheckURL("https://hooks.example.com/yqyb"); err != nil {
		t.Errorf("a public https URL is refused: %v", err)
	}
	rcv := newReceiver(t, nil)
	port := rcv.srv.URL[strings.LastIndex(rcv.srv.URL, ":"):]
	c := strict.Client(2 * time.Second)
	for _, u := range []string{rcv.srv.URL, "http://localhost" + port, "http://169.254.169.254/", "http://10.255.255.1/"} {
		resp, err := c.Post(u, "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s was reached", u)
		} else if !errors.Is(err, errAddress) {
			t.Errorf("%s: %v, want the address refusal", u, err)
		}
	}
	if n := len(rcv.all()); n != 0 {
		t.Fatalf("the receiver got %d requests", n)
	}
	// A redirect to an internal address is not followed.
	redir := httptest.NewServer(http.RedirectHandler("http://169.254.169.254/latest/meta-data", http.StatusFound))
	defer redir.Close()
	allowed, _ := ParseAllow("127.0.0.0/8, ::1")
	resp, err := allowed.Client(2*time.Second).Post(redir.URL, "application/json", strings.NewReader("{}"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("redirect: %v %v", resp, err)
	}
	resp.Body.Close()
	if resp, err := allowed.Client(2*time.Second).Post(rcv.srv.URL, "application/json", strings.NewReader("{}")); err != nil {
		t.Fatalf("allowed 127.0.0.1 refused: %v", err)
	} else {
		resp.Body.Close()
	}

	// Through the deliverer: an endpoint registered while allowed, then the setting removed.
	clk := clock.NewFixed(start())
	e := newEnv(t, testdb.Postgres(t, clk), clk)
	ctx := context.Background()
	ep, err := e.svc.Create(ctx, audit.Actor{ID: 7}, Owner{RegionPath: "/1/"}, CreateInput{URL: rcv.srv.URL, EventTypes: []string{"hazard.register"}})
	if err != nil {
		t.Fatal(err)
	}
	appendEvents(t, e.db, clk.Now(), 5, "hazard.register", 1)
	e.guard = strict
	if _, err := e.deliverer("strict").Pass(ctx); err != nil {
		t.Fatal(err)
	}
	log, _ := e.svc.Deliveries(ctx, Owner{RegionPath: "/1/"}, ep.ID, 0, 1)
	if len(log) != 1 || log[0].Status != StatusPending || !strings.Contains(log[0].LastError, "YQYB_WEBHOOK_ALLOW") || log[0].ResponseCode != 0 {
		t.Fatalf("delivery to a refused address: %+v", log)
	}
	if n := len(rcv.all()); n != 1 { // the one allowed request above
		t.Fatalf("the receiver got %d requests", n)
	}
}

// TestTwoInstancesDeliverEachEventOnce: two deliverers on one database, passing concurrently while events
// are appended, deliver every event exactly once and in order.
func TestTwoInstancesDeliverEachEventOnce(t *testing.T) {
	clk := clock.NewFixed(start())
	e := newEnv(t, testdb.Postgres(t, clk), clk)
	rcv := newReceiver(t, nil)
	ctx := context.Background()
	for _, o := range []Owner{{EnterpriseID: 1}, {RegionPath: "/1/"}} {
		if _, err := e.svc.Create(ctx, audit.Actor{ID: 7}, o, CreateInput{URL: rcv.srv.URL + "/" + strconv.FormatInt(o.EnterpriseID, 10), EventTypes: []string{"hazard.register"}}); err != nil {
			t.Fatal(err)
		}
	}
	a, b := e.deliverer("a"), e.deliverer("b")
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for _, d := range []*Deliverer{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := d.Pass(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for range 40 {
		appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 1)
		appendEvents(t, e.db, clk.Now(), 3, "hazard.register", 1)
	}
	close(stop)
	wg.Wait()
	drain(t, a, b)
	got := rcv.all()
	if len(got) != 40+80 {
		t.Fatalf("%d deliveries, want 120 (40 to the enterprise, 80 to the region)", len(got))
	}
	last := map[string]int64{} // per endpoint path: each event once, in increasing order
	for _, r := range got {
		id, _ := strconv.ParseInt(r.eventID, 10, 64)
		if id <= last[r.path] {
			t.Fatalf("%s got event %d after %d", r.path, id, last[r.path])
		}
		last[r.path] = id
	}
	var n int64
	testdb.Must(t, e.db.Raw("SELECT COUNT(*) FROM webhook_deliveries WHERE status = ? AND attempts = 1", StatusDelivered).Scan(&n))
	if n != 120 {
		t.Fatalf("%d deliveries delivered with one attempt, want 120", n)
	}
	var dup int64
	testdb.Must(t, e.db.Raw("SELECT COUNT(*) FROM (SELECT endpoint_id, event_id FROM webhook_deliveries GROUP BY endpoint_id, event_id HAVING COUNT(*) > 1) x").Scan(&dup))
	if dup != 0 {
		t.Fatalf("%d events queued twice for an endpoint", dup)
	}
}

// TestQueueSurvivesACrash: the queue is in the database. An instance that died holding an endpoint's lease
// blocks it only until the lease expires; a fresh deliverer (a restarted process) then sends the waiting
// retry and the events behind it, in order.
func TestQueueSurvivesACrash(t *testing.T) {
	clk := clock.NewFixed(start())
	e := newEnv(t, testdb.Postgres(t, clk), clk)
	var fail atomic.Bool
	fail.Store(true)
	rcv := newReceiver(t, func(int) int {
		if fail.Load() {
			return 502
		}
		return 200
	})
	ctx := context.Background()
	if _, err := e.svc.Create(ctx, audit.Actor{ID: 7}, Owner{EnterpriseID: 1}, CreateInput{URL: rcv.srv.URL, EventTypes: []string{"hazard.fix"}}); err != nil {
		t.Fatal(err)
	}
	appendEvents(t, e.db, clk.Now(), 1, "hazard.fix", 3)
	if n, err := e.deliverer("old").Pass(ctx); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	// The old process dies in the middle of its next pass, holding the lease.
	testdb.Must(t, e.db.Exec("UPDATE webhook_endpoints SET lease_owner = 'dead#1', lease_until = ?", time.Now().UTC().Add(time.Hour)))
	fail.Store(false)
	clk.Advance(time.Hour)
	fresh := e.deliverer("new")
	if n, err := fresh.Pass(ctx); err != nil || n != 0 {
		t.Fatalf("a live lease was ignored: %d attempts, %v", n, err)
	}
	testdb.Must(t, e.db.Exec("UPDATE webhook_endpoints SET lease_until = ?", time.Now().UTC().Add(-time.Second)))
	drain(t, fresh)
	got := rcv.all()
	if len(got) != 4 || got[1].eventID != got[0].eventID || !got[1].ok {
		t.Fatalf("after the takeover: %+v", got)
	}
	for i := 2; i < 4; i++ {
		a, _ := strconv.Atoi(got[i-1].eventID)
		b, _ := strconv.Atoi(got[i].eventID)
		if b <= a {
			t.Fatalf("out of order after the takeover: %s then %s", got[i-1].eventID, got[i].eventID)
		}
	}
}
