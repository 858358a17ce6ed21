package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The contract every Store keeps (round trip, missing keys, foreign keys, cancellation, large objects) is
// tested against all of them in contract_test.go; this file holds what only Local does.

// TestLocalLeavesNoTemporaryFiles: Put writes a temporary file and renames it; neither a replaced object nor
// a failed Put leaves one behind.
func TestLocalLeavesNoTemporaryFiles(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s, err := NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	key := NewKey("docs", time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	for _, v := range []string{"版本一", "版本二"} {
		if err := s.Put(ctx, key, strings.NewReader(v)); err != nil {
			t.Fatal(err)
		}
	}
	body := newStream(1 << 20)
	body.failAt = 1 << 19
	if err := s.Put(ctx, NewKey("docs", time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)), body); !errors.Is(err, errBroken) {
		t.Fatalf("Put = %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(root, "docs", "202611"))
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want the one object", len(entries))
	}
}
