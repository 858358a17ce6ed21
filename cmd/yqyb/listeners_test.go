package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"
)

func TestPprofListener(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	addr, err := servePprof(ctx, "127.0.0.1:0", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path   string
		status int
	}{
		{"/debug/pprof/cmdline", http.StatusOK},
		{"/debug/pprof/heap?debug=1", http.StatusOK},
		{"/debug/pprof/goroutine?debug=1", http.StatusOK},
		// Only the profiles: nothing of the API answers on this port.
		{"/api/v1/health", http.StatusNotFound},
		{"/metrics", http.StatusNotFound},
	}
	for _, tt := range tests {
		resp, err := http.Get("http://" + addr + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s = %d, want %d", tt.path, resp.StatusCode, tt.status)
		}
	}
	// Only loopback: an address on every interface is refused even when config was bypassed.
	if _, err := servePprof(ctx, "0.0.0.0:0", slog.New(slog.NewTextHandler(io.Discard, nil))); err == nil {
		t.Error("servePprof listened on every interface")
	}
	// The listener goes away with the server's context.
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/debug/pprof/cmdline")
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("the pprof listener still answers after its context ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
