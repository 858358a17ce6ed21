package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/files"
	"yqyb/internal/org"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/storage"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/tools/demo"
)

// fsckFixture is a seeded PostgreSQL database and a local file store holding one hazard photo and one
// responsibility document, uploaded through the services, as `yqyb fsck` finds them after a day's work.
type fsckFixture struct {
	store *storage.Local
	photo files.File
	doc   string // the document's storage key
}

func newFsckFixture(t *testing.T) fsckFixture {
	t.Helper()
	ctx := context.Background()
	clk := clock.System{}
	db := testdb.Postgres(t, clk)
	sc, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	store, err := storage.NewLocal(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	photo, err := files.NewService(db, clk, store, 0).UploadImage(ctx, sc.MallAdminID, sc.MallID, "photo", "配电箱.png", &img)
	if err != nil {
		t.Fatal(err)
	}
	a := audit.Actor{ID: sc.MallAdminID, Name: demo.MallName, EnterpriseID: sc.MallID}
	if _, err := org.NewService(db, clk, store).UploadDocument(ctx, a, sc.MallID, sc.Posts["营业部/收银员"], "收银员岗位责任制.pdf",
		strings.NewReader("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")); err != nil {
		t.Fatal(err)
	}
	refs, err := org.DocumentRefs(ctx, db)
	if err != nil || len(refs) != 1 {
		t.Fatalf("document refs = %v, %v", refs, err)
	}
	serveEnv(t, map[string]string{"DATABASE_URL": testdb.URLFor(testdb.Name(t, db)), "YQYB_DATA_DIR": dir,
		"YQYB_STORAGE_DIR": store.Root(), "YQYB_LOG_LEVEL": "warn"})
	return fsckFixture{store: store, photo: photo, doc: refs[0].Key}
}

// fsck runs `yqyb fsck args...` and returns its exit code, stdout and stderr.
func fsck(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"fsck"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func (f fsckFixture) exists(t *testing.T, key string) bool {
	t.Helper()
	rc, err := f.store.Open(context.Background(), key)
	if err == nil {
		rc.Close()
		return true
	}
	return false
}

// putAged writes an object no row refers to, written age ago.
func (f fsckFixture) putAged(t *testing.T, age time.Duration) string {
	t.Helper()
	key := storage.NewKey("img", time.Now())
	if err := f.store.Put(context.Background(), key, strings.NewReader("无人引用")); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(-age)
	if err := os.Chtimes(filepath.Join(f.store.Root(), filepath.FromSlash(key)), at, at); err != nil {
		t.Fatal(err)
	}
	return key
}

func TestFsckClean(t *testing.T) {
	f := newFsckFixture(t)
	code, out, errOut := fsck(t)
	if code != 0 {
		t.Fatalf("fsck = %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "引用文件的记录 2 条，文件存储中的对象 2 个") || !strings.Contains(out, "数据库与文件存储一致") {
		t.Errorf("output of a consistent store:\n%s", out)
	}
	// An operator's stray file in the store's directory is not an object of the store.
	if err := os.WriteFile(filepath.Join(f.store.Root(), "README.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := fsck(t, "--clean-orphans"); code != 0 || !strings.Contains(out, "数据库与文件存储一致") {
		t.Errorf("fsck --clean-orphans on a consistent store = %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(f.store.Root(), "README.txt")); err != nil {
		t.Errorf("a file that is not an object was touched: %v", err)
	}
	if !f.exists(t, f.photo.StorageKey) || !f.exists(t, f.doc) {
		t.Error("a referenced object went")
	}
}

func TestFsckMissingFile(t *testing.T) {
	f := newFsckFixture(t)
	if err := f.store.Delete(context.Background(), f.photo.StorageKey); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := fsck(t)
	if code != 1 {
		t.Fatalf("fsck with a missing file = %d, want 1\n%s%s", code, out, errOut)
	}
	t.Logf("yqyb fsck:\n%s%s", out, errOut)
	if !strings.Contains(out, "缺失的文件（记录存在，文件存储中没有）：1 条") {
		t.Errorf("output does not count the missing file:\n%s", out)
	}
	line := ""
	for l := range strings.Lines(out) {
		if strings.Contains(l, f.photo.StorageKey) {
			line = l
		}
	}
	if !strings.Contains(line, "files") || !strings.Contains(line, strconv.FormatInt(f.photo.ID, 10)) ||
		!strings.Contains(line, strconv.FormatInt(f.photo.EnterpriseID, 10)) {
		t.Errorf("the missing row is not named by table, id and enterprise:\n%s", out)
	}
	if !strings.Contains(errOut, "1 条记录引用的文件缺失") {
		t.Errorf("stderr = %q", errOut)
	}
	if strings.Contains(out, f.doc) {
		t.Errorf("the document, which is there, is reported:\n%s", out)
	}
}

func TestFsckOrphanFiles(t *testing.T) {
	f := newFsckFixture(t)
	old := f.putAged(t, files.UnattachedFor+time.Hour)
	young := f.putAged(t, files.UnattachedFor-time.Hour) // an upload whose row may still be on its way
	code, out, errOut := fsck(t)
	if code != 0 {
		t.Fatalf("fsck with orphans only = %d, want 0 (orphans are reported, not an error)\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "孤立文件（没有记录引用，写入已超过 72 小时）：1 个") || !strings.Contains(out, old) {
		t.Errorf("the old orphan is not listed:\n%s", out)
	}
	if strings.Contains(out, young) || !strings.Contains(out, "不会清理）：1 个") {
		t.Errorf("the young object is listed as an orphan, or not counted apart:\n%s", out)
	}
	if !f.exists(t, old) {
		t.Fatal("fsck without --clean-orphans deleted an orphan")
	}

	code, out, errOut = fsck(t, "--clean-orphans")
	if code != 0 || !strings.Contains(out, "已删除孤立文件 1 个") {
		t.Fatalf("fsck --clean-orphans = %d\n%s%s", code, out, errOut)
	}
	if f.exists(t, old) {
		t.Error("the old orphan is still there")
	}
	for _, k := range []string{young, f.photo.StorageKey, f.doc} {
		if !f.exists(t, k) {
			t.Errorf("%s went with the orphans", k)
		}
	}
	if code, out, _ := fsck(t); code != 0 || strings.Contains(out, "孤立文件（") {
		t.Errorf("after cleaning = %d\n%s", code, out)
	}
}
