package database_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/database"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/schema"
)

func TestSplitStatements(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"two statements", "CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n", []string{"CREATE TABLE a (x INT);", "CREATE TABLE b (y INT);"}},
		{"semicolon inside a string", "INSERT INTO a VALUES ('x;\ny');\n", []string{"INSERT INTO a VALUES ('x;\ny');"}},
		{"semicolon mid-line is not an end", "SELECT 1; SELECT 2;\n", []string{"SELECT 1; SELECT 2;"}},
		{"trailing comment after semicolon", "SELECT 1; -- one\nSELECT 2;", []string{"SELECT 1;", "-- one\nSELECT 2;"}},
		{"comment-only pieces dropped", "-- header\n\n-- more\n", nil},
		{"comment containing semicolon", "-- a; b;\nSELECT 1;", []string{"-- a; b;\nSELECT 1;"}},
		{"dollar-quoted body", "CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;\nSELECT 2;",
			[]string{"CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;", "SELECT 2;"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := database.SplitStatements(tt.in)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestLoadMigrationsRejectsBadNames(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"bad name":  {"1_x.sql": {Data: []byte("SELECT 1;")}},
		"duplicate": {"0001_a.sql": {Data: []byte("SELECT 1;")}, "0001_b.sql": {Data: []byte("SELECT 1;")}},
	} {
		if _, err := database.LoadMigrations(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// dialects runs a test on an empty database of each kind the product supports.
func dialects(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, testdb.SQLiteEmpty(t, nil)) })
	t.Run("postgres", func(t *testing.T) { fn(t, testdb.PostgresEmpty(t)) })
}

func TestProductMigrations(t *testing.T) {
	dialects(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		migs, err := schema.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		m := database.NewMigrator(db, migs, time.Now)
		if n, err := m.Pending(ctx); err != nil || n != len(migs) {
			t.Fatalf("Pending before = %d, %v; want %d", n, err, len(migs))
		}
		applied, err := m.Up(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != len(migs) {
			t.Fatalf("applied %d of %d", len(applied), len(migs))
		}
		again, err := m.Up(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("second Up applied %d, %v", len(again), err)
		}
		st, err := m.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if s.AppliedAt == nil || s.Modified {
				t.Errorf("status %+v", s)
			}
		}
		// Reference data: Beijing and its 16 districts, and the template standards (a Go migration).
		var districts, templates int64
		testdb.Must(t, db.Raw("SELECT COUNT(*) FROM regions WHERE level = 'district' AND path LIKE '/110000/%'").Scan(&districts))
		testdb.Must(t, db.Raw("SELECT COUNT(DISTINCT main_business_id) FROM template_items").Scan(&templates))
		if districts != 16 || templates < 6 {
			t.Fatalf("districts = %d, templates = %d", districts, templates)
		}
	})
}

func TestFailedMigrationRollsBack(t *testing.T) {
	fsys := fstest.MapFS{
		"0001_first.sql":  {Data: []byte("CREATE TABLE first_t (id INTEGER PRIMARY KEY);\n")},
		"0002_broken.sql": {Data: []byte("CREATE TABLE half_t (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n")},
		"0003_later.sql":  {Data: []byte("CREATE TABLE later_t (id INTEGER PRIMARY KEY);\n")},
	}
	dialects(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		migs, err := database.LoadMigrations(fsys)
		if err != nil {
			t.Fatal(err)
		}
		m := database.NewMigrator(db, migs, time.Now)
		applied, err := m.Up(ctx)
		if err == nil {
			t.Fatal("Up succeeded over a broken migration")
		}
		if !strings.Contains(err.Error(), "0002_broken") || !strings.Contains(err.Error(), "第2条语句") {
			t.Fatalf("error does not name the step: %v", err)
		}
		if len(applied) != 1 || applied[0].Version != 1 {
			t.Fatalf("applied = %+v, want only 0001", applied)
		}
		mig := db.Migrator()
		if !mig.HasTable("first_t") {
			t.Error("the migration before the broken one was lost")
		}
		if mig.HasTable("half_t") {
			t.Error("the broken migration's first statement was kept")
		}
		if mig.HasTable("later_t") {
			t.Error("a migration after the broken one ran")
		}
		if n, _ := m.Pending(ctx); n != 2 {
			t.Errorf("pending = %d, want 2", n)
		}
	})
}

func TestModifiedMigrationRefused(t *testing.T) {
	dialects(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		v1, _ := database.LoadMigrations(fstest.MapFS{"0001_a.sql": {Data: []byte("CREATE TABLE a_t (id INTEGER);\n")}})
		if _, err := database.NewMigrator(db, v1, time.Now).Up(ctx); err != nil {
			t.Fatal(err)
		}
		v2, _ := database.LoadMigrations(fstest.MapFS{"0001_a.sql": {Data: []byte("CREATE TABLE a_t (id BIGINT);\n")}})
		m := database.NewMigrator(db, v2, time.Now)
		if _, err := m.Up(ctx); !errors.Is(err, database.ErrModified) {
			t.Fatalf("Up = %v, want ErrModified", err)
		}
		st, _ := m.Status(ctx)
		if len(st) != 1 || !st[0].Modified {
			t.Fatalf("status = %+v", st)
		}
	})
}

func TestConcurrentMigratorsApplyOnce(t *testing.T) {
	db := testdb.PostgresEmpty(t)
	migs, err := schema.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := database.NewMigrator(db, migs, time.Now).Up(context.Background())
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int64
	testdb.Must(t, db.Raw("SELECT COUNT(*) FROM schema_migrations").Scan(&n))
	if int(n) != len(migs) {
		t.Fatalf("ledger rows = %d, want %d", n, len(migs))
	}
}

// holdConn returns a connection of its own (outside db's pool), for a test that holds a lock while a
// migrator works.
func holdConn(t *testing.T, db *gorm.DB) *sql.Conn {
	t.Helper()
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := sqlDB.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestMigrationLockTimeout: a migration whose lock waits behind a long transaction (here: a reader of the
// table, which an ALTER TABLE must wait for) gives up after the lock timeout, names itself and leaves the
// schema as it was, instead of queueing every later write of the table behind it.
func TestMigrationLockTimeout(t *testing.T) {
	db := testdb.PostgresEmpty(t)
	ctx := context.Background()
	migs, err := database.LoadMigrations(fstest.MapFS{
		"0001_table.sql":  {Data: []byte("CREATE TABLE lt_t (id INTEGER PRIMARY KEY, x INTEGER);\n")},
		"0002_column.sql": {Data: []byte("ALTER TABLE lt_t ADD COLUMN y INTEGER;\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := database.NewMigrator(db, migs[:1], time.Now).Up(ctx); err != nil {
		t.Fatal(err)
	}
	holder := holdConn(t, db)
	tx, err := holder.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	if _, err := tx.ExecContext(ctx, "SELECT * FROM lt_t"); err != nil {
		t.Fatal(err)
	}
	m := database.NewMigrator(db, migs, time.Now)
	m.LockTimeout = 300 * time.Millisecond
	// Without a lock timeout the migrator would wait as long as the reader does; the test's own deadline
	// turns that into a failure.
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err = m.Up(wait)
	took := time.Since(start)
	if err == nil {
		t.Fatal("the migration applied while another transaction held the table")
	}
	if took > 5*time.Second || !strings.Contains(err.Error(), "0002_column") || !strings.Contains(err.Error(), "lock_timeout") {
		t.Fatalf("after %v: %v; want a lock-timeout error naming 0002_column within a few seconds", took, err)
	}
	if db.Migrator().HasColumn("lt_t", "y") {
		t.Error("the timed-out migration left its column")
	}
	tx.Rollback()
	if applied, err := m.Up(ctx); err != nil || len(applied) != 1 {
		t.Fatalf("once the reader ended: applied %d, %v", len(applied), err)
	}
}

// TestNoTransactionMigration: a migration marked `-- yqyb:no-transaction` runs outside a transaction, so
// PostgreSQL can build its index CONCURRENTLY: the build waits for a transaction that holds a row of the
// table, and meanwhile other writes to the table go on. It is recorded once.
func TestNoTransactionMigration(t *testing.T) {
	fsys := fstest.MapFS{
		"0001_table.sql": {Data: []byte("CREATE TABLE nt_t (id INTEGER PRIMARY KEY, x INTEGER);\nINSERT INTO nt_t (id, x) VALUES (1, 1), (2, 2);\n")},
		"0002_index.sql": {Data: []byte("-- yqyb:no-transaction\n-- A large table: build without blocking writes.\n" +
			"CREATE INDEX {{if pg}}CONCURRENTLY {{end}}IF NOT EXISTS nt_x_idx ON nt_t (x);\n")},
	}
	migs, err := database.LoadMigrations(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if !migs[1].NoTransaction || migs[0].NoTransaction {
		t.Fatalf("NoTransaction = %v, %v", migs[0].NoTransaction, migs[1].NoTransaction)
	}
	dialects(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		if _, err := database.NewMigrator(db, migs[:1], time.Now).Up(ctx); err != nil {
			t.Fatal(err)
		}
		m := database.NewMigrator(db, migs, time.Now)
		if database.Dialect(db) == database.Postgres {
			// A transaction holding a row: the concurrent build must wait for it to end.
			holder := holdConn(t, db)
			tx, err := holder.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { tx.Rollback() })
			if _, err := tx.ExecContext(ctx, "UPDATE nt_t SET x = x WHERE id = 1"); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { _, err := m.Up(ctx); done <- err }()
			waitFor(t, "the index build waiting for the row holder", func() bool {
				var n int64
				testdb.Must(t, db.Raw("SELECT COUNT(*) FROM pg_stat_activity WHERE query LIKE '%CREATE INDEX CONCURRENTLY%' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()").Scan(&n))
				return n > 0
			})
			// Writes go on while the index is being built.
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = db.WithContext(wctx).Exec("INSERT INTO nt_t (id, x) VALUES (3, 3)").Error
			cancel()
			if err != nil {
				t.Fatalf("a write during the index build: %v", err)
			}
			select {
			case err := <-done:
				t.Fatalf("the build finished while a transaction still held a row: %v", err)
			default:
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			var valid bool
			if err := db.Raw("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'nt_x_idx'").Scan(&valid).Error; err != nil || !valid {
				t.Fatalf("nt_x_idx valid = %v, %v", valid, err)
			}
		} else if _, err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
		if !db.Migrator().HasIndex("nt_t", "nt_x_idx") {
			t.Fatal("no index nt_x_idx")
		}
		var n int64
		if err := db.Raw("SELECT COUNT(*) FROM schema_migrations WHERE version = 2").Scan(&n).Error; err != nil || n != 1 {
			t.Fatalf("ledger rows of 0002 = %d, %v", n, err)
		}
		if again, err := m.Up(ctx); err != nil || len(again) != 0 {
			t.Fatalf("second Up applied %d, %v", len(again), err)
		}
	})
}

// TestNoTransactionMigrationRebuildsInvalidIndex: a concurrent build that fails (here on duplicate values)
// leaves an INVALID index behind, which IF NOT EXISTS would then take for done. The runner names the
// failure, and on the next run drops the invalid index and builds it again.
func TestNoTransactionMigrationRebuildsInvalidIndex(t *testing.T) {
	db := testdb.PostgresEmpty(t)
	ctx := context.Background()
	migs, err := database.LoadMigrations(fstest.MapFS{
		"0001_table.sql":  {Data: []byte("CREATE TABLE ui_t (id INTEGER PRIMARY KEY, code TEXT);\nINSERT INTO ui_t VALUES (1, 'a'), (2, 'a'), (3, 'b');\n")},
		"0002_unique.sql": {Data: []byte("-- yqyb:no-transaction\nCREATE UNIQUE INDEX {{if pg}}CONCURRENTLY {{end}}IF NOT EXISTS ui_code_idx ON ui_t (code);\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := database.NewMigrator(db, migs, time.Now)
	if _, err := m.Up(ctx); err == nil || !strings.Contains(err.Error(), "0002_unique") {
		t.Fatalf("Up over duplicates = %v, want an error naming 0002_unique", err)
	}
	valid := func() (bool, bool) {
		var rows []bool
		if err := db.Raw("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ui_code_idx'").Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		return len(rows) == 1, len(rows) == 1 && rows[0]
	}
	if exists, ok := valid(); !exists || ok {
		t.Fatalf("after the failed build: exists %v valid %v; the test needs PostgreSQL's INVALID leftover", exists, ok)
	}
	if n, _ := m.Pending(ctx); n != 1 {
		t.Fatalf("pending = %d, want the failed migration", n)
	}
	if err := db.Exec("DELETE FROM ui_t WHERE id = 2").Error; err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if exists, ok := valid(); !exists || !ok {
		t.Fatalf("after the retry: exists %v valid %v, want a valid index", exists, ok)
	}
	if err := db.Exec("INSERT INTO ui_t VALUES (4, 'b')").Error; err == nil {
		t.Error("the rebuilt unique index does not enforce uniqueness")
	}
}

// TestNoTransactionMigrationMustBeRepeatable: statements outside a transaction survive a failure of a later
// one, so the runner runs the whole migration again next time; a CREATE or DROP must therefore say
// IF NOT EXISTS / IF EXISTS.
func TestNoTransactionMigrationMustBeRepeatable(t *testing.T) {
	_, err := database.LoadMigrations(fstest.MapFS{
		"0001_idx.sql": {Data: []byte("-- yqyb:no-transaction\nCREATE INDEX {{if pg}}CONCURRENTLY {{end}}a_idx ON a (x);\n")},
	})
	if err == nil || !strings.Contains(err.Error(), "0001_idx") || !strings.Contains(err.Error(), "IF NOT EXISTS") {
		t.Fatalf("LoadMigrations = %v, want a refusal naming 0001_idx and IF NOT EXISTS", err)
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
