package storage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Check against a local store: a row whose object is gone is missing; an unreferenced object is an orphan
// only past the safety age; an upload that completes between the listing and the reading of the rows
// (object first, then row) is neither.
func TestCheck(t *testing.T) {
	ctx := context.Background()
	s, err := NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	put := func(age time.Duration) string {
		key := NewKey("img", now)
		if err := s.Put(ctx, key, strings.NewReader("x")); err != nil {
			t.Fatal(err)
		}
		at := now.Add(-age)
		if err := os.Chtimes(filepath.Join(s.Root(), filepath.FromSlash(key)), at, at); err != nil {
			t.Fatal(err)
		}
		return key
	}
	kept, old, young := put(100*time.Hour), put(100*time.Hour), put(time.Hour)
	gone := NewKey("img", now)
	late := NewKey("docs", now) // its upload completes while the rows are read
	refs := func(context.Context) ([]Ref, error) {
		if err := s.Put(ctx, late, strings.NewReader("y")); err != nil {
			return nil, err
		}
		return []Ref{{Table: "files", ID: 1, Key: kept}, {Table: "files", ID: 2, Key: gone}, {Table: "post_documents", ID: 3, Key: late}}, nil
	}
	rep, err := Check(ctx, s, refs, now, 72*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Refs != 3 || rep.Objects != 3 {
		t.Errorf("counted %d rows and %d objects, want 3 and 3 (the late object was not listed)", rep.Refs, rep.Objects)
	}
	if len(rep.Missing) != 1 || rep.Missing[0].Key != gone {
		t.Errorf("missing = %+v, want only row 2", rep.Missing)
	}
	if len(rep.Orphans) != 1 || rep.Orphans[0].Key != old {
		t.Errorf("orphans = %+v, want only the old object", rep.Orphans)
	}
	if len(rep.Young) != 1 || rep.Young[0].Key != young {
		t.Errorf("young = %+v, want only the recent object", rep.Young)
	}

	// A row that comes to refer to an orphan between the check and the clean keeps it.
	adopted := func(context.Context) ([]Ref, error) { return []Ref{{Table: "files", ID: 4, Key: old}}, nil }
	if n, err := CleanOrphans(ctx, s, rep, adopted); err != nil || n != 0 {
		t.Errorf("CleanOrphans of an adopted orphan = %d, %v", n, err)
	}
	if n, err := CleanOrphans(ctx, s, rep, refs); err != nil || n != 1 {
		t.Fatalf("CleanOrphans = %d, %v", n, err)
	}
	for key, want := range map[string]bool{old: false, young: true, kept: true, late: true} {
		_, err := os.Stat(filepath.Join(s.Root(), filepath.FromSlash(key)))
		if (err == nil) != want {
			t.Errorf("%s exists = %v after cleaning, want %v", key, err == nil, want)
		}
	}
}
