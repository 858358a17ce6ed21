//go:build linux

package cluster

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"yqyb/internal/platform/testproc"
)

// privatePG is a PostgreSQL server of one test's own, in a temporary directory, so the test can stop and
// restart it without disturbing the shared server every other test uses.
type privatePG struct {
	t     *testing.T
	bin   string // directory of initdb and postgres
	dir   string // owned by the server's user; holds data/ and the socket
	port  int
	cred  *syscall.Credential // when running as root: run as the postgres user (initdb refuses root)
	proc  *process
	start int // how many times it was started, for process names
	// settings are more server settings (name=value), passed as -c on every start.
	settings []string
}

// pgBinDir finds initdb and postgres: pg_config --bindir, else the newest /usr/lib/postgresql/*/bin, else
// the PATH.
func pgBinDir() (string, error) {
	has := func(d string) bool {
		for _, f := range []string{"initdb", "postgres"} {
			if _, err := os.Stat(filepath.Join(d, f)); err != nil {
				return false
			}
		}
		return true
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); has(d) {
			return d, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil && has(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	return "", fmt.Errorf("no PostgreSQL server binaries (initdb, postgres): not in pg_config --bindir, /usr/lib/postgresql/*/bin or PATH")
}

func pgMajor(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// startPrivatePG initialises and starts a private server; it skips (fails under YQYB_REQUIRE_PG=1) when
// that is impossible on this machine.
func startPrivatePG(t *testing.T) *privatePG {
	t.Helper()
	pg := initPrivatePG(t)
	pg.run()
	return pg
}

// initPrivatePG is startPrivatePG without the start, so the caller can add settings first.
func initPrivatePG(t *testing.T) *privatePG {
	t.Helper()
	bin, err := pgBinDir()
	if err != nil {
		skipOrFail(t, "fault test needs a private PostgreSQL server: %v", err)
	}
	pg := &privatePG{t: t, bin: bin}
	// Not t.TempDir(): its parents are private to root, and the server may run as another user.
	pg.dir, err = os.MkdirTemp("", "yqyb-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(pg.dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			skipOrFail(t, "running as root, and initdb refuses root, but there is no postgres user to run it as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		pg.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(pg.dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	initdb := pg.command(ctx, "initdb", "-D", pg.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		skipOrFail(t, "initdb (%s) failed: %v\n%s", bin, err, out)
	}
	pg.port = testproc.FreePort(t)
	return pg
}

func (pg *privatePG) data() string { return filepath.Join(pg.dir, "data") }

func (pg *privatePG) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(pg.bin, name), args...)
	cmd.Dir = pg.dir
	cmd.Env = append(baseEnv(), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: pg.cred} // nil: as this process's user
	return cmd
}

// run starts the server on its port and data directory and waits until it accepts connections.
func (pg *privatePG) run() {
	t := pg.t
	t.Helper()
	pg.start++
	cmd := pg.command(context.Background(), "postgres", "-D", pg.data(), "-p", strconv.Itoa(pg.port), "-k", pg.dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "shared_buffers=32MB", "-c", "max_connections=60")
	for _, kv := range pg.settings {
		cmd.Args = append(cmd.Args, "-c", kv)
	}
	// If the test run is killed, the server shuts down immediately (SIGKILL would orphan its children).
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	pg.proc = startProcess(t, fmt.Sprintf("postgres (start %d)", pg.start), cmd)
	p := pg.proc
	t.Cleanup(func() { // a fast shutdown first: SIGKILL would orphan the server's children
		if !p.exited() {
			p.terminate(syscall.SIGINT, 10*time.Second)
		}
	})
	db, err := sql.Open("pgx", pg.url("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if p.exited() {
			t.Fatalf("private PostgreSQL exited: %v\n%s", p.err, p.log.Tail(20))
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := db.PingContext(ctx)
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("private PostgreSQL not accepting connections after 30 s: %v\n%s", err, p.log.Tail(20))
		}
	}
}

// stop shuts the server down: SIGINT is a fast shutdown (pg_ctl stop -m fast: sessions are terminated,
// then a checkpoint), SIGQUIT an immediate one, as on a crash (no checkpoint; recovery from the WAL on the
// next start).
func (pg *privatePG) stop(sig syscall.Signal) {
	pg.t.Helper()
	if _, err := pg.proc.terminate(sig, 20*time.Second); err != nil {
		pg.t.Fatal(err)
	}
}

func (pg *privatePG) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", pg.port, db)
}

// createDB creates a database and returns its URL.
func (pg *privatePG) createDB(name string) string {
	pg.t.Helper()
	db, err := sql.Open("pgx", pg.url("postgres"))
	if err != nil {
		pg.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		pg.t.Fatal(err)
	}
	return pg.url(name)
}
