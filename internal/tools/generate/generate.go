// Package generate fills a PostgreSQL database with a city-scale data set for benchmarks: by default 100,000
// enterprises under the city's districts and streets, 1,000,000 posts with their users, standards and
// checklists, about 20,000,000 inspection periods (rows of inspections) spread over the last six months at
// daily, weekly, half-monthly, monthly and quarterly frequencies, and 2,000,000 hazards in every state of
// the closed loop with deadlines, plans, supervision and the quarterly report sign-offs; then it computes
// the statistics the scheduled jobs would have (enterprise_stats and the half-month usage snapshots).
//
// Everything is set-based: each table is filled by INSERT … SELECT over generate_series and the rows
// already generated, never row by row from Go. Random choices are hashes of the row's number and --seed,
// so the same options give the same data (apart from the reference time, which is the moment it runs).
// Every row respects the schema's NOT NULL, CHECK, unique and foreign-key constraints: while the big tables
// load, their secondary indexes and foreign keys are dropped, and they are re-created afterwards exactly as
// the migrations defined them (which checks every row); an interrupted run leaves their definitions in
// gen_saved_ddl and the next run restores them first.
//
// Inspection answers are generated as the service stores them (one checklist version per checklist; a
// submitted inspection's items 合格 by default, only its 隐患 item, linked to its hazard, and a 不涉及 item in
// about one inspection of thirty rows; `make bench-stats` prints the tables' sizes). Not generated: the
// change feed, uploaded files (post documents point at storage keys that do not exist) and role grants of
// the generated post users. Every generated account's password is Password.
package generate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
)

// Password is the password of every generated account.
const Password = "Bench@2026"

// JobName is the job_runs row that records when and what was generated; benchmarks read their reference
// time from it.
const JobName = "generate"

// Options size the data set.
type Options struct {
	Enterprises        int     // enterprises to create
	PostsPerEnterprise int     // posts per enterprise on average (initialised enterprises only get posts)
	Periods            int64   // inspection periods (rows of inspections) to aim at
	Hazards            int     // hazards to aim at
	Scale              float64 // multiplies Enterprises, Periods and Hazards
	Seed               int64   // random seed
	Force              bool    // add to a database that already has enterprises
	IfEmpty            bool    // do nothing (and succeed) when the database already has enterprises
	Jobs               int     // concurrent connections for the largest tables
	SkipStats          bool    // do not compute enterprise_stats and the usage snapshots
	PasswordHash       string  // hash of Password, stored for every generated account
	Now                time.Time
}

// Defaults are the city-scale sizes of issue 7.
func Defaults() Options {
	return Options{Enterprises: 100000, PostsPerEnterprise: 10, Periods: 20000000, Hazards: 2000000, Scale: 1, Seed: 1, Jobs: 2}
}

// ErrNotEmpty is returned when the database already has enterprises and Force is not set.
var ErrNotEmpty = errors.New("数据库中已有企业数据：yqyb generate 只用于空的基准测试库（确需追加请加 --force）")

// ErrNotPostgres is returned for SQLite.
var ErrNotPostgres = errors.New("yqyb generate 只支持 PostgreSQL：城市规模的数据集（约 10 GB）不适合嵌入式 SQLite，请用 DATABASE_URL=postgres://… 指定一个空的 PostgreSQL 数据库")

// Stats computes what the scheduled jobs would have after the data is loaded: enterprise_stats as of now,
// and the usage snapshots of the given finished half-months. The command supplies it (the stats service
// lives above this package's dependencies).
type Stats func(ctx context.Context, db *gorm.DB, now time.Time, halves []string, log func(format string, args ...any)) error

type gen struct {
	o      Options
	db     *sql.DB
	gdb    *gorm.DB
	out    io.Writer
	now    time.Time
	wstart time.Time
	salt   int64
	start  time.Time
	mu     sync.Mutex
}

// Run generates the data set into db, reporting progress to out.
func Run(ctx context.Context, gdb *gorm.DB, o Options, stats Stats, out io.Writer) error {
	if database.Dialect(gdb) != database.Postgres {
		return ErrNotPostgres
	}
	if o.Scale <= 0 {
		return errors.New("--scale 应大于 0")
	}
	if o.Jobs < 1 {
		o.Jobs = 1
	}
	o.Enterprises = int(math.Round(float64(o.Enterprises) * o.Scale))
	o.Periods = int64(math.Round(float64(o.Periods) * o.Scale))
	o.Hazards = int(math.Round(float64(o.Hazards) * o.Scale))
	if o.Enterprises < 1 || o.PostsPerEnterprise < 1 {
		return errors.New("企业数与每企业岗位数至少为 1")
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return err
	}
	g := &gen{o: o, db: sqlDB, gdb: gdb, out: out, now: o.Now.UTC().Truncate(time.Second), salt: o.Seed * 1000, start: time.Now()}
	g.wstart = g.now.AddDate(0, 0, -183)
	if err := g.restoreInterrupted(ctx); err != nil {
		return err
	}
	var existing int64
	if err := g.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM enterprises").Scan(&existing); err != nil {
		return err
	}
	if existing > 0 && o.IfEmpty && !o.Force {
		g.logf("数据库中已有 %d 家企业，跳过生成（--if-empty）", existing)
		return nil
	}
	if existing > 0 && !o.Force {
		return fmt.Errorf("%w（现有 %d 家）", ErrNotEmpty, existing)
	}
	g.logf("生成城市规模数据集：%d 家企业，约 %d 个岗位，约 %d 个排查周期，约 %d 条隐患；参照时间 %s；种子 %d",
		o.Enterprises, o.Enterprises*o.PostsPerEnterprise, o.Periods, o.Hazards, g.now.In(clock.Business).Format(time.DateTime), o.Seed)
	if err := g.generate(ctx); err != nil {
		return err
	}
	halves := g.finishedHalves()
	if !o.SkipStats && stats != nil {
		t := time.Now()
		g.logf("计算统计（与定时任务相同的代码）：enterprise_stats 与 %d 个已结束半月的使用率快照 …", len(halves))
		if err := stats(ctx, gdb, g.now, halves, g.logf); err != nil {
			return err
		}
		g.logf("统计完成，用时 %s", since(t))
		if err := g.exec(ctx, "统计表 ANALYZE", "ANALYZE enterprise_stats; ANALYZE usage_snapshots"); err != nil {
			return err
		}
	}
	if err := g.record(ctx); err != nil {
		return err
	}
	return g.summary(ctx)
}

func (g *gen) logf(format string, args ...any) {
	g.mu.Lock()
	defer g.mu.Unlock()
	fmt.Fprintf(g.out, "[%7s] %s\n", since(g.start), fmt.Sprintf(format, args...))
}

func since(t time.Time) string { return time.Since(t).Round(100 * time.Millisecond).String() }

// rnd is a deterministic pseudo-random number in [0, 1) from an integer SQL expression and a salt.
func (g *gen) rnd(expr string, salt int) string {
	return fmt.Sprintf("((hashint8extended((%s)::bigint, %d) & 2147483647)::float8 / 2147483648.0::float8)", expr, g.salt+int64(salt))
}

// pick chooses one of the words by a random number expression.
func pick(r string, words ...string) string {
	return fmt.Sprintf("(ARRAY['%s'])[1 + floor(%s * %d)::int]", strings.Join(words, "','"), r, len(words))
}

func ts(t time.Time) string { return "'" + t.UTC().Format(time.RFC3339) + "'::timestamptz" }

// bulk settings for one transaction: the load is re-runnable, so a crash losing the last commits is fine.
const bulkSettings = `SET LOCAL synchronous_commit = off; SET LOCAL work_mem = '256MB'; SET LOCAL maintenance_work_mem = '1GB'; SET LOCAL jit = off`

// exec runs statements in one transaction and reports the rows the last one touched.
func (g *gen) execN(ctx context.Context, stmts ...string) (int64, error) {
	tx, err := g.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, bulkSettings); err != nil {
		return 0, err
	}
	var n int64
	for _, s := range stmts {
		res, err := tx.ExecContext(ctx, s)
		if err != nil {
			return 0, fmt.Errorf("%w\n语句: %s", err, excerpt(s))
		}
		n, _ = res.RowsAffected()
	}
	return n, tx.Commit()
}

func excerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + " …"
	}
	return s
}

// step runs statements as one timed, reported step.
func (g *gen) step(ctx context.Context, name string, stmts ...string) (int64, error) {
	t := time.Now()
	n, err := g.execN(ctx, stmts...)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	g.logf("%-28s %12d 行  %s", name, n, since(t))
	return n, nil
}

func (g *gen) exec(ctx context.Context, name string, stmts ...string) error {
	_, err := g.step(ctx, name, stmts...)
	return err
}

func (g *gen) count(ctx context.Context, q string) (int64, error) {
	var n int64
	err := g.db.QueryRowContext(ctx, q).Scan(&n)
	return n, err
}

// The big tables load without their secondary indexes and foreign keys, which are re-created afterwards
// from the definitions the database itself reports (so they stay exactly what the migrations made).
var bulkTables = []string{"users", "departments", "posts", "standard_categories", "standard_items", "hazard_grades", "checklists",
	"checklist_items", "post_documents", "inspections", "hazards", "hazard_events", "supervisions", "report_signoffs"}

func (g *gen) dropSecondary(ctx context.Context) error {
	t := time.Now()
	if _, err := g.execN(ctx, `CREATE TABLE gen_saved_ddl (seq BIGINT GENERATED ALWAYS AS IDENTITY, kind TEXT NOT NULL, tbl TEXT NOT NULL, name TEXT NOT NULL, def TEXT NOT NULL)`); err != nil {
		return err
	}
	list := "'" + strings.Join(bulkTables, "','") + "'"
	_, err := g.execN(ctx,
		`INSERT INTO gen_saved_ddl (kind, tbl, name, def)
		SELECT 'index', c.relname, i.relname, pg_get_indexdef(i.oid)
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relname IN (`+list+`)
			AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid AND k.contype IN ('p', 'u', 'x'))
		ORDER BY c.relname, i.relname`,
		`INSERT INTO gen_saved_ddl (kind, tbl, name, def)
		SELECT 'fk', c.relname, k.conname, pg_get_constraintdef(k.oid)
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
		WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace AND c.relname IN (`+list+`)
		ORDER BY c.relname, k.conname`)
	if err != nil {
		return err
	}
	rows, err := g.saved(ctx)
	if err != nil {
		return err
	}
	var drops []string
	for _, r := range rows {
		if r.kind == "fk" {
			drops = append(drops, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", quote(r.tbl), quote(r.name)))
		}
	}
	for _, r := range rows {
		if r.kind == "index" {
			drops = append(drops, "DROP INDEX "+quote(r.name))
		}
	}
	if _, err := g.execN(ctx, drops...); err != nil {
		return err
	}
	g.logf("暂时移除大表的 %d 个二级索引与外键（装载后按原定义重建）  %s", len(drops), since(t))
	return nil
}

type ddl struct{ kind, tbl, name, def string }

func (g *gen) saved(ctx context.Context) ([]ddl, error) {
	rows, err := g.db.QueryContext(ctx, "SELECT kind, tbl, name, def FROM gen_saved_ddl ORDER BY seq")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ddl
	for rows.Next() {
		var d ddl
		if err := rows.Scan(&d.kind, &d.tbl, &d.name, &d.def); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// restoreSecondary re-creates the saved indexes, different tables' on Jobs connections at once (PostgreSQL
// builds each with parallel workers), and then the foreign keys one at a time (adding one locks the tables
// it links, so two at once can deadlock); adding a foreign key checks every loaded row.
func (g *gen) restoreSecondary(ctx context.Context) error {
	t := time.Now()
	rows, err := g.saved(ctx)
	if err != nil {
		return err
	}
	missing := func(r ddl) (bool, error) {
		q := "SELECT COUNT(*) FROM pg_class WHERE relname = $1 AND relnamespace = current_schema()::regnamespace"
		if r.kind == "fk" {
			q = "SELECT COUNT(*) FROM pg_constraint WHERE conname = $1 AND connamespace = current_schema()::regnamespace"
		}
		var n int
		err := g.db.QueryRowContext(ctx, q, r.name).Scan(&n)
		return n == 0, err
	}
	indexes := map[string][]string{}
	var fks []ddl
	for _, r := range rows {
		ok, err := missing(r)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if r.kind == "index" {
			// A partitioned table's index is defined ON ONLY the parent; built again on the whole table, it
			// covers every partition.
			indexes[r.tbl] = append(indexes[r.tbl], strings.Replace(r.def, " ON ONLY ", " ON ", 1))
		} else {
			fks = append(fks, r)
		}
	}
	// The biggest tables first, so the connections finish together.
	var order []string
	for _, tbl := range append([]string{"inspections", "hazard_events", "hazards", "checklist_items", "users", "posts", "checklists"}, bulkTables...) {
		if _, ok := indexes[tbl]; ok && !slices.Contains(order, tbl) {
			order = append(order, tbl)
		}
	}
	work := make(chan string)
	errc := make(chan error, len(order))
	var wg sync.WaitGroup
	for w := 0; w < g.o.Jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tbl := range work {
				tt := time.Now()
				if _, err := g.execN(ctx, indexes[tbl]...); err != nil {
					errc <- fmt.Errorf("重建 %s 的索引: %w", tbl, err)
					continue
				}
				g.logf("  重建 %-22s %2d 个索引  %s", tbl, len(indexes[tbl]), since(tt))
			}
		}()
	}
	for _, tbl := range order {
		work <- tbl
	}
	close(work)
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	tf := time.Now()
	for _, r := range fks {
		if _, err := g.execN(ctx, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", quote(r.tbl), quote(r.name), r.def)); err != nil {
			return fmt.Errorf("重建外键 %s: %w", r.name, err)
		}
	}
	g.logf("  重建并校验 %d 个外键  %s", len(fks), since(tf))
	if _, err := g.execN(ctx, "DROP TABLE gen_saved_ddl"); err != nil {
		return err
	}
	g.logf("索引与外键已按原定义重建，全部数据通过校验  %s", since(t))
	return nil
}

func (g *gen) restoreInterrupted(ctx context.Context) error {
	var n int
	if err := g.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_class WHERE relname = 'gen_saved_ddl' AND relnamespace = current_schema()::regnamespace").Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	g.logf("上次生成被中断：先恢复它移除的索引与外键")
	return g.restoreSecondary(ctx)
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// record leaves the reference time and the sizes in job_runs, where the benchmarks find them.
func (g *gen) record(ctx context.Context) error {
	note := fmt.Sprintf("now=%s enterprises=%d posts_per_enterprise=%d periods=%d hazards=%d seed=%d",
		g.now.Format(time.RFC3339), g.o.Enterprises, g.o.PostsPerEnterprise, g.o.Periods, g.o.Hazards, g.o.Seed)
	_, err := g.db.ExecContext(ctx, `INSERT INTO job_runs (name, last_started_at, last_finished_at, last_ok, last_note, runs, instance)
		VALUES ($1, $2, $3, TRUE, $4, 1, 'yqyb generate')
		ON CONFLICT (name) DO UPDATE SET last_started_at = EXCLUDED.last_started_at, last_finished_at = EXCLUDED.last_finished_at,
			last_ok = TRUE, last_note = EXCLUDED.last_note, runs = job_runs.runs + 1, instance = EXCLUDED.instance`,
		JobName, g.now, time.Now().UTC(), note)
	return err
}

// ReferenceTime reads the moment the data set was generated for (the zero time if it was not generated).
func ReferenceTime(ctx context.Context, db *gorm.DB) (time.Time, error) {
	var t *time.Time
	err := db.WithContext(ctx).Raw("SELECT last_started_at FROM job_runs WHERE name = ?", JobName).Scan(&t).Error
	if err != nil || t == nil {
		return time.Time{}, err
	}
	return *t, nil
}

func (g *gen) summary(ctx context.Context) error {
	g.logf("完成，总用时 %s。各表行数与大小：", since(g.start))
	rows, err := g.db.QueryContext(ctx, `SELECT c.relname, c.reltuples::bigint, pg_size_pretty(pg_total_relation_size(c.oid))
		FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace AND pg_total_relation_size(c.oid) > 1048576
		ORDER BY pg_total_relation_size(c.oid) DESC`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name, size string
		var n int64
		if err := rows.Scan(&name, &n, &size); err != nil {
			return err
		}
		fmt.Fprintf(g.out, "    %-22s %12d 行  %s\n", name, n, size)
	}
	var db string
	if err := g.db.QueryRowContext(ctx, "SELECT pg_size_pretty(pg_database_size(current_database()))").Scan(&db); err != nil {
		return err
	}
	fmt.Fprintf(g.out, "    数据库总大小 %s；所有生成账号的密码均为 %s\n", db, Password)
	return rows.Err()
}
