// Package database opens the product's database — PostgreSQL in production, an embedded pure-Go SQLite file
// by default — and applies the versioned schema migrations that both share.
package database

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"

	"yqyb/internal/platform/clock"
)

// Dialect names, as gorm.Dialector.Name reports them.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// Options are the settings Open needs; they come from config.Config.
type Options struct {
	URL         string // postgres://..., sqlite:PATH, or empty for DataDir/yqyb.db
	DataDir     string
	MaxOpen     int
	MaxIdle     int
	MaxLifetime time.Duration
	// Lazy opens without connecting: the first query connects. For the read-only replica, whose absence at
	// start must not keep the server from starting (its guard reads the primary until it answers).
	Lazy bool
}

// Open connects to the database the options name and checks that it answers.
func Open(ctx context.Context, o Options, clk clock.Clock, log *slog.Logger) (*gorm.DB, error) {
	dialector, kind, err := dialectorFor(o)
	if err != nil {
		return nil, err
	}
	// No GORM PrepareStmt: pgx already prepares each statement once per connection and reuses it (its
	// statement cache, QueryExecModeCacheStatement), while GORM's cache binds a statement first run in a
	// transaction to that transaction, so database/sql prepared it again in every later transaction — one
	// more round trip and a parse for each statement of every write (issue 16, make bench).
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger: newGormLogger(log),
		// Timestamps are stored in UTC so that SQLite, which keeps them as text, compares them correctly;
		// the business zone applies only when periods are computed and times are shown.
		NowFunc:                func() time.Time { return clk.Now().UTC() },
		TranslateError:         true,
		SkipDefaultTransaction: true,
		DisableAutomaticPing:   o.Lazy,
	})
	if err != nil {
		return nil, fmt.Errorf("打开数据库: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if kind == SQLite {
		// One writer at a time is SQLite's model; a small pool with immediate transactions and a busy timeout
		// queues writers instead of failing them.
		sqlDB.SetMaxOpenConns(min(max(o.MaxOpen, 1), 4))
		// Caches this process keeps over the database learn of committed writes through it (WatchCommits).
		watchSQLite(db, sqlDB)
	} else {
		sqlDB.SetMaxOpenConns(o.MaxOpen)
		sqlDB.SetMaxIdleConns(o.MaxIdle)
		sqlDB.SetConnMaxLifetime(o.MaxLifetime)
	}
	if o.Lazy {
		return db, nil
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("连接数据库失败: %w", err)
	}
	return db, nil
}

// Describe names the database for logs without its password.
func Describe(o Options) string {
	if strings.HasPrefix(o.URL, "postgres://") || strings.HasPrefix(o.URL, "postgresql://") {
		if i := strings.Index(o.URL, "@"); i >= 0 {
			return "postgres://…" + o.URL[i:]
		}
		return o.URL
	}
	return "sqlite:" + sqlitePath(o)
}

func dialectorFor(o Options) (gorm.Dialector, string, error) {
	switch {
	case strings.HasPrefix(o.URL, "postgres://"), strings.HasPrefix(o.URL, "postgresql://"):
		return postgres.New(postgres.Config{DSN: o.URL}), Postgres, nil
	case o.URL == "", strings.HasPrefix(o.URL, "sqlite:"):
		path := sqlitePath(o)
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, "", fmt.Errorf("创建数据库目录: %w", err)
		}
		dsn := path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
			"&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite"
		return sqlite.Open(dsn), SQLite, nil
	default:
		return nil, "", errors.New("DATABASE_URL 无法识别：应以 postgres:// 或 sqlite: 开头")
	}
}

func sqlitePath(o Options) string {
	if p, ok := strings.CutPrefix(o.URL, "sqlite:"); ok && p != "" {
		return strings.TrimPrefix(p, "//")
	}
	return filepath.Join(o.DataDir, "yqyb.db")
}

// Dialect reports which database db talks to.
func Dialect(db *gorm.DB) string { return db.Dialector.Name() }

// Ping checks that the database answers within the context's deadline; /readyz uses it.
func Ping(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close releases the pool.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// gormLogger routes GORM's messages to slog. Query errors are returned to callers, who decide whether they
// matter, so they are logged only at debug level; slow queries are warnings.
type gormLogger struct {
	log  *slog.Logger
	slow time.Duration
}

func newGormLogger(log *slog.Logger) gormlogger.Interface {
	return &gormLogger{log: log.With("component", "gorm"), slow: 200 * time.Millisecond}
}

func (l *gormLogger) LogMode(gormlogger.LogLevel) gormlogger.Interface { return l }

func (l *gormLogger) Info(ctx context.Context, msg string, args ...any) {
	l.log.InfoContext(ctx, fmt.Sprintf(msg, args...))
}

func (l *gormLogger) Warn(ctx context.Context, msg string, args ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(msg, args...))
}

func (l *gormLogger) Error(ctx context.Context, msg string, args ...any) {
	l.log.ErrorContext(ctx, fmt.Sprintf(msg, args...))
}

func (l *gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	elapsed := time.Since(begin)
	switch {
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound) && l.log.Enabled(ctx, slog.LevelDebug):
		sql, rows := fc()
		l.log.DebugContext(ctx, "query failed", "sql", sql, "rows", rows, "elapsed", elapsed, "err", err)
	case elapsed > l.slow:
		sql, rows := fc()
		l.log.WarnContext(ctx, "slow query", "sql", sql, "rows", rows, "elapsed", elapsed)
	case l.log.Enabled(ctx, slog.LevelDebug-4):
		sql, rows := fc()
		l.log.Log(ctx, slog.LevelDebug-4, "query", "sql", sql, "rows", rows, "elapsed", elapsed)
	}
}
