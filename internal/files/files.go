// Package files keeps the images users attach to their work — hazard photos, rectification and acceptance
// evidence — as enterprise-owned rows pointing at objects in the file store. The type is decided by the
// content; names given by users are kept for display only.
package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"gorm.io/gorm"

	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/storage"
)

// MaxImageSize is the largest image accepted.
const MaxImageSize = 8 << 20

// Errors of files.
var (
	ErrNotFound = apperr.New(apperr.NotFound, "file_not_found", "文件不存在")
	ErrTooLarge = apperr.New(apperr.TooLarge, "image_too_large", "图片超过 8 MB，请压缩后再上传")
	ErrType     = apperr.New(apperr.Unsupported, "image_type_not_allowed", "只能上传 JPG、PNG 或 WebP 图片")
	ErrEmpty    = apperr.New(apperr.Invalid, "file_empty", "文件内容为空")
	ErrForeign  = apperr.New(apperr.Invalid, "photo_invalid", "照片不存在或不属于本企业")
	ErrQuota    = apperr.New(apperr.TooMany, "upload_quota_exceeded", "本企业今天上传的照片已达上限，请明天再上传，或联系系统管理员")
)

var imageTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true}

// File is an uploaded file.
type File struct {
	ID           int64     `json:"id"`
	EnterpriseID int64     `json:"-"`
	Purpose      string    `json:"purpose" example:"hazard"`
	FileName     string    `json:"file_name" example:"配电箱.jpg"`
	ContentType  string    `json:"content_type" example:"image/jpeg"`
	Size         int64     `json:"size"`
	SHA256       string    `json:"sha256"`
	StorageKey   string    `json:"-"`
	UploadedBy   *int64    `json:"-"`
	UploadedAt   time.Time `json:"uploaded_at" format:"date-time"`
	// AttachedAt is when the file was first attached to something; uploads never attached are pruned.
	AttachedAt *time.Time `json:"-"`
} // @name File

// Service stores files.
type Service struct {
	db    *gorm.DB
	clk   clock.Clock
	store storage.Store
	// dailyQuota bounds the bytes one enterprise uploads per Beijing day (0: none).
	dailyQuota int64
}

// NewService returns the file service; dailyQuota bounds the bytes one enterprise uploads per day (0: none).
func NewService(db *gorm.DB, clk clock.Clock, store storage.Store, dailyQuota int64) *Service {
	return &Service{db: db, clk: clk, store: store, dailyQuota: dailyQuota}
}

// UploadImage stores an image for the enterprise.
func (s *Service) UploadImage(ctx context.Context, userID, ent int64, purpose, name string, r io.Reader) (File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImageSize+1))
	if err != nil {
		return File{}, err
	}
	if len(data) > MaxImageSize {
		return File{}, ErrTooLarge
	}
	if len(data) == 0 {
		return File{}, ErrEmpty
	}
	typ := mimetype.Detect(data).String()
	if !imageTypes[typ] {
		return File{}, ErrType.WithDetails(map[string]any{"detected": typ})
	}
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), "\\", "/"))
	if name == "" || name == "." || name == "/" || len([]rune(name)) > 120 {
		name = "image" + map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}[typ]
	}
	if err := s.checkQuota(ctx, ent, int64(len(data))); err != nil {
		return File{}, err
	}
	sum := sha256.Sum256(data)
	key := storage.NewKey("img", s.clk.Now())
	if err := s.store.Put(ctx, key, bytes.NewReader(data)); err != nil {
		return File{}, err
	}
	uid := userID
	f := File{EnterpriseID: ent, Purpose: purpose, FileName: name, ContentType: typ, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
		StorageKey: key, UploadedBy: &uid, UploadedAt: s.clk.Now().UTC()}
	if err := s.db.WithContext(ctx).Create(&f).Error; err != nil {
		s.store.Delete(context.WithoutCancel(ctx), key)
		return File{}, err
	}
	return f, nil
}

// Open returns a file of the enterprise and its content.
func (s *Service) Open(ctx context.Context, ent, id int64) (File, io.ReadCloser, error) {
	var f File
	if err := s.db.WithContext(ctx).Where("id = ? AND enterprise_id = ?", id, ent).Take(&f).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return f, nil, ErrNotFound
		}
		return f, nil, err
	}
	rc, err := s.store.Open(ctx, f.StorageKey)
	if errors.Is(err, storage.ErrNotFound) {
		return f, nil, ErrNotFound
	}
	return f, rc, err
}

// Check makes sure every id is a file of the enterprise (at most 9 photos per attachment) and marks the
// files attached.
func Check(tx *gorm.DB, ent int64, ids []int64) error { return CheckAll(tx, ent, ids) }

// CheckAll is Check for several attachments at once (the hazards of one submission), with one statement:
// the update that marks the files attached counts them too.
func CheckAll(tx *gorm.DB, ent int64, attachments ...[]int64) error {
	all := map[int64]bool{}
	for _, ids := range attachments {
		if len(ids) > 9 {
			return ErrForeign.WithMessage("每处最多上传 9 张照片")
		}
		for _, id := range ids {
			all[id] = true
		}
	}
	if len(all) == 0 {
		return nil
	}
	res := tx.Model(&File{}).Where("id IN ? AND enterprise_id = ?", slices.Collect(maps.Keys(all)), ent).
		Update("attached_at", gorm.Expr("COALESCE(attached_at, ?)", tx.NowFunc().UTC()))
	if res.Error != nil {
		return res.Error
	}
	if int(res.RowsAffected) != len(all) {
		return ErrForeign
	}
	return nil
}

// Join stores ids as the comma-separated text the rows keep.
func Join(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// Split reads ids back.
func Split(s string) []int64 {
	out := []int64{}
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}
