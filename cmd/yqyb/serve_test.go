package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"yqyb/internal/platform/config"
	"yqyb/internal/platform/testproc"
)

// serveEnv clears every variable the program reads (the developer's shell may set some), then sets vars;
// an empty value counts as unset.
func serveEnv(t *testing.T, vars map[string]string) {
	t.Helper()
	for _, v := range config.Vars {
		t.Setenv(v.Name, "")
	}
	t.Setenv("YQYB_LOG_LEVEL", "info")
	for k, v := range vars {
		t.Setenv(k, v)
	}
}

// served is a `yqyb serve` running in this test process.
type served struct {
	log     *testproc.Log
	api     string // http://127.0.0.1:port
	metrics string // the metrics URL, if any
	stop    func() int
}

var (
	servingURL = regexp.MustCompile(`msg=serving url=http://(\S+)`)
	metricsURL = regexp.MustCompile(`msg="metrics listening" url=(\S+)`)
)

// startServe runs `yqyb serve --addr addr` until the test ends (or stop is called) and waits for its
// "serving" line.
func startServe(t *testing.T, addr string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := &testproc.Log{}
	code := make(chan int, 1)
	go func() { code <- run(ctx, []string{"serve", "--addr", addr}, io.Discard, log) }()
	s := &served{log: log}
	once := false
	exit := -1
	s.stop = func() int {
		if !once {
			once = true
			cancel()
			exit = <-code
		}
		return exit
	}
	t.Cleanup(func() { s.stop() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := servingURL.FindStringSubmatch(log.String()); m != nil {
			_, port, _ := net.SplitHostPort(m[1])
			s.api = "http://127.0.0.1:" + port
			break
		}
		select {
		case c := <-code:
			t.Fatalf("serve exited with %d before serving:\n%s", c, log.Tail(20))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start within a minute:\n%s", log.Tail(20))
		}
	}
	if m := metricsURL.FindStringSubmatch(log.String()); m != nil {
		s.metrics = m[1]
	}
	return s
}

func get(t *testing.T, url string, method ...string) (int, string) {
	t.Helper()
	m := http.MethodGet
	if len(method) > 0 {
		m = method[0]
	}
	req, _ := http.NewRequest(m, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeRefusesNetworkAddressWithoutEnv: with YQYB_ENV unset, serve on an address other machines reach
// refuses to start, says what to set, and leaves no data directory behind.
func TestServeRefusesNetworkAddressWithoutEnv(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	serveEnv(t, map[string]string{"YQYB_DATA_DIR": data})
	var stderr strings.Builder
	code := run(context.Background(), []string{"serve", "--addr", "0.0.0.0:0"}, io.Discard, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "YQYB_ENV=production") {
		t.Fatalf("exit %d, stderr %q; want 1 and the advice to set YQYB_ENV=production", code, stderr.String())
	}
	if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused start created %s", data)
	}
}

// TestServeDevelopmentOnLoopback: `make run`'s case. YQYB_ENV unset on 127.0.0.1 is a development server
// with its development routes; metrics are on their own listener, not on the API's port.
func TestServeDevelopmentOnLoopback(t *testing.T) {
	serveEnv(t, map[string]string{"YQYB_DATA_DIR": t.TempDir(), "YQYB_METRICS_ADDR": "127.0.0.1:0", "YQYB_SERVE_SPA": "false"})
	s := startServe(t, "127.0.0.1:0")
	if code, body := get(t, s.api+"/api/v1/dev/clock"); code != 200 || !strings.Contains(body, "offset_seconds") {
		t.Fatalf("GET /api/v1/dev/clock = %d %s", code, body)
	}
	if code, _ := get(t, s.api+"/metrics"); code != 404 {
		t.Errorf("GET /metrics on the API port = %d, want 404", code)
	}
	if s.metrics == "" {
		t.Fatalf("no metrics listener logged:\n%s", s.log.Tail(20))
	}
	code, body := get(t, s.metrics)
	if code != 200 || !strings.Contains(body, `yqyb_http_requests_total{method="GET",route="/api/v1/dev/clock",status="200"} 1`) {
		t.Fatalf("GET %s = %d, want the request counters:\n%.2000s", s.metrics, code, body)
	}
	if code, _ := get(t, strings.TrimSuffix(s.metrics, "/metrics")+"/api/v1/meta"); code != 404 {
		t.Errorf("the metrics listener answers API paths: %d", code)
	}
	if c := s.stop(); c != 0 {
		t.Fatalf("serve exited with %d:\n%s", c, s.log.Tail(20))
	}
}

// TestServeExplicitDevelopmentOnNetwork: YQYB_ENV=development on every interface serves, without the
// development routes, and says so.
func TestServeExplicitDevelopmentOnNetwork(t *testing.T) {
	serveEnv(t, map[string]string{"YQYB_DATA_DIR": t.TempDir(), "YQYB_ENV": "development", "YQYB_SERVE_SPA": "false"})
	s := startServe(t, "0.0.0.0:0")
	for _, r := range []struct{ method, path string }{{http.MethodGet, "/api/v1/dev/clock"}, {http.MethodPost, "/api/v1/dev/jobs/run"}} {
		if code, _ := get(t, s.api+r.path, r.method); code != 404 {
			t.Errorf("%s %s = %d, want 404", r.method, r.path, code)
		}
	}
	if code, _ := get(t, s.api+"/api/v1/meta"); code != 200 {
		t.Errorf("GET /api/v1/meta = %d", code)
	}
	if len(s.log.Grep("not a loopback address")) == 0 {
		t.Errorf("no warning about the development routes:\n%s", s.log.Tail(20))
	}
}

// TestServeRefusesWebUIDirWithoutBuild: YQYB_WEBUI_DIR pointing at a directory without index.html is a
// mistake serve names, not a site of 404s.
func TestServeRefusesWebUIDirWithoutBuild(t *testing.T) {
	serveEnv(t, map[string]string{"YQYB_DATA_DIR": t.TempDir(), "YQYB_ENV": "development", "YQYB_WEBUI_DIR": t.TempDir()})
	var stderr strings.Builder
	code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, io.Discard, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "YQYB_WEBUI_DIR") || !strings.Contains(stderr.String(), "index.html") {
		t.Fatalf("exit %d, stderr %q; want 1 naming YQYB_WEBUI_DIR and index.html", code, stderr.String())
	}
}
