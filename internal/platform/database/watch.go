package database

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// WatchCommits calls fn after each committed write to any of tables made through db, for the caches one
// process keeps over a SQLite database, which only that process writes (PostgreSQL tells every instance
// with LISTEN/NOTIFY instead). A write outside a transaction calls fn once it is done; one inside a
// transaction calls fn when it is written (so no reader keeps what it read before) and again after the
// commit (so no reader keeps what it read before the commit made the write visible). It reports false when
// db cannot be watched (not a SQLite database opened by Open); the caller must then not rely on it.
func WatchCommits(db *gorm.DB, tables []string, fn func()) bool {
	pool, ok := db.ConnPool.(*watchedPool)
	if !ok {
		return false
	}
	w := &watcher{tables: tables, fn: fn}
	pool.mu.Lock()
	pool.watchers = append(pool.watchers, w)
	pool.mu.Unlock()
	after := func(tx *gorm.DB) {
		if !w.touches(tx.Statement) {
			return
		}
		if t, ok := tx.Statement.ConnPool.(*watchedTx); ok {
			t.mark(w)
		}
		fn()
	}
	// Registering twice under one name replaces; each watcher needs its own name.
	pool.mu.Lock()
	pool.n++
	name := "yqyb:watch_commits_" + strconv.Itoa(pool.n)
	pool.mu.Unlock()
	cb := db.Callback()
	if err := cb.Create().After("gorm:create").Register(name, after); err != nil {
		return false
	}
	if err := cb.Update().After("gorm:update").Register(name, after); err != nil {
		return false
	}
	if err := cb.Delete().After("gorm:delete").Register(name, after); err != nil {
		return false
	}
	if err := cb.Raw().After("gorm:raw").Register(name, after); err != nil {
		return false
	}
	// A statement that returns rows (Raw(…).Scan) writes only when it says so (UPDATE … RETURNING).
	rowAfter := func(tx *gorm.DB) {
		if writes.MatchString(tx.Statement.SQL.String()) {
			after(tx)
		}
	}
	if err := cb.Row().After("gorm:row").Register(name, rowAfter); err != nil {
		return false
	}
	return true
}

var writes = regexp.MustCompile(`(?i)\b(insert|update|delete|replace)\b`)

type watcher struct {
	tables []string
	fn     func()
}

// touches tells whether a statement may have written one of the watched tables: its table, or for raw
// SQL any mention of one.
func (w *watcher) touches(st *gorm.Statement) bool {
	if st.Table != "" {
		for _, t := range w.tables {
			if st.Table == t {
				return true
			}
		}
		if st.SQL.Len() == 0 {
			return false
		}
	}
	sqlText := strings.ToLower(st.SQL.String())
	for _, t := range w.tables {
		if strings.Contains(sqlText, t) {
			return true
		}
	}
	return false
}

// watchedPool is the connection pool of a SQLite database: a *sql.DB whose transactions report their
// commit to the watchers whose tables they wrote.
type watchedPool struct {
	db *sql.DB

	mu       sync.Mutex
	watchers []*watcher
	n        int
}

func (p *watchedPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.db.PrepareContext(ctx, query)
}

func (p *watchedPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.db.ExecContext(ctx, query, args...)
}

func (p *watchedPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.db.QueryContext(ctx, query, args...)
}

func (p *watchedPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.db.QueryRowContext(ctx, query, args...)
}

// BeginTx makes gorm use a watchedTx (gorm.ConnPoolBeginner).
func (p *watchedPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	tx, err := p.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &watchedTx{Tx: tx}, nil
}

// GetDBConn lets gorm.DB.DB return the pool.
func (p *watchedPool) GetDBConn() (*sql.DB, error) { return p.db, nil }

type watchedTx struct {
	*sql.Tx
	mu      sync.Mutex
	touched []*watcher
}

func (t *watchedTx) mark(w *watcher) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, x := range t.touched {
		if x == w {
			return
		}
	}
	t.touched = append(t.touched, w)
}

func (t *watchedTx) Commit() error {
	err := t.Tx.Commit()
	t.mu.Lock()
	touched := t.touched
	t.touched = nil
	t.mu.Unlock()
	// Also after a failed commit: whether it took effect is not known.
	for _, w := range touched {
		w.fn()
	}
	return err
}

// Rollback needs no call: what was written at the statement already made the watchers drop it.
func (t *watchedTx) Rollback() error { return t.Tx.Rollback() }

// watchSQLite installs the watched pool under a SQLite gorm.DB.
func watchSQLite(db *gorm.DB, sqlDB *sql.DB) {
	p := &watchedPool{db: sqlDB}
	db.ConnPool = p
	db.Statement.ConnPool = p
}
