// Package testdb gives tests a fresh, migrated database of their own, so tests never collide and never see
// each other's rows. PostgreSQL is the database integration tests run on; when it is unreachable the tests
// skip, unless YQYB_REQUIRE_PG=1 (set by CI) turns that into a failure.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // admin connection for CREATE/DROP DATABASE
	"gorm.io/gorm"

	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
	"yqyb/internal/platform/logging"
	"yqyb/internal/schema"
)

// AdminURL is the PostgreSQL server tests create their databases on.
func AdminURL() string {
	if u := os.Getenv("YQYB_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Required reports whether a missing PostgreSQL must fail the run (CI) rather than skip.
func Required() bool { return os.Getenv("YQYB_REQUIRE_PG") == "1" }

var (
	tmplOnce sync.Once
	tmplName string
	tmplErr  error
)

// Postgres returns a connection to a new database holding the full schema, dropped when the test ends.
// The clock is used for GORM's timestamps; pass nil for the system clock.
func Postgres(t testing.TB, clk clock.Clock) *gorm.DB {
	t.Helper()
	admin := adminConn(t)
	tmplOnce.Do(func() { tmplName, tmplErr = ensureTemplate(admin) })
	if tmplErr != nil {
		t.Fatalf("prepare template database: %v", tmplErr)
	}
	return create(t, admin, "TEMPLATE "+tmplName, clk)
}

// PostgresEmpty is Postgres without any schema, for tests of the migrations themselves.
func PostgresEmpty(t testing.TB) *gorm.DB {
	t.Helper()
	return create(t, adminConn(t), "", nil)
}

// URLFor returns the connection URL of a database on the test server, e.g. for starting another process.
func URLFor(name string) string {
	u, _ := url.Parse(AdminURL())
	u.Path = "/" + name
	return u.String()
}

// Name returns the database name a connection from this package talks to.
func Name(t testing.TB, db *gorm.DB) string {
	var n string
	if err := db.Raw("SELECT current_database()").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func adminConn(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", AdminURL())
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		if Required() {
			t.Fatalf("PostgreSQL is required (YQYB_REQUIRE_PG=1) but unreachable at %s: %v", AdminURL(), err)
		}
		t.Skipf("PostgreSQL unreachable at %s (set YQYB_TEST_DATABASE_URL): %v", AdminURL(), err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func create(t testing.TB, admin *sql.DB, template string, clk clock.Clock) *gorm.DB {
	t.Helper()
	name := "yqyb_t_" + randomSuffix()
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		// Two packages copying the template at the same moment can collide; wait and retry.
		if _, err = admin.Exec(fmt.Sprintf("CREATE DATABASE %s %s", name, template)); err == nil || !strings.Contains(err.Error(), "being accessed by other users") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	if clk == nil {
		clk = clock.System{}
	}
	db, err := database.Open(context.Background(), database.Options{URL: URLFor(name), MaxOpen: 10, MaxIdle: 5, MaxLifetime: time.Minute}, clk, logging.Discard())
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { database.Close(db) })
	return db
}

// ensureTemplate builds (once per schema version) a database holding every migration, from which each test
// database is copied: far faster than migrating per test.
func ensureTemplate(admin *sql.DB) (string, error) {
	migs, err := schema.Migrations()
	if err != nil {
		return "", err
	}
	var all strings.Builder
	for _, m := range migs {
		// The version too: a migration renumbered keeps its checksum but not its place in the ledger.
		fmt.Fprintf(&all, "%d:%s;", m.Version, m.Checksum)
	}
	name := "yqyb_tmpl_" + shortHash(all.String())

	ctx := context.Background()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	// Serialise template creation across test packages running in parallel.
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7141100002)"); err != nil {
		return "", err
	}
	// Closing the connection releases the lock too, so a failed unlock needs no handling.
	defer func() { _, _ = conn.ExecContext(ctx, "SELECT pg_advisory_unlock(7141100002)") }()

	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// Templates of older schemas are of no further use, but another checkout (a branch with one more
	// migration) may be copying its own right now: keep the eight newest (highest oid) besides this one.
	rows, err := conn.QueryContext(ctx, "SELECT datname FROM pg_database WHERE datname LIKE 'yqyb_tmpl_%' AND datname NOT LIKE '%_building' ORDER BY oid DESC OFFSET 8")
	if err != nil {
		return "", err
	}
	var stale []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			stale = append(stale, n)
		}
	}
	rows.Close()
	for _, n := range stale {
		// Best effort: a template another run is copying this instant stays until the next build.
		_, _ = conn.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", n))
	}

	building := name + "_building"
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", building)); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	db, err := database.Open(ctx, database.Options{URL: URLFor(building), MaxOpen: 2}, clock.System{}, logging.Discard())
	if err != nil {
		return "", err
	}
	_, err = database.NewMigrator(db, migs, time.Now).Up(ctx)
	database.Close(db)
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	// Renaming last means a half-built template is never used.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, name)); err != nil {
		return "", err
	}
	return name, nil
}

// Engine is one database the product runs on, for tests of rules that must hold on both.
type Engine struct {
	Name string
	Open func(t testing.TB, clk clock.Clock) *gorm.DB // a fresh, migrated database
}

// Engines are PostgreSQL (production) and SQLite (the embedded default).
func Engines() []Engine { return []Engine{{"postgres", Postgres}, {"sqlite", SQLite}} }

// SQLite returns a fresh, migrated SQLite database in a temporary directory.
func SQLite(t testing.TB, clk clock.Clock) *gorm.DB {
	t.Helper()
	db := SQLiteEmpty(t, clk)
	migs, err := schema.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := database.NewMigrator(db, migs, time.Now).Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// SQLiteEmpty is SQLite without any schema.
func SQLiteEmpty(t testing.TB, clk clock.Clock) *gorm.DB {
	t.Helper()
	if clk == nil {
		clk = clock.System{}
	}
	db, err := database.Open(context.Background(), database.Options{DataDir: t.TempDir(), MaxOpen: 4}, clk, logging.Discard())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { database.Close(db) })
	return db
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:6])
}

// Must fails the test when a GORM call a test made for its setup or its checks failed, so that a broken
// query cannot pass for an empty result.
func Must(t testing.TB, res *gorm.DB) {
	t.Helper()
	if res.Error != nil {
		t.Fatal(res.Error)
	}
}
