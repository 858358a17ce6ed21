package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
