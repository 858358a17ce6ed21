package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	vegeta "github.com/tsenart/vegeta/v12/lib"
	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/platform/testproc"
)

const (
	loadDB     = "yqyb_bench_load"
	pgbenchDB  = "yqyb_bench_pgbench"
	password   = "Demo@2026"    // demo.DemoPassword
	mallAdmin  = "北京朝阳示范商场有限公司" // demo.MallName: the enterprise admin logs in by the enterprise's name
	regulator  = "朝阳区安监局"       // demo.ChaoyangReg: the mall's district
	readers    = 64             // post users whose checklist list is read, 3 daily checklists each
	submitters = 200            // posts whose checklists are submitted
)

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func envInt(t *testing.T, name string, def int) int {
	v, err := strconv.Atoi(env(name, strconv.Itoa(def)))
	if err != nil || v <= 0 {
		t.Fatalf("%s: a positive number, not %q", name, os.Getenv(name))
	}
	return v
}

// TestLoadScenario is `make bench`. See the package comment.
func TestLoadScenario(t *testing.T) {
	if os.Getenv("YQYB_LOAD") != "1" {
		t.Skip("the load scenario runs with YQYB_LOAD=1 (make bench)")
	}
	ctx := context.Background()
	pgBase := strings.TrimRight(env("YQYB_LOAD_PG", "postgres://postgres@127.0.0.1:5432"), "/")
	dbURL := pgBase + "/" + loadDB + "?sslmode=disable"
	bin := env("YQYB_LOAD_BIN", "")
	if bin == "" {
		root, err := filepath.Abs("../../..")
		if err != nil {
			t.Fatal(err)
		}
		bin = filepath.Join(root, "bin", "yqyb")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("the binary is missing (make build): %v", err)
	}
	duration, err := time.ParseDuration(env("YQYB_LOAD_DURATION", "10s"))
	if err != nil {
		t.Fatal(err)
	}
	conns := envInt(t, "YQYB_LOAD_CONNS", 64)
	nSubmit := envInt(t, "YQYB_LOAD_SUBMISSIONS", 12000)
	nSubmitHazards := envInt(t, "YQYB_LOAD_HAZARD_SUBMISSIONS", 8000)
	nHazards := envInt(t, "YQYB_LOAD_HAZARDS", 3000)
	pgbench := findPgbench(t)
	t.Logf("machine: %d CPUs, load average at start %s", runtime.NumCPU(), loadavg())

	// A fresh database with the schema and the demo scenario.
	recreate(t, ctx, pgBase, loadDB)
	data := t.TempDir()
	baseEnv := append(os.Environ(), "DATABASE_URL="+dbURL, "YQYB_DATA_DIR="+data, "YQYB_ENV=development", "YQYB_LOG_LEVEL=warn")
	for _, args := range [][]string{{"migrate", "up"}, {"seed"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = baseEnv
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("yqyb %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	// The server, as production would run it but in development mode (for the jobs endpoint).
	addr := testproc.FreeAddr(t)
	base := "http://" + addr
	srv := exec.Command(bin, "serve", "--addr", addr)
	pool := env("YQYB_LOAD_POOL", "40")
	// YQYB_BENCH_FLOOR: the bare authenticated route every endpoint is measured against.
	srv.Env = append(baseEnv, "YQYB_BENCH_FLOOR=true", "YQYB_LOGIN_RATE_PER_MINUTE=0", "YQYB_DB_MAX_OPEN_CONNS="+pool, "YQYB_DB_MAX_IDLE_CONNS="+pool)
	// YQYB_LOAD_PROFILE=DIR keeps a CPU profile of the server per endpoint (go tool pprof bin/yqyb DIR/x.pprof).
	prof := observer{dir: os.Getenv("YQYB_LOAD_PROFILE"), du: duration}
	if prof.dir != "" {
		prof.addr = testproc.FreeAddr(t)
		srv.Env = append(srv.Env, "YQYB_PPROF_ADDR="+prof.addr)
		must(t, os.MkdirAll(prof.dir, 0o755))
	}
	var srvLog testproc.Log
	srv.Stdout, srv.Stderr = &srvLog, &srvLog
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	prof.pid = srv.Process.Pid
	if prof.pg = postmasterPID(ctx, t, dbURL); prof.pg == 0 {
		t.Logf("PostgreSQL's processes are not visible from here: the table leaves its CPU column out")
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		srv.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(40 * time.Second):
			srv.Process.Kill()
			<-done
		}
	}
	defer func() {
		stop()
		if t.Failed() {
			t.Logf("server log (tail):\n%s", srvLog.Tail(40))
		}
	}()
	c := &client{t: t, base: base, http: &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	waitReady(t, c)

	// Fixture (untimed).
	t0 := time.Now()
	fx := buildFixture(t, ctx, c, dbURL, nSubmit, nSubmitHazards, nHazards)
	t.Logf("fixture: %d post users on %d posts, %d+%d inspections started, %d hazards, statistics refreshed (%s)",
		len(fx.logins), len(fx.logins), len(fx.submits), len(fx.hazardSubmits), nHazards, time.Since(t0).Round(time.Second))

	// The attacks, one endpoint after the other.
	t.Logf("load average before the attacks %s", loadavg())
	var rows []row
	var li atomic.Uint64
	loginBodies := make([][]byte, len(fx.logins))
	for i, u := range fx.logins {
		loginBodies[i], _ = json.Marshal(map[string]string{"mode": "personal", "username": u, "password": password})
	}
	jsonHdr := http.Header{"Content-Type": []string{"application/json"}}
	rows = append(rows, attack(t, prof, "POST /api/v1/auth/login (post user)", conns, duration, func(tg *vegeta.Target) error {
		i := li.Add(1) - 1
		*tg = vegeta.Target{Method: http.MethodPost, URL: base + "/api/v1/auth/login", Body: loginBodies[int(i%uint64(len(loginBodies)))], Header: jsonHdr}
		return nil
	}))
	// The floor: the same binary's bare authenticated route (token, session check, the post user's page's
	// permission check, 204), with the same post users' tokens.
	var fi atomic.Uint64
	rows = append(rows, attack(t, prof, floorName, conns, duration, func(tg *vegeta.Target) error {
		i := fi.Add(1) - 1
		*tg = vegeta.Target{Method: http.MethodGet, URL: base + "/api/v1/dev/floor", Header: bearer(fx.readerTokens[int(i%uint64(len(fx.readerTokens)))])}
		return nil
	}))
	var ri atomic.Uint64
	rows = append(rows, attack(t, prof, "GET /api/v1/my/inspections", conns, duration, func(tg *vegeta.Target) error {
		i := ri.Add(1) - 1
		*tg = vegeta.Target{Method: http.MethodGet, URL: base + "/api/v1/my/inspections", Header: bearer(fx.readerTokens[int(i%uint64(len(fx.readerTokens)))])}
		return nil
	}))
	var si atomic.Uint64
	submitRow := attack(t, prof, "POST /api/v1/inspections/:id/submit (30 items)", conns, duration, func(tg *vegeta.Target) error {
		i := si.Add(1) - 1
		if i >= uint64(len(fx.submits)) {
			return vegeta.ErrNoTargets
		}
		s := fx.submits[i]
		h := bearer(s.token)
		h.Set("Content-Type", "application/json")
		*tg = vegeta.Target{Method: http.MethodPost, URL: fmt.Sprintf("%s/api/v1/inspections/%d/submit", base, s.id), Body: fx.answers, Header: h}
		return nil
	})
	if submitRow.requests >= len(fx.submits) {
		submitRow.note = fmt.Sprintf("ran out of started inspections after %s (raise YQYB_LOAD_SUBMISSIONS)", submitRow.took.Round(time.Millisecond))
	}
	rows = append(rows, submitRow)
	// The same with 1–5 items answered 隐患 (3 on average): each registers a hazard with the enterprise's next
	// gapless code, so the submissions of one enterprise queue on its counter's row until they commit.
	var hi atomic.Uint64
	hazardRow := attack(t, prof, hazardSubmitName, conns, duration, func(tg *vegeta.Target) error {
		i := hi.Add(1) - 1
		if i >= uint64(len(fx.hazardSubmits)) {
			return vegeta.ErrNoTargets
		}
		s := fx.hazardSubmits[i]
		h := bearer(s.token)
		h.Set("Content-Type", "application/json")
		*tg = vegeta.Target{Method: http.MethodPost, URL: fmt.Sprintf("%s/api/v1/inspections/%d/submit", base, s.id),
			Body: fx.hazardAnswers[i%uint64(len(fx.hazardAnswers))], Header: h}
		return nil
	})
	if hazardRow.requests >= len(fx.hazardSubmits) {
		hazardRow.note = fmt.Sprintf("ran out of started inspections after %s (raise YQYB_LOAD_HAZARD_SUBMISSIONS)", hazardRow.took.Round(time.Millisecond))
	}
	rows = append(rows, hazardRow)
	rows = append(rows, attack(t, prof, "GET /api/v1/hazards?page=1&page_size=20", conns, duration, func(tg *vegeta.Target) error {
		*tg = vegeta.Target{Method: http.MethodGet, URL: base + "/api/v1/hazards?page=1&page_size=20", Header: bearer(fx.adminToken)}
		return nil
	}))
	rows = append(rows, attack(t, prof, "GET /api/v1/regulator/dashboard", conns, duration, func(tg *vegeta.Target) error {
		*tg = vegeta.Target{Method: http.MethodGet, URL: base + "/api/v1/regulator/dashboard", Header: bearer(fx.regulatorToken)}
		return nil
	}))
	t.Logf("load average after the attacks %s", loadavg())

	// Every acknowledged submission is in the database.
	var submitted int
	conn := connect(t, ctx, dbURL)
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM inspections WHERE status = 'submitted' AND checklist_id IN
		(SELECT id FROM checklists WHERE name LIKE '压测清单%')`).Scan(&submitted); err != nil {
		t.Fatal(err)
	}
	if ok := submitRow.requests - submitRow.errors + hazardRow.requests - hazardRow.errors; submitted < ok {
		t.Errorf("%d submissions acknowledged, %d submitted in the database", ok, submitted)
	}
	// The hazards' codes stay gapless per enterprise and year: as many codes as the highest number.
	var codes, top int
	if err := conn.QueryRow(ctx, `SELECT count(*), COALESCE(max(substring(code from '[0-9]+$')::int), 0) FROM hazards
		WHERE enterprise_id = (SELECT id FROM enterprises WHERE name = $1) AND code LIKE 'YH-' || $2 || '-%'`,
		mallAdmin, strconv.Itoa(time.Now().In(time.FixedZone("CST", 8*3600)).Year())).Scan(&codes, &top); err != nil {
		t.Fatal(err)
	}
	if codes != top {
		t.Errorf("hazard codes have gaps: %d codes up to number %d", codes, top)
	}
	conn.Close(ctx)
	stop()

	// The ceiling: PostgreSQL's select-only rate on the same machine, with the same 64 clients.
	ceiling, pgLat, pgCPU, pgTxs := runPgbench(t, ctx, pgbench, pgBase, prof.pg, conns, duration)
	t.Logf("load average after pgbench %s", loadavg())

	printTable(t, rows, ceiling, pgLat, pgCPU, pgTxs, conns, duration)
}

// hazardSubmitName is the row of submissions that register hazards.
const hazardSubmitName = "POST /api/v1/inspections/:id/submit (30 items, 1–5 隐患)"

// floorName is the row of the bench floor (api.mountBenchFloor).
const floorName = "GET /api/v1/dev/floor (floor: JWT, session, permission)"

// Goals of issue 16 as shares of the floor, by endpoint; p99 too for the post user's page.
var floorGoals = map[string]struct {
	share float64
	p99   time.Duration
}{
	"GET /api/v1/my/inspections":              {0.6, 25 * time.Millisecond},
	"GET /api/v1/hazards?page=1&page_size=20": {0.3, 0},
	"GET /api/v1/regulator/dashboard":         {0.3, 0},
}

// fixture is what the attacks use.
type fixture struct {
	logins         []string // post users' login names
	readerTokens   []string
	adminToken     string
	regulatorToken string
	submits        []submitTarget
	answers        []byte // the same 30 answers fit every started inspection
	hazardSubmits  []submitTarget
	hazardAnswers  [][]byte // the same with the first 1, 2, … 5 items answered 隐患
}

type submitTarget struct {
	id    int64
	token string
}

func buildFixture(t *testing.T, ctx context.Context, c *client, dbURL string, nSubmit, nSubmitHazards, nHazards int) fixture {
	var fx fixture
	admin := c.login(mallAdmin)
	// The mall's standard from its template; the first 30 general items make every checklist.
	var std struct {
		Categories []struct {
			Items []struct {
				ID      int64 `json:"id"`
				IsMajor bool  `json:"is_major"`
			} `json:"items"`
		} `json:"categories"`
	}
	c.must(http.MethodPost, "/api/v1/standard", admin, map[string]any{"from_template": true}, http.StatusCreated, &std)
	var items []int64
	for _, cat := range std.Categories {
		for _, it := range cat.Items {
			if !it.IsMajor && len(items) < 30 {
				items = append(items, it.ID)
			}
		}
	}
	if len(items) < 30 {
		t.Fatalf("the template has %d general items", len(items))
	}
	answers := make([]map[string]any, len(items))
	for i, id := range items {
		answers[i] = map[string]any{"item_id": id, "result": "ok"}
	}
	fx.answers, _ = json.Marshal(map[string]any{"answers": answers})
	for k := 1; k <= 5; k++ {
		with := slices.Clone(answers)
		for j := range k {
			with[j] = map[string]any{"item_id": items[j], "result": "hazard", "description": "灭火器压力不足", "grade_code": "C",
				"location": fmt.Sprintf("%d号库房", j+1)}
		}
		b, _ := json.Marshal(map[string]any{"answers": with})
		fx.hazardAnswers = append(fx.hazardAnswers, b)
	}

	// Posts, post users and checklists in bulk SQL, as the product writes them: the users get the demo
	// password's hash and the enterprise's default role, like demo post users.
	perPost := (nSubmit + nSubmitHazards + submitters - 1) / submitters
	conn := connect(t, ctx, dbURL)
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ent, role int64
	var hash string
	must(t, tx.QueryRow(ctx, `SELECT id FROM enterprises WHERE name = $1`, mallAdmin).Scan(&ent))
	must(t, tx.QueryRow(ctx, `SELECT id FROM roles WHERE domain = $1 AND is_system`, fmt.Sprintf("e:%d", ent)).Scan(&role))
	must(t, tx.QueryRow(ctx, `SELECT password_hash FROM users WHERE login_name = '朝阳商场-叉车司机'`).Scan(&hash))
	if cost, err := bcrypt.Cost([]byte(hash)); err == nil {
		t.Logf("password hashes: bcrypt cost %d (the product's default, account.DefaultHasher)", cost)
	}
	group := func(dept, prefix string, posts, lists int) {
		var deptID int64
		must(t, tx.QueryRow(ctx, `INSERT INTO departments (enterprise_id, name, sort_order, created_at, updated_at)
			VALUES ($1, $2, 90, now(), now()) RETURNING id`, ent, dept).Scan(&deptID))
		exec := func(sql string, args ...any) {
			if _, err := tx.Exec(ctx, sql, args...); err != nil {
				t.Fatalf("%s: %v", sql, err)
			}
		}
		exec(`INSERT INTO posts (enterprise_id, department_id, name, status, responsibility_level, default_frequency, sort_order, created_at, updated_at)
			SELECT $1, $2, $3 || lpad(g::text, 4, '0'), 'active', 'high', 'daily', g, now(), now() FROM generate_series(1, $4) g`,
			ent, deptID, prefix+"岗", posts)
		exec(`INSERT INTO users (kind, login_name, display_name, phone, password_hash, must_change_password, enterprise_id, post_id,
				status, token_version, password_origin, created_at, updated_at)
			SELECT 'post_user', '压测-' || p.name, '压测员' || right(p.name, 4), '', $3, false, $1, p.id, 'active', 1, 'chosen', now(), now()
			FROM posts p WHERE p.department_id = $2`, ent, deptID, hash)
		exec(`INSERT INTO casbin_rule (ptype, v0, v1, v2) SELECT 'g', 'u:' || u.id, 'r:' || $3::bigint, 'e:' || $1::bigint
			FROM users u JOIN posts p ON p.id = u.post_id WHERE p.department_id = $2`, ent, deptID, role)
		exec(`INSERT INTO checklists (enterprise_id, post_id, name, frequency, status, created_at, updated_at)
			SELECT $1, p.id, '压测清单' || lpad(k::text, 3, '0'), 'daily', 'active', now(), now()
			FROM posts p CROSS JOIN generate_series(1, $3) k WHERE p.department_id = $2`, ent, deptID, lists)
		exec(`INSERT INTO checklist_items (enterprise_id, checklist_id, item_id, sort_order)
			SELECT c.enterprise_id, c.id, it.item_id, it.ord - 1 FROM checklists c JOIN posts p ON p.id = c.post_id
			CROSS JOIN unnest($2::bigint[]) WITH ORDINALITY AS it(item_id, ord) WHERE p.department_id = $1`, deptID, items)
	}
	group("压测提交部", "压测提交", submitters, perPost)
	group("压测查看部", "压测查看", readers, 3)
	if _, err := tx.Exec(ctx, `UPDATE rbac_domains SET version = version + 1 WHERE domain = $1`, fmt.Sprintf("e:%d", ent)); err != nil {
		t.Fatal(err)
	}
	must(t, tx.Commit(ctx))

	type postLists struct {
		login string
		lists []int64
	}
	load := func(dept string) []postLists {
		rows, err := conn.Query(ctx, `SELECT u.login_name, array_agg(c.id ORDER BY c.id) FROM users u JOIN posts p ON p.id = u.post_id
			JOIN departments d ON d.id = p.department_id JOIN checklists c ON c.post_id = p.id
			WHERE d.name = $1 AND d.enterprise_id = $2 GROUP BY u.login_name ORDER BY u.login_name`, dept, ent)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (postLists, error) {
			var p postLists
			return p, r.Scan(&p.login, &p.lists)
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	subPosts, readPosts := load("压测提交部"), load("压测查看部")

	// Tokens (access tokens last 15 minutes: the attacks follow within a few).
	users := append(slices.Clone(subPosts), readPosts...)
	tokens := make([]string, len(users))
	parallel(t, "log the post users in", 8, len(users), func(i int) (err error) {
		tokens[i], err = c.tryLogin(users[i].login)
		return err
	})
	for i, u := range users {
		fx.logins = append(fx.logins, u.login)
		if i >= len(subPosts) {
			fx.readerTokens = append(fx.readerTokens, tokens[i])
		}
	}
	fx.adminToken = admin
	fx.regulatorToken = c.login(regulator)

	// Start the inspections: the submission posts' (interleaved by post, as users would) and, in each
	// reader's list, the first checklist (a draft beside two not started).
	for k := range perPost {
		for p, pl := range subPosts {
			if len(fx.submits) < nSubmit+nSubmitHazards {
				fx.submits = append(fx.submits, submitTarget{id: pl.lists[k], token: tokens[p]})
			}
		}
	}
	parallel(t, "start the inspections", 16, len(fx.submits), func(i int) error {
		var d struct {
			ID      int64 `json:"id"`
			Answers []any `json:"answers"`
		}
		if err := c.call(http.MethodPost, fmt.Sprintf("/api/v1/my/checklists/%d/inspection", fx.submits[i].id), fx.submits[i].token, nil, http.StatusOK, &d); err != nil {
			return err
		}
		if len(d.Answers) != 30 {
			return fmt.Errorf("inspection %d has %d items", d.ID, len(d.Answers))
		}
		fx.submits[i].id = d.ID // from here on: the inspection, not its checklist
		return nil
	})
	// The first ones are submitted all 合格, the others with 隐患 (grade C, one of the demo scheme's grades).
	fx.submits, fx.hazardSubmits = fx.submits[:nSubmit], fx.submits[nSubmit:]
	parallel(t, "start the readers' inspections", 8, len(readPosts), func(i int) error {
		return c.call(http.MethodPost, fmt.Sprintf("/api/v1/my/checklists/%d/inspection", readPosts[i].lists[0]), tokens[len(subPosts)+i], nil, http.StatusOK, nil)
	})

	// The ledger: hazards reported by the enterprise, mostly general, a few major.
	grades := []string{"C", "C", "C", "B", "B", "C", "D", "C", "B", "C"}
	parallel(t, "report the hazards", 16, nHazards, func(i int) error {
		g := grades[i%len(grades)]
		if i%50 == 0 {
			g = "A"
		}
		return c.call(http.MethodPost, "/api/v1/hazards", admin, map[string]any{"subject": fmt.Sprintf("压测隐患%05d", i),
			"description": "消防通道堆放杂物，影响疏散", "location": fmt.Sprintf("%d号库房", i%40+1), "grade_code": g}, http.StatusCreated, nil)
	})
	c.must(http.MethodPost, "/api/v1/dev/jobs/run", "", nil, http.StatusOK, nil)
	// Planner statistics, as autovacuum would have them a minute after a bulk load: without them PostgreSQL
	// estimates a handful of rows per enterprise and picks plans no production database would run.
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	return fx
}

// row is one endpoint's result.
type row struct {
	name     string
	requests int
	errors   int
	took     time.Duration
	p50, p99 time.Duration
	codes    map[uint16]int
	samples  []string
	cpu      cpuUse // CPU time spent during the attack
	note     string
}

func (r row) rps() float64 { return float64(r.requests) / r.took.Seconds() }

// attack runs one endpoint for the duration with a fixed number of workers, each on its own keep-alive
// connection, as fast as the server answers (rate 0).
func attack(t *testing.T, prof observer, name string, conns int, du time.Duration, tr vegeta.Targeter) row {
	t.Helper()
	// YQYB_LOAD_ONLY=REGEXP runs only the matching endpoints (while working on one of them).
	if only := os.Getenv("YQYB_LOAD_ONLY"); only != "" && !regexp.MustCompile(only).MatchString(name) {
		return row{name: name, note: "skipped (YQYB_LOAD_ONLY)", codes: map[uint16]int{}}
	}
	time.Sleep(time.Second) // let the previous run's connections settle
	defer prof.start(t, name)()
	cpu0 := sampleCPU(prof.pid, prof.pg)
	atk := vegeta.NewAttacker(vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)), vegeta.Connections(conns),
		vegeta.MaxConnections(conns), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second), vegeta.MaxBody(4096))
	r := row{name: name, codes: map[uint16]int{}}
	var lat []time.Duration
	start := time.Now()
	var end time.Time
	for res := range atk.Attack(tr, vegeta.ConstantPacer{}, du, name) {
		if res.Error == vegeta.ErrNoTargets.Error() {
			continue
		}
		r.requests++
		lat = append(lat, res.Latency)
		if e := res.Timestamp.Add(res.Latency); e.After(end) {
			end = e
		}
		r.codes[res.Code]++
		if res.Error != "" || res.Code < 200 || res.Code >= 300 {
			r.errors++
			if len(r.samples) < 3 {
				r.samples = append(r.samples, fmt.Sprintf("%d %s %s", res.Code, res.Error, tail(string(res.Body), 200)))
			}
		}
	}
	r.took = end.Sub(start)
	r.cpu = sampleCPU(prof.pid, prof.pg).since(cpu0)
	if len(lat) > 0 {
		slices.Sort(lat)
		r.p50 = lat[(len(lat)-1)*50/100]
		r.p99 = lat[(len(lat)-1)*99/100]
	}
	t.Logf("%-48s %7d requests in %s, %d errors, status codes %v, load average %s", name, r.requests, r.took.Round(time.Millisecond),
		r.errors, r.codes, loadavg())
	for _, s := range r.samples {
		t.Logf("    e.g. %s", s)
	}
	return r
}

// observer watches the server while an endpoint is under attack: its CPU time (pid) and, when dir is set, a
// CPU profile from its pprof listener (addr).
type observer struct {
	dir, addr string
	du        time.Duration
	pid       int // the server
	pg        int // PostgreSQL's postmaster (0: not visible from here)
}

// start begins a profile covering the middle of the attack and returns a function that waits for it.
func (p observer) start(t *testing.T, name string) func() {
	if p.dir == "" {
		return func() {}
	}
	secs := max(1, int(p.du.Seconds())-2)
	file := filepath.Join(p.dir, strings.Trim(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(strings.ToLower(name), "_"), "_")+".pprof")
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(time.Second)
		resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", p.addr, secs))
		if err != nil {
			t.Errorf("profile %s: %v", name, err)
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err == nil {
			err = os.WriteFile(file, body, 0o644)
		}
		if err != nil {
			t.Errorf("profile %s: %v", name, err)
		}
	}()
	return func() { <-done; t.Logf("CPU profile: %s", file) }
}

// runPgbench initialises a scratch database at scale 10 and measures the select-only rate.
func runPgbench(t *testing.T, ctx context.Context, pgbench, pgBase string, pgPID, conns int, du time.Duration) (float64, string, cpuUse, int) {
	recreate(t, ctx, pgBase, pgbenchDB)
	dsn := pgBase + "/" + pgbenchDB + "?sslmode=disable"
	if out, err := exec.Command(pgbench, "-i", "-s", "10", "-q", dsn).CombinedOutput(); err != nil {
		t.Fatalf("pgbench -i: %v\n%s", err, out)
	}
	cpu0 := sampleCPU(0, pgPID)
	cmd := exec.Command(pgbench, "-S", "-c", strconv.Itoa(conns), "-j", "2", "-T", strconv.Itoa(int(du.Seconds())), dsn)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pgbench -S: %v\n%s", err, out)
	}
	cpu := sampleCPU(0, pgPID).since(cpu0)
	cpu.client = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime() // pgbench is the client here
	txs := 0
	if m := regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`).FindSubmatch(out); m != nil {
		txs, _ = strconv.Atoi(string(m[1]))
	}
	t.Logf("pgbench -S -c %d -j 2 -T %d:\n%s", conns, int(du.Seconds()), strings.TrimSpace(string(out)))
	m := regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no tps in the pgbench output:\n%s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	lat := ""
	if l := regexp.MustCompile(`latency average = ([0-9.]+ ms)`).FindSubmatch(out); l != nil {
		lat = string(l[1])
	}
	conn := connect(t, ctx, pgBase+"/postgres?sslmode=disable")
	defer conn.Close(ctx)
	conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgbenchDB+" WITH (FORCE)")
	return tps, lat, cpu, txs
}

// cpuUse is CPU time spent by the server, by PostgreSQL and by the load generator. pgSeen is false when the
// PostgreSQL server's processes are not visible from here (another host or namespace).
type cpuUse struct {
	app, pg, client time.Duration
	pgSeen          bool
}

func (c cpuUse) since(before cpuUse) cpuUse {
	return cpuUse{c.app - before.app, c.pg - before.pg, c.client - before.client, c.pgSeen && before.pgSeen}
}

// perRequest is the CPU time one request cost, in milliseconds: server, PostgreSQL, client and all together.
func (c cpuUse) perRequest(n int) (app, pg, client, all float64) {
	if n == 0 {
		return 0, 0, 0, 0
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	return ms(c.app), ms(c.pg), ms(c.client), ms(c.app + c.pg + c.client)
}

// postmasterPID finds the PID of the PostgreSQL server behind url from the first line of postmaster.pid in its
// data directory; 0 when that file cannot be read from here (a remote server, or not the same user namespace).
func postmasterPID(ctx context.Context, t *testing.T, url string) int {
	conn := connect(t, ctx, url)
	defer conn.Close(ctx)
	var dir string
	if err := conn.QueryRow(ctx, "SHOW data_directory").Scan(&dir); err != nil {
		return 0
	}
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if pid <= 0 || !procExists(pid) {
		return 0
	}
	return pid
}

func procExists(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err == nil
}

// sampleCPU reads the CPU time used so far by the server (pid; 0 for none), by the PostgreSQL server
// (postmaster pg with its reaped children, so backends that exit during the window still count, plus its live
// children) and by this process.
func sampleCPU(pid, pg int) cpuUse {
	var u cpuUse
	if pid > 0 {
		u.app = procCPU(strconv.Itoa(pid))
	}
	if pg > 0 && procExists(pg) {
		u.pgSeen = true
		u.pg = procCPU(strconv.Itoa(pg))
		if dirs, err := os.ReadDir("/proc"); err == nil {
			for _, d := range dirs {
				if d.Name()[0] < '0' || d.Name()[0] > '9' {
					continue
				}
				if ppid(d.Name()) == pg {
					u.pg += procCPU(d.Name())
				}
			}
		}
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		u.client = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return u
}

// statFields are the fields of /proc/PID/stat after the command name: [0] is field 3 (state).
func statFields(pid string) []string {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return nil
	}
	// The command name may hold spaces and parentheses; the fields that follow the last ')' do not.
	return strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
}

func ppid(pid string) int {
	f := statFields(pid)
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

// procCPU is utime+stime+cutime+cstime of /proc/PID/stat, fields 14-17 (clock ticks of 1/100 s on Linux).
func procCPU(pid string) time.Duration {
	f := statFields(pid)
	var ticks int64
	for _, i := range []int{11, 12, 13, 14} {
		if i < len(f) {
			n, _ := strconv.ParseInt(f[i], 10, 64)
			ticks += n
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

func printTable(t *testing.T, rows []row, ceiling float64, pgLat string, pgCPU cpuUse, pgTxs, conns int, du time.Duration) {
	var b strings.Builder
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	cpus := runtime.NumCPU()
	fmt.Fprintf(&b, "\nLoad scenario: %d concurrent connections per endpoint, %s each, loopback, %d CPUs (load average now %s)\n",
		conns, du, cpus, loadavg())
	fmt.Fprintf(&b, "Ceiling: pgbench -S (select-only, scale 10, %d clients, 2 threads): %.0f tps, latency average %s\n", conns, ceiling, pgLat)
	// CPU per request explains the rates: with everything on one machine, requests per second cannot exceed
	// the CPU time there is (CPUs × 1000 ms) over the CPU time one request takes, server, database and client.
	fmt.Fprintln(&b, "CPU per request: the server, PostgreSQL and the load generator (pgbench for the ceiling), in ms;")
	fmt.Fprintf(&b, "\"bound\" is %d CPUs × 1000 ms ÷ the total, the most this machine could do if nothing else ran.\n\n", cpus)
	floor := 0.0
	for _, r := range rows {
		if r.name == floorName && r.requests > 0 && r.errors == 0 {
			floor = r.rps()
		}
	}
	fmt.Fprintln(&b, "\"× floor\" and \"× ceiling\" are the endpoint's rate over the floor's (the same binary's bare authenticated route,")
	fmt.Fprintln(&b, "GET /api/v1/dev/floor) and over pgbench's, all measured in this run.")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "| endpoint | requests | rps | × floor | × ceiling | p50 | p99 | errors | CPU ms/req server + PG + client = total | bound | goal | met? |")
	fmt.Fprintln(&b, "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|")
	share := func(rps, of float64) string {
		if of == 0 {
			return "—"
		}
		return fmt.Sprintf("%.2f", rps/of)
	}
	cpuCols := func(c cpuUse, n int) string {
		app, pg, client, all := c.perRequest(n)
		if all == 0 {
			return "| — | — "
		}
		if !c.pgSeen {
			return fmt.Sprintf("| %.2f + n/a + %.2f (PostgreSQL not visible from here) | — ", app, client)
		}
		return fmt.Sprintf("| %.2f + %.2f + %.2f = %.2f | %.0f/s ", app, pg, client, all, float64(cpus)*1000/all)
	}
	for _, r := range rows {
		if r.requests == 0 && r.note != "" {
			fmt.Fprintf(&b, "| %s | — | — | — | — | — | — | — | — | — | %s | — |\n", r.name, r.note)
			continue
		}
		goal, met := "", ""
		g, hasGoal := floorGoals[r.name]
		switch {
		case strings.HasPrefix(r.name, "POST /api/v1/auth/login"):
			goal, met = "— (bcrypt cost 10: CPU-bound by design)", "—"
		case r.name == hazardSubmitName:
			goal = "≥ 500/s"
			met = yesNo(r.rps() >= 500 && r.errors == 0)
		case strings.HasPrefix(r.name, "POST /api/v1/inspections/"):
			goal = "≥ 1000/s, p99 < 50 ms"
			met = yesNo(r.rps() >= 1000 && r.p99 < 50*time.Millisecond && r.errors == 0)
		case r.name == floorName:
			goal, met = "— (the floor)", "—"
		case hasGoal:
			goal = fmt.Sprintf("≥ %.1f × floor", g.share)
			ok := floor > 0 && r.rps() >= g.share*floor && r.errors == 0
			if g.p99 > 0 {
				goal += fmt.Sprintf(", p99 < %s", ms(g.p99))
				ok = ok && r.p99 < g.p99
			}
			met = yesNo(ok)
		}
		fmt.Fprintf(&b, "| %s | %d | %.0f | %s | %s | %s | %s | %d %s| %s | %s |\n", r.name, r.requests, r.rps(), share(r.rps(), floor),
			share(r.rps(), ceiling), ms(r.p50), ms(r.p99), r.errors, cpuCols(r.cpu, r.requests), goal, met)
	}
	fmt.Fprintf(&b, "| pgbench -S (ceiling) | %d | %.0f | %s | 1.00 | — | — | — %s| | |\n", pgTxs, ceiling, share(ceiling, floor), cpuCols(pgCPU, pgTxs))
	for _, r := range rows {
		if r.note != "" && r.requests > 0 {
			fmt.Fprintf(&b, "\nNote (%s): %s\n", r.name, r.note)
		}
	}
	// Printed, not logged, so that it reads as a table even without -v.
	fmt.Print(b.String())
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// client calls the API for the fixture.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func (c *client) do(method, path, token string, body any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// call calls the API and returns an error unless the status is the expected one; out (if not nil)
// receives the JSON body. Safe from several goroutines.
func (c *client) call(method, path, token string, body any, status int, out any) error {
	code, b, err := c.do(method, path, token, body)
	if err != nil || code != status {
		return fmt.Errorf("%s %s = %d %v %s", method, path, code, err, tail(string(b), 500))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: %v", method, path, err)
		}
	}
	return nil
}

// must is call from the test's goroutine, failing the test on an error.
func (c *client) must(method, path, token string, body any, status int, out any) {
	c.t.Helper()
	if err := c.call(method, path, token, body, status, out); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) tryLogin(name string) (string, error) {
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	err := c.call(http.MethodPost, "/api/v1/auth/login", "", map[string]string{"mode": "personal", "username": name, "password": password}, http.StatusOK, &tok)
	return tok.AccessToken, err
}

func (c *client) login(name string) string {
	c.t.Helper()
	tok, err := c.tryLogin(name)
	if err != nil {
		c.t.Fatal(err)
	}
	return tok
}

func waitReady(t *testing.T, c *client) {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if code, _, err := c.do(http.MethodGet, "/readyz", "", nil); err == nil && code == http.StatusOK {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("the server did not become ready within 60 s")
}

func bearer(token string) http.Header {
	return http.Header{"Authorization": []string{"Bearer " + token}}
}

// parallel runs f(0..n-1) on k goroutines and fails the test with the first error; after an error the
// remaining work is skipped.
func parallel(t *testing.T, what string, k, n int, f func(i int) error) {
	t.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range k {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					once.Do(func() { first = err })
					next.Store(int64(n))
					return
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		t.Fatalf("%s: %v", what, first)
	}
}

func connect(t *testing.T, ctx context.Context, url string) *pgx.Conn {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("PostgreSQL at %s: %v", url, err)
	}
	return conn
}

// recreate drops (if it exists) and creates a database.
func recreate(t *testing.T, ctx context.Context, pgBase, name string) {
	conn := connect(t, ctx, pgBase+"/postgres?sslmode=disable")
	defer conn.Close(ctx)
	for _, sql := range []string{"DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "CREATE DATABASE " + name} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
}

func findPgbench(t *testing.T) string {
	if p := os.Getenv("YQYB_PGBENCH"); p != "" {
		return p
	}
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p
	}
	m, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	if len(m) == 0 {
		t.Fatal("pgbench not found: install postgresql-contrib or set YQYB_PGBENCH")
	}
	slices.Sort(m)
	return m[len(m)-1]
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
