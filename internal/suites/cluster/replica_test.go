//go:build linux

package cluster

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"yqyb/internal/platform/testproc"
	"yqyb/internal/tools/demo"
)

// makeStandby makes a streaming standby of primary with `pg_basebackup -R` (it writes standby.signal and
// primary_conninfo) into a directory of its own, with a loopback port of its own; run starts it.
func makeStandby(t *testing.T, primary *privatePG) *privatePG {
	t.Helper()
	sb := &privatePG{t: t, bin: primary.bin, cred: primary.cred}
	var err error
	if sb.dir, err = os.MkdirTemp("", "yqyb-pg-standby-"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sb.dir) })
	if sb.cred != nil {
		if err := os.Chown(sb.dir, int(sb.cred.Uid), int(sb.cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bb := sb.command(ctx, "pg_basebackup", "-D", sb.data(), "-h", "127.0.0.1", "-p", strconv.Itoa(primary.port),
		"-U", "postgres", "-R", "-X", "stream", "--checkpoint=fast", "--no-sync")
	if out, err := bb.CombinedOutput(); err != nil {
		skipOrFail(t, "pg_basebackup failed: %v\n%s", err, out)
	}
	sb.port = testproc.FreePort(t)
	return sb
}

// sqlOn runs one statement on a private server's database.
func sqlOn(t *testing.T, pg *privatePG, dbName, query string, args ...any) {
	t.Helper()
	db, err := sql.Open("pgx", pg.url(dbName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// regDashboard is what the test reads of the regulator's dashboard.
type regDashboard struct {
	Figures struct {
		Overdue     int `json:"overdue"`
		Enterprises int `json:"enterprises"`
	} `json:"figures"`
	DataAsOf    time.Time `json:"data_as_of"`
	FromReplica bool      `json:"from_replica"`
}

// metricValue reads one series from the instance's metrics listener (0 when absent).
func metricValue(t *testing.T, metricsURL, series string) float64 {
	t.Helper()
	r, err := client.Get(metricsURL + "/metrics")
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// TestDashboardsReadTheStandby runs the server against a private primary and a streaming standby made with
// `pg_basebackup -R`. The regulator's dashboard reads the standby (with replay paused, it does not see a
// change committed on the primary, and says how old its data is); the enterprise's own pages read the
// primary (a hazard it reports shows on its home page at once, replay paused or not); an idle primary is no
// lag; a standby replaying too far behind, or stopped, makes the dashboard read the primary — 200, logged
// once, counted — and once it is back and caught up the dashboard reads it again.
func TestDashboardsReadTheStandby(t *testing.T) {
	t.Parallel()
	primary := startPrivatePG(t)
	bin := binary(t)
	dbURL := primary.createDB("yqyb")
	const maxLag = 3 * time.Second
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", testproc.FreePort(t))
	vars := serveVars(dbURL, 10, map[string]string{"YQYB_DATA_DIR": t.TempDir(), "YQYB_METRICS_ADDR": metricsAddr,
		"YQYB_REPLICA_MAX_LAG": maxLag.String()})
	env := envOf(vars)
	runTool(t, bin, env, "migrate", "up")
	runTool(t, bin, env, "seed")
	standby := makeStandby(t, primary)
	vars["YQYB_DATABASE_REPLICA_URL"] = standby.url("yqyb")
	// The server starts while the standby is not running yet: it starts all the same, and reads the primary.
	in := startServe(t, bin, "instance", vars)
	in.waitReady(t, 30*time.Second)
	metricsURL := "http://" + metricsAddr

	reg := in.login(t, "", demo.CityRegulator, pw).AccessToken
	mall := in.login(t, "", demo.MallName, pw).AccessToken
	if r := in.do(t, http.MethodPost, "/api/v1/dev/jobs/run", "", "", nil); r.Code != 200 {
		t.Fatalf("jobs = %s", r)
	}
	dashboard := func() regDashboard {
		t.Helper()
		r := in.do(t, http.MethodGet, "/api/v1/regulator/dashboard", reg, "", nil)
		var d regDashboard
		if r.Code != 200 || json.Unmarshal(r.Body, &d) != nil {
			t.Fatalf("regulator dashboard = %s", r)
		}
		return d
	}
	// waitFor polls the dashboard until ok holds or the time is up.
	waitFor := func(what string, wait time.Duration, ok func(regDashboard) bool) regDashboard {
		t.Helper()
		deadline := time.Now().Add(wait)
		for {
			d := dashboard()
			if ok(d) {
				return d
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within %v; last dashboard %+v", what, wait, d)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	openHazards := func() int {
		t.Helper()
		r := in.do(t, http.MethodGet, "/api/v1/dashboard", mall, "", nil)
		var home struct {
			Summary struct {
				Figures struct {
					OpenGeneral int `json:"open_general"`
					OpenMajor   int `json:"open_major"`
				} `json:"figures"`
				FromReplica bool `json:"from_replica"`
			} `json:"summary"`
		}
		if r.Code != 200 || json.Unmarshal(r.Body, &home) != nil {
			t.Fatalf("enterprise dashboard = %s", r)
		}
		if home.Summary.FromReplica {
			t.Errorf("the enterprise's own home page says it read the replica")
		}
		return home.Summary.Figures.OpenGeneral + home.Summary.Figures.OpenMajor
	}

	if d := dashboard(); d.FromReplica || d.Figures.Enterprises == 0 {
		t.Fatalf("standby not started: dashboard %+v, want the primary's", d)
	}
	standby.run()
	// The standby serves once it answers and has replayed the seed and the refresh.
	base := waitFor("dashboard from the standby", 15*time.Second, func(d regDashboard) bool { return d.FromReplica })
	if base.Figures.Enterprises == 0 {
		t.Fatalf("the standby's dashboard counts no enterprises: %+v", base)
	}
	// Until now: down while not started (and maybe lagging while it caught up), then in use.
	if len(in.log.Grep("reason=down")) != 1 || len(in.log.Grep("read-only replica in use again")) != 1 {
		t.Errorf("before the standby first served, want one down and one in use again:\n%s", in.log.Tail(40))
	}
	logged := func(s string) int { return len(in.log.Grep(s)) }
	mark := map[string]int{}
	for _, s := range []string{"read-only replica not used", "read-only replica in use again", "reason=lagging", "reason=down"} {
		mark[s] = logged(s)
	}
	// An idle primary is no lag: well past the limit with nothing written, the standby still serves, and its
	// data is current.
	time.Sleep(2 * maxLag)
	if d := dashboard(); !d.FromReplica || time.Since(d.DataAsOf) > maxLag {
		t.Errorf("after %v of an idle primary: %+v, want the standby, current to within %v", 2*maxLag, d, maxLag)
	}

	// Proof that the dashboard reads the standby: replay paused, a change committed on the primary is not in
	// it, and it says its data is from before the change.
	sqlOn(t, standby, "postgres", "SELECT pg_wal_replay_pause()")
	pausedAt := time.Now()
	time.Sleep(300 * time.Millisecond)
	const bump = 777
	sqlOn(t, primary, "yqyb", "UPDATE enterprise_stats SET overdue = overdue + $1 WHERE enterprise_id = (SELECT MIN(enterprise_id) FROM enterprise_stats)", bump)
	before := openHazards()
	// The enterprise reads its own write at once.
	if r := in.do(t, http.MethodPost, "/api/v1/hazards", mall, "", map[string]any{"subject": "备库测试隐患", "description": "写后立即读", "grade_code": "C"}); r.Code != 201 {
		t.Fatalf("report hazard = %s", r)
	}
	if after := openHazards(); after != before+1 {
		t.Errorf("the enterprise's home counts %d open hazards right after reporting one, had %d: its own write is not visible", after, before)
	}
	if d := dashboard(); !d.FromReplica || d.Figures.Overdue != base.Figures.Overdue || d.DataAsOf.After(pausedAt.Add(time.Second)) {
		t.Errorf("replay paused: dashboard %+v, want the standby's (overdue %d, data from before %v)", d, base.Figures.Overdue, pausedAt)
	}
	// Paused past the limit, the standby lags: the dashboard reads the primary and sees the change.
	lagged := waitFor("fallback to the primary while the standby lags", maxLag+5*time.Second, func(d regDashboard) bool { return !d.FromReplica })
	if lagged.Figures.Overdue != base.Figures.Overdue+bump || time.Since(lagged.DataAsOf) > 2*time.Second {
		t.Errorf("lagging standby: the dashboard read %+v, want the primary's (overdue %d, data current)", lagged, base.Figures.Overdue+bump)
	}
	if n := metricValue(t, metricsURL, `yqyb_replica_fallback_reads_total{reason="lagging"}`); n < 1 {
		t.Errorf("fallback reads counted as lagging = %v, want at least 1", n)
	}
	if n := metricValue(t, metricsURL, "yqyb_replica_in_use"); n != 0 {
		t.Errorf("yqyb_replica_in_use = %v while lagging, want 0", n)
	}
	// Replay resumed: the standby catches up and serves again, with the change.
	sqlOn(t, standby, "postgres", "SELECT pg_wal_replay_resume()")
	waitFor("the standby back after catching up", 15*time.Second, func(d regDashboard) bool {
		return d.FromReplica && d.Figures.Overdue == base.Figures.Overdue+bump
	})

	// The standby stops: every regulator page answers 200 from the primary; it is counted and logged.
	standby.stop(syscall.SIGINT)
	down := waitFor("fallback to the primary while the standby is down", 10*time.Second, func(d regDashboard) bool { return !d.FromReplica })
	if down.Figures.Overdue != base.Figures.Overdue+bump {
		t.Errorf("standby down: dashboard %+v, want the primary's figures", down)
	}
	var entID int64
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow("SELECT MIN(enterprise_id) FROM enterprise_stats").Scan(&entID); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fmt.Sprintf("/api/v1/regulator/enterprises/%d/summary", entID), fmt.Sprintf("/api/v1/regulator/enterprises/%d/report", entID),
		fmt.Sprintf("/api/v1/regulator/enterprises/%d/report/export", entID)} {
		if r := in.do(t, http.MethodGet, path, reg, "", nil); r.Code != 200 {
			t.Errorf("%s with the standby down = %d %.300s", path, r.Code, r.Body)
		}
	}
	if n := metricValue(t, metricsURL, `yqyb_replica_fallback_reads_total{reason="down"}`); n < 2 {
		t.Errorf("fallback reads counted as down = %v, want at least 2", n)
	}
	// The standby restarts: it catches up and serves again.
	standby.run()
	waitFor("the standby back after a restart", 20*time.Second, func(d regDashboard) bool { return d.FromReplica })

	// Since it first served, one log line per change of state, not one per request: lagging, back, down, back.
	for pattern, want := range map[string]int{"read-only replica not used": 2, "read-only replica in use again": 2, "reason=lagging": 1, "reason=down": 1} {
		if got := logged(pattern) - mark[pattern]; got != want {
			t.Errorf("%d log lines %q, want %d:\n%s", got, pattern, want, in.log.Tail(40))
		}
	}
	if err := in.stop(); err != nil {
		t.Error(err)
	}
}
