package storage

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLocalRoundTrip(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s, err := NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
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
	r, err := s.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "版本二" {
		t.Fatalf("read %q", b)
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(filepath.Join(root, "docs", "202611"))
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries", len(entries))
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open after Delete = %v", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		t.Fatalf("second Delete = %v", err)
	}
}

func TestLocalRejectsForeignKeys(t *testing.T) {
	s, _ := NewLocal(t.TempDir())
	for _, key := range []string{"../etc/passwd", "/abs", "docs/../../x", "docs/名字.pdf", "", "docs//x", "Docs/x"} {
		if err := s.Put(context.Background(), key, strings.NewReader("x")); err == nil {
			t.Errorf("Put(%q) accepted", key)
		}
		if _, err := s.Open(context.Background(), key); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q) = %v, want invalid key", key, err)
		}
	}
}

func TestPutHonoursCancellation(t *testing.T) {
	s, _ := NewLocal(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	key := NewKey("docs", time.Now())
	if err := s.Put(ctx, key, strings.NewReader("x")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put = %v", err)
	}
	if _, err := s.Open(context.Background(), key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cancelled Put left an object: %v", err)
	}
}
