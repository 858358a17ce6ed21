package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/auth"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/rbac"
	"yqyb/internal/session"
	"yqyb/internal/tools/demo"
)

// cachedService is an authentication service with a live session cache: on SQLite told of commits in
// process, on PostgreSQL by a Listener on its own connection (returned, with the channel it reports on).
func cachedService(t *testing.T, db *gorm.DB, clk clock.Clock, retry time.Duration) (*auth.Service, *account.Service, *auth.Cache, chan bool) {
	t.Helper()
	accounts := account.NewService(db, clk, account.Hasher{Cost: bcrypt.MinCost})
	svc, err := auth.NewService(db, clk, auth.DefaultConfig(auth.Key{ID: "test", Secret: []byte("test-secret-0123456789-abcdefghijklmnop")}), accounts)
	if err != nil {
		t.Fatal(err)
	}
	c := auth.NewCache(1000, time.Hour, nil)
	svc.UseCache(c)
	states := make(chan bool, 16)
	if database.Dialect(db) == database.SQLite {
		if !database.WatchCommits(db, auth.CachedTables, func() { c.Invalidate("*") }) {
			t.Fatal("a SQLite database opened by database.Open cannot be watched")
		}
		c.SetLive(true)
		return svc, accounts, c, states
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	l := &auth.Listener{URL: testdb.URLFor(testdb.Name(t, db)), Cache: c, Retry: retry,
		OnState: func(live bool) { states <- live }}
	go func() { l.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	waitState(t, states, true)
	return svc, accounts, c, states
}

func waitState(t *testing.T, states chan bool, want bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case live := <-states:
			if live == want {
				return
			}
		case <-deadline:
			t.Fatalf("the cache did not become live=%v", want)
		}
	}
}

// refusedWithin checks that a token is refused within a second (a notification's way to every instance).
func refusedWithin(t *testing.T, svc *auth.Service, token, what string) {
	t.Helper()
	failsWithin(t, auth.ErrTokenRevoked, what, func() error {
		_, err := svc.Authenticate(context.Background(), token)
		return err
	})
}

// failsWithin checks that use fails with want within a second, after succeeding until then.
func failsWithin(t *testing.T, want error, what string, use func() error) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		err := use()
		if errors.Is(err, want) {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still accepted a second later", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSessionCacheRevocation: on both engines, an authenticated session is served from the cache, and
// logout, a password change, a disable and a grant change (the enterprise's policy version) reach it at once.
func TestSessionCacheRevocation(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			ctx := context.Background()
			clk := clock.NewFixed(time.Date(2026, 12, 7, 10, 0, 0, 0, clock.Business))
			db := engine.Open(t, clk)
			sc, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false)
			if err != nil {
				t.Fatal(err)
			}
			svc, accounts, c, _ := cachedService(t, db, clk, 50*time.Millisecond)
			login := func(name, pw string) auth.Tokens {
				t.Helper()
				tok, err := svc.Login(ctx, auth.LoginInput{Mode: auth.ModePersonal, Username: name, Password: pw}, auth.Meta{IP: "198.51.100.9"})
				if err != nil {
					t.Fatal(err)
				}
				return tok
			}
			cached := func(tok auth.Tokens) auth.Principal {
				t.Helper()
				before := c.Stats().Hits
				var p auth.Principal
				for range 2 {
					if p, err = svc.Authenticate(ctx, tok.AccessToken); err != nil {
						t.Fatal(err)
					}
				}
				if c.Stats().Hits != before+1 {
					t.Fatalf("the second request was not served from the cache: %+v", c.Stats())
				}
				return p
			}

			tok := login(demo.MallKeeper, demo.DemoPassword)
			cached(tok)
			if err := svc.Logout(ctx, tok.RefreshToken, auth.Meta{}); err != nil {
				t.Fatal(err)
			}
			refusedWithin(t, svc, tok.AccessToken, "logout")

			tok = login(demo.MallKeeper, demo.DemoPassword)
			p := cached(tok)
			const newPw = "Changed@2026x"
			if err := accounts.ChangePassword(ctx, audit.Actor{ID: p.UserID}, p.UserID, demo.DemoPassword, newPw, ""); err != nil {
				t.Fatal(err)
			}
			refusedWithin(t, svc, tok.AccessToken, "password change")

			// A session revoked by a plain statement outside any service (as pruning or an operator would).
			tok = login(demo.MallKeeper, newPw)
			p = cached(tok)
			if err := session.Revoke(ctx, db, clk.Now(), p.SessionID, session.ReasonDisabled); err != nil {
				t.Fatal(err)
			}
			refusedWithin(t, svc, tok.AccessToken, "session revoked")

			tok = login(demo.MallKeeper, newPw)
			p = cached(tok)
			if err := db.Exec("UPDATE users SET status = 'disabled' WHERE id = ?", p.UserID).Error; err != nil {
				t.Fatal(err)
			}
			refusedWithin(t, svc, tok.AccessToken, "disable")
			if err := db.Exec("UPDATE users SET status = 'active' WHERE id = ?", p.UserID).Error; err != nil {
				t.Fatal(err)
			}

			// A grant change moves the enterprise's policy version: the next request carries the new one, so
			// the authorizer reloads the enterprise's policy.
			tok = login(demo.MallSafetyUser, demo.DemoPassword)
			p = cached(tok)
			if err := db.Transaction(func(tx *gorm.DB) error {
				return tx.Exec("UPDATE rbac_domains SET version = version + 1 WHERE domain = ?", rbac.EnterpriseDomain(sc.MallID)).Error
			}); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(time.Second)
			for {
				q, err := svc.Authenticate(ctx, tok.AccessToken)
				if err != nil {
					t.Fatal(err)
				}
				if q.PolicyVersion == p.PolicyVersion+1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("policy version still %d a second after the grant change", q.PolicyVersion)
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
}

// TestSessionCacheLostListener: when the listening connection is killed, the cache is emptied and bypassed
// until LISTEN succeeds again, so a session revoked meanwhile (its notification lost) is never accepted.
func TestSessionCacheLostListener(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 12, 7, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	if _, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false); err != nil {
		t.Fatal(err)
	}
	svc, _, c, states := cachedService(t, db, clk, 2*time.Second) // the listener stays down 2 s
	var toks []auth.Tokens
	for range 3 {
		tok, err := svc.Login(ctx, auth.LoginInput{Mode: auth.ModePersonal, Username: demo.MallKeeper, Password: demo.DemoPassword}, auth.Meta{IP: "198.51.100.9"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, tok.AccessToken); err != nil {
			t.Fatal(err)
		}
		toks = append(toks, tok)
	}
	if c.Len() != 3 {
		t.Fatalf("%d sessions cached, want 3", c.Len())
	}
	// Kill the listening connection; the listener connects again only 2 s later.
	kill := func() int64 {
		var n int64
		if err := db.Raw(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND query = 'LISTEN ` + auth.NotifyChannel + `'`).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	if kill() != 1 {
		t.Fatal("no listening connection to kill")
	}
	waitState(t, states, false)
	if c.Live() || c.Len() != 0 {
		t.Fatalf("after the connection was lost: live %v, %d sessions cached", c.Live(), c.Len())
	}
	// Revoked while nobody listens: no instance hears of it.
	p, err := svc.Authenticate(ctx, toks[0].AccessToken) // bypassed: read from the database, and not kept
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("UPDATE auth_sessions SET revoked_at = ?, revoke_reason = 'logout' WHERE id = ?", clk.Now(), p.SessionID).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, toks[0].AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("a session revoked while the listener was down: %v", err)
	}
	// Back: the cache starts empty and fills again; the revoked session stays refused.
	waitState(t, states, true)
	if _, err := svc.Authenticate(ctx, toks[0].AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("after the listener came back: %v", err)
	}
	for _, tok := range toks[1:] {
		for range 2 {
			if _, err := svc.Authenticate(ctx, tok.AccessToken); err != nil {
				t.Fatal(err)
			}
		}
	}
	// All three again, the revoked one as revoked.
	if c.Len() != 3 {
		t.Errorf("%d sessions cached after the listener came back, want 3", c.Len())
	}
}

// TestSessionCacheOnSQLiteSeesWritesThatReturnRows: a write that returns rows (Raw(…).Scan) invalidates
// like any other, and plain reads do not.
func TestSessionCacheOnSQLiteSeesWritesThatReturnRows(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 12, 7, 10, 0, 0, 0, clock.Business))
	db := testdb.SQLite(t, clk)
	if _, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false); err != nil {
		t.Fatal(err)
	}
	svc, _, c, _ := cachedService(t, db, clk, 0)
	tok, err := svc.Login(ctx, auth.LoginInput{Mode: auth.ModePersonal, Username: demo.MallKeeper, Password: demo.DemoPassword}, auth.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Authenticate(ctx, tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	testdb.Must(t, db.Raw("SELECT count(*) FROM users u JOIN auth_sessions s ON s.user_id = u.id").Scan(&n))
	if c.Len() != 1 {
		t.Fatalf("a read emptied the cache (%d sessions)", c.Len())
	}
	var v []int64
	testdb.Must(t, db.Raw("UPDATE users SET token_version = token_version + 1 WHERE id = ? RETURNING token_version", p.UserID).Scan(&v))
	if _, err := svc.Authenticate(ctx, tok.AccessToken); !errors.Is(err, auth.ErrTokenRevoked) {
		t.Fatalf("after the version moved by UPDATE … RETURNING: %v", err)
	}
}

// TestPruneNotifies: pruning ended sessions tells the listening instances which sessions went, in the
// pruning transaction (PostgreSQL).
func TestPruneNotifies(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 12, 7, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	if _, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false); err != nil {
		t.Fatal(err)
	}
	svc, _, _, _ := cachedService(t, db, clk, time.Second)
	tok, err := svc.Login(ctx, auth.LoginInput{Mode: auth.ModePersonal, Username: demo.MallKeeper, Password: demo.DemoPassword}, auth.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.Authenticate(ctx, tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, testdb.URLFor(testdb.Name(t, db)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "LISTEN "+auth.NotifyChannel); err != nil {
		t.Fatal(err)
	}
	if err := session.Revoke(ctx, db, clk.Now(), p.SessionID, session.ReasonLogout); err != nil {
		t.Fatal(err)
	}
	clk.Advance(48 * time.Hour)
	if n, err := session.Prune(ctx, db, clk.Now(), 24*time.Hour); err != nil || n == 0 {
		t.Fatalf("prune = %d, %v", n, err)
	}
	// The session's id twice: from the revocation's transaction, then from the prune's.
	want := "s:" + p.SessionID
	seen := 0
	for seen < 2 {
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			t.Fatalf("after %d notifications: %v", seen, err)
		}
		if n.Payload != want {
			t.Fatalf("notification %q, want %q", n.Payload, want)
		}
		seen++
	}
}
