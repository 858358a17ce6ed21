package feed

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
)

// TestNoLossNoRepeatUnderConcurrentWrites has writers whose transactions take their sequence numbers in
// one order and commit in another (each holds its row a random while before committing), while a reader
// follows the feed in small batches. Reading by sequence number alone would skip the rows that commit
// late; the reader must see every committed row exactly once, in the order the feed gives.
func TestNoLossNoRepeatUnderConcurrentWrites(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			db := engine.Open(t, clock.System{})
			ctx := context.Background()
			const writers, perWriter = 8, 30
			var wg sync.WaitGroup
			var done atomic.Bool
			errs := make(chan error, writers)
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range perWriter {
						err := db.Transaction(func(tx *gorm.DB) error {
							r := row{At: time.Now().UTC(), EnterpriseID: int64(1 + w%2), RegionPath: "/1/", Entity: "hazard", EntityID: int64(w*1000 + i), Action: "hazard.assign"}
							if err := tx.Omit("Xid").Create(&r).Error; err != nil {
								return err
							}
							time.Sleep(time.Duration(rand.IntN(4000)) * time.Microsecond)
							return nil
						})
						if err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			go func() { wg.Wait(); done.Store(true) }()

			seen := map[int64]int{}
			var order []int64
			cursor := ""
			read := func() bool {
				p, err := NewService(db).Read(ctx, Scope{RegionPath: "/1/"}, cursor, 7)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range p.Entries {
					seen[e.Seq]++
					order = append(order, e.Seq)
				}
				cursor = p.Cursor
				return len(p.Entries) > 0
			}
			for !done.Load() {
				read()
			}
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			var all []int64
			testdb.Must(t, db.Model(&row{}).Order("seq").Pluck("seq", &all))
			if len(all) != writers*perWriter {
				t.Fatalf("%d rows written, want %d", len(all), writers*perWriter)
			}
			// Rows become readable once every older transaction of the cluster has ended (other tests' too),
			// so the reader drains until it has caught up, as an integrator polling would.
			for deadline := time.Now().Add(30 * time.Second); len(order) < len(all) && time.Now().Before(deadline); {
				if !read() {
					time.Sleep(20 * time.Millisecond)
				}
			}
			for _, s := range all {
				if seen[s] != 1 {
					t.Errorf("seq %d read %d times", s, seen[s])
				}
			}
			if len(order) != len(all) {
				t.Errorf("read %d entries, %d exist", len(order), len(all))
			}
			// A re-sync from the start gives the same sequence again.
			var again []int64
			for c := ""; ; {
				p, err := NewService(db).Read(ctx, Scope{RegionPath: "/1/"}, c, 50)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range p.Entries {
					again = append(again, e.Seq)
				}
				if !p.More {
					break
				}
				c = p.Cursor
			}
			if len(again) != len(order) {
				t.Fatalf("re-sync read %d, first pass %d", len(again), len(order))
			}
			for i := range again {
				if again[i] != order[i] {
					t.Fatalf("re-sync differs at %d: %d vs %d", i, again[i], order[i])
				}
			}
			// One enterprise's scope holds only its rows.
			p, err := NewService(db).Read(ctx, Scope{EnterpriseID: 2}, "", 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range p.Entries {
				if e.EnterpriseID != 2 {
					t.Fatalf("enterprise 2's feed holds %+v", e)
				}
			}
			if len(p.Entries) != writers/2*perWriter {
				t.Errorf("enterprise 2 has %d entries", len(p.Entries))
			}
		})
	}
}

func TestCursor(t *testing.T) {
	for _, c := range []string{"%%%", "bm90LWEtY3Vyc29y", encode(3, 4)[:3]} {
		if _, _, err := decode(c); err != ErrCursor {
			t.Errorf("decode(%q) = %v", c, err)
		}
	}
	x, s, err := decode(encode(12, 34))
	if err != nil || x != 12 || s != 34 {
		t.Errorf("round trip = %d %d %v", x, s, err)
	}
}
