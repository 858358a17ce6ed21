//go:build linux

package cluster

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"yqyb/internal/platform/testdb"
	"yqyb/internal/tools/demo"
)

// TestSIGTERMDrains sends SIGTERM to an instance busy with requests: the listener closes at once (new
// connections are refused), every request already in flight completes with 2xx, and the process exits 0.
func TestSIGTERMDrains(t *testing.T) {
	// Each test has its own database and processes; side by side they take half the time.
	t.Parallel()
	db := testdb.PostgresEmpty(t)
	bin := binary(t)
	dir := t.TempDir()
	in := startSeeded(t, bin, serveVars(testdb.URLFor(testdb.Name(t, db)), 5, map[string]string{"YQYB_DATA_DIR": filepath.Join(dir, "data")}))

	// Logins are slow on purpose (bcrypt): a burst of them keeps the server busy for a measurable time.
	const n = 48
	type result struct {
		code int
		err  error
		at   time.Time
	}
	results := make([]result, n)
	var written, finished sync.WaitGroup
	written.Add(n)
	finished.Add(n)
	for i := range n {
		go func() {
			defer finished.Done()
			var once sync.Once
			trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { once.Do(written.Done) }}
			ctx := httptrace.WithClientTrace(context.Background(), trace)
			r, err := call(ctx, in.url, http.MethodPost, "/api/v1/auth/login", "", "", map[string]string{"mode": "personal", "username": demo.MallName, "password": pw})
			once.Do(written.Done) // a request that failed before it was written must not block the test
			results[i] = result{code: r.Code, err: err, at: time.Now()}
		}()
	}
	written.Wait()
	time.Sleep(100 * time.Millisecond) // let the server accept and start reading every request
	sentAt := time.Now()
	if err := in.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	// New connections are refused while the old ones drain.
	var refusedAt time.Time
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", in.addr, 500*time.Millisecond)
		if err == nil {
			c.Close()
			continue
		}
		// A connection that reached the listen queue just as the listener closed is reset rather than
		// refused; either way the server no longer takes it.
		if !errors.Is(err, syscall.ECONNREFUSED) && !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("dial after SIGTERM: %v, want connection refused", err)
		}
		refusedAt = time.Now()
		break
	}
	if refusedAt.IsZero() {
		t.Fatal("new connections were still accepted 3 s after SIGTERM")
	}
	finished.Wait()

	ok, afterSignal, afterRefused := 0, 0, 0
	var last time.Time
	for i, r := range results {
		if r.at.After(last) {
			last = r.at
		}
		switch {
		case r.err != nil:
			t.Errorf("request %d in flight at SIGTERM: %v", i, r.err)
		case r.code != 200:
			t.Errorf("request %d in flight at SIGTERM = %d, want 200", i, r.code)
		default:
			ok++
		}
		if r.at.After(sentAt) {
			afterSignal++
		}
		if r.at.After(refusedAt) {
			afterRefused++
		}
	}
	t.Logf("%d/%d in-flight requests completed with 200; %d finished after SIGTERM, %d after new connections were already refused (%v after the signal); the drain took %v",
		ok, n, afterSignal, afterRefused, refusedAt.Sub(sentAt).Round(time.Millisecond), last.Sub(sentAt).Round(time.Millisecond))
	if afterRefused == 0 {
		t.Errorf("no request was still in flight once the listener had closed: the test proved nothing about draining")
	}
	// Already signalled: stop sends SIGTERM once more (ignored while draining) and waits for exit 0.
	if err := in.stop(); err != nil {
		t.Error(err)
	}
	if len(in.log.Grep("draining in-flight requests")) != 1 {
		t.Errorf("the instance did not log its drain:\n%s", in.log.Tail(10))
	}
}
