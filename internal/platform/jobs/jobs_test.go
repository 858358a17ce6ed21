package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"yqyb/internal/feed"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
)

// TestOncePerCluster starts three runners over one PostgreSQL, as three instances would: each job runs
// once per interval, whichever instance gets it, never twice at once.
func TestOncePerCluster(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var runs, running, overlap atomic.Int32
	slow := Job{Name: "slow", Every: 5 * time.Minute, Run: func(ctx context.Context) (string, error) {
		if running.Add(1) > 1 {
			overlap.Add(1)
		}
		time.Sleep(150 * time.Millisecond)
		running.Add(-1)
		runs.Add(1)
		return "ok", nil
	}}
	var fails atomic.Int32
	failing := Job{Name: "failing", Every: time.Minute, Run: func(ctx context.Context) (string, error) {
		fails.Add(1)
		return "", errors.New("boom")
	}}
	runners := []*Runner{New(db, clk, log, "a", slow, failing), New(db, clk, log, "b", slow, failing), New(db, clk, log, "c", slow, failing)}
	pass := func() {
		var wg sync.WaitGroup
		for _, r := range runners {
			wg.Add(1)
			go func() { defer wg.Done(); r.RunDue(context.Background()) }()
		}
		wg.Wait()
	}
	pass()
	pass() // the interval has not passed: nothing runs
	if runs.Load() != 1 || overlap.Load() != 0 || fails.Load() != 1 {
		t.Fatalf("first interval: %d runs, %d overlaps, %d failing runs", runs.Load(), overlap.Load(), fails.Load())
	}
	clk.Advance(5 * time.Minute)
	pass()
	if runs.Load() != 2 || fails.Load() != 2 {
		t.Fatalf("second interval: %d runs, %d failing runs", runs.Load(), fails.Load())
	}
	st, err := Statuses(context.Background(), db)
	if err != nil || len(st) != 2 {
		t.Fatalf("statuses = %+v, %v", st, err)
	}
	for _, s := range st {
		switch s.Name {
		case "slow":
			if !s.LastOK || s.Runs != 2 || s.LastNote != "ok" || s.Instance == "" {
				t.Errorf("slow = %+v", s)
			}
		case "failing":
			if s.LastOK || s.LastNote != "boom" || s.Runs != 2 {
				t.Errorf("failing = %+v", s)
			}
		}
	}
}

// blocking is a job that tells when it has started and runs until released (or its context ends).
type blocking struct {
	started chan struct{}
	release chan struct{}
	runs    atomic.Int32
	ctxErr  atomic.Value
}

func newBlocking() *blocking {
	return &blocking{started: make(chan struct{}, 10), release: make(chan struct{})}
}

func (b *blocking) job(name string) Job {
	return Job{Name: name, Every: 5 * time.Minute, Run: func(ctx context.Context) (string, error) {
		b.runs.Add(1)
		b.started <- struct{}{}
		select {
		case <-b.release:
			return "released", nil
		case <-ctx.Done():
			b.ctxErr.Store(ctx.Err())
			return "", ctx.Err()
		}
	}}
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestFeedAdvancesDuringJob: an entry committed while a job runs is handed out before the job ends. (The
// feed once waited for every running transaction, so a runner that kept one open for a whole job held it
// still; it now waits only for transactions that write feed entries, and the runner keeps none open anyway.)
func TestFeedAdvancesDuringJob(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	ctx := context.Background()
	b := newBlocking()
	r := New(db, clk, discard(), "a", b.job("blocking"))
	done := make(chan error, 1)
	go func() { _, err := r.RunDue(ctx); done <- err }()
	defer func() {
		close(b.release)
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	<-b.started

	if err := db.Transaction(func(tx *gorm.DB) error {
		return feed.Append(tx, clk.Now(), 1, "/1/", "hazard", 7, "hazard.register", map[string]any{"during": "job"})
	}); err != nil {
		t.Fatal(err)
	}
	committed := time.Now()
	deadline := committed.Add(20 * time.Second)
	for {
		p, err := feed.NewService(db, []byte("jobs-test-secret-0123456789abcdef")).Read(ctx, feed.Scope{RegionPath: "/1/"}, "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Entries) == 1 && p.Entries[0].EntityID == 7 {
			t.Logf("handed out %v after its commit, the job still running", time.Since(committed).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the feed did not hand out an entry committed while a job was running")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLeaseKeepsLongJobExclusive: a job that runs longer than the lease keeps it by renewing, so runners of
// other instances polling all the while never start it a second time.
func TestLeaseKeepsLongJobExclusive(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	var runs, running, overlap atomic.Int32
	long := Job{Name: "long", Every: time.Minute, Run: func(ctx context.Context) (string, error) {
		if running.Add(1) > 1 {
			overlap.Add(1)
		}
		defer running.Add(-1)
		runs.Add(1)
		select {
		case <-time.After(1500 * time.Millisecond):
			return "ok", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}}
	var wg sync.WaitGroup
	var errs atomic.Int32
	for _, name := range []string{"a", "b", "c"} {
		r := New(db, clk, discard(), name, long)
		r.Lease = 400 * time.Millisecond
		wg.Add(1)
		go func() {
			defer wg.Done()
			for end := time.Now().Add(2500 * time.Millisecond); time.Now().Before(end); {
				if _, err := r.RunDue(context.Background()); err != nil {
					t.Log(err)
					errs.Add(1)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	if runs.Load() != 1 || overlap.Load() != 0 || errs.Load() != 0 {
		t.Fatalf("%d runs, %d overlaps, %d errors; want one run, no overlap", runs.Load(), overlap.Load(), errs.Load())
	}
	st, err := Statuses(context.Background(), db)
	if err != nil || len(st) != 1 || st[0].Runs != 1 || !st[0].LastOK || st[0].LeaseUntil != nil {
		t.Fatalf("statuses = %+v, %v; want one finished run and the lease released", st, err)
	}
}

// TestExpiredLeaseIsTaken: an instance that died while running a job leaves its lease behind; another
// instance runs the job once the lease has expired, not before.
func TestExpiredLeaseIsTaken(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	ctx := context.Background()
	if err := db.Exec(`INSERT INTO job_runs (name, last_started_at, lease_owner, lease_until)
		VALUES ('orphan', ?, 'dead-host:1#00', now() + interval '1 second')`, clk.Now().Add(-time.Hour).UTC()).Error; err != nil {
		t.Fatal(err)
	}
	var runs atomic.Int32
	r := New(db, clk, discard(), "b", Job{Name: "orphan", Every: 5 * time.Minute, Run: func(context.Context) (string, error) {
		runs.Add(1)
		return "ok", nil
	}})
	if ran, err := r.RunDue(ctx); err != nil || len(ran) != 0 {
		t.Fatalf("under a live lease: ran %v, %v", ran, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for runs.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the job never ran after the dead instance's lease expired")
		}
		time.Sleep(100 * time.Millisecond)
		if _, err := r.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	st, err := Statuses(ctx, db)
	if err != nil || len(st) != 1 || st[0].Instance != "b" || st[0].Runs != 1 || st[0].LeaseUntil != nil {
		t.Fatalf("statuses = %+v, %v", st, err)
	}
}

// TestLostLeaseCancelsJob: when the lease cannot be renewed (here another owner has it), the job's context
// is cancelled, and the runner leaves the row to the new owner.
func TestLostLeaseCancelsJob(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	b := newBlocking()
	r := New(db, clk, discard(), "a", b.job("stolen"))
	r.Lease = 400 * time.Millisecond
	done := make(chan error, 1)
	go func() { _, err := r.RunDue(context.Background()); done <- err }()
	<-b.started
	if err := db.Exec("UPDATE job_runs SET lease_owner = 'thief', lease_until = now() + interval '1 hour' WHERE name = 'stolen'").Error; err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Error("RunDue reported no error for a job whose lease was lost")
		}
	case <-time.After(10 * time.Second):
		close(b.release)
		t.Fatal("the job went on running after its lease was lost")
	}
	if b.ctxErr.Load() == nil {
		t.Error("the job's context was not cancelled")
	}
	var owner string
	var runs int64
	if err := db.Raw("SELECT lease_owner FROM job_runs WHERE name = 'stolen'").Scan(&owner).Error; err != nil || owner != "thief" {
		t.Errorf("lease owner = %q, %v; the runner must leave the row to its new owner", owner, err)
	}
	if err := db.Raw("SELECT runs FROM job_runs WHERE name = 'stolen'").Scan(&runs).Error; err != nil || runs != 0 {
		t.Errorf("runs = %d, %v", runs, err)
	}
}

// TestInterruptedJobIsDueAgain: a job cut short by its instance stopping (SIGTERM in a rolling deploy)
// releases its lease and is due at once for the next instance, rather than waiting out its interval.
func TestInterruptedJobIsDueAgain(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	b := newBlocking()
	stopping, stop := context.WithCancel(context.Background())
	a := New(db, clk, discard(), "a", b.job("refresh"))
	done := make(chan struct{})
	go func() { a.RunDue(stopping); close(done) }()
	<-b.started
	stop()
	<-done
	close(b.release)
	other := New(db, clk, discard(), "b", b.job("refresh"))
	ran, err := other.RunDue(context.Background())
	if err != nil || len(ran) != 1 {
		t.Fatalf("the next instance ran %v, %v; want the interrupted job at once", ran, err)
	}
}

// TestSQLiteRunsOncePerInterval: the embedded single-instance mode checks only the interval.
func TestSQLiteRunsOncePerInterval(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.SQLite(t, clk)
	var runs atomic.Int32
	r := New(db, clk, discard(), "solo", Job{Name: "tick", Every: time.Minute, Run: func(context.Context) (string, error) {
		runs.Add(1)
		return "ok", nil
	}})
	for range 2 {
		if _, err := r.RunDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(time.Minute)
	if _, err := r.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if runs.Load() != 2 {
		t.Fatalf("runs = %d, want 2 (one per interval)", runs.Load())
	}
}

// TestLongChineseNoteIsRecorded: a job's note is cut to 500 bytes on a character boundary, so a long Chinese
// error message is still recorded (PostgreSQL refuses text that ends in half a character).
func TestLongChineseNoteIsRecorded(t *testing.T) {
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	r := New(db, clk, discard(), "a", Job{Name: "wordy", Every: time.Minute, Run: func(context.Context) (string, error) {
		return "", errors.New("x" + strings.Repeat("统计刷新失败", 100))
	}})
	// A job's failure is logged and recorded, not returned; an error here is the recording's.
	if _, err := r.RunDue(context.Background()); err != nil {
		t.Fatalf("RunDue = %v", err)
	}
	st, err := Statuses(context.Background(), db)
	if err != nil || len(st) != 1 || st[0].Runs != 1 || !utf8.ValidString(st[0].LastNote) || len(st[0].LastNote) > 500 || len(st[0].LastNote) < 490 {
		t.Fatalf("statuses = %+v, %v", st, err)
	}
}
