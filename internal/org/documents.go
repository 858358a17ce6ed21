package org

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"path"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/platform/storage"
)

// MaxDocumentSize is the largest responsibility document accepted.
const MaxDocumentSize = 10 << 20

// DocumentView is one version of a post's responsibility document (岗位责任制).
type DocumentView struct {
	ID          int64     `json:"id"`
	PostID      int64     `json:"post_id"`
	Version     int       `json:"version"`
	FileName    string    `json:"file_name" example:"叉车司机岗位责任制.pdf"`
	ContentType string    `json:"content_type" example:"application/pdf"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at" format:"date-time"`
} // @name PostDocument

type postDocument struct {
	ID           int64
	EnterpriseID int64
	PostID       int64
	Version      int
	FileName     string
	ContentType  string
	Size         int64
	SHA256       string
	StorageKey   string
	UploadedBy   *int64
	UploadedAt   time.Time
}

func (postDocument) TableName() string { return "post_documents" }

// allowedTypes maps the sniffed types accepted to the extensions a file of that type may carry. The type
// is decided by the content, never by the name or the declared Content-Type.
var allowedTypes = map[string][]string{
	"application/pdf": {".pdf"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
	"application/msword":        {".doc", ".wps"},
	"application/x-ole-storage": {".doc", ".wps"},
	"image/jpeg":                {".jpg", ".jpeg"},
	"image/png":                 {".png"},
}

// sniff decides what a file is from its bytes. Word 2007+ files are zip archives, so the archive must hold
// word/document.xml; older Word and WPS files are OLE compound files.
func sniff(data []byte, fileName string) (string, error) {
	mt := mimetype.Detect(data)
	typ := mt.String()
	if i := strings.IndexByte(typ, ';'); i >= 0 {
		typ = typ[:i]
	}
	switch {
	case mt.Is("application/zip") || typ == "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return "", ErrDocumentType
		}
		found := false
		for _, f := range zr.File {
			if f.Name == "word/document.xml" {
				found = true
				break
			}
		}
		if !found {
			return "", ErrDocumentType
		}
		typ = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	}
	exts, ok := allowedTypes[typ]
	if !ok {
		return "", ErrDocumentType.WithDetails(map[string]any{"detected": typ})
	}
	if typ == "application/x-ole-storage" {
		typ = "application/msword"
	}
	ext := strings.ToLower(path.Ext(fileName))
	for _, e := range exts {
		if e == ext {
			return typ, nil
		}
	}
	return "", ErrDocumentType.WithMessage("文件扩展名与文件内容不符：内容为 " + strings.TrimPrefix(exts[0], ".") + " 文件").
		WithDetails(map[string]any{"detected": typ})
}

// cleanFileName keeps the base of a user's file name for downloads only; it never names a stored file.
func cleanFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`"<>|:*?`, r) {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		return "document"
	}
	if r := []rune(name); len(r) > 120 {
		name = string(r[len(r)-120:])
	}
	return name
}

// UploadDocument stores a new version of a post's responsibility document. r is read up to the size limit;
// content is checked by sniffing before anything is stored.
func (s *Service) UploadDocument(ctx context.Context, a audit.Actor, ent, postID int64, fileName string, r io.Reader) (DocumentView, error) {
	if _, err := PostOf(ctx, s.db, ent, postID); err != nil {
		return DocumentView{}, err
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentSize+1))
	if err != nil {
		return DocumentView{}, err
	}
	if len(data) > MaxDocumentSize {
		return DocumentView{}, ErrDocumentTooLarge.WithMessage("文件超过 10 MB，请压缩后再上传").WithDetails(map[string]any{"max_bytes": MaxDocumentSize})
	}
	if len(data) == 0 {
		return DocumentView{}, ErrDocumentEmpty
	}
	name := cleanFileName(fileName)
	typ, err := sniff(data, name)
	if err != nil {
		return DocumentView{}, err
	}
	sum := sha256.Sum256(data)
	key := storage.NewKey("docs", s.now())
	if err := s.files.Put(ctx, key, bytes.NewReader(data)); err != nil {
		return DocumentView{}, err
	}
	var id int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var last int
		if err := tx.Model(&postDocument{}).Where("post_id = ?", postID).Select("COALESCE(MAX(version), 0)").Scan(&last).Error; err != nil {
			return err
		}
		uploader := a.ID
		d := postDocument{EnterpriseID: ent, PostID: postID, Version: last + 1, FileName: name, ContentType: typ, Size: int64(len(data)),
			SHA256: hex.EncodeToString(sum[:]), StorageKey: key, UploadedBy: &uploader, UploadedAt: s.now()}
		if err := tx.Create(&d).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ErrConcurrentUpload
			}
			return err
		}
		id = d.ID
		return audit.Record(ctx, tx, s.now(), a, audit.Entry{Action: audit.PostDocUpload, EnterpriseID: ent, TargetType: "post", TargetID: postID,
			TargetName: name, After: map[string]any{"version": d.Version, "file_name": name, "size": d.Size, "sha256": d.SHA256}})
	})
	if err != nil {
		// The row was not written, so the object is an orphan; remove it rather than leak storage.
		s.files.Delete(context.WithoutCancel(ctx), key)
		return DocumentView{}, err
	}
	return s.document(ctx, ent, postID, id)
}

// Documents lists every version of a post's document, newest first.
func (s *Service) Documents(ctx context.Context, ent, postID int64) ([]DocumentView, error) {
	if _, err := PostOf(ctx, s.db, ent, postID); err != nil {
		return nil, err
	}
	out := []DocumentView{}
	err := s.docQuery(ctx, ent).Where("d.post_id = ?", postID).Order("d.version DESC").Scan(&out).Error
	return out, err
}

func (s *Service) docQuery(ctx context.Context, ent int64) *gorm.DB {
	return s.db.WithContext(ctx).Table("post_documents d").
		Select("d.id, d.post_id, d.version, d.file_name, d.content_type, d.size, d.sha256, d.uploaded_at, COALESCE(u.display_name, '') AS uploaded_by").
		Joins("LEFT JOIN users u ON u.id = d.uploaded_by").
		Where("d.enterprise_id = ?", ent)
}

func (s *Service) document(ctx context.Context, ent, postID, id int64) (DocumentView, error) {
	var v DocumentView
	err := s.docQuery(ctx, ent).Where("d.post_id = ? AND d.id = ?", postID, id).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return v, ErrDocumentNotFound
	}
	return v, err
}

// OpenDocument returns a version's metadata and content, for download.
func (s *Service) OpenDocument(ctx context.Context, ent, postID, id int64) (DocumentView, io.ReadCloser, error) {
	v, err := s.document(ctx, ent, postID, id)
	if err != nil {
		return v, nil, err
	}
	var key string
	if err := s.db.WithContext(ctx).Model(&postDocument{}).Where("id = ?", id).Pluck("storage_key", &key).Error; err != nil {
		return v, nil, err
	}
	rc, err := s.files.Open(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return v, nil, ErrDocumentNotFound.WithMessage("文件内容已丢失，请重新上传")
	}
	return v, rc, err
}

// DocumentRefs lists every version of every responsibility document with its object's key, for the
// consistency check (yqyb fsck).
func DocumentRefs(ctx context.Context, db *gorm.DB) ([]storage.Ref, error) {
	var out []storage.Ref
	err := db.WithContext(ctx).Model(&postDocument{}).
		Select(`'post_documents' AS "table", id, enterprise_id, storage_key AS "key", uploaded_at`).Order("id").Scan(&out).Error
	return out, err
}
