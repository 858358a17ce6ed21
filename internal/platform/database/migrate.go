package database

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

//go:embed migrations/*.sql
var builtin embed.FS

// Migrations returns the product's schema migrations.
func Migrations() fs.FS {
	sub, err := fs.Sub(builtin, "migrations")
	if err != nil {
		panic(err)
	}
	return sub
}

// A Migration is one numbered step of the schema, written as SQL with a few template functions so that the
// same file serves PostgreSQL and SQLite:
//
//	{{id}}         an auto-numbered bigint primary key
//	{{timestamp}}  a timestamp with time zone
//	{{json}}       a JSON document
//	{{if pg}}…{{else}}…{{end}} for the rare statement that must differ
//
// Statements are separated by a semicolon at the end of a line.
//
// A migration runs in one transaction with its ledger row. On PostgreSQL every lock it waits for is bounded
// by the migrator's LockTimeout: a DDL statement queued behind a long transaction would otherwise hold up
// every later read and write of its table (they queue behind its lock request) for as long as it waits.
//
// A migration whose first line is `-- yqyb:no-transaction` runs outside a transaction, statement by
// statement, for what PostgreSQL cannot do in one: building an index on a large table with CREATE INDEX
// CONCURRENTLY, which lets writes go on during the build. Such statements do not get the lock timeout (a
// concurrent build waits for older transactions by design, without blocking anyone); the others do. What a
// failing no-transaction migration already did stays done and the whole migration runs again next time, so
// every CREATE and DROP in it must say IF NOT EXISTS / IF EXISTS (LoadMigrations refuses it otherwise), and
// an index left INVALID by a failed concurrent build is dropped and built again.
//
// A migration may instead be Go code (Run set, Source empty): for loading reference data that is easier
// to write as data than as SQL. Its Checksum must cover what it loads, so that an edit after shipping is
// refused like an edited SQL file.
type Migration struct {
	Version  int
	Name     string
	Source   string
	Checksum string
	Run      func(ctx context.Context, tx *gorm.DB) error
	// NoTransaction is set by the `-- yqyb:no-transaction` marker on the first line of the file.
	NoTransaction bool
}

var fileName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.sql$`)

// noTransactionMarker, alone on the first line of a migration, makes it run outside a transaction.
const noTransactionMarker = "-- yqyb:no-transaction"

// createOrDrop and repeatable find CREATE/DROP statements and check that they are safe to run twice.
var (
	createOrDrop = regexp.MustCompile(`(?is)^\s*(CREATE|DROP)\b`)
	repeatable   = regexp.MustCompile(`(?is)\bIF\s+(NOT\s+)?EXISTS\b`)
	// concurrentIndex names the index a CREATE INDEX CONCURRENTLY builds.
	concurrentIndex = regexp.MustCompile(`(?is)^\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS\s+"?([A-Za-z_][A-Za-z0-9_]*)"?\s+ON\b`)
	concurrently    = regexp.MustCompile(`(?i)\bCONCURRENTLY\b`)
)

// LoadMigrations reads the SQL migrations in fsys, adds the Go migrations in extra, and orders them. File
// names are NNNN_name.sql; numbers must be unique across both.
func LoadMigrations(fsys fs.FS, extra ...Migration) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".sql" {
			continue
		}
		m := fileName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("迁移文件名 %q 不符合 NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("迁移编号 %04d 重复：%s 与 %s", v, other, e.Name())
		}
		seen[v] = e.Name()
		b, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		mig := Migration{Version: v, Name: m[2], Source: string(b), Checksum: hex.EncodeToString(sum[:])}
		first, _, _ := strings.Cut(mig.Source, "\n")
		if mig.NoTransaction = strings.TrimSpace(first) == noTransactionMarker; mig.NoTransaction {
			if err := mig.checkRepeatable(); err != nil {
				return nil, err
			}
		}
		out = append(out, mig)
	}
	for _, m := range extra {
		if other, dup := seen[m.Version]; dup {
			return nil, fmt.Errorf("迁移编号 %04d 重复：%s 与 %s", m.Version, other, m.ID())
		}
		if m.Run == nil || m.Checksum == "" || !fileName.MatchString(m.ID()+".sql") {
			return nil, fmt.Errorf("Go 迁移 %s 缺少 Run、Checksum 或名称不合规", m.ID())
		}
		seen[m.Version] = m.ID()
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// ID is the migration's file stem, e.g. 0003_users; errors name migrations by it.
func (m Migration) ID() string { return fmt.Sprintf("%04d_%s", m.Version, m.Name) }

// Statements renders the migration for a dialect and splits it into statements.
func (m Migration) Statements(dialect string) ([]string, error) {
	pg := dialect == Postgres
	funcs := template.FuncMap{
		"pg": func() bool { return pg },
		"id": func() string {
			if pg {
				return "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
			}
			return "INTEGER PRIMARY KEY AUTOINCREMENT"
		},
		"timestamp": func() string {
			if pg {
				return "TIMESTAMPTZ"
			}
			return "DATETIME"
		},
		"json": func() string {
			if pg {
				return "JSONB"
			}
			return "TEXT"
		},
	}
	t, err := template.New(m.ID()).Funcs(funcs).Parse(m.Source)
	if err != nil {
		return nil, fmt.Errorf("迁移 %s 模板错误: %w", m.ID(), err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, nil); err != nil {
		return nil, fmt.Errorf("迁移 %s 模板错误: %w", m.ID(), err)
	}
	return SplitStatements(buf.String()), nil
}

// checkRepeatable refuses a no-transaction migration with a CREATE or DROP that would fail when run again
// after a partial failure, in either dialect.
func (m Migration) checkRepeatable() error {
	for _, d := range []string{Postgres, SQLite} {
		stmts, err := m.Statements(d)
		if err != nil {
			return err
		}
		for _, s := range stmts {
			if createOrDrop.MatchString(stripComments(s)) && !repeatable.MatchString(s) {
				return fmt.Errorf("迁移 %s 不在事务中执行，失败后会整条重跑，每个 CREATE/DROP 都必须写 IF NOT EXISTS / IF EXISTS：\n%s", m.ID(), excerpt(s))
			}
		}
	}
	return nil
}

// stripComments drops the comment lines a statement starts with.
func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "--") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// SplitStatements splits SQL at semicolons that end a line, outside quotes, dollar-quoted bodies and
// comments. Comment-only pieces are dropped.
func SplitStatements(sql string) []string {
	var out []string
	var cur strings.Builder
	inQuote, inDollar, inComment := false, false, false
	flush := func() {
		s := strings.TrimSpace(cur.String())
		cur.Reset()
		if s != "" && !commentOnly(s) {
			out = append(out, s)
		}
	}
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case inComment:
			if c == '\n' {
				inComment = false
			}
		case inQuote:
			if c == '\'' {
				inQuote = false
			}
		case inDollar:
			if strings.HasPrefix(sql[i:], "$$") {
				inDollar = false
				cur.WriteByte(c)
				i++
				c = sql[i]
			}
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			inComment = true
		case c == '\'':
			inQuote = true
		case strings.HasPrefix(sql[i:], "$$"):
			inDollar = true
			cur.WriteByte(c)
			i++
			c = sql[i]
		case c == ';':
			line, _, _ := strings.Cut(sql[i+1:], "\n")
			if l := strings.TrimSpace(line); l == "" || strings.HasPrefix(l, "--") {
				cur.WriteByte(c)
				flush()
				continue
			}
		}
		cur.WriteByte(c)
	}
	flush()
	return out
}

func commentOnly(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "--") {
			return false
		}
	}
	return true
}

// Status is one migration's state in a database.
type Status struct {
	Version   int
	Name      string
	AppliedAt *time.Time
	// Modified is true when an applied migration's file no longer matches what was applied.
	Modified bool
}

type appliedRow struct {
	Version   int
	Name      string
	Checksum  string
	AppliedAt time.Time
}

const createLedger = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version BIGINT PRIMARY KEY,
	name TEXT NOT NULL,
	checksum TEXT NOT NULL,
	applied_at %s NOT NULL
)`

// migrationLockKey is the PostgreSQL advisory lock that serialises migrators started at the same time
// (several instances, or a Job racing a server).
const migrationLockKey = 7_141_100_001

// DefaultLockTimeout bounds a migration's wait for a lock on PostgreSQL (YQYB_MIGRATION_LOCK_TIMEOUT).
const DefaultLockTimeout = 5 * time.Second

// Migrator applies migrations to one database.
type Migrator struct {
	db         *gorm.DB
	migrations []Migration
	now        func() time.Time
	// LockTimeout bounds each wait for a lock on PostgreSQL (lock_timeout); zero waits as long as it takes.
	LockTimeout time.Duration
	// Log, if set, hears what the migrator repaired (an invalid index it rebuilt).
	Log *slog.Logger
}

// NewMigrator prepares to apply migrations (from LoadMigrations) to db.
func NewMigrator(db *gorm.DB, migrations []Migration, now func() time.Time) *Migrator {
	return &Migrator{db: db, migrations: migrations, now: now, LockTimeout: DefaultLockTimeout}
}

// ErrModified is returned when a migration that was already applied has been edited since.
var ErrModified = errors.New("已执行的迁移文件被修改")

// Up applies every pending migration in order, each in its own transaction together with its ledger row, so
// a failing migration leaves the schema as it was before that migration, and the error names the migration
// and the statement. It returns the migrations it applied.
func (m *Migrator) Up(ctx context.Context) ([]Migration, error) {
	var done []Migration
	err := m.locked(ctx, func(conn *gorm.DB) error {
		applied, err := m.applied(conn)
		if err != nil {
			return err
		}
		for _, mig := range m.migrations {
			if row, ok := applied[mig.Version]; ok {
				if row.Checksum != mig.Checksum {
					return fmt.Errorf("%w：%s（请新增一个迁移而不是修改已执行的迁移）", ErrModified, mig.ID())
				}
				continue
			}
			if err := m.apply(ctx, conn, mig); err != nil {
				return err
			}
			done = append(done, mig)
		}
		return nil
	})
	return done, err
}

func (m *Migrator) apply(ctx context.Context, conn *gorm.DB, mig Migration) error {
	var stmts []string
	if mig.Run == nil {
		var err error
		if stmts, err = mig.Statements(Dialect(conn)); err != nil {
			return err
		}
	}
	if mig.NoTransaction {
		return m.applyOutsideTransaction(ctx, conn, mig, stmts)
	}
	pg := Dialect(conn) == Postgres
	return conn.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if pg {
			// SET LOCAL ends with the transaction, so the pooled connection keeps its default.
			if err := tx.Exec(fmt.Sprintf("SET LOCAL lock_timeout = %d", m.LockTimeout.Milliseconds())).Error; err != nil {
				return fmt.Errorf("迁移 %s: 设置 lock_timeout: %w", mig.ID(), err)
			}
		}
		if mig.Run != nil {
			if err := mig.Run(ctx, tx); err != nil {
				return fmt.Errorf("迁移 %s 失败，本迁移已整体回滚: %w%s", mig.ID(), err, m.lockHint(err))
			}
		}
		for i, s := range stmts {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("迁移 %s 第%d条语句失败，本迁移已整体回滚: %w%s\n%s", mig.ID(), i+1, err, m.lockHint(err), excerpt(s))
			}
		}
		return m.record(tx, mig)
	})
}

func (m *Migrator) record(tx *gorm.DB, mig Migration) error {
	return tx.Exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
		mig.Version, mig.Name, mig.Checksum, m.now().UTC()).Error
}

// applyOutsideTransaction runs a no-transaction migration statement by statement on conn, then records it.
// Concurrent index builds run without the lock timeout: they take only locks that let reads and writes go
// on, and must wait for every older transaction by design; every other statement keeps the timeout.
func (m *Migrator) applyOutsideTransaction(ctx context.Context, conn *gorm.DB, mig Migration, stmts []string) (err error) {
	conn = conn.WithContext(ctx)
	pg := Dialect(conn) == Postgres
	if pg {
		// Session settings outlive this migration on a pooled connection: put the default back.
		defer func() {
			if rerr := conn.WithContext(context.Background()).Exec("RESET lock_timeout").Error; rerr != nil && err == nil {
				err = rerr
			}
		}()
	}
	for i, s := range stmts {
		if pg {
			timeout := m.LockTimeout
			if concurrently.MatchString(stripComments(s)) {
				timeout = 0
			}
			if err := conn.Exec(fmt.Sprintf("SET lock_timeout = %d", timeout.Milliseconds())).Error; err != nil {
				return fmt.Errorf("迁移 %s: 设置 lock_timeout: %w", mig.ID(), err)
			}
			if err := m.dropInvalidIndex(conn, mig, s); err != nil {
				return err
			}
		}
		if err := conn.Exec(s).Error; err != nil {
			hint := m.lockHint(err)
			if pg && concurrentIndex.MatchString(stripComments(s)) {
				hint += "；未建成的索引会留下 INVALID 状态，下次执行 migrate up 时自动删除重建"
			}
			return fmt.Errorf("迁移 %s 第%d条语句失败（本迁移不在事务中执行：之前的语句已生效，修正后重新执行 migrate up 会整条重跑）: %w%s\n%s",
				mig.ID(), i+1, err, hint, excerpt(s))
		}
	}
	return m.record(conn, mig)
}

// dropInvalidIndex drops the index a CREATE INDEX CONCURRENTLY IF NOT EXISTS statement names when an earlier,
// failed build left it INVALID: IF NOT EXISTS would otherwise take the unusable leftover for done.
func (m *Migrator) dropInvalidIndex(conn *gorm.DB, mig Migration, stmt string) error {
	match := concurrentIndex.FindStringSubmatch(stripComments(stmt))
	if match == nil {
		return nil
	}
	var invalid []string
	if err := conn.Raw(`SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE c.relname = ? AND pg_table_is_visible(c.oid) AND NOT i.indisvalid`, match[1]).Scan(&invalid).Error; err != nil {
		return fmt.Errorf("迁移 %s: 检查索引 %s: %w", mig.ID(), match[1], err)
	}
	if len(invalid) == 0 {
		return nil
	}
	if m.Log != nil {
		m.Log.Warn("dropping an invalid index left by a failed concurrent build, to build it again", "migration", mig.ID(), "index", match[1])
	}
	if err := conn.Exec(fmt.Sprintf(`DROP INDEX CONCURRENTLY IF EXISTS "%s"`, match[1])).Error; err != nil {
		return fmt.Errorf("迁移 %s: 删除上次未建成（INVALID）的索引 %s: %w", mig.ID(), match[1], err)
	}
	return nil
}

// lockHint explains a lock-timeout error to the operator.
func (m *Migrator) lockHint(err error) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "55P03" {
		return ""
	}
	return fmt.Sprintf("（等待锁超过 %v，lock_timeout：有事务长时间占用该表，迁移没有排在它后面阻塞其他读写；待其结束后重新执行 yqyb migrate up，或调大 YQYB_MIGRATION_LOCK_TIMEOUT）", m.LockTimeout)
}

func excerpt(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// Status lists every known migration with its state, then any applied version this binary does not know.
func (m *Migrator) Status(ctx context.Context) ([]Status, error) {
	conn := m.db.WithContext(ctx)
	if err := m.ensureLedger(conn); err != nil {
		return nil, err
	}
	applied, err := m.applied(conn)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(m.migrations))
	known := map[int]bool{}
	for _, mig := range m.migrations {
		known[mig.Version] = true
		s := Status{Version: mig.Version, Name: mig.Name}
		if row, ok := applied[mig.Version]; ok {
			at := row.AppliedAt
			s.AppliedAt = &at
			s.Modified = row.Checksum != mig.Checksum
		}
		out = append(out, s)
	}
	for v, row := range applied {
		if !known[v] {
			at := row.AppliedAt
			out = append(out, Status{Version: v, Name: row.Name + "（本程序未包含）", AppliedAt: &at})
		}
	}
	return out, nil
}

// Pending counts migrations not yet applied.
func (m *Migrator) Pending(ctx context.Context) (int, error) {
	st, err := m.Status(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range st {
		if s.AppliedAt == nil {
			n++
		}
	}
	return n, nil
}

func (m *Migrator) ensureLedger(conn *gorm.DB) error {
	ts := "DATETIME"
	if Dialect(conn) == Postgres {
		ts = "TIMESTAMPTZ"
	}
	return conn.Exec(fmt.Sprintf(createLedger, ts)).Error
}

func (m *Migrator) applied(conn *gorm.DB) (map[int]appliedRow, error) {
	var rows []appliedRow
	if err := conn.Raw("SELECT version, name, checksum, applied_at FROM schema_migrations").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("读取迁移记录: %w", err)
	}
	out := make(map[int]appliedRow, len(rows))
	for _, r := range rows {
		out[r.Version] = r
	}
	return out, nil
}

// locked runs fn on one connection holding the migration lock (PostgreSQL); on SQLite, immediate
// transactions already serialise writers.
func (m *Migrator) locked(ctx context.Context, fn func(conn *gorm.DB) error) error {
	if Dialect(m.db) != Postgres {
		conn := m.db.WithContext(ctx)
		if err := m.ensureLedger(conn); err != nil {
			return err
		}
		return fn(conn)
	}
	return m.db.WithContext(ctx).Connection(func(conn *gorm.DB) (err error) {
		if err := waitForLock(ctx, conn); err != nil {
			return err
		}
		// Unlock on a fresh context: the caller's may already be cancelled, and the lock must not outlive
		// the work on a pooled connection.
		defer func() {
			if uerr := conn.WithContext(context.Background()).Exec("SELECT pg_advisory_unlock(?)", migrationLockKey).Error; uerr != nil && err == nil {
				err = fmt.Errorf("释放迁移锁: %w", uerr)
			}
		}()
		if err := m.ensureLedger(conn); err != nil {
			return err
		}
		return fn(conn)
	})
}

// lockPoll is how often a migrator waiting for another one tries the lock again.
const lockPoll = 200 * time.Millisecond

// waitForLock takes the migration lock, trying again until it is free. It never waits inside a statement:
// a migrator blocked in pg_advisory_lock holds a snapshot for as long as it waits, and CREATE INDEX
// CONCURRENTLY in the migrator holding the lock waits for every such snapshot to go — a deadlock PostgreSQL
// detects and fails the build with.
func waitForLock(ctx context.Context, conn *gorm.DB) error {
	for {
		var got bool
		// WithContext starts a fresh statement: conn's own would keep this query's destination for the
		// migrations that run on it next.
		if err := conn.WithContext(ctx).Raw("SELECT pg_try_advisory_lock(?)", migrationLockKey).Scan(&got).Error; err != nil {
			return fmt.Errorf("获取迁移锁: %w", err)
		}
		if got {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("等待其他实例完成迁移: %w", ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}
