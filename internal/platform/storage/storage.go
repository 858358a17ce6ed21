// Package storage keeps uploaded files (post responsibility documents, hazard photos) behind an interface:
// a local directory by default, object storage when configured. Keys are generated here, never taken from
// a file name a user sent, so nothing a user types ever reaches the filesystem.
package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// ErrNotFound is returned by Open for a key that holds nothing.
var ErrNotFound = errors.New("storage: object not found")

// Store keeps immutable objects by key.
type Store interface {
	// Put writes r under key; an existing object is replaced.
	Put(ctx context.Context, key string, r io.Reader) error
	// Open reads the object under key.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object the store holds under a valid key (in no particular order), stopping
	// at fn's first error. It is for the consistency check (yqyb fsck), not for serving requests.
	List(ctx context.Context, fn func(Object) error) error
}

// Object is one stored object as List reports it.
type Object struct {
	Key     string
	Size    int64
	ModTime time.Time // when it was written: the file's modification time, the object's Last-Modified
}

// validKey is the only shape of key the stores accept: what NewKey makes.
var validKey = regexp.MustCompile(`^[a-z0-9]+(/[a-z0-9]+)*$`)

// NewKey returns a fresh key under a prefix such as "docs", spread by month so directories stay small.
func NewKey(prefix string, now time.Time) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return fmt.Sprintf("%s/%s/%s", prefix, now.UTC().Format("200601"), hex.EncodeToString(b))
}

// Local stores objects as files under a root directory.
type Local struct{ root string }

// NewLocal prepares a local store at root, creating it if needed.
func NewLocal(root string) (*Local, error) {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return nil, fmt.Errorf("创建文件存储目录 %s: %w", root, err)
	}
	return &Local{root: root}, nil
}

// checkKey refuses every key NewKey would not make (absolute, "..", upper case, empty segments, names a
// user typed); all stores share it so a key valid for one is valid for every other.
func checkKey(key string) error {
	if !validKey.MatchString(key) {
		return fmt.Errorf("storage: invalid key %q", key)
	}
	return nil
}

func (l *Local) path(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return filepath.Join(l.root, filepath.FromSlash(key)), nil
}

// Put writes to a temporary file and renames it, so a reader never sees half an object.
func (l *Local) Put(ctx context.Context, key string, r io.Reader) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, contextReader{ctx, r}); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}

// Root is the directory the store writes under.
func (l *Local) Root() string { return l.root }

// Open opens the object's file.
func (l *Local) Open(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Delete removes the object's file.
func (l *Local) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// List walks the root directory. Files whose path is not a valid key (the temporary files of a Put in
// flight, anything an operator left there) are not objects of the store and are skipped.
func (l *Local) List(ctx context.Context, fn func(Object) error) error {
	return filepath.WalkDir(l.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, os.ErrNotExist) && p != l.root {
				return nil // removed while walking
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(l.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if checkKey(key) != nil || !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		return fn(Object{Key: key, Size: info.Size(), ModTime: info.ModTime()})
	})
}

// contextReader stops a long copy when the request is cancelled.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
