package session_test

import (
	"context"
	"testing"
	"time"

	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/session"
)

// Every refresh adds a row and every login a session; the prune job removes what can no longer be used nor
// tell anything: sessions that ended long ago (with their tokens), and used tokens past their expiry. A
// used token still within its lifetime stays, so presenting it again is still caught as reuse.
func TestPrune(t *testing.T) {
	for _, eng := range testdb.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			start := time.Date(2026, 10, 1, 9, 0, 0, 0, clock.Business)
			db := eng.Open(t, nil)
			testdb.Must(t, db.Exec(`INSERT INTO users (kind, login_name, display_name, password_hash, created_at, updated_at)
				VALUES ('platform_admin', 'p', 'p', 'x', ?, ?)`, start, start))
			var uid int64
			testdb.Must(t, db.Raw("SELECT id FROM users").Scan(&uid))
			l := session.Lifetimes{Refresh: 7 * 24 * time.Hour, Absolute: 30 * 24 * time.Hour}

			// An old session, logged out on its first day; a live one refreshed hourly for two weeks.
			old, _, err := session.Start(ctx, db, start, l, uid, "", "")
			if err != nil {
				t.Fatal(err)
			}
			if err := session.Revoke(ctx, db, start.Add(time.Hour), old.ID, session.ReasonLogout); err != nil {
				t.Fatal(err)
			}
			live, tok, err := session.Start(ctx, db, start, l, uid, "", "")
			if err != nil {
				t.Fatal(err)
			}
			now := start
			var kept string
			for i := 0; i < 14*24; i++ {
				now = now.Add(time.Hour)
				if i == 14*24-2 {
					kept = tok // used an hour before the end: must still be caught if presented again
				}
				if _, tok, err = session.Rotate(ctx, db, now, l, tok); err != nil {
					t.Fatal(err)
				}
			}
			count := func(q string, args ...any) int64 {
				var n int64
				testdb.Must(t, db.Raw(q, args...).Scan(&n))
				return n
			}
			before := count("SELECT COUNT(*) FROM refresh_tokens WHERE session_id = ?", live.ID)

			n, err := session.Prune(ctx, db, now, 30*24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			after := count("SELECT COUNT(*) FROM refresh_tokens WHERE session_id = ?", live.ID)
			if n == 0 || after >= before || after > 7*24+1 {
				t.Errorf("pruned %d; the live session's tokens went from %d to %d (at most a week's worth stays)", n, before, after)
			}
			if _, _, err := session.Rotate(ctx, db, now, l, tok); err != nil {
				t.Errorf("the current token no longer works: %v", err)
			}
			// Past the keep period the ended session goes, with its tokens; the live one stays.
			if _, err := session.Prune(ctx, db, start.Add(32*24*time.Hour), 30*24*time.Hour); err != nil {
				t.Fatal(err)
			}
			if count("SELECT COUNT(*) FROM auth_sessions WHERE id = ?", old.ID) != 0 || count("SELECT COUNT(*) FROM refresh_tokens WHERE session_id = ?", old.ID) != 0 {
				t.Error("the old session outlived the keep period")
			}
			if count("SELECT COUNT(*) FROM auth_sessions WHERE id = ?", live.ID) != 1 {
				t.Error("the live session was pruned")
			}
			_ = kept
		})
	}
}

// A used token within its lifetime survives the prune, so presenting it again still ends the session.
func TestPruneKeepsReuseDetection(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 10, 1, 9, 0, 0, 0, clock.Business)
	db := testdb.Postgres(t, nil)
	testdb.Must(t, db.Exec(`INSERT INTO users (kind, login_name, display_name, password_hash, created_at, updated_at)
		VALUES ('platform_admin', 'p', 'p', 'x', ?, ?)`, start, start))
	var uid int64
	testdb.Must(t, db.Raw("SELECT id FROM users").Scan(&uid))
	l := session.Lifetimes{Refresh: 7 * 24 * time.Hour, Absolute: 30 * 24 * time.Hour}
	_, first, err := session.Start(ctx, db, start, l, uid, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := session.Rotate(ctx, db, start.Add(time.Hour), l, first); err != nil {
		t.Fatal(err)
	}
	if _, err := session.Prune(ctx, db, start.Add(2*time.Hour), 30*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, _, err := session.Rotate(ctx, db, start.Add(3*time.Hour), l, first); err != session.ErrReused {
		t.Errorf("a stolen token presented after the prune = %v, want ErrReused", err)
	}
}
