package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadDefaults(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(env(map[string]string{"YQYB_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Env != Development || c.Addr != "127.0.0.1:8080" || c.DatabaseURL != "" || !c.AutoMigrate || c.LogFormat != "text" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if c.StorageDir != filepath.Join(dir, "files") {
		t.Fatalf("StorageDir = %q", c.StorageDir)
	}
	if len(c.JWTSecret) != 64 || !c.SecretGenerated {
		t.Fatalf("secret not generated: %q %v", c.JWTSecret, c.SecretGenerated)
	}
	// The generated secret is kept: a second start reads the same one.
	c2, err := Load(env(map[string]string{"YQYB_DATA_DIR": dir}))
	if err != nil {
		t.Fatal(err)
	}
	if c2.JWTSecret != c.JWTSecret || c2.SecretGenerated {
		t.Fatalf("secret not kept across starts")
	}
	st, err := os.Stat(filepath.Join(dir, "secret"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode: %v %v", st.Mode(), err)
	}
}

func TestLoadOverrides(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(env(map[string]string{
		"YQYB_DATA_DIR": dir, "YQYB_ADDR": "0.0.0.0:9000", "DATABASE_URL": "postgres://x@h/db",
		"YQYB_CORS_ORIGINS": "https://a.example, https://b.example ,", "YQYB_LOG_LEVEL": "DEBUG",
		"YQYB_JWT_SECRET": "given", "YQYB_AUTO_MIGRATE": "false", "YQYB_PPROF_ADDR": "[::1]:6060",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.DatabaseURL != "postgres://x@h/db" || c.LogLevel != "debug" || c.JWTSecret != "given" || c.AutoMigrate || c.PprofAddr != "[::1]:6060" {
		t.Fatalf("overrides not applied: %+v", c)
	}
	if strings.Join(c.CORSOrigins, "|") != "https://a.example|https://b.example" {
		t.Fatalf("CORSOrigins = %q", c.CORSOrigins)
	}
	if _, err := os.Stat(filepath.Join(dir, "secret")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a secret file was written although a secret was given")
	}
}

func TestLoadRejects(t *testing.T) {
	strong := "k3J9x-Qm2Lp8Zr4Tv7Wb1Nc6Hd0Fg5Ys_"
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"bad mode", map[string]string{"YQYB_ENV": "staging"}, "YQYB_ENV"},
		{"bad level", map[string]string{"YQYB_LOG_LEVEL": "loud"}, "YQYB_LOG_LEVEL"},
		{"bad format", map[string]string{"YQYB_LOG_FORMAT": "xml"}, "YQYB_LOG_FORMAT"},
		{"bad bool", map[string]string{"YQYB_SERVE_SPA": "maybe"}, "YQYB_SERVE_SPA"},
		{"bad duration", map[string]string{"YQYB_SHUTDOWN_TIMEOUT": "soon"}, "YQYB_SHUTDOWN_TIMEOUT"},
		{"bad int", map[string]string{"YQYB_DB_MAX_OPEN_CONNS": "-1"}, "YQYB_DB_MAX_OPEN_CONNS"},
		{"pprof on every interface", map[string]string{"YQYB_PPROF_ADDR": "0.0.0.0:6060"}, "YQYB_PPROF_ADDR"},
		{"pprof on a public name", map[string]string{"YQYB_PPROF_ADDR": "example.com:6060"}, "YQYB_PPROF_ADDR"},
		{"pprof without port", map[string]string{"YQYB_PPROF_ADDR": "127.0.0.1"}, "YQYB_PPROF_ADDR"},
		{"pprof by name", map[string]string{"YQYB_PPROF_ADDR": "localhost:6060"}, "YQYB_PPROF_ADDR"},
		{"pprof without host", map[string]string{"YQYB_PPROF_ADDR": ":6060"}, "YQYB_PPROF_ADDR"},
		{"pprof on every IPv6 interface", map[string]string{"YQYB_PPROF_ADDR": "[::]:6060"}, "YQYB_PPROF_ADDR"},
		{"production without secret", map[string]string{"YQYB_ENV": "production"}, "未设置"},
		{"production short secret", map[string]string{"YQYB_ENV": "production", "YQYB_JWT_SECRET": "abc123"}, "太短"},
		{"production well-known secret", map[string]string{"YQYB_ENV": "production", "YQYB_JWT_SECRET": "please-change-this-secret-in-production"}, "公开的示例值"},
		{"production repetitive secret", map[string]string{"YQYB_ENV": "production", "YQYB_JWT_SECRET": strings.Repeat("ab", 20)}, "字符种类太少"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["YQYB_DATA_DIR"] = t.TempDir()
			_, err := Load(env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want mention of %q", err, tt.want)
			}
		})
	}
	t.Run("production with strong secret", func(t *testing.T) {
		dir := t.TempDir()
		c, err := Load(env(map[string]string{"YQYB_ENV": "production", "YQYB_JWT_SECRET": strong, "YQYB_DATA_DIR": dir}))
		if err != nil {
			t.Fatal(err)
		}
		if c.LogFormat != "json" || c.AutoMigrate {
			t.Fatalf("production defaults: %+v", c)
		}
		if _, err := os.Stat(filepath.Join(dir, "secret")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("production generated a secret file")
		}
	})
}

// TestReadmeListsEveryVariable keeps the README's configuration table true.
func TestReadmeListsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars {
		if !strings.Contains(string(b), "`"+v.Name+"`") {
			t.Errorf("README.md does not document %s", v.Name)
		}
	}
}

func TestReplicaNeedsPostgres(t *testing.T) {
	for _, tt := range []struct {
		primary, replica string
		ok               bool
	}{
		{"postgres://a/b", "postgres://r/b", true},
		{"postgres://a/b", "", true},
		{"", "postgres://r/b", false},
		{"postgres://a/b", "sqlite:/tmp/x.db", false},
	} {
		env := map[string]string{"DATABASE_URL": tt.primary, "YQYB_DATABASE_REPLICA_URL": tt.replica, "YQYB_DATA_DIR": t.TempDir()}
		_, err := Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok && v != "" })
		if (err == nil) != tt.ok {
			t.Errorf("primary %q replica %q: err = %v", tt.primary, tt.replica, err)
		}
	}
}

// TestServeEnvFollowsListenAddress: without YQYB_ENV a server is a development server only on a loopback
// address; anywhere else it refuses to start, before it writes anything, and says what to set. Explicit
// development on a network address serves without the development routes.
func TestServeEnvFollowsListenAddress(t *testing.T) {
	strong := "k3J9x-Qm2Lp8Zr4Tv7Wb1Nc6Hd0Fg5Ys_"
	tests := []struct {
		name    string
		env     map[string]string
		addr    string // the --addr flag
		refused bool
		dev     bool // development features served
		warns   bool
	}{
		{"unset, default address", nil, "", false, true, false},
		{"unset, 127.0.0.1", nil, "127.0.0.1:8080", false, true, false},
		{"unset, ::1", nil, "[::1]:8080", false, true, false},
		{"unset, localhost", nil, "localhost:8080", false, true, false},
		{"unset, flag wins over YQYB_ADDR", map[string]string{"YQYB_ADDR": "0.0.0.0:8080"}, "127.0.0.1:0", false, true, false},
		{"unset, every interface", nil, "0.0.0.0:8080", true, false, false},
		{"unset, every interface by YQYB_ADDR", map[string]string{"YQYB_ADDR": "0.0.0.0:8080"}, "", true, false, false},
		{"unset, no host", nil, ":8080", true, false, false},
		{"unset, every IPv6 interface", nil, "[::]:8080", true, false, false},
		{"unset, a LAN address", nil, "192.168.1.5:8080", true, false, false},
		{"unset, a host name", nil, "yh.example.gov.cn:8080", true, false, false},
		{"explicit development, loopback", map[string]string{"YQYB_ENV": "development"}, "127.0.0.1:8080", false, true, false},
		{"explicit development, every interface", map[string]string{"YQYB_ENV": "development"}, "0.0.0.0:8080", false, false, true},
		{"production, every interface", map[string]string{"YQYB_ENV": "production", "YQYB_JWT_SECRET": strong}, "0.0.0.0:8080", false, false, false},
		{"production, loopback", map[string]string{"YQYB_ENV": "production", "YQYB_JWT_SECRET": strong}, "127.0.0.1:8080", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			vars := map[string]string{"YQYB_DATA_DIR": dir}
			for k, v := range tt.env {
				vars[k] = v
			}
			c, err := LoadServe(env(vars), tt.addr)
			if tt.refused {
				if err == nil || !strings.Contains(err.Error(), "YQYB_ENV=production") || !strings.Contains(err.Error(), "loopback") {
					t.Fatalf("LoadServe = %v, want a refusal naming YQYB_ENV=production, in Chinese and English", err)
				}
				if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("a refused start created the data directory (and its secret)")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.addr != "" && c.Addr != tt.addr {
				t.Errorf("Addr = %q, want the flag's %q", c.Addr, tt.addr)
			}
			if c.DevFeatures != tt.dev || (len(c.Warnings) > 0) != tt.warns {
				t.Errorf("DevFeatures = %v, warnings %q; want %v, warnings %v", c.DevFeatures, c.Warnings, tt.dev, tt.warns)
			}
			if c.Env == Production && c.DevFeatures {
				t.Error("production serves development features")
			}
		})
	}
	// The other commands do not listen: an unset YQYB_ENV is development whatever YQYB_ADDR says.
	c, err := Load(env(map[string]string{"YQYB_DATA_DIR": t.TempDir(), "YQYB_ADDR": "0.0.0.0:8080"}))
	if err != nil || c.Env != Development || c.DevFeatures {
		t.Fatalf("Load = %+v, %v", c, err)
	}
}

// TestMetricsListener: metrics have their own listener (YQYB_METRICS_ADDR), none by default; the old
// on/off switch for /metrics on the API port is refused where it would silently lose the metrics.
func TestMetricsListener(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		addr  string
		want  string // the metrics address, or the error's mention
		ok    bool
		warns bool
	}{
		{"none by default", nil, "127.0.0.1:8080", "", true, false},
		{"loopback", map[string]string{"YQYB_METRICS_ADDR": "127.0.0.1:9090"}, "127.0.0.1:8080", "127.0.0.1:9090", true, false},
		{"pod address", map[string]string{"YQYB_METRICS_ADDR": "0.0.0.0:9090", "YQYB_ENV": "development"}, "0.0.0.0:8080", "0.0.0.0:9090", true, true},
		{"no port", map[string]string{"YQYB_METRICS_ADDR": "127.0.0.1"}, "127.0.0.1:8080", "YQYB_METRICS_ADDR", false, false},
		{"bad port", map[string]string{"YQYB_METRICS_ADDR": "127.0.0.1:http"}, "127.0.0.1:8080", "YQYB_METRICS_ADDR", false, false},
		{"the API's port", map[string]string{"YQYB_METRICS_ADDR": "127.0.0.1:8080"}, "127.0.0.1:8080", "YQYB_METRICS_ADDR", false, false},
		{"old switch on, no listener", map[string]string{"YQYB_METRICS": "true"}, "127.0.0.1:8080", "YQYB_METRICS_ADDR", false, false},
		{"old switch on, with listener", map[string]string{"YQYB_METRICS": "true", "YQYB_METRICS_ADDR": "127.0.0.1:9090"}, "127.0.0.1:8080", "127.0.0.1:9090", true, true},
		{"old switch off", map[string]string{"YQYB_METRICS": "false"}, "127.0.0.1:8080", "", true, true},
		{"old switch off, with listener", map[string]string{"YQYB_METRICS": "false", "YQYB_METRICS_ADDR": "127.0.0.1:9090"}, "127.0.0.1:8080", "YQYB_METRICS", false, false},
		{"old switch garbled", map[string]string{"YQYB_METRICS": "yes please"}, "127.0.0.1:8080", "YQYB_METRICS", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{"YQYB_DATA_DIR": t.TempDir()}
			for k, v := range tt.env {
				vars[k] = v
			}
			c, err := LoadServe(env(vars), tt.addr)
			if !tt.ok {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("LoadServe = %v, want an error naming %s", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.MetricsAddr != tt.want || (len(c.Warnings) > 0) != tt.warns {
				t.Errorf("MetricsAddr = %q, warnings %q; want %q, warnings %v", c.MetricsAddr, c.Warnings, tt.want, tt.warns)
			}
		})
	}
	// Migrating with the old switch still set must not stop a release: only serve reads it.
	if _, err := Load(env(map[string]string{"YQYB_DATA_DIR": t.TempDir(), "YQYB_METRICS": "true"})); err != nil {
		t.Fatalf("migrate with YQYB_METRICS=true: %v", err)
	}
}

func TestMigrationLockTimeoutVar(t *testing.T) {
	for v, want := range map[string]time.Duration{"": 5 * time.Second, "30s": 30 * time.Second, "0": 0} {
		vars := map[string]string{"YQYB_DATA_DIR": t.TempDir()}
		if v != "" {
			vars["YQYB_MIGRATION_LOCK_TIMEOUT"] = v
		}
		c, err := Load(env(vars))
		if err != nil || c.MigrationLockTimeout != want {
			t.Errorf("YQYB_MIGRATION_LOCK_TIMEOUT=%q: %v, %v; want %v", v, c.MigrationLockTimeout, err, want)
		}
	}
	if _, err := Load(env(map[string]string{"YQYB_DATA_DIR": t.TempDir(), "YQYB_MIGRATION_LOCK_TIMEOUT": "soon"})); err == nil || !strings.Contains(err.Error(), "YQYB_MIGRATION_LOCK_TIMEOUT") {
		t.Errorf("a garbled lock timeout: %v", err)
	}
}

func TestLoginHardeningSettings(t *testing.T) {
	c, err := Load(env(map[string]string{"YQYB_DATA_DIR": t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	if c.InitialPasswordTTL != 30*24*time.Hour || len(c.LockEscalation) != 2 || c.LockEscalation[0] != time.Hour || c.LockEscalation[1] != 24*time.Hour {
		t.Fatalf("defaults: TTL %v, escalation %v", c.InitialPasswordTTL, c.LockEscalation)
	}
	c, err = Load(env(map[string]string{"YQYB_DATA_DIR": t.TempDir(), "YQYB_INITIAL_PASSWORD_TTL": "168h",
		"YQYB_LOCKOUT_DURATION": "30m", "YQYB_LOCKOUT_ESCALATION": " 2h, 12h ,48h"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.InitialPasswordTTL != 168*time.Hour || fmt.Sprint(c.LockEscalation) != "[2h0m0s 12h0m0s 48h0m0s]" {
		t.Fatalf("overrides: TTL %v, escalation %v", c.InitialPasswordTTL, c.LockEscalation)
	}
	// An empty escalation keeps every lockout at YQYB_LOCKOUT_DURATION.
	if c, err = Load(env(map[string]string{"YQYB_DATA_DIR": t.TempDir(), "YQYB_LOCKOUT_ESCALATION": ","})); err != nil || len(c.LockEscalation) != 0 {
		t.Fatalf("empty escalation: %v %v", c.LockEscalation, err)
	}
	for _, bad := range []map[string]string{
		{"YQYB_INITIAL_PASSWORD_TTL": "30d"},
		{"YQYB_INITIAL_PASSWORD_TTL": "10m"},
		{"YQYB_LOCKOUT_ESCALATION": "1h,soon"},
		{"YQYB_LOCKOUT_ESCALATION": "24h,1h"},
		{"YQYB_LOCKOUT_ESCALATION": "5m"},
		{"YQYB_LOCKOUT_DURATION": "0s"},
	} {
		bad["YQYB_DATA_DIR"] = t.TempDir()
		if _, err := Load(env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestWebhookLogDays: the delivery log is kept 30 days unless YQYB_WEBHOOK_LOG_DAYS says otherwise (0: for
// ever); anything but a non-negative whole number refuses to start.
func TestWebhookLogDays(t *testing.T) {
	for v, want := range map[string]int{"": 30, "7": 7, "0": 0} {
		c, err := Load(env(map[string]string{"YQYB_DATA_DIR": t.TempDir(), "YQYB_WEBHOOK_LOG_DAYS": v}))
		if err != nil || c.WebhookLogDays != want {
			t.Errorf("%q: %d %v, want %d", v, c.WebhookLogDays, err, want)
		}
	}
	for _, bad := range []string{"-1", "30d", "x"} {
		if _, err := Load(env(map[string]string{"YQYB_DATA_DIR": t.TempDir(), "YQYB_WEBHOOK_LOG_DAYS": bad})); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
