package idempotency

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
)

// The key's life on both engines: reserved, answered, replayed; refused for another request; waited for
// while in progress; taken over after its lease; released after a server error; pruned after its expiry.
func TestKeyLifecycle(t *testing.T) {
	for _, eng := range testdb.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
			s := NewService(eng.Open(t, clk), clk)
			s.Wait = 200 * time.Millisecond
			req := Request{AccountID: 7, Key: "k-1", Method: "POST", Path: "/api/v1/hazards", Hash: "h1"}

			res, replay, err := s.Begin(ctx, req)
			if err != nil || res == nil || replay != nil {
				t.Fatalf("first Begin = %v %v %v", res, replay, err)
			}
			// While the first runs, a duplicate waits and then gives up.
			if _, _, err := s.Begin(ctx, req); !errors.Is(err, ErrInProgress) {
				t.Fatalf("duplicate during the write = %v, want idempotency_in_progress", err)
			}
			if err := res.Complete(ctx, Answer{Status: 201, ContentType: "application/json", Body: []byte(`{"id":1}`)}); err != nil {
				t.Fatal(err)
			}
			_, replay, err = s.Begin(ctx, req)
			if err != nil || replay == nil || replay.Status != 201 || string(replay.Body) != `{"id":1}` || replay.ContentType != "application/json" {
				t.Fatalf("retry = %+v %v", replay, err)
			}
			for _, other := range []Request{
				{AccountID: 7, Key: "k-1", Method: "POST", Path: "/api/v1/hazards", Hash: "h2"},
				{AccountID: 7, Key: "k-1", Method: "POST", Path: "/api/v1/files", Hash: "h1"},
			} {
				if _, _, err := s.Begin(ctx, other); !errors.Is(err, ErrKeyReused) {
					t.Fatalf("another request under the key = %v", err)
				}
			}
			// Another account's key is its own.
			if r, replay, err := s.Begin(ctx, Request{AccountID: 8, Key: "k-1", Method: "POST", Path: "/api/v1/hazards", Hash: "h1"}); err != nil || r == nil || replay != nil {
				t.Fatalf("another account = %v %v %v", r, replay, err)
			}

			// A reservation whose request died is taken over once its lease has passed.
			dead := Request{AccountID: 7, Key: "k-2", Method: "POST", Path: "/x", Hash: "h"}
			if _, _, err := s.Begin(ctx, dead); err != nil {
				t.Fatal(err)
			}
			clk.Advance(s.Lease + time.Second)
			if r, _, err := s.Begin(ctx, dead); err != nil || r == nil {
				t.Fatalf("take over = %v %v", r, err)
			}
			// A released key (a server error) runs again.
			rel := Request{AccountID: 7, Key: "k-3", Method: "POST", Path: "/x", Hash: "h"}
			r, _, err := s.Begin(ctx, rel)
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Release(ctx); err != nil {
				t.Fatal(err)
			}
			if r, replay, err := s.Begin(ctx, rel); err != nil || r == nil || replay != nil {
				t.Fatalf("after release = %v %v %v", r, replay, err)
			}

			if _, _, err := s.Begin(ctx, Request{AccountID: 7, Key: "键", Method: "POST", Path: "/x"}); !errors.Is(err, ErrKeyInvalid) {
				t.Fatalf("invalid key = %v", err)
			}
			clk.Advance(DefaultTTL)
			n, err := s.Prune(ctx)
			if err != nil || n != 4 {
				t.Fatalf("prune = %d %v, want 4", n, err)
			}
		})
	}
}

func TestKeyInvalidNamesTheLimit(t *testing.T) {
	if want := "1 到 " + strconv.Itoa(MaxKeyLength) + " 个"; !strings.Contains(ErrKeyInvalid.Message, want) {
		t.Errorf("idempotency_key_invalid says %q, want it to name the limit (%q)", ErrKeyInvalid.Message, want)
	}
}
