package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// servePprof serves Go's profiles on their own loopback listener (config refuses any other address), so the
// API port never exposes them and a profile can be taken from a production process on demand. It returns the
// address it listens on; the listener closes when ctx ends.
func servePprof(ctx context.Context, addr string, log *slog.Logger) (string, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	bound, err := serveSide(ctx, "性能剖析", addr, mux, true, log)
	if err == nil {
		log.Info("pprof listening", "url", "http://"+bound+"/debug/pprof/")
	}
	return bound, err
}

// serveMetrics serves the Prometheus metrics at /metrics on their own listener (YQYB_METRICS_ADDR), never on
// the API's port, so nothing that routes the API (a reverse proxy, an Ingress) can expose them. Unlike
// pprof it may bind a non-loopback address: in Kubernetes Prometheus scrapes each pod's own address.
func serveMetrics(ctx context.Context, addr string, metrics http.Handler, log *slog.Logger) (string, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	bound, err := serveSide(ctx, "指标", addr, mux, false, log)
	if err == nil {
		log.Info("metrics listening", "url", "http://"+bound+"/metrics")
	}
	return bound, err
}

// serveSide serves h on a listener of its own beside the API until ctx ends, and returns the address bound.
func serveSide(ctx context.Context, what, addr string, h http.Handler, loopbackOnly bool, log *slog.Logger) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("%s监听 %s: %w", what, addr, err)
	}
	// Config takes only loopback addresses where they are required; this is the second lock on the same door.
	if loopbackOnly && !loopbackListener(ln) {
		ln.Close()
		return "", fmt.Errorf("%s监听 %s 不是回环地址，拒绝开启", what, ln.Addr())
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("side listener stopped", "listener", addr, "err", err)
		}
	}()
	return ln.Addr().String(), nil
}

// loopbackListener reports whether ln is bound to a loopback address only.
func loopbackListener(ln net.Listener) bool {
	a, ok := ln.Addr().(*net.TCPAddr)
	return ok && a.IP.IsLoopback()
}
