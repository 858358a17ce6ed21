//go:build linux

package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"yqyb/internal/platform/testdb"
	"yqyb/internal/platform/testproc"
)

// workDir holds the binary built for this run; TestMain removes it.
var workDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "yqyb-cluster-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// binary returns the yqyb binary under test: YQYB_BIN if set, else one built from this module, once per run.
func binary(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("YQYB_BIN"); b != "" {
		return b
	}
	buildOnce.Do(func() {
		gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(gobin); err != nil {
			gobin = "go"
		}
		out := filepath.Join(workDir, "yqyb")
		start := time.Now()
		cmd := exec.Command(gobin, "build", "-o", out, "yqyb/cmd/yqyb")
		if b, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build yqyb/cmd/yqyb: %v\n%s", err, b)
			return
		}
		t.Logf("built %s in %v", out, time.Since(start).Round(time.Millisecond))
		builtBin = out
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// skipOrFail skips a test whose prerequisite is missing, or fails it when YQYB_REQUIRE_PG=1 (CI).
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if testdb.Required() {
		t.Fatalf("required (YQYB_REQUIRE_PG=1) but unavailable: %s", msg)
	}
	t.Skipf("SKIPPED, NOT TESTED: %s", msg)
}

// baseEnv is this process's environment without any of the product's variables, so a developer's own
// settings do not leak into the processes under test.
func baseEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "YQYB_") || k == "DATABASE_URL" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// envOf turns a map into KEY=VALUE pairs after baseEnv.
func envOf(vars map[string]string) []string {
	env := baseEnv()
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// runTool runs a one-shot subcommand of the binary (migrate up, seed) and fails the test on error.
func runTool(t *testing.T, bin string, env []string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("yqyb %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// serveVars is the environment of a test instance: development mode (for the jobs endpoint), one random
// signing key per test (instances of a test share it), migrations left to `migrate up`, no SPA and no login
// rate limit; extra adds to it or overrides it.
func serveVars(dbURL string, pool int, extra map[string]string) map[string]string {
	m := map[string]string{
		"DATABASE_URL":               dbURL,
		"YQYB_ENV":                   "development",
		"YQYB_JWT_SECRET":            randomHex(32),
		"YQYB_AUTO_MIGRATE":          "false",
		"YQYB_SHUTDOWN_TIMEOUT":      shutdownTimeout.String(),
		"YQYB_LOGIN_RATE_PER_MINUTE": "0",
		"YQYB_DB_MAX_OPEN_CONNS":     strconv.Itoa(pool),
		"YQYB_SERVE_SPA":             "false",
	}
	maps.Copy(m, extra)
	return m
}

// startSeeded migrates and seeds the database of vars, then starts one instance on it and waits until it
// is ready.
func startSeeded(t *testing.T, bin string, vars map[string]string) *instance {
	t.Helper()
	runTool(t, bin, envOf(vars), "migrate", "up")
	runTool(t, bin, envOf(vars), "seed")
	in := startServe(t, bin, "instance", vars)
	in.waitReady(t, 30*time.Second)
	return in
}

// process is a running child process.
type process struct {
	name string
	cmd  *exec.Cmd
	log  *testproc.Log
	done chan struct{} // closed when it has exited
	err  error         // Wait's result, valid after done
}

func startProcess(t *testing.T, name string, cmd *exec.Cmd) *process {
	t.Helper()
	p := &process{name: name, cmd: cmd, log: &testproc.Log{Limit: 8 << 20}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("---- last lines of %s ----\n%s", name, p.log.Tail(40))
		}
		if !p.exited() {
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// terminate sends sig and waits up to timeout for the exit; it returns the exit code (-1: killed by a
// signal). It does not touch the test, so goroutines may call it.
func (p *process) terminate(sig os.Signal, timeout time.Duration) (int, error) {
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return 0, fmt.Errorf("signal %s: %w", p.name, err)
	}
	select {
	case <-p.done:
	case <-time.After(timeout):
		return 0, fmt.Errorf("%s did not exit within %v of %v", p.name, timeout, sig)
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode(), nil
	}
	if p.err != nil {
		return 0, fmt.Errorf("%s: %w", p.name, p.err)
	}
	return 0, nil
}

// instance is one `yqyb serve` process.
type instance struct {
	*process
	addr string // host:port
	url  string
}

// shutdownTimeout is YQYB_SHUTDOWN_TIMEOUT of every instance: the production default, since a drain on a
// loaded 2-core CI machine took 10 s.
const shutdownTimeout = 30 * time.Second

// startServe starts `yqyb serve` on a free loopback port; vars are its environment.
func startServe(t *testing.T, bin, name string, vars map[string]string) *instance {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", testproc.FreePort(t))
	cmd := exec.Command(bin, "serve", "--addr", addr)
	cmd.Env = envOf(vars)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive a killed test run
	p := startProcess(t, name, cmd)
	return &instance{process: p, addr: addr, url: "http://" + addr}
}

// waitReady waits until /readyz answers 200.
func (in *instance) waitReady(t *testing.T, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		if in.exited() {
			t.Fatalf("%s exited before it was ready (%v):\n%s", in.name, in.err, in.log.Tail(30))
		}
		if r, err := c.Get(in.url + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within %v:\n%s", in.name, timeout, in.log.Tail(30))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM, as an orchestrator does, and reports an error unless the process exits 0 within
// the shutdown timeout (and a moment for its own teardown). Goroutines may call it.
func (in *instance) stop() error {
	code, err := in.terminate(syscall.SIGTERM, shutdownTimeout+2*time.Second)
	if err == nil && code != 0 {
		err = fmt.Errorf("%s exited with %d after SIGTERM, want 0:\n%s", in.name, code, in.log.Tail(20))
	}
	return err
}

// client is shared by the tests; every request has a deadline, so a hang is a failure, not a stuck run.
var client = &http.Client{
	Timeout:   20 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second},
}

// resp is what a request returned.
type resp struct {
	Code int
	Body []byte
}

// errBody is the product's one error shape.
type errBody struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details"`
}

func (r resp) err() errBody {
	var b errBody
	json.Unmarshal(r.Body, &b)
	return b
}

func (r resp) String() string { return fmt.Sprintf("%d %s", r.Code, r.Body) }

// call is one request: token is a bearer token (or ""), ip a client address sent as X-Forwarded-For (the
// instances trust loopback as a proxy), body nil or a value sent as JSON.
func call(ctx context.Context, base, method, path, token, ip string, body any) (resp, error) {
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			return resp{}, err
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return resp{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ip != "" {
		req.Header.Set("X-Forwarded-For", ip)
	}
	r, err := client.Do(req)
	if err != nil {
		return resp{}, err
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	return resp{Code: r.StatusCode, Body: b}, err
}

// do is call that fails the test on a transport error.
func (in *instance) do(t *testing.T, method, path, token, ip string, body any) resp {
	t.Helper()
	r, err := call(context.Background(), in.url, method, path, token, ip, body)
	if err != nil {
		t.Fatalf("%s %s %s: %v", in.name, method, path, err)
	}
	return r
}

// tokens is the login answer.
type tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

func (in *instance) login(t *testing.T, ip, user, password string) tokens {
	t.Helper()
	r := in.do(t, http.MethodPost, "/api/v1/auth/login", "", ip, map[string]string{"mode": "personal", "username": user, "password": password})
	var tok tokens
	if r.Code != 200 || json.Unmarshal(r.Body, &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("login %s on %s = %s", user, in.name, r)
	}
	return tok
}

func (in *instance) refresh(t *testing.T, refreshToken string) (resp, tokens) {
	t.Helper()
	r := in.do(t, http.MethodPost, "/api/v1/auth/refresh", "", "", map[string]string{"refresh_token": refreshToken})
	var tok tokens
	json.Unmarshal(r.Body, &tok)
	return r, tok
}
