//go:build linux

package cluster

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"yqyb/internal/tools/demo"
)

// write is one acknowledged write of the drill's load: a hazard reported or an inspection submitted.
type write struct {
	kind string // "hazard", "inspection"
	id   int64
	at   time.Time // when the answer arrived: the write committed before
}

// requireTool skips a drill whose tool is missing, or fails it in CI (CI=true or YQYB_REQUIRE_PG=1).
func requireTool(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("required in CI but unavailable: %s", fmt.Sprintf(format, args...))
	}
	skipOrFail(t, format, args...)
}

// backrest runs pgBackRest as the server's user with the drill's configuration.
type backrest struct {
	t    *testing.T
	pg   *privatePG
	bin  string
	conf string
}

func (b backrest) run(timeout time.Duration, args ...string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.bin, append([]string{"--config=" + b.conf, "--stanza=yqyb"}, args...)...)
	cmd.Dir = b.pg.dir
	cmd.Env = baseEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: b.pg.cred}
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.t.Fatalf("pgbackrest %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// shippedConf reads deploy/pgbackrest/pgbackrest.conf and sets the options of set, section by section
// (replacing an option the file has, adding one it has not).
func shippedConf(t *testing.T, set map[string]map[string]string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "deploy", "pgbackrest", "pgbackrest.conf"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	section := ""
	flush := func() {
		keys := slices.Sorted(maps.Keys(set[section]))
		for _, k := range keys {
			out = append(out, k+"="+set[section][k])
		}
		delete(set, section)
	}
	for _, line := range strings.Split(string(b), "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "[") {
			flush()
			section = strings.Trim(l, "[]")
		} else if k, _, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
			if v, ok := set[section][k]; ok {
				line = k + "=" + v
				delete(set[section], k)
			}
		}
		out = append(out, line)
	}
	flush()
	if len(set) > 0 {
		t.Fatalf("deploy/pgbackrest/pgbackrest.conf has no section for %v", set)
	}
	return strings.Join(out, "\n")
}

// TestRestoreDrill is the runbook of deploy/README.md followed once end to end, on a private PostgreSQL
// with WAL archiving by pgBackRest to an encrypted local repository: write hazards and inspections through
// the server under load, take a full backup, keep writing, make a mistake (delete an enterprise's hazards),
// restore to the instant before the mistake, start the server on the restored database, and prove that
// every write acknowledged before that instant is there and the mistake is not; then `yqyb fsck`. It logs
// the recovery point (the writes lost) and the recovery time (from the decision to restore to the server
// answering again).
func TestRestoreDrill(t *testing.T) {
	t.Parallel()
	if _, err := pgBinDir(); err != nil {
		requireTool(t, "restore drill needs the PostgreSQL server binaries: %v", err)
	}
	brBin, err := exec.LookPath("pgbackrest")
	if err != nil {
		requireTool(t, "restore drill needs pgBackRest (apt-get install pgbackrest): %v", err)
	}
	pg := initPrivatePG(t)
	br := backrest{t: t, pg: pg, bin: brBin, conf: filepath.Join(pg.dir, "pgbackrest.conf")}
	repo := filepath.Join(pg.dir, "repo")
	// The shipped configuration (deploy/pgbackrest/pgbackrest.conf) with the paths of this test.
	conf := shippedConf(t, map[string]map[string]string{
		"global": {"repo1-path": repo, "repo1-cipher-pass": randomHex(24), "lock-path": filepath.Join(pg.dir, "lock"),
			"log-level-console": "warn", "log-level-file": "off"},
		"yqyb": {"pg1-path": pg.data(), "pg1-port": strconv.Itoa(pg.port), "pg1-socket-path": pg.dir, "pg1-user": "postgres",
			"pg1-database": "postgres"},
	})
	if err := os.WriteFile(br.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{repo, filepath.Join(pg.dir, "lock")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			t.Fatal(err)
		}
		if pg.cred != nil {
			if err := os.Chown(d, int(pg.cred.Uid), int(pg.cred.Gid)); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The primary's archiving, as in deploy/: every WAL segment to the repository, and a segment at least
	// every archive_timeout, which bounds what the loss of the primary's disk costs.
	pg.settings = []string{"wal_level=replica", "archive_mode=on", "archive_timeout=60",
		fmt.Sprintf("archive_command=%s --config=%s --stanza=yqyb archive-push %%p", brBin, br.conf)}
	pg.run()
	br.run(time.Minute, "stanza-create")
	br.run(time.Minute, "check")

	bin := binary(t)
	dir := t.TempDir()
	vars := serveVars(pg.createDB("yqyb"), 10, map[string]string{"YQYB_DATA_DIR": filepath.Join(dir, "data")})
	in := startSeeded(t, bin, vars)
	slow := 2 * time.Minute // a backup or a restore
	// YQYB_DRILL_SCALE=0.1 adds a generated data set (yqyb generate --scale: 10,000 enterprises at 0.1)
	// before the backup, for the recovery figures of a city-sized database.
	if scale := os.Getenv("YQYB_DRILL_SCALE"); scale != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		gen := exec.CommandContext(ctx, bin, "generate", "--scale", scale, "--force", "--jobs", "2")
		gen.Env = envOf(vars)
		start := time.Now()
		out, err := gen.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("yqyb generate --scale %s: %v\n%s", scale, err, out)
		}
		t.Logf("generated data set (--scale %s) in %v:\n%s", scale, time.Since(start).Round(time.Second), out)
		slow = 20 * time.Minute
	}
	db, err := sql.Open("pgx", vars["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()

	// The mall's standard from its template, and daily checklists for the forklift driver: each is one
	// inspection to start and submit today.
	admin := in.login(t, "", demo.MallName, pw)
	r := in.do(t, http.MethodPost, "/api/v1/standard", admin.AccessToken, "", map[string]any{"from_template": true})
	var std struct {
		Categories []struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
		} `json:"categories"`
	}
	if r.Code != 201 || json.Unmarshal(r.Body, &std) != nil {
		t.Fatalf("standard = %s", r)
	}
	var items []int64 // 30 items a checklist, as the load test's
	for _, c := range std.Categories {
		for _, it := range c.Items {
			if len(items) < 30 {
				items = append(items, it.ID)
			}
		}
	}
	if len(items) < 30 {
		t.Fatalf("the template standard has %d items, want 30", len(items))
	}
	var mall, forkliftPost int64
	if err := db.QueryRow(`SELECT p.enterprise_id, p.id FROM posts p JOIN enterprises e ON e.id = p.enterprise_id
		WHERE e.name = $1 AND p.name = '叉车司机'`, demo.MallName).Scan(&mall, &forkliftPost); err != nil {
		t.Fatal(err)
	}
	const checklists = 80
	var lists []int64
	for k := range checklists {
		r := in.do(t, http.MethodPost, "/api/v1/checklists", admin.AccessToken, "", map[string]any{"post_id": forkliftPost,
			"name": fmt.Sprintf("叉车点检%02d", k), "frequency": "daily", "item_ids": items})
		var cl struct {
			ID int64 `json:"id"`
		}
		if r.Code != 201 || json.Unmarshal(r.Body, &cl) != nil {
			t.Fatalf("checklist = %s", r)
		}
		lists = append(lists, cl.ID)
	}
	forklift := in.login(t, "", demo.MallForklift, pw)

	var (
		mu     sync.Mutex
		writes []write
		failed []string
		stop   = make(chan struct{})
		wg     sync.WaitGroup
	)
	ack := func(kind string, id int64) {
		mu.Lock()
		writes = append(writes, write{kind: kind, id: id, at: time.Now()})
		mu.Unlock()
	}
	fail := func(what string, r resp, err error) {
		mu.Lock()
		failed = append(failed, fmt.Sprintf("%s: %v %v", what, r, err))
		mu.Unlock()
	}
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	report := func(w, k int) {
		r, err := call(context.Background(), in.url, http.MethodPost, "/api/v1/hazards", admin.AccessToken, "",
			map[string]any{"subject": fmt.Sprintf("演练隐患%d-%d", w, k), "description": "恢复演练期间登记", "grade_code": "C"})
		var b struct {
			ID int64 `json:"id"`
		}
		if err != nil || r.Code != 201 || json.Unmarshal(r.Body, &b) != nil || b.ID == 0 {
			fail("hazard", r, err)
			return
		}
		ack("hazard", b.ID)
	}
	inspect := func(cl int64) {
		r, err := call(context.Background(), in.url, http.MethodPost, fmt.Sprintf("/api/v1/my/checklists/%d/inspection", cl), forklift.AccessToken, "", nil)
		var d struct {
			ID      int64 `json:"id"`
			Answers []struct {
				ItemID int64 `json:"item_id"`
			} `json:"answers"`
		}
		if err != nil || r.Code != 200 || json.Unmarshal(r.Body, &d) != nil {
			fail("start inspection", r, err)
			return
		}
		var answers []map[string]any
		for _, a := range d.Answers {
			answers = append(answers, map[string]any{"item_id": a.ItemID, "result": "ok"})
		}
		r, err = call(context.Background(), in.url, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", d.ID), forklift.AccessToken, "",
			map[string]any{"answers": answers})
		if err != nil || r.Code != 200 {
			fail("submit inspection", r, err)
			return
		}
		ack("inspection", d.ID)
	}

	// WAL per write, for the backup size per day (README): inspections alone, then hazard reports alone.
	lsn := func() int64 {
		var n int64
		if err := db.QueryRow("SELECT (pg_current_wal_lsn() - '0/0')::bigint").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const sampleInspections, sampleHazards = 10, 200
	l0 := lsn()
	for _, cl := range lists[:sampleInspections] {
		inspect(cl)
	}
	l1 := lsn()
	var sample sync.WaitGroup
	for w := range 4 {
		sample.Add(1)
		go func() {
			defer sample.Done()
			for k := range sampleHazards / 4 {
				report(w, -1-k)
			}
		}()
	}
	sample.Wait()
	l2 := lsn()
	if len(failed) > 0 {
		t.Fatalf("%d writes failed, e.g. %s", len(failed), failed[0])
	}
	walInspection, walHazard := (l1-l0)/sampleInspections, (l2-l1)/sampleHazards
	t.Logf("WAL per write: %.1f kB an inspection (start and submit, 30 items), %.1f kB a hazard report", float64(walInspection)/1024, float64(walHazard)/1024)

	// The load: four clients reporting hazards, one forklift driver starting and submitting inspections.
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; !stopped(); k++ {
				report(w, k)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, cl := range lists[sampleInspections:] {
			if stopped() {
				return
			}
			inspect(cl)
			time.Sleep(50 * time.Millisecond)
		}
	}()
	stopLoad := func() {
		close(stop)
		wg.Wait()
	}
	count := func(from, to time.Time) (n int) {
		mu.Lock()
		defer mu.Unlock()
		for _, w := range writes {
			if w.at.After(from) && !w.at.After(to) {
				n++
			}
		}
		return n
	}

	// A full backup under the load (the differential ones of the schedule restore the same way), then more
	// writes that only the archived WAL holds.
	time.Sleep(2 * time.Second)
	backupStart := time.Now()
	br.run(slow, "backup", "--type=full")
	backupTook := time.Since(backupStart)
	var dbSize int64
	if err := db.QueryRow("SELECT pg_database_size('yqyb')").Scan(&dbSize); err != nil {
		t.Fatal(err)
	}
	t.Logf("full backup of a %d MB database under load in %v:\n%s", dbSize>>20, backupTook.Round(time.Millisecond), br.run(time.Minute, "info"))
	time.Sleep(3 * time.Second)

	// The mistake: an operator deletes the mall's hazards by hand. The target is the instant before it.
	target := time.Now()
	time.Sleep(20 * time.Millisecond)
	// One statement, so its three deletes see the same snapshot while the load goes on.
	res, err := db.Exec(`WITH s AS (DELETE FROM supervisions WHERE enterprise_id = $1),
		e AS (DELETE FROM hazard_events WHERE enterprise_id = $1)
		DELETE FROM hazards WHERE enterprise_id = $1`, mall)
	if err != nil {
		t.Fatal(err)
	}
	deleted, _ := res.RowsAffected()
	mistakeAt := time.Now()
	time.Sleep(time.Second) // the load goes on a moment before anybody notices
	stopLoad()
	if len(failed) > 0 {
		t.Fatalf("%d writes failed before the restore, e.g. %s", len(failed), failed[0])
	}
	before := count(time.Time{}, target)
	t.Logf("load: %d writes acknowledged before the target (%d after the backup started), %d after it; the mistake deleted %d hazards",
		before, count(backupStart, target), count(target, time.Now()), deleted)
	if deleted == 0 || count(backupStart.Add(backupTook), target) == 0 {
		t.Fatalf("nothing to prove: %d hazards deleted, %d writes between the backup and the target", deleted, count(backupStart.Add(backupTook), target))
	}

	// The runbook: archive the WAL still on the primary (check switches segments and waits for them), stop
	// the instances and the database, restore to the target, let it promote, start the instances again.
	decided := time.Now()
	br.run(time.Minute, "check")
	if err := in.stop(); err != nil {
		t.Error(err)
	}
	db.Close()
	pg.stop(syscall.SIGINT)
	restoreStart := time.Now()
	targetText := target.UTC().Format("2006-01-02 15:04:05.000000") + "+00"
	br.run(slow, "restore", "--delta", "--type=time", "--target="+targetText, "--target-action=promote")
	restoreTook := time.Since(restoreStart)
	pg.run()
	if db, err = sql.Open("pgx", vars["DATABASE_URL"]); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(slow); ; time.Sleep(100 * time.Millisecond) {
		var recovering bool
		if err := db.QueryRow("SELECT pg_is_in_recovery()").Scan(&recovering); err == nil && !recovering {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the restored database did not leave recovery within a minute:\n%s", pg.proc.log.Tail(30))
		}
	}
	promoted := time.Now()
	in2 := startServe(t, bin, "restored instance", vars)
	in2.waitReady(t, 30*time.Second)
	serving := time.Now()

	// Every write acknowledged before the target is there, the mistake is not.
	present := map[string]map[int64]bool{"hazard": {}, "inspection": {}}
	rows, err := db.Query(`SELECT 'hazard', id FROM hazards WHERE enterprise_id = $1
		UNION ALL SELECT 'inspection', id FROM inspections WHERE enterprise_id = $1 AND status = 'submitted'`, mall)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var kind string
		var id int64
		if err := rows.Scan(&kind, &id); err != nil {
			t.Fatal(err)
		}
		present[kind][id] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	var lost []write
	var newest time.Time
	after := 0
	for _, w := range writes {
		switch {
		case !w.at.After(target) && !present[w.kind][w.id]:
			lost = append(lost, w)
		case !w.at.After(target):
			if w.at.After(newest) {
				newest = w.at
			}
		case present[w.kind][w.id]:
			after++ // committed between the target and the answer: restored, as it should be
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d writes acknowledged before the target are not in the restored database, e.g. %+v", len(lost), lost[:min(5, len(lost))])
	}
	if len(present["hazard"]) == 0 {
		t.Errorf("the restored database has no hazards of the mall: the mistake was restored too")
	}
	var hazardsAfter int64
	if err := db.QueryRow(`SELECT count(*) FROM hazards WHERE enterprise_id = $1 AND subject LIKE '演练隐患%'`, mall).Scan(&hazardsAfter); err != nil {
		t.Fatal(err)
	}
	// The server answers from the restored database: the ledger through the API counts the same.
	admin = in2.login(t, "", demo.MallName, pw)
	r = in2.do(t, http.MethodGet, "/api/v1/hazards?page_size=1&q="+url.QueryEscape("演练隐患"), admin.AccessToken, "", nil)
	var page struct {
		Total int64 `json:"total"`
	}
	if r.Code != 200 || json.Unmarshal(r.Body, &page) != nil || page.Total != hazardsAfter {
		t.Errorf("GET /api/v1/hazards on the restored server = %s, want a total of %d", r, hazardsAfter)
	}
	// It takes writes: the restored database was promoted, not left read-only in recovery.
	if r := in2.do(t, http.MethodPost, "/api/v1/hazards", admin.AccessToken, "", map[string]any{"subject": "恢复后登记",
		"description": "恢复后的第一条隐患", "grade_code": "C"}); r.Code != 201 {
		t.Errorf("a write on the restored server = %s", r)
	}
	// The files agree with the restored database (the runbook's last step).
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	fsck := exec.CommandContext(ctx, bin, "fsck")
	fsck.Env = envOf(vars)
	if out, err := fsck.CombinedOutput(); os.Getenv("YQYB_DRILL_SCALE") != "" {
		// The generated data set's responsibility documents are rows without objects (generate writes rows only).
		t.Logf("yqyb fsck on the generated data set: %v, %d lines of report", err, strings.Count(string(out), "\n"))
	} else if err != nil {
		t.Errorf("yqyb fsck after the restore: %v\n%s", err, out)
	}

	var repoBytes int64
	filepath.Walk(repo, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			repoBytes += info.Size()
		}
		return nil
	})
	t.Logf("recovery point: restored to %s, %v before the mistake; the newest acknowledged write restored was answered %v before the target; "+
		"%d acknowledged writes before the target, none lost (%d answered after it were restored too); %d hazards of the mall restored (the mistake had deleted %d)",
		targetText, mistakeAt.Sub(target).Round(time.Millisecond), target.Sub(newest).Round(time.Millisecond), before, after, len(present["hazard"]), deleted)
	t.Logf("recovery time: %v from the decision to the server answering (WAL pushed and stopped %v, pgbackrest restore %v, replay and promotion %v, server ready %v); "+
		"full backup under load took %v; repository %d kB (encrypted, zstd)",
		serving.Sub(decided).Round(time.Millisecond), restoreStart.Sub(decided).Round(time.Millisecond), restoreTook.Round(time.Millisecond),
		promoted.Sub(restoreStart.Add(restoreTook)).Round(time.Millisecond), serving.Sub(promoted).Round(time.Millisecond),
		backupTook.Round(time.Millisecond), repoBytes/1024)
	// The runbook's last database step: a full backup of the new timeline, at once.
	br.run(slow, "backup", "--type=full")
	if info := br.run(time.Minute, "info"); !strings.Contains(info, "status: ok") || strings.Count(info, "full backup:") < 2 {
		t.Errorf("pgbackrest info after the restore and the new full backup:\n%s", info)
	}
	if err := in2.stop(); err != nil {
		t.Error(err)
	}
}
