//go:build linux

package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/testdb"
	"yqyb/internal/rbac"
	"yqyb/internal/tools/demo"
)

const pw = demo.DemoPassword

// Settings of the cluster under test.
const (
	lockThreshold = 3
	loginPerIP    = 5
)

// TestInstancesShareOneDatabase starts three instances against one database and checks, through HTTP, that
// they behave as one service.
func TestInstancesShareOneDatabase(t *testing.T) {
	// Each test has its own database and processes; side by side they take half the time.
	t.Parallel()
	db := testdb.PostgresEmpty(t) // skips without PostgreSQL, or fails in CI
	bin := binary(t)
	dir := t.TempDir()
	common := serveVars(testdb.URLFor(testdb.Name(t, db)), 5, map[string]string{ // the shared server serves other tests too
		"YQYB_STORAGE_DIR":           filepath.Join(dir, "files"), // shared, as a network volume would be
		"YQYB_LOCKOUT_THRESHOLD":     fmt.Sprint(lockThreshold),
		"YQYB_LOGIN_RATE_PER_MINUTE": fmt.Sprint(loginPerIP),
		// Loopback is the "load balancer": each scenario below speaks for its own client address.
		"YQYB_TRUSTED_PROXIES":   "127.0.0.1/32",
		"YQYB_DB_MAX_IDLE_CONNS": "2",
	})
	with := func(extra map[string]string) map[string]string {
		m := maps.Clone(common)
		maps.Copy(m, extra)
		return m
	}
	tools := envOf(with(map[string]string{"YQYB_DATA_DIR": filepath.Join(dir, "tools")}))
	runTool(t, bin, tools, "migrate", "up")
	runTool(t, bin, tools, "seed")
	sc, err := demo.Load(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}

	// All three start at once, so their job runners race for the same rows.
	var ins []*instance
	for i := 1; i <= 3; i++ {
		name := fmt.Sprintf("instance%d", i)
		ins = append(ins, startServe(t, bin, name, with(map[string]string{"YQYB_DATA_DIR": filepath.Join(dir, name)})))
	}
	for _, in := range ins {
		in.waitReady(t, 30*time.Second)
	}
	i1, i2, i3 := ins[0], ins[1], ins[2]
	others := []*instance{i2, i3}
	// Every instance serves sessions from its cache, told of revocations by LISTEN/NOTIFY: the revocations
	// below reach instances that hold the session in memory.
	for _, in := range ins {
		waitLog(t, in, "session cache live", 10*time.Second)
	}

	var ipMu sync.Mutex
	ipN := 0
	newIP := func() string { // a fresh client address, so one scenario's logins never count against another's
		ipMu.Lock()
		defer ipMu.Unlock()
		ipN++
		return fmt.Sprintf("10.77.%d.%d", ipN/250, ipN%250+1)
	}
	userPath := func(name, suffix string) string { return fmt.Sprintf("/api/v1/users/%d%s", sc.Users[name], suffix) }
	admin := i1.login(t, newIP(), demo.MallName, pw)

	t.Run("token issued by one instance works on the others", func(t *testing.T) {
		tok := i1.login(t, newIP(), demo.MallSafetyUser, pw)
		for _, in := range others {
			if r := in.do(t, http.MethodGet, "/api/v1/me", tok.AccessToken, "", nil); r.Code != 200 {
				t.Errorf("token of %s on %s = %s", i1.name, in.name, r)
			}
		}
		// A refresh on one instance rotates the token for all of them.
		r, fresh := i2.refresh(t, tok.RefreshToken)
		if r.Code != 200 {
			t.Fatalf("refresh on %s = %s", i2.name, r)
		}
		if r := i3.do(t, http.MethodGet, "/api/v1/me", fresh.AccessToken, "", nil); r.Code != 200 {
			t.Errorf("token refreshed on %s, used on %s = %s", i2.name, i3.name, r)
		}
	})

	t.Run("logout on one instance revokes on the others", func(t *testing.T) {
		tok := i1.login(t, newIP(), demo.MallSafetyUser, pw)
		for _, in := range others {
			if r := in.do(t, http.MethodGet, "/api/v1/me", tok.AccessToken, "", nil); r.Code != 200 {
				t.Fatalf("before logout on %s = %s", in.name, r)
			}
		}
		if r := i1.do(t, http.MethodPost, "/api/v1/auth/logout", tok.AccessToken, "", map[string]string{"refresh_token": tok.RefreshToken}); r.Code != 204 {
			t.Fatalf("logout on %s = %s", i1.name, r)
		}
		for _, in := range others {
			if r := within(t, in, tok.AccessToken, "/api/v1/me", 401); r.Code != 401 {
				t.Errorf("access token on %s a second after logout on %s = %s", in.name, i1.name, r)
			}
			if r, _ := in.refresh(t, tok.RefreshToken); r.Code != 401 {
				t.Errorf("refresh on %s after logout on %s = %s", in.name, i1.name, r)
			}
		}
	})

	t.Run("password reset on one instance revokes on the others", func(t *testing.T) {
		tok := i2.login(t, newIP(), demo.MallElectrician, pw)
		if r := i3.do(t, http.MethodGet, "/api/v1/me", tok.AccessToken, "", nil); r.Code != 200 {
			t.Fatalf("before reset = %s", r)
		}
		if r := i1.do(t, http.MethodPost, userPath(demo.MallElectrician, "/reset-password"), admin.AccessToken, "", nil); r.Code != 200 {
			t.Fatalf("reset on %s = %s", i1.name, r)
		}
		for _, in := range others {
			if r := within(t, in, tok.AccessToken, "/api/v1/me", 401); r.Code != 401 || r.err().Code != "token_revoked" {
				t.Errorf("access token on %s a second after reset on %s = %s", in.name, i1.name, r)
			}
		}
		if r, _ := i3.refresh(t, tok.RefreshToken); r.Code != 401 {
			t.Errorf("refresh on %s after reset = %s", i3.name, r)
		}
		if r := i3.do(t, http.MethodPost, "/api/v1/auth/login", "", newIP(), map[string]string{"mode": "personal", "username": demo.MallElectrician, "password": pw}); r.Code != 401 {
			t.Errorf("old password on %s after reset = %s", i3.name, r)
		}
	})

	t.Run("password change on one instance revokes the other sessions on the others", func(t *testing.T) {
		here := i1.login(t, newIP(), demo.FactoryWelder, pw)
		there := i2.login(t, newIP(), demo.FactoryWelder, pw)
		for _, in := range ins { // every instance now holds both sessions in its cache
			for _, tok := range []string{here.AccessToken, there.AccessToken} {
				if r := in.do(t, http.MethodGet, "/api/v1/me", tok, "", nil); r.Code != 200 {
					t.Fatalf("before the change on %s = %s", in.name, r)
				}
			}
		}
		const newPw = "Changed@2026x"
		r := i1.do(t, http.MethodPost, "/api/v1/me/password", here.AccessToken, "", map[string]string{"old_password": pw, "new_password": newPw})
		if r.Code != 200 {
			t.Fatalf("password change on %s = %s", i1.name, r)
		}
		var reissued struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(r.Body, &reissued); err != nil {
			t.Fatal(err)
		}
		for _, in := range ins {
			// The other session ends; the caller's own old token stops (its version moved); its new one works.
			if r := within(t, in, there.AccessToken, "/api/v1/me", 401); r.Code != 401 || r.err().Code != "token_revoked" {
				t.Errorf("the other session on %s a second after the change = %s", in.name, r)
			}
			if r := within(t, in, here.AccessToken, "/api/v1/me", 401); r.Code != 401 || r.err().Code != "token_revoked" {
				t.Errorf("the old token of the changing session on %s a second later = %s", in.name, r)
			}
			if r := in.do(t, http.MethodGet, "/api/v1/me", reissued.AccessToken, "", nil); r.Code != 200 {
				t.Errorf("the reissued token on %s = %s", in.name, r)
			}
		}
	})

	t.Run("lockout reached across instances holds on all", func(t *testing.T) {
		// Each attempt from another address: the lockout is the account's, wherever the attempts land.
		for k, in := range ins {
			r := in.do(t, http.MethodPost, "/api/v1/auth/login", "", newIP(), map[string]string{"mode": "personal", "username": demo.MallForklift, "password": "Wrong@1234"})
			left := lockThreshold - 1 - k
			switch {
			case left > 0 && (r.Code != 401 || r.err().Details["remaining_attempts"] != float64(left)):
				t.Fatalf("failure %d on %s = %s, want 401 with %d attempts left", k+1, in.name, r, left)
			case left == 0 && (r.Code != http.StatusLocked || r.err().Code != "account_locked"):
				t.Fatalf("failure %d on %s = %s, want the lockout", k+1, in.name, r)
			}
		}
		for _, in := range ins {
			r := in.do(t, http.MethodPost, "/api/v1/auth/login", "", newIP(), map[string]string{"mode": "personal", "username": demo.MallForklift, "password": pw})
			if r.Code != http.StatusLocked || r.err().Code != "account_locked" {
				t.Errorf("right password on %s while locked = %s", in.name, r)
			}
		}
	})

	t.Run("parallel logins over the instances and both enterprise logins verify at most the threshold", func(t *testing.T) {
		// Twenty wrong passwords at once, spread over the three processes and the enterprise's two doors (its
		// admin at 个人用户登录, its enterprise user at 企业用户登录), which share one budget. Each verified
		// password leaves a login_failed entry without a note; the attempts refused unverified say why.
		codes := make([]int, 20)
		errs := make([]error, 20)
		var wg sync.WaitGroup
		for i := range codes {
			body := map[string]string{"mode": "personal", "username": demo.FactoryName, "password": "Wrong@1234"}
			if i%2 == 1 {
				body = map[string]string{"mode": "enterprise", "username": demo.FactoryCode, "password": "Wrong@1234"}
			}
			in, ip := ins[i%len(ins)], newIP()
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := call(context.Background(), in.url, http.MethodPost, "/api/v1/auth/login", "", ip, body)
				codes[i], errs[i] = r.Code, err
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		var verified int64
		if err := db.Table("audit_logs").Where("action = 'login_failed' AND enterprise_id = ? AND detail IS NULL", sc.FactoryID).
			Count(&verified).Error; err != nil {
			t.Fatal(err)
		}
		if verified == 0 || verified > lockThreshold {
			t.Errorf("%d passwords verified, want 1 to %d (answers %v)", verified, lockThreshold, codes)
		}
		for i, c := range codes {
			if c != http.StatusUnauthorized && c != http.StatusLocked {
				t.Errorf("attempt %d = %d", i, c)
			}
		}
		for _, in := range ins {
			r := in.do(t, http.MethodPost, "/api/v1/auth/login", "", newIP(), map[string]string{"mode": "enterprise", "username": demo.FactoryCode, "password": pw})
			if r.Code != http.StatusLocked {
				t.Errorf("right password on %s after the burst = %s", in.name, r)
			}
		}
	})

	t.Run("login rate limit per address counts across instances", func(t *testing.T) {
		// The limit counts in fixed minute windows: do not straddle one.
		if s := time.Now().Second(); s >= 54 {
			time.Sleep(time.Duration(61-s) * time.Second)
		}
		ip := newIP()
		for k := range loginPerIP + 2 {
			in := ins[k%3]
			r := in.do(t, http.MethodPost, "/api/v1/auth/login", "", ip, map[string]string{"mode": "personal", "username": fmt.Sprintf("没有这个人%d", k), "password": "x"})
			if k < loginPerIP && r.Code != 401 || k >= loginPerIP && (r.Code != 429 || r.err().Code != "too_many_requests") {
				t.Fatalf("attempt %d from %s on %s = %s (limit %d per minute)", k+1, ip, in.name, r, loginPerIP)
			}
		}
		// Another address is not affected.
		i3.login(t, newIP(), demo.MallName, pw)
	})

	t.Run("grant change on one instance is enforced on the others at once", func(t *testing.T) {
		tok := i1.login(t, newIP(), demo.MallKeeper, pw)
		for _, in := range others { // both now hold the enterprise's policy in their caches
			if r := in.do(t, http.MethodGet, "/api/v1/audit-logs", tok.AccessToken, "", nil); r.Code != 403 {
				t.Fatalf("before the grant on %s = %s", in.name, r)
			}
		}
		if r := i1.do(t, http.MethodPut, userPath(demo.MallKeeper, "/grants"), admin.AccessToken, "", map[string]any{"codes": []string{rbac.AuditView}}); r.Code != 200 {
			t.Fatalf("grant on %s = %s", i1.name, r)
		}
		for _, in := range others {
			if r := within(t, in, tok.AccessToken, "/api/v1/audit-logs", 401); r.Code != 401 || r.err().Code != "token_revoked" {
				t.Errorf("old token on %s a second after the grant on %s = %s", in.name, i1.name, r)
			}
		}
		r, fresh := i2.refresh(t, tok.RefreshToken)
		if r.Code != 200 {
			t.Fatalf("refresh = %s", r)
		}
		for _, in := range others {
			if r := in.do(t, http.MethodGet, "/api/v1/audit-logs", fresh.AccessToken, "", nil); r.Code != 200 {
				t.Errorf("after the grant on %s: %s = %s", i1.name, in.name, r)
			}
		}
		// Taking it away again.
		if r := i1.do(t, http.MethodPut, userPath(demo.MallKeeper, "/grants"), admin.AccessToken, "", map[string]any{"codes": []string{}}); r.Code != 200 {
			t.Fatalf("ungrant = %s", r)
		}
		for _, in := range others {
			if r := within(t, in, fresh.AccessToken, "/api/v1/audit-logs", 401); r.Code != 401 || r.err().Code != "token_revoked" {
				t.Errorf("token on %s a second after the grant was withdrawn on %s = %s", in.name, i1.name, r)
			}
		}
		r, fresh = i3.refresh(t, fresh.RefreshToken)
		if r.Code != 200 {
			t.Fatalf("refresh = %s", r)
		}
		for _, in := range others {
			if r := in.do(t, http.MethodGet, "/api/v1/audit-logs", fresh.AccessToken, "", nil); r.Code != 403 {
				t.Errorf("after the grant was withdrawn on %s: %s = %s", i1.name, in.name, r)
			}
		}
	})

	t.Run("role grant change on one instance is enforced on the others at once", func(t *testing.T) {
		tok := i1.login(t, newIP(), demo.MallSafetyUser, pw)
		for _, in := range others {
			if r := in.do(t, http.MethodGet, "/api/v1/audit-logs", tok.AccessToken, "", nil); r.Code != 200 {
				t.Fatalf("through the role on %s = %s", in.name, r)
			}
		}
		if r := i1.do(t, http.MethodPut, fmt.Sprintf("/api/v1/roles/%d/grants", sc.MallSafetyRoleID), admin.AccessToken, "", map[string]any{"codes": []string{rbac.UserList}}); r.Code != 200 {
			t.Fatalf("role grants on %s = %s", i1.name, r)
		}
		for _, in := range others {
			if r := within(t, in, tok.AccessToken, "/api/v1/audit-logs", 401); r.Code != 401 {
				t.Errorf("old token of a role member on %s a second later = %s", in.name, r)
			}
		}
		r, fresh := i2.refresh(t, tok.RefreshToken)
		if r.Code != 200 {
			t.Fatalf("refresh = %s", r)
		}
		for _, in := range others {
			if r := in.do(t, http.MethodGet, "/api/v1/audit-logs", fresh.AccessToken, "", nil); r.Code != 403 {
				t.Errorf("after the role lost the code, %s = %s", in.name, r)
			}
		}
	})

	// Every instance started the job runner at startup; the lease in job_runs let exactly one run each job.
	t.Run("scheduled jobs ran once across the cluster", func(t *testing.T) {
		host, _ := os.Hostname()
		var names []string
		for _, in := range ins {
			names = append(names, fmt.Sprintf("%s:%d", host, in.cmd.Process.Pid))
		}
		runs := jobRuns(t, db, []string{"stats.refresh", "stats.snapshots", "ratelimit.prune"})
		ran := 0
		for _, r := range runs {
			if r.Runs != 1 || !slices.Contains(names, r.Instance) {
				t.Errorf("job %s: runs = %d by %q, want 1 run by one of %v", r.Name, r.Runs, r.Instance, names)
			}
			t.Logf("job %s ran once, on %s", r.Name, r.Instance)
		}
		// And each process agrees: the job-ran log lines of all three together are one per job.
		for _, in := range ins {
			ran += len(in.log.Grep(`msg="job ran"`))
		}
		if ran != len(runs) {
			t.Errorf("the instances logged %d job runs, want %d", ran, len(runs))
		}
	})

	// SIGTERM: every instance drains and exits 0.
	var wg sync.WaitGroup
	for _, in := range ins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := in.stop(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// revocationDelay is how long a revocation may take to reach another instance: the notification of the
// revoking transaction's commit, delivered to each instance's listening connection.
const revocationDelay = time.Second

// within asks an instance for path with token until it answers want, for at most revocationDelay, and
// returns the last answer.
func within(t *testing.T, in *instance, token, path string, want int) resp {
	t.Helper()
	deadline := time.Now().Add(revocationDelay)
	for {
		r := in.do(t, http.MethodGet, path, token, "", nil)
		if r.Code == want || time.Now().After(deadline) {
			return r
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitLog waits until an instance has logged a line containing s.
func waitLog(t *testing.T, in *instance, s string, wait time.Duration) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for len(in.log.Grep(s)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not log %q within %v", in.name, s, wait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type jobRun struct {
	Name           string
	Runs           int64
	Instance       string
	LastFinishedAt *time.Time
}

// jobRuns waits until the named jobs and every other job in job_runs have finished a run, and returns the
// rows. It waits up to 30 s: a first run of every job takes a few seconds on a quiet machine, and CI's two
// cores are shared with every other test package.
func jobRuns(t *testing.T, db *gorm.DB, want []string) []jobRun {
	t.Helper()
	const wait = 30 * time.Second
	deadline := time.Now().Add(wait)
	for {
		var rows []jobRun
		if err := db.Raw("SELECT name, runs, instance, last_finished_at FROM job_runs ORDER BY name").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		done := len(rows) > 0
		var have []string
		for _, r := range rows {
			have = append(have, r.Name)
			done = done && r.LastFinishedAt != nil
		}
		for _, w := range want {
			done = done && slices.Contains(have, w)
		}
		if done {
			return rows
		}
		if time.Now().After(deadline) {
			t.Fatalf("job_runs after %v: %+v, want finished runs of %s", wait, rows, strings.Join(want, ", "))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
