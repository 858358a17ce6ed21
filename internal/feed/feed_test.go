package feed

import (
	"context"
	"encoding/base64"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
)

// testSecret signs the cursors of the tests' readers.
var testSecret = []byte("feed-test-secret-0123456789abcdef")

func reader(db *gorm.DB) *Service { return NewService(db, testSecret) }

// TestNoLossNoRepeatUnderConcurrentWrites has writers whose transactions take their positions in one order
// and commit in another (each holds its row a random while before committing), while a reader follows the
// feed in small batches. Reading every committed position would skip the rows that commit late; the reader
// must see every committed row exactly once, with positions strictly increasing in delivery order.
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
							if err := Append(tx, time.Now(), int64(1+w%2), "/1/", "hazard", int64(w*1000+i), "hazard.assign", nil); err != nil {
								return err
							}
							// Every third transaction commits at once; the others hold their position a while, and
							// some of them append a second entry later in the same transaction.
							if i%3 == 0 {
								return nil
							}
							time.Sleep(time.Duration(rand.IntN(4000)) * time.Microsecond)
							if i%3 == 2 {
								return Append(tx, time.Now(), int64(1+w%2), "/1/", "hazard", int64(w*1000+i), "hazard.fix", nil)
							}
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
			var cursors []string
			cursor := ""
			read := func() bool {
				p, err := reader(db).Read(ctx, Scope{RegionPath: "/1/"}, cursor, 7)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range p.Entries {
					if len(order) > 0 && e.Seq <= order[len(order)-1] {
						t.Fatalf("entry %d delivered after %d", e.Seq, order[len(order)-1])
					}
					if e.Seq > p.Horizon {
						t.Fatalf("entry %d beyond the horizon %d", e.Seq, p.Horizon)
					}
					seen[e.Seq]++
					order = append(order, e.Seq)
					cursors = append(cursors, e.Cursor)
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
			if want := writers * perWriter * 4 / 3; len(all) != want {
				t.Fatalf("%d rows written, want %d", len(all), want)
			}
			// The writers have ended, so nothing holds the feed back: the reader drains it as an integrator
			// polling would.
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
				p, err := reader(db).Read(ctx, Scope{RegionPath: "/1/"}, c, 50)
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
			// Resuming after any entry, not only at a page boundary, gives exactly the entries after it.
			for _, i := range []int{0, 1, len(order) / 2, len(order) - 2} {
				p, err := reader(db).Read(ctx, Scope{RegionPath: "/1/"}, cursors[i], 1000)
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Entries) != len(order)-i-1 || p.Entries[0].Seq != order[i+1] || p.More || p.HeldBack {
					t.Fatalf("after entry %d: %d entries from %d (more %v, held back %v), want %d from %d",
						i, len(p.Entries), p.Entries[0].Seq, p.More, p.HeldBack, len(order)-i-1, order[i+1])
				}
			}
			// One enterprise's scope holds only its rows.
			p, err := reader(db).Read(ctx, Scope{EnterpriseID: 2}, "", 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range p.Entries {
				if e.EnterpriseID != 2 {
					t.Fatalf("enterprise 2's feed holds %+v", e)
				}
			}
			if len(p.Entries) != writers/2*perWriter*4/3 {
				t.Errorf("enterprise 2 has %d entries", len(p.Entries))
			}
		})
	}
}

// TestCursor: a cursor is opaque, bound to its feed, and refused when made up or altered; it survives a
// rotation of the secrets while the secret that signed it is still configured.
func TestCursor(t *testing.T) {
	s := NewService(nil, testSecret)
	ent, other, region := Scope{EnterpriseID: 7}, Scope{EnterpriseID: 8}, Scope{RegionPath: "/1/2/"}
	c := s.encode(ent.id(), 1042)
	if pos, err := s.decode(ent.id(), c); err != nil || pos != 1042 {
		t.Fatalf("round trip = %d %v", pos, err)
	}
	if pos, err := s.decode(ent.id(), ""); err != nil || pos != 0 {
		t.Fatalf("empty cursor = %d %v", pos, err)
	}
	b, _ := base64.RawURLEncoding.DecodeString(c)
	altered := func(i int) string {
		x := append([]byte(nil), b...)
		x[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(x)
	}
	forged := []string{"%%%", "bm90LWEtY3Vyc29y", "MTIuMzQ", c[:len(c)-2], c + "AA", altered(0), altered(8), altered(20),
		s.encode(other.id(), 1042), s.encode(region.id(), 1042), NewService(nil, []byte("another-server-secret-0123456789")).encode(ent.id(), 1042)}
	for _, f := range forged {
		if _, err := s.decode(ent.id(), f); err != ErrCursor {
			t.Errorf("decode(%q) = %v, want ErrCursor", f, err)
		}
	}
	// An enterprise's cursor is refused by the region's feed, and the other way round.
	if _, err := s.decode(region.id(), c); err != ErrCursor {
		t.Errorf("the region's feed took the enterprise's cursor: %v", err)
	}
	if _, err := s.decode(ent.id(), s.encode(region.id(), 5)); err != ErrCursor {
		t.Errorf("the enterprise's feed took the region's cursor: %v", err)
	}
	// A new secret first: cursors signed with the old one still work, new cursors use the new one.
	rotated := NewService(nil, []byte("the-new-secret-0123456789abcdefgh"), testSecret)
	if pos, err := rotated.decode(ent.id(), c); err != nil || pos != 1042 {
		t.Errorf("after rotation = %d %v", pos, err)
	}
	if _, err := s.decode(ent.id(), rotated.encode(ent.id(), 1)); err != ErrCursor {
		t.Errorf("a server without the new secret took its cursor: %v", err)
	}
	// Once the old secret is gone, a cursor a rotated server gave back (even for an empty page) is still good.
	if pos, err := NewService(nil, []byte("the-new-secret-0123456789abcdefgh")).decode(ent.id(), rotated.encode(ent.id(), 1042)); err != nil || pos != 1042 {
		t.Errorf("after the old secret was removed = %d %v", pos, err)
	}
}

// TestUnrelatedTransactionDoesNotHoldTheFeed holds a transaction open that writes no feed entry (as a bulk
// import, a long report or pg_dump would): the feed still advances. A transaction that did write an entry holds
// back the entries after its position until it ends, and the page says so.
func TestUnrelatedTransactionDoesNotHoldTheFeed(t *testing.T) {
	db := testdb.Postgres(t, clock.System{})
	ctx := context.Background()
	idle := db.Begin()
	defer idle.Rollback()
	var xid int64
	testdb.Must(t, idle.Raw("SELECT txid_current()").Scan(&xid))
	if xid == 0 {
		t.Fatal("the idle transaction has no transaction id")
	}
	appendOne := func(tx *gorm.DB, id int64) {
		t.Helper()
		if err := Append(tx, time.Now(), 1, "/1/", "hazard", id, "hazard.register", map[string]any{"code": "YH"}); err != nil {
			t.Fatal(err)
		}
	}
	read := func(cursor string) Page {
		t.Helper()
		p, err := reader(db).Read(ctx, Scope{EnterpriseID: 1}, cursor, 100)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	ids := func(p Page) []int64 {
		var out []int64
		for _, e := range p.Entries {
			out = append(out, e.EntityID)
		}
		return out
	}
	if err := db.Transaction(func(tx *gorm.DB) error { appendOne(tx, 1); return nil }); err != nil {
		t.Fatal(err)
	}
	p := read("")
	if got := ids(p); len(got) != 1 || got[0] != 1 || p.HeldBack || p.More {
		t.Fatalf("with an idle transaction open, the feed = %v (held back %v)", got, p.HeldBack)
	}
	if err := db.Transaction(func(tx *gorm.DB) error { appendOne(tx, 2); return nil }); err != nil {
		t.Fatal(err)
	}
	p = read(p.Cursor)
	if got := ids(p); len(got) != 1 || got[0] != 2 || p.HeldBack {
		t.Fatalf("the feed did not advance past the idle transaction: %v (held back %v)", got, p.HeldBack)
	}

	// A feed writer still open holds back what commits after it, and the page says it is held back.
	writer := db.Begin()
	defer writer.Rollback()
	appendOne(writer, 3)
	if err := db.Transaction(func(tx *gorm.DB) error { appendOne(tx, 4); return nil }); err != nil {
		t.Fatal(err)
	}
	held := read(p.Cursor)
	if len(held.Entries) != 0 || !held.HeldBack || held.More || held.Cursor != p.Cursor || held.Horizon != p.Horizon {
		t.Fatalf("with a feed writer open: %v, held back %v", ids(held), held.HeldBack)
	}
	testdb.Must(t, writer.Commit())
	done := read(held.Cursor)
	if got := ids(done); len(got) != 2 || got[0] != 3 || got[1] != 4 || done.HeldBack || done.More {
		t.Fatalf("after the writer committed: %v (held back %v)", got, done.HeldBack)
	}
	if done.Entries[0].Seq >= done.Entries[1].Seq || done.Horizon < done.Entries[1].Seq {
		t.Fatalf("positions %d, %d, horizon %d", done.Entries[0].Seq, done.Entries[1].Seq, done.Horizon)
	}
	// Caught up: nothing more, nothing held back.
	if p := read(done.Cursor); len(p.Entries) != 0 || p.HeldBack || p.More {
		t.Fatalf("caught up: %+v", p)
	}
}

// TestHorizonCache: readers sharing a recent horizon see a new entry at most that much later, and say it is
// held back meanwhile.
func TestHorizonCache(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			db := engine.Open(t, clock.System{})
			ctx := context.Background()
			r := reader(db)
			r.CacheHorizon(time.Hour)
			write := func(id int64) {
				t.Helper()
				if err := db.Transaction(func(tx *gorm.DB) error {
					return Append(tx, time.Now(), 1, "/1/", "hazard", id, "hazard.register", nil)
				}); err != nil {
					t.Fatal(err)
				}
			}
			write(1)
			first, err := r.Read(ctx, Scope{EnterpriseID: 1}, "", 10)
			if err != nil || len(first.Entries) != 1 {
				t.Fatalf("first read = %+v %v", first, err)
			}
			write(2)
			p, err := r.Read(ctx, Scope{EnterpriseID: 1}, first.Cursor, 10)
			if err != nil || len(p.Entries) != 0 || !p.HeldBack || p.Horizon != first.Horizon {
				t.Fatalf("within the cache's life: %+v %v", p, err)
			}
			r.CacheHorizon(0)
			p, err = r.Read(ctx, Scope{EnterpriseID: 1}, first.Cursor, 10)
			if err != nil || len(p.Entries) != 1 || p.Entries[0].EntityID != 2 || p.HeldBack {
				t.Fatalf("after the cache: %+v %v", p, err)
			}
		})
	}
}
