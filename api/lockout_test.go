package api

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"yqyb/internal/tools/demo"
)

// loginAttempt posts one login and returns the answer.
func (e *testEnv) loginAttempt(mode, username, password string, hdr ...string) *response {
	e.t.Helper()
	return e.do(http.MethodPost, "/api/v1/auth/login", map[string]string{"mode": mode, "username": username, "password": password}, hdr...)
}

// TestLockoutHoldsUnderParallelLogins is issue #13's attack: twenty simultaneous logins to one account, 19
// wrong and 1 right, with the lock at 5. At most five passwords may be verified, and the right one must not
// get in once the lock is taken — on one instance and on two sharing the database.
//
// The right attempt goes first and is held, once its password has been verified, until the 19 wrong ones
// have all been answered (or 10 s); the wrong ones then take the lock while the right one is in flight.
func TestLockoutHoldsUnderParallelLogins(t *testing.T) {
	for _, instances := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d instances", instances), func(t *testing.T) {
			var (
				verified   atomic.Int32
				rightHeld  = make(chan struct{})
				wrongsDone = make(chan struct{})
				once       sync.Once
			)
			env, _ := seeded(t, func(d *Deps) {
				d.Hasher.Verified = func(ok bool) {
					verified.Add(1)
					if ok {
						once.Do(func() { close(rightHeld) })
						select {
						case <-wrongsDone:
						case <-time.After(10 * time.Second):
						}
					}
				}
			})
			servers := []*testEnv{env}
			if instances == 2 {
				servers = append(servers, env.another())
			}
			right := make(chan *response, 1)
			go func() { right <- servers[len(servers)-1].loginAttempt("personal", demo.MallName, pw) }()
			select {
			case <-rightHeld:
			case <-time.After(10 * time.Second):
				t.Fatal("the right password was never verified")
			}
			codes := make([]int, 19)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 19 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					codes[i] = servers[i%len(servers)].loginAttempt("personal", demo.MallName, "Wrong@1234").Code
				}()
			}
			close(start)
			wg.Wait()
			close(wrongsDone)
			r := <-right
			t.Logf("%d passwords verified; wrong ones answered %v; the right one %d", verified.Load(), codes, r.Code)
			if n := verified.Load(); n > 5 {
				t.Errorf("%d passwords verified, at most 5 allowed (wrong ones answered %v)", n, codes)
			}
			if r.Code != http.StatusLocked {
				t.Errorf("the right password in flight while the lock was taken = %d %s", r.Code, r.Body)
			}
			locked := 0
			for i, c := range codes {
				switch c {
				case http.StatusLocked:
					locked++
				case http.StatusUnauthorized:
				default:
					t.Errorf("wrong attempt %d = %d", i, c)
				}
			}
			if locked < 15 {
				t.Errorf("only %d of 19 wrong attempts met the lock: %v", locked, codes)
			}
			// The lock holds for everyone, and ends on time.
			if r := env.loginAttempt("personal", demo.MallName, pw); r.Code != http.StatusLocked {
				t.Errorf("right password after the burst = %d %s", r.Code, r.Body)
			}
			env.clk.Advance(15*time.Minute + time.Second)
			if r := env.loginAttempt("personal", demo.MallName, pw); r.Code != http.StatusOK {
				t.Errorf("right password after the lock = %d %s", r.Code, r.Body)
			}
		})
	}
}

// TestBurstOfRightLoginsToSharedAccount: a whole shift signing in to the enterprise's shared account at
// once is not an attack. Attempts beyond the budget wait for those in flight to be decided (each right one
// gives the budget back) instead of being refused as locked.
func TestBurstOfRightLoginsToSharedAccount(t *testing.T) {
	var verified atomic.Int32
	env, _ := seeded(t, func(d *Deps) {
		d.Hasher.Verified = func(bool) {
			verified.Add(1)
			time.Sleep(100 * time.Millisecond) // a loaded server's bcrypt, so that the logins overlap
		}
	})
	other := env.another()
	codes := make([]int, 12)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv, mode, user := env, "personal", demo.MallName
			if i%2 == 1 {
				srv, mode, user = other, "enterprise", demo.MallCode
			}
			r := srv.loginAttempt(mode, user, pw)
			codes[i] = r.Code
			if r.Code != http.StatusOK {
				t.Logf("login %d = %d %s", i, r.Code, r.Body)
			}
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("login %d of the burst = %d (all: %v)", i, c, codes)
		}
	}
	if n := verified.Load(); n != 12 {
		t.Errorf("%d passwords verified, want 12", n)
	}
}

// TestEnterpriseAccountsShareBudget: the enterprise admin (个人用户登录 with the enterprise's name) and the
// enterprise-user account (企业用户登录 with the name or credit code) are two doors to one enterprise, so
// they share one failure budget; other enterprises and the enterprise's post accounts keep their own.
func TestEnterpriseAccountsShareBudget(t *testing.T) {
	env, sc := seeded(t)
	steps := []struct {
		mode, user string
		remaining  float64
	}{
		{"personal", demo.MallName, 4},
		{"enterprise", demo.MallCode, 3},
		{"personal", demo.MallName, 2},
		{"enterprise", demo.MallName, 1},
	}
	for i, s := range steps {
		r := env.loginAttempt(s.mode, s.user, "Wrong@1234")
		if b := r.errBody(t); r.Code != 401 || b.Details["remaining_attempts"] != s.remaining {
			t.Fatalf("attempt %d (%s %s) = %d %s", i+1, s.mode, s.user, r.Code, r.Body)
		}
	}
	if r := env.loginAttempt("enterprise", demo.MallCode, "Wrong@1234"); r.Code != http.StatusLocked {
		t.Fatalf("fifth failure over both accounts = %d %s", r.Code, r.Body)
	}
	for _, mode := range []string{"personal", "enterprise"} {
		if r := env.loginAttempt(mode, demo.MallName, pw); r.Code != http.StatusLocked {
			t.Errorf("%s login of the locked enterprise with the right password = %d %s", mode, r.Code, r.Body)
		}
	}
	// Not locked: another enterprise, and the enterprise's own post accounts.
	env.login("enterprise", demo.FactoryCode, pw)
	env.login("personal", demo.FactoryName, pw)
	env.login("personal", demo.MallKeeper, pw)

	// The regulator's reset of one account lifts the lock of both: the admin gets in with its own password.
	reg := env.login("personal", demo.ChaoyangReg, pw)
	if r := env.as(reg.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/regulator/enterprises/%d/reset-password", sc.MallID),
		map[string]string{"account": "enterprise_user"}); r.Code != 200 {
		t.Fatalf("reset = %d %s", r.Code, r.Body)
	}
	env.login("personal", demo.MallName, pw)
}

// TestLockoutEscalates: a lockout that follows another within a day lasts longer (15 min → 1 h → 24 h, the
// last step repeating); after a calm day it is back to 15 minutes. The message says how long.
func TestLockoutEscalates(t *testing.T) {
	env, sc := seeded(t)
	burst := func() ErrorBody {
		t.Helper()
		var r *response
		for range 5 {
			r = env.loginAttempt("personal", demo.MallKeeper, "Wrong@1234")
		}
		if r.Code != http.StatusLocked {
			t.Fatalf("fifth failure = %d %s", r.Code, r.Body)
		}
		return r.errBody(t)
	}
	steps := []struct {
		wait  time.Duration // before the burst
		text  string
		retry float64
	}{
		{0, "锁定15分钟", 15*60 + 1},
		{15*time.Minute + time.Second, "锁定1小时", 3600 + 1},
		{time.Hour + time.Second, "锁定24小时", 24*3600 + 1},
		{24*time.Hour + time.Second, "锁定24小时", 24*3600 + 1},
		// The last lockout ended a day ago: the count starts over.
		{48*time.Hour + 2*time.Second, "锁定15分钟", 15*60 + 1},
	}
	for i, s := range steps {
		env.clk.Advance(s.wait)
		b := burst()
		if !strings.Contains(b.Message, s.text) || b.Details["retry_after_seconds"] != s.retry {
			t.Fatalf("lockout %d = %+v, want %q and retry after %v s", i+1, b, s.text, s.retry)
		}
		// Even the right password is refused while locked, and the message still says how long.
		r := env.loginAttempt("personal", demo.MallKeeper, pw)
		if b := r.errBody(t); r.Code != http.StatusLocked || !strings.Contains(b.Message, s.text) {
			t.Fatalf("right password during lockout %d = %d %s", i+1, r.Code, r.Body)
		}
	}
	var notes []string
	if err := env.db.Table("audit_logs").Where("target_id = ? AND action = 'lockout'", sc.Users[demo.MallKeeper]).Order("id").Pluck("detail", &notes).Error; err != nil {
		t.Fatal(err)
	}
	if len(notes) != 5 || !strings.Contains(notes[1], "1小时") || !strings.Contains(notes[2], "24小时") {
		t.Errorf("lockout audit entries = %v", notes)
	}
}

// TestLoginRateLimitIPv6: an IPv6 client owns at least a /64, so the per-IP login limit counts the /64; an
// IPv4 address written as IPv4-mapped IPv6 is the same client as the IPv4 address.
func TestLoginRateLimitIPv6(t *testing.T) {
	env, _ := seeded(t, func(d *Deps) {
		d.Config.LoginPerIP = 3
		d.Config.TrustedProxies = []string{"192.0.2.0/24"} // httptest's peer address
	})
	// A new unknown name every time, so that no name's own lockout gets in the way.
	n := 0
	from := func(ip string) int {
		n++
		return env.loginAttempt("personal", fmt.Sprintf("不存在的账号%d", n), "x", "X-Forwarded-For", ip).Code
	}
	for i, ip := range []string{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::abcd"} {
		if c := from(ip); c != http.StatusUnauthorized {
			t.Fatalf("attempt %d from %s = %d", i+1, ip, c)
		}
	}
	if c := from("2001:db8:1:2:8000::5"); c != http.StatusTooManyRequests {
		t.Errorf("fourth attempt from the same /64 = %d, want 429", c)
	}
	if c := from("2001:db8:1:3::1"); c != http.StatusUnauthorized {
		t.Errorf("another /64 = %d, want 401", c)
	}
	for i, ip := range []string{"198.51.100.7", "::ffff:198.51.100.7", "198.51.100.7"} {
		if c := from(ip); c != http.StatusUnauthorized {
			t.Fatalf("IPv4 attempt %d from %s = %d", i+1, ip, c)
		}
	}
	if c := from("::ffff:c633:6407"); c != http.StatusTooManyRequests {
		t.Errorf("fourth attempt from 198.51.100.7 written as IPv4-mapped IPv6 = %d, want 429", c)
	}
	if c := from("198.51.100.8"); c != http.StatusUnauthorized {
		t.Errorf("the next IPv4 address = %d, want 401 (IPv4 is counted per address)", c)
	}
}
