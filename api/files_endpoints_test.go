package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"testing"

	"yqyb/internal/files"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/tools/demo"
)

// TestFilesEndpoints is the contract of the photo endpoints: upload and download. Photos belong to an
// enterprise; any of its accounts may read them, no other account may.
func TestFilesEndpoints(t *testing.T) {
	env, _ := seeded(t)
	as := signIn(env)
	forklift := env.login("personal", demo.MallForklift, pw).AccessToken
	welder := env.login("personal", demo.FactoryWelder, pw).AccessToken
	photo := func(token, name string) files.File {
		var f files.File
		r := env.upload(token, "/api/v1/files", name, jpeg)
		r.decode(t, &f)
		if r.Code != 201 {
			t.Fatalf("upload = %d %s", r.Code, r.Body)
		}
		return f
	}
	mine, theirs, lost := photo(forklift, "货架.jpg"), photo(welder, "焊机.jpg"), photo(forklift, "丢失.jpg")
	// The object of one upload is gone from the store (a restore from an older backup, say).
	var lostKey string
	testdb.Must(t, env.db.Table("files").Where("id = ?", lost.ID).Pluck("storage_key", &lostKey))
	if err := env.deps.Files.Delete(context.Background(), lostKey); err != nil {
		t.Fatal(err)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	sum := sha256.Sum256(jpeg)
	file := func(id int64) string { return fmt.Sprintf("/api/v1/files/%d", id) }
	uploaded := func(want func(files.File) bool) func(*testing.T, *response) {
		return func(t *testing.T, r *response) {
			if f := decodeInto[files.File](t, r); f.ID == 0 || !want(f) {
				t.Errorf("file = %+v", f)
			}
		}
	}
	downloaded := func(t *testing.T, r *response) {
		if !bytes.Equal(r.Body, jpeg) || r.Header.Get("Content-Type") != "image/jpeg" || r.Header.Get("X-Content-Type-Options") != "nosniff" ||
			r.Header.Get("Cache-Control") != "private, max-age=86400" {
			t.Errorf("download: %v", r.Header)
		}
	}
	count := func() string { return rowsOf(t, env, "SELECT CONCAT(COUNT(*), '/', COUNT(attached_at)) FROM files") }

	t.Run("200", func(t *testing.T) {
		runCalls(t, env, []call{
			{name: "upload a JPEG", token: forklift, method: http.MethodPost, path: "/api/v1/files", body: upload{name: "通道.jpg", data: jpeg}, status: 201,
				check: uploaded(func(f files.File) bool {
					return f.ContentType == "image/jpeg" && f.FileName == "通道.jpg" && f.Size == int64(len(jpeg)) && f.SHA256 == hex.EncodeToString(sum[:]) && f.Purpose == "photo"
				})},
			{name: "the type comes from the content, not the name", token: forklift, method: http.MethodPost, path: "/api/v1/files", body: upload{name: "截图.jpg", data: png},
				status: 201, check: uploaded(func(f files.File) bool { return f.ContentType == "image/png" })},
			{name: "a path in the name keeps only its last part", token: forklift, method: http.MethodPost, path: "/api/v1/files",
				body: upload{name: `..\..\etc\passwd.jpg`, data: jpeg}, status: 201, hide: []string{"..", "etc"},
				check: uploaded(func(f files.File) bool { return f.FileName == "passwd.jpg" })},
			{name: "the uploader downloads", token: forklift, method: http.MethodGet, path: file(mine.ID), status: 200, check: downloaded},
			{name: "another account of the enterprise downloads", token: as.admin, method: http.MethodGet, path: file(mine.ID), status: 200, check: downloaded},
		})
	})

	t.Run("400", func(t *testing.T) {
		unchanged(t, env, count, []call{
			{name: "a form without a file", token: forklift, method: http.MethodPost, path: "/api/v1/files", body: upload{name: "x", noFile: true}, status: 400, code: "file_missing"},
			{name: "a file under another field", token: forklift, method: http.MethodPost, path: "/api/v1/files", body: upload{name: "a.jpg", data: jpeg, field: "image"},
				status: 400, code: "file_missing"},
			{name: "an empty file", token: forklift, method: http.MethodPost, path: "/api/v1/files", body: upload{name: "空.jpg"}, status: 400, code: "file_empty"},
		})
	})

	t.Run("415", func(t *testing.T) {
		unchanged(t, env, count, []call{
			{name: "a PDF named .jpg", token: forklift, method: http.MethodPost, path: "/api/v1/files", body: upload{name: "a.jpg", data: pdf},
				status: 415, code: "image_type_not_allowed", has: []string{`"detected":"application/pdf"`}},
			{name: "an SVG, which can carry script", token: forklift, method: http.MethodPost, path: "/api/v1/files",
				body:   upload{name: "a.svg", data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
				status: 415, code: "image_type_not_allowed", hide: []string{"<script>"}},
		})
	})

	t.Run("403", func(t *testing.T) {
		unchanged(t, env, count, []call{
			{name: "a regulator uploads", token: as.reg, method: http.MethodPost, path: "/api/v1/files", body: upload{name: "a.jpg", data: jpeg},
				status: 403, code: "enterprise_required"},
			{name: "a regulator downloads an enterprise's photo", token: as.reg, method: http.MethodGet, path: file(mine.ID), status: 403, code: "enterprise_required",
				hide: []string{"货架"}},
			{name: "the platform administrator downloads an enterprise's photo", token: as.plat, method: http.MethodGet, path: file(mine.ID), status: 403,
				code: "enterprise_required", hide: []string{"货架"}},
		})
	})

	t.Run("404", func(t *testing.T) {
		unknown := env.as(as.admin, http.MethodGet, file(999999), nil)
		sameAsUnknown := func(t *testing.T, r *response) {
			if !bytes.Equal(r.Body, unknown.Body) {
				t.Errorf("another tenant's photo answers %s, an unknown id %s", r.Body, unknown.Body)
			}
		}
		unchanged(t, env, count, []call{
			{name: "the admin reads another enterprise's photo", token: as.admin, method: http.MethodGet, path: file(theirs.ID), status: 404, code: "file_not_found",
				hide: []string{"焊机", idText(theirs.ID)}, check: sameAsUnknown},
			{name: "a post user reads another enterprise's photo", token: forklift, method: http.MethodGet, path: file(theirs.ID), status: 404, code: "file_not_found",
				hide: []string{"焊机", idText(theirs.ID)}, check: sameAsUnknown},
			{name: "the other enterprise's admin reads the mall's photo", token: as.factory, method: http.MethodGet, path: file(mine.ID), status: 404, code: "file_not_found",
				hide: []string{"货架", idText(mine.ID)}, check: sameAsUnknown},
			{name: "an id that is not a number", token: forklift, method: http.MethodGet, path: "/api/v1/files/abc", status: 404, code: "not_found", hide: []string{"abc"}},
			{name: "a photo whose object is gone", token: forklift, method: http.MethodGet, path: file(lost.ID), status: 404, code: "file_not_found",
				hide: []string{lostKey, "丢失"}},
		})
	})
}
