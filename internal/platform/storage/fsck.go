package storage

import (
	"context"
	"errors"
	"sort"
	"time"
)

// Ref is a database row that refers to a stored object.
type Ref struct {
	Table        string // files, post_documents
	ID           int64
	EnterpriseID int64
	Key          string
	UploadedAt   time.Time
}

// Report is what Check found.
type Report struct {
	Refs    int // rows read
	Objects int // objects listed
	// Missing are rows whose object the store does not hold.
	Missing []Ref
	// Orphans are objects no row refers to, written at least the safety age ago: safe to delete.
	Orphans []Object
	// Young are objects no row refers to yet, written less than the safety age ago: an upload whose row is
	// still being written, or one its form has not sent yet. They are never deleted.
	Young []Object
}

// Check compares the rows refs returns with the objects of the store. The objects are listed first and
// the rows read after, so an upload that completes in between (object, then row) is not reported missing:
// a row whose key was not listed is looked up once more before it counts as missing. An object no row
// refers to counts as an orphan only when it is older than minAge at now, so an upload in flight is never
// one.
func Check(ctx context.Context, store Store, refs func(context.Context) ([]Ref, error), now time.Time, minAge time.Duration) (Report, error) {
	var rep Report
	objects := map[string]Object{}
	if err := store.List(ctx, func(o Object) error {
		objects[o.Key] = o
		return nil
	}); err != nil {
		return rep, err
	}
	rows, err := refs(ctx)
	if err != nil {
		return rep, err
	}
	rep.Refs, rep.Objects = len(rows), len(objects)
	referred := make(map[string]bool, len(rows))
	for _, r := range rows {
		referred[r.Key] = true
		if _, ok := objects[r.Key]; ok {
			continue
		}
		if rc, err := store.Open(ctx, r.Key); err == nil {
			rc.Close() // written after the listing
			continue
		} else if !errors.Is(err, ErrNotFound) {
			if checkKey(r.Key) != nil {
				rep.Missing = append(rep.Missing, r) // a key no store can hold
				continue
			}
			return rep, err
		}
		rep.Missing = append(rep.Missing, r)
	}
	for k, o := range objects {
		if referred[k] {
			continue
		}
		if now.Sub(o.ModTime) >= minAge {
			rep.Orphans = append(rep.Orphans, o)
		} else {
			rep.Young = append(rep.Young, o)
		}
	}
	sort.Slice(rep.Missing, func(i, j int) bool {
		a, b := rep.Missing[i], rep.Missing[j]
		return a.Table < b.Table || a.Table == b.Table && a.ID < b.ID
	})
	for _, l := range [][]Object{rep.Orphans, rep.Young} {
		sort.Slice(l, func(i, j int) bool { return l[i].Key < l[j].Key })
	}
	return rep, nil
}

// CleanOrphans deletes the orphans of rep (never the young ones) and returns how many went; it stops at
// the first delete that fails. The rows are read again by the caller's refs just before, so an orphan a
// row has come to refer to since the check is kept.
func CleanOrphans(ctx context.Context, store Store, rep Report, refs func(context.Context) ([]Ref, error)) (int, error) {
	if len(rep.Orphans) == 0 {
		return 0, nil
	}
	rows, err := refs(ctx)
	if err != nil {
		return 0, err
	}
	referred := make(map[string]bool, len(rows))
	for _, r := range rows {
		referred[r.Key] = true
	}
	n := 0
	for _, o := range rep.Orphans {
		if referred[o.Key] {
			continue
		}
		if err := store.Delete(ctx, o.Key); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
