//go:build linux

package cluster

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"yqyb/internal/tools/demo"
)

// outcome is one write of the load.
type outcome struct {
	start, end time.Time
	code       int    // HTTP status; 0 on a transport error
	id         int64  // the acknowledged hazard's id
	errCode    string // the error body's code
	err        error  // transport error (a hang ends in the client's timeout)
	body       string
}

// TestPostgresRestartUnderLoad crashes the database under a write load and starts it again: while it is
// down the API answers a JSON 503 (never a crash, a hang or a 500) and /readyz says 503; afterwards it
// recovers by itself, and every write it acknowledged is in the database.
func TestPostgresRestartUnderLoad(t *testing.T) {
	// Each test has its own database and processes; side by side they take half the time.
	t.Parallel()
	pg := startPrivatePG(t)
	bin := binary(t)
	dir := t.TempDir()
	vars := serveVars(pg.createDB("yqyb"), 10, map[string]string{"YQYB_DATA_DIR": filepath.Join(dir, "data")})
	in := startSeeded(t, bin, vars)

	admin := in.login(t, "", demo.MallName, pw)
	if r := in.do(t, http.MethodPost, "/api/v1/standard", admin.AccessToken, "", map[string]any{"from_template": true}); r.Code != 201 {
		t.Fatalf("standard = %s", r)
	}

	// The load: acknowledged writes (hazard reports) from several clients, as fast as they are answered.
	const workers = 6
	var (
		mu       sync.Mutex
		outcomes []outcome
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				o := outcome{start: time.Now()}
				ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
				r, err := call(ctx, in.url, http.MethodPost, "/api/v1/hazards", admin.AccessToken, "",
					map[string]any{"subject": fmt.Sprintf("故障测试%d-%d", w, k), "description": "数据库重启期间提交", "grade_code": "C"})
				cancel()
				o.end, o.code, o.err, o.body = time.Now(), r.Code, err, string(r.Body)
				var b struct {
					ID   int64  `json:"id"`
					Code string `json:"code"`
				}
				if json.Unmarshal(r.Body, &b) == nil {
					o.id, o.errCode = b.ID, b.Code
				}
				mu.Lock()
				outcomes = append(outcomes, o)
				mu.Unlock()
				if r.Code == 503 {
					time.Sleep(20 * time.Millisecond) // a client backing off a little, as Retry-After asks
				}
			}
		}()
	}
	snapshot := func() []outcome {
		mu.Lock()
		defer mu.Unlock()
		return append([]outcome(nil), outcomes...)
	}
	stopLoad := func() {
		close(stop)
		wg.Wait()
	}
	acked := func(list []outcome, from time.Time) int {
		n := 0
		for _, o := range list {
			if o.start.After(from) && o.code == 201 && o.id > 0 {
				n++
			}
		}
		return n
	}

	time.Sleep(time.Second)
	if acked(snapshot(), time.Time{}) == 0 {
		stopLoad()
		t.Fatalf("no write acknowledged before the fault: %+v", snapshot())
	}

	// Two outages: an orderly fast shutdown (sessions terminated by the administrator), then a crash
	// (immediate shutdown: no checkpoint, recovery from the WAL). Each time the server comes back on the same
	// port and data directory, and the instance is not restarted.
	for _, outage := range []struct {
		name string
		sig  syscall.Signal
	}{{"fast shutdown", syscall.SIGINT}, {"crash", syscall.SIGQUIT}} {
		lives := len(in.log.Grep("session cache live"))
		if lives == 0 {
			t.Errorf("the session cache was not live before the %s", outage.name)
		}
		before := acked(snapshot(), time.Time{})
		downAt := time.Now()
		pg.stop(outage.sig)
		for range 2 {
			time.Sleep(time.Second)
			if in.exited() {
				stopLoad()
				t.Fatalf("the instance died with the database: %v", in.err)
			}
			r, err := call(context.Background(), in.url, http.MethodGet, "/readyz", "", "", nil)
			if err != nil || r.Code != 503 || r.err().Code == "" {
				t.Errorf("/readyz while the database is down (%s) = %v %v, want a JSON 503", outage.name, r, err)
			}
			if r, err := call(context.Background(), in.url, http.MethodGet, "/healthz", "", "", nil); err != nil || r.Code != 200 {
				t.Errorf("/healthz while the database is down = %v %v, want 200 (the process is up)", r, err)
			}
		}
		pg.run()
		upAt := time.Now() // accepting connections again
		var recovered time.Time
		for deadline := upAt.Add(10 * time.Second); recovered.IsZero() && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			for _, o := range snapshot() {
				if o.start.After(upAt) && o.code == 201 {
					recovered = o.end
					break
				}
			}
		}
		if recovered.IsZero() {
			stopLoad()
			t.Fatalf("%s: no write succeeded within 10 s of PostgreSQL accepting connections again", outage.name)
		}
		time.Sleep(time.Second)
		if r, err := call(context.Background(), in.url, http.MethodGet, "/readyz", "", "", nil); err != nil || r.Code != 200 {
			t.Errorf("/readyz after recovery = %v %v", r, err)
		}
		// The session cache was emptied and bypassed when its notification connection went down with the
		// database, and is live again on a new one.
		if len(in.log.Grep("session cache bypassed")) == 0 {
			t.Errorf("%s: the session cache was not bypassed when its connection was lost", outage.name)
		}
		for deadline := time.Now().Add(10 * time.Second); len(in.log.Grep("session cache live")) <= lives; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Errorf("%s: the session cache did not listen again within 10 s of recovery", outage.name)
				break
			}
		}
		t.Logf("%s after %d acknowledged writes: database down %v; first write acknowledged %v after it accepted connections; %d acknowledged since",
			outage.name, before, upAt.Sub(downAt).Round(time.Millisecond), recovered.Sub(upAt).Round(time.Millisecond), acked(snapshot(), upAt))
	}
	stopLoad()

	// Every response was a success or a JSON 503; count them.
	all := snapshot()
	var ok, unavailable, other int
	var slowest time.Duration
	var samples []string
	var ids []int64
	for _, o := range all {
		slowest = max(slowest, o.end.Sub(o.start))
		switch {
		case o.code == 201 && o.id > 0:
			ok++
			ids = append(ids, o.id)
		case o.code == 503 && o.errCode != "" && strings.Contains(o.body, `"message"`):
			unavailable++
		default:
			other++
			if len(samples) < 10 {
				samples = append(samples, fmt.Sprintf("%d %v %.300s", o.code, o.err, o.body))
			}
		}
	}
	t.Logf("%d writes: %d acknowledged, %d answered 503, %d other; slowest answer %v",
		len(all), ok, unavailable, other, slowest.Round(time.Millisecond))
	codes := map[string]int{}
	for _, o := range all {
		if o.code == 503 {
			codes[o.errCode]++
		}
	}
	t.Logf("503 codes: %v", codes)
	if other > 0 {
		t.Errorf("%d answers were neither a success nor a JSON 503, e.g.:\n%s", other, strings.Join(samples, "\n"))
		if lines := in.log.Grep(`msg="internal error"`); len(lines) > 0 {
			t.Errorf("the instance logged:\n%s", strings.Join(lines[:min(10, len(lines))], "\n"))
		}
	}
	if unavailable == 0 {
		t.Errorf("no request was answered 503: the load did not reach the outage")
	}
	if in.exited() {
		t.Fatalf("the instance exited: %v", in.err)
	}
	if lines := in.log.Grep("panic"); len(lines) > 0 {
		t.Errorf("the instance logged panics:\n%s", strings.Join(lines[:min(5, len(lines))], "\n"))
	}

	// No acknowledged write was lost.
	db, err := sql.Open("pgx", vars["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT id FROM hazards")
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int64]bool{}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		stored[id] = true
	}
	rows.Close()
	var lost []int64
	for _, id := range ids {
		if !stored[id] {
			lost = append(lost, id)
		}
	}
	sort.Slice(lost, func(i, j int) bool { return lost[i] < lost[j] })
	if len(lost) > 0 {
		t.Errorf("%d acknowledged writes are not in the database: %v", len(lost), lost)
	}
	t.Logf("all %d acknowledged writes are in the database (%d rows in all)", len(ids), len(stored))

	if err := in.stop(); err != nil {
		t.Error(err)
	}
}
