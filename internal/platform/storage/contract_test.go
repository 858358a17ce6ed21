package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"maps"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"yqyb/internal/platform/config"
)

// fakeS3 serves an in-memory S3 (gofakes3) on a loopback port with the bucket "yqyb" created; it returns the
// configuration that reaches it.
func fakeS3(t *testing.T) S3Config {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("yqyb"); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(ts.Close)
	return S3Config{Endpoint: strings.TrimPrefix(ts.URL, "http://"), Bucket: "yqyb", AccessKey: "test-access", SecretKey: "test-secret"}
}

// stores returns every Store implementation, each fresh and empty, so the same contract runs against all.
func stores(t *testing.T) []struct {
	name  string
	store Store
} {
	t.Helper()
	local, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s3, err := NewS3(context.Background(), fakeS3(t))
	if err != nil {
		t.Fatal(err)
	}
	return []struct {
		name  string
		store Store
	}{{"local", local}, {"s3", s3}}
}

func readAll(t *testing.T, s Store, key string) string {
	t.Helper()
	r, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q) = %v", key, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	return string(b)
}

func TestStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, tc := range stores(t) {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.store
			key := NewKey("docs", time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
			if !strings.HasPrefix(key, "docs/202611/") {
				t.Fatalf("key = %q", key)
			}
			if err := s.Put(ctx, key, strings.NewReader("版本一")); err != nil {
				t.Fatal(err)
			}
			if err := s.Put(ctx, key, strings.NewReader("版本二")); err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, s, key); got != "版本二" {
				t.Fatalf("read %q, want the replacing version", got)
			}
			// An empty object is an object.
			empty := NewKey("img", time.Now())
			if err := s.Put(ctx, empty, strings.NewReader("")); err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, s, empty); got != "" {
				t.Fatalf("empty object reads %q", got)
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Open(ctx, key); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Open after Delete = %v, want ErrNotFound", err)
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Fatalf("second Delete = %v", err)
			}
		})
	}
}

func TestStoreMissingKey(t *testing.T) {
	ctx := context.Background()
	for _, tc := range stores(t) {
		t.Run(tc.name, func(t *testing.T) {
			key := NewKey("img", time.Now())
			if r, err := tc.store.Open(ctx, key); !errors.Is(err, ErrNotFound) {
				if r != nil {
					r.Close()
				}
				t.Fatalf("Open(missing) = %v, want ErrNotFound", err)
			}
			if err := tc.store.Delete(ctx, key); err != nil {
				t.Fatalf("Delete(missing) = %v, want nil", err)
			}
		})
	}
}

func TestStoreRejectsForeignKeys(t *testing.T) {
	ctx := context.Background()
	keys := []string{"../etc/passwd", "/abs", "docs/../../x", "docs/./x", "docs/名字.pdf", "", "docs//x", "Docs/x", "docs/x/", "docs/x y", "docs\\x", "docs/x?y"}
	for _, tc := range stores(t) {
		t.Run(tc.name, func(t *testing.T) {
			for _, key := range keys {
				if err := tc.store.Put(ctx, key, strings.NewReader("x")); err == nil {
					t.Errorf("Put(%q) accepted", key)
				}
				if r, err := tc.store.Open(ctx, key); err == nil || errors.Is(err, ErrNotFound) {
					if r != nil {
						r.Close()
					}
					t.Errorf("Open(%q) = %v, want invalid key", key, err)
				}
				if err := tc.store.Delete(ctx, key); err == nil {
					t.Errorf("Delete(%q) accepted", key)
				}
			}
		})
	}
}

// stream yields n pseudo-random bytes in small reads, like a request body; it hides its length, so a store
// cannot learn the size in advance. After cancelAt bytes it calls cancel (once), after failAt it fails.
type stream struct {
	rnd      *rand.ChaCha8
	n        int64
	read     int64
	cancelAt int64
	cancel   context.CancelFunc
	failAt   int64
}

var errBroken = errors.New("connection reset by client")

func newStream(n int64) *stream {
	return &stream{rnd: rand.NewChaCha8([32]byte{1, 2, 3}), n: n, cancelAt: -1, failAt: -1}
}

func (s *stream) Read(p []byte) (int, error) {
	if s.read >= s.n {
		return 0, io.EOF
	}
	if s.failAt >= 0 && s.read >= s.failAt {
		return 0, errBroken
	}
	if s.cancel != nil && s.cancelAt >= 0 && s.read >= s.cancelAt {
		s.cancel()
		s.cancel = nil
	}
	if len(p) > 32<<10 {
		p = p[:32<<10]
	}
	if rest := s.n - s.read; int64(len(p)) > rest {
		p = p[:rest]
	}
	s.rnd.Read(p)
	s.read += int64(len(p))
	return len(p), nil
}

func digest(t *testing.T, r io.Reader) ([32]byte, int64) {
	t.Helper()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		t.Fatal(err)
	}
	return [32]byte(h.Sum(nil)), n
}

// TestStoreLargeObject streams objects larger than one S3 part (so S3 uploads in parts) and of exactly one
// part, and reads them back intact.
func TestStoreLargeObject(t *testing.T) {
	ctx := context.Background()
	for _, tc := range stores(t) {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range []struct {
				size    int64
				inBytes bool // a *bytes.Reader, whose length a store can see, rather than a stream
			}{{s3PartSize, false}, {2*s3PartSize + 12345, false}, {2*s3PartSize + 12345, true}} {
				size := c.size
				key := NewKey("docs", time.Now())
				var body io.Reader = newStream(size)
				if c.inBytes {
					b, _ := io.ReadAll(newStream(size))
					body = bytes.NewReader(b)
				}
				if err := tc.store.Put(ctx, key, body); err != nil {
					t.Fatalf("Put(%d bytes) = %v", size, err)
				}
				want, _ := digest(t, newStream(size))
				r, err := tc.store.Open(ctx, key)
				if err != nil {
					t.Fatal(err)
				}
				got, n := digest(t, r)
				r.Close()
				if n != size || got != want {
					t.Fatalf("read back %d bytes (want %d), equal content: %v", n, size, got == want)
				}
			}
		})
	}
}

// TestStorePutFailureLeavesNothing: a Put that is cancelled (before it starts or while the body streams) or
// whose body fails returns the error and leaves the key as it was: absent, or still holding the old object.
func TestStorePutFailureLeavesNothing(t *testing.T) {
	cases := []struct {
		name     string
		size     int64 // negative: -size bytes in a *bytes.Reader rather than a stream
		cancelAt int64 // -1: cancelled before Put
		failAt   int64
		want     error
	}{
		{"cancelled before", 10, -1, -1, context.Canceled},
		{"cancelled before, known length", -10, -1, -1, context.Canceled},
		{"cancelled in first part", 3 << 20, 1 << 20, -1, context.Canceled},
		{"cancelled in later part", 3 * s3PartSize, s3PartSize + 1<<20, -1, context.Canceled},
		{"body fails", 3 << 20, -2, 1 << 20, errBroken},
		{"body fails in later part", 3 * s3PartSize, -2, 2*s3PartSize + 5, errBroken},
	}
	for _, st := range stores(t) {
		t.Run(st.name, func(t *testing.T) {
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					for _, existing := range []bool{false, true} {
						key := NewKey("docs", time.Now())
						if existing {
							if err := st.store.Put(context.Background(), key, strings.NewReader("旧版本")); err != nil {
								t.Fatal(err)
							}
						}
						ctx, cancel := context.WithCancel(context.Background())
						var body io.Reader
						if tc.size < 0 {
							b, _ := io.ReadAll(newStream(-tc.size))
							body = bytes.NewReader(b)
						} else {
							s := newStream(tc.size)
							s.failAt = tc.failAt
							if tc.cancelAt >= 0 {
								s.cancelAt, s.cancel = tc.cancelAt, cancel
							}
							body = s
						}
						if tc.cancelAt == -1 {
							cancel()
						}
						err := st.store.Put(ctx, key, body)
						cancel()
						if !errors.Is(err, tc.want) {
							t.Fatalf("Put = %v, want %v", err, tc.want)
						}
						if existing {
							if got := readAll(t, st.store, key); got != "旧版本" {
								t.Fatalf("the failed Put replaced the object: read %d bytes", len(got))
							}
						} else if r, err := st.store.Open(context.Background(), key); !errors.Is(err, ErrNotFound) {
							if r != nil {
								r.Close()
							}
							t.Fatalf("failed Put left an object: Open = %v", err)
						}
					}
				})
			}
		})
	}
}

func TestNewS3(t *testing.T) {
	cfg := fakeS3(t)
	s, err := NewS3(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping = %v", err)
	}

	missing := cfg
	missing.Bucket = "nosuch"
	_, err = NewS3(context.Background(), missing)
	if err == nil || !errors.Is(err, ErrBucket) || !strings.Contains(err.Error(), "对象存储桶 nosuch 不存在或无权访问") {
		t.Fatalf("NewS3(missing bucket) = %v", err)
	}

	for _, tc := range []struct {
		name string
		edit func(*S3Config)
		want string
	}{
		{"no endpoint", func(c *S3Config) { c.Endpoint = "" }, "YQYB_S3_ENDPOINT"},
		{"no bucket", func(c *S3Config) { c.Bucket = "" }, "YQYB_S3_BUCKET"},
		{"no secret", func(c *S3Config) { c.SecretKey = "" }, "YQYB_S3_SECRET_KEY"},
		{"url as endpoint", func(c *S3Config) { c.Endpoint = "http://" + c.Endpoint }, "无效"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			tc.edit(&c)
			if _, err := NewS3(context.Background(), c); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewS3 = %v, want an error naming %s", err, tc.want)
			}
		})
	}

	t.Run("unreachable", func(t *testing.T) {
		ts := httptest.NewServer(nil)
		addr := strings.TrimPrefix(ts.URL, "http://")
		ts.Close() // nothing listens there any more
		c := cfg
		c.Endpoint = addr
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := NewS3(ctx, c)
		if err == nil || errors.Is(err, ErrBucket) || !strings.Contains(err.Error(), "无法访问对象存储") {
			t.Fatalf("NewS3(unreachable) = %v", err)
		}
	})
}

func TestOpenSelectsStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, config.Config{Storage: config.StorageLocal, StorageDir: dir})
	if l, ok := s.(*Local); err != nil || !ok || l.Root() != dir {
		t.Fatalf("Open(local) = %T %v", s, err)
	}
	f := fakeS3(t)
	cfg := config.Config{Storage: config.StorageS3, S3Endpoint: f.Endpoint, S3Bucket: f.Bucket, S3Region: "us-east-1",
		S3AccessKey: f.AccessKey, S3SecretKey: f.SecretKey}
	s, err = Open(ctx, cfg)
	if _, ok := s.(*S3); err != nil || !ok {
		t.Fatalf("Open(s3) = %T %v", s, err)
	}
	cfg.S3Bucket = "other"
	if _, err := Open(ctx, cfg); !errors.Is(err, ErrBucket) {
		t.Fatalf("Open(s3, missing bucket) = %v", err)
	}
	if _, err := Open(ctx, config.Config{Storage: "nfs"}); err == nil || !strings.Contains(err.Error(), "YQYB_STORAGE") {
		t.Fatalf("Open(nfs) = %v", err)
	}
}

// List reports every object once with its size and a recent write time, and nothing else.
func TestStoreList(t *testing.T) {
	ctx := context.Background()
	for _, tc := range stores(t) {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.store
			want := map[string]int64{}
			for i, body := range []string{"一", "二二", ""} {
				key := NewKey([]string{"img", "docs", "img"}[i], time.Now())
				if err := s.Put(ctx, key, strings.NewReader(body)); err != nil {
					t.Fatal(err)
				}
				want[key] = int64(len(body))
			}
			gone := NewKey("img", time.Now())
			if err := s.Put(ctx, gone, strings.NewReader("x")); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, gone); err != nil {
				t.Fatal(err)
			}
			if l, ok := s.(*Local); ok { // files in the directory that are not objects: a Put in flight, a note
				for _, name := range []string{"img/.upload-123", "README.TXT"} {
					if err := os.MkdirAll(filepath.Dir(filepath.Join(l.Root(), name)), 0o750); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(l.Root(), name), []byte("x"), 0o600); err != nil {
						t.Fatal(err)
					}
				}
			}
			got := map[string]int64{}
			err := s.List(ctx, func(o Object) error {
				if _, dup := got[o.Key]; dup {
					t.Errorf("%s listed twice", o.Key)
				}
				got[o.Key] = o.Size
				if d := time.Since(o.ModTime); d < -time.Minute || d > time.Minute {
					t.Errorf("%s written %v ago, want now", o.Key, d)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, want) {
				t.Errorf("List = %v, want %v", got, want)
			}
			stop := errors.New("stop")
			n := 0
			if err := s.List(ctx, func(Object) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
				t.Errorf("List stopping at the first object = %v after %d calls", err, n)
			}
		})
	}
}
