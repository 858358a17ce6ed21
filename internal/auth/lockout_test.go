package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/account"
	"yqyb/internal/auth"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/tools/demo"
)

func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"198.51.100.7":                       "198.51.100.7",
		"::ffff:198.51.100.7":                "198.51.100.7",
		"2001:db8:1:2:3:4:5:6":               "2001:db8:1:2::/64",
		"2001:db8:1:2::1":                    "2001:db8:1:2::/64",
		"2001:DB8:1:2:ffff:ffff:ffff:ffff":   "2001:db8:1:2::/64",
		"fe80::1%eth0":                       "fe80::/64",
		"::1":                                "::/64",
		"not an address":                     "not an address",
		"2001:db8:1:3::1":                    "2001:db8:1:3::/64",
		"2001:0db8:0001:0002:0000:0000:0:01": "2001:db8:1:2::/64",
	} {
		if got := auth.ClientKey(in); got != want {
			t.Errorf("ClientKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLoginBudgetOnBothEngines runs the budget's statements on PostgreSQL and on the embedded SQLite: the
// reservation, the lock, the claim after a right password, growing lockouts, the shared enterprise budget,
// the expired initial password, and concurrent attempts.
func TestLoginBudgetOnBothEngines(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			ctx := context.Background()
			clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
			db := engine.Open(t, clk)
			var verified atomic.Int32
			hasher := account.Hasher{Cost: bcrypt.MinCost, Verified: func(bool) { verified.Add(1) }}
			sc, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false)
			if err != nil {
				t.Fatal(err)
			}
			cfg := auth.DefaultConfig(auth.Key{ID: "test", Secret: []byte("test-secret-0123456789-abcdefghijklmnop")})
			cfg.LockThreshold = 3
			accounts := account.NewService(db, clk, hasher)
			svc, err := auth.NewService(db, clk, cfg, accounts)
			if err != nil {
				t.Fatal(err)
			}
			login := func(mode, user, password string) error {
				_, err := svc.Login(ctx, auth.LoginInput{Mode: mode, Username: user, Password: password}, auth.Meta{IP: "2001:db8::1"})
				return err
			}
			expect := func(err error, code, text string) {
				t.Helper()
				var ae *apperr.Error
				if code == "" && err != nil || code != "" && (!errors.As(err, &ae) || ae.Code != code || !strings.Contains(ae.Message, text)) {
					t.Fatalf("got %v, want %s %q", err, code, text)
				}
			}

			expect(login("personal", demo.MallKeeper, "Wrong@1234"), "invalid_credentials", "")
			expect(login("personal", demo.MallKeeper, "Wrong@1234"), "invalid_credentials", "")
			expect(login("personal", demo.MallKeeper, "Wrong@1234"), "account_locked", "锁定15分钟")
			expect(login("personal", demo.MallKeeper, demo.DemoPassword), "account_locked", "请15分钟后再试")
			clk.Advance(5 * time.Minute)
			expect(login("personal", demo.MallKeeper, demo.DemoPassword), "account_locked", "请10分钟后再试")
			clk.Advance(10*time.Minute + time.Second)
			expect(login("personal", demo.MallKeeper, demo.DemoPassword), "", "")
			// A right password gave the budget back; the next burst is a repeat within a day.
			expect(login("personal", demo.MallKeeper, "Wrong@1234"), "invalid_credentials", "")
			expect(login("personal", demo.MallKeeper, "Wrong@1234"), "invalid_credentials", "")
			expect(login("personal", demo.MallKeeper, "Wrong@1234"), "account_locked", "锁定1小时")
			expect(login("personal", demo.MallKeeper, demo.DemoPassword), "account_locked", "请1小时后再试")

			// The enterprise's two accounts, one budget.
			expect(login("personal", demo.MallName, "Wrong@1234"), "invalid_credentials", "")
			expect(login("enterprise", demo.MallCode, "Wrong@1234"), "invalid_credentials", "")
			expect(login("enterprise", demo.MallName, demo.DemoPassword), "", "")
			expect(login("enterprise", demo.MallName, "Wrong@1234"), "invalid_credentials", "")
			expect(login("personal", demo.MallName, "Wrong@1234"), "invalid_credentials", "")
			expect(login("enterprise", demo.MallCode, "Wrong@1234"), "account_locked", "锁定15分钟")
			expect(login("personal", demo.MallName, demo.DemoPassword), "account_locked", "")
			expect(login("personal", demo.FactoryName, demo.DemoPassword), "", "")

			// An expired derived initial password: refused to the right password only, and counted.
			if err := db.Exec("UPDATE users SET password_origin = 'derived', password_issued_at = ? WHERE id = ?",
				clk.Now().Add(-account.DefaultInitialPasswordTTL), sc.FactoryEntUserID).Error; err != nil {
				t.Fatal(err)
			}
			expect(login("enterprise", demo.FactoryCode, "Wrong@1234"), "invalid_credentials", "")
			expect(login("enterprise", demo.FactoryCode, demo.DemoPassword), "initial_password_expired", "属地安监科")
			expect(login("personal", demo.FactoryName, "Wrong@1234"), "account_locked", "")

			// Many attempts at once: no more verifications than the threshold.
			verified.Store(0)
			var wg sync.WaitGroup
			for range 12 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_ = login("personal", demo.MallElectrician, "Wrong@1234")
				}()
			}
			wg.Wait()
			if n := verified.Load(); n > 3 {
				t.Errorf("%d passwords verified, at most 3 allowed", n)
			}
			expect(login("personal", demo.MallElectrician, demo.DemoPassword), "account_locked", "")

			// Pruning keeps what still matters (a lockout, or its memory for a day after it ended, and failures
			// in the window) and deletes the rest, e.g. the names that match no account.
			expect(login("personal", "从未注册的名字", "Wrong@1234"), "invalid_credentials", "")
			rows := func() (n int64) {
				t.Helper()
				if err := db.Table("login_throttle").Count(&n).Error; err != nil {
					t.Fatal(err)
				}
				return n
			}
			before := rows()
			if n, err := svc.PruneThrottle(ctx); err != nil || n != 0 {
				t.Fatalf("prune right away deleted %d (%v)", n, err)
			}
			clk.Advance(20 * time.Minute)
			if n, err := svc.PruneThrottle(ctx); err != nil || n != 1 { // the unknown name; the others locked within the day
				t.Fatalf("prune after the failure window deleted %d of %d (%v)", n, before, err)
			}
			clk.Advance(25 * time.Hour)
			if n, err := svc.PruneThrottle(ctx); err != nil || rows() != 0 {
				t.Fatalf("prune a day after the lockouts deleted %d, %d rows left (%v)", n, rows(), err)
			}
		})
	}
}
