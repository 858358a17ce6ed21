package database_test

import (
	"context"
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
