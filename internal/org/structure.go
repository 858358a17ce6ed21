package org

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/listq"
	"yqyb/internal/platform/storage"
	"yqyb/pkg/period"
)

// Errors of the enterprise structure.
var (
	ErrDeptNotFound     = apperr.New(apperr.NotFound, "department_not_found", "部门不存在")
	ErrDeptNameTaken    = apperr.New(apperr.Conflict, "department_name_taken", "同一上级部门下已有同名部门")
	ErrDeptCycle        = apperr.New(apperr.Invalid, "department_move_cycle", "不能把部门移动到它自己或它的下级部门之下")
	ErrDeptHasChildren  = apperr.New(apperr.Conflict, "department_has_children", "部门下还有下级部门，不能删除")
	ErrDeptHasPosts     = apperr.New(apperr.Conflict, "department_has_posts", "部门下还有岗位，不能删除；请先移走或删除岗位")
	ErrPostNameTaken    = apperr.New(apperr.Conflict, "post_name_taken", "同一部门下已有同名岗位")
	ErrPostHasUsers     = apperr.New(apperr.Conflict, "post_has_users", "岗位下还有岗位用户，不能删除；请先调整用户的岗位，或停用岗位")
	ErrPostHasHistory   = apperr.New(apperr.Conflict, "post_has_history", "岗位已有历史记录（责任制文件、排查记录或曾经的用户），不能删除，请停用")
	ErrDocumentNotFound = apperr.New(apperr.NotFound, "document_not_found", "文件不存在")
	ErrDocumentTooLarge = apperr.New(apperr.TooLarge, "document_too_large", "文件过大")
	ErrDocumentType     = apperr.New(apperr.Unsupported, "document_type_not_allowed", "只能上传 PDF、Word（doc/docx/wps）或图片（jpg/png）文件")
	ErrDocumentEmpty    = apperr.New(apperr.Invalid, "document_empty", "文件内容为空")
	ErrConcurrentUpload = apperr.New(apperr.Conflict, "document_upload_conflict", "同一岗位的文件正在被同时上传，请刷新后重试")
)

// Responsibility levels of a post (the size of its safety responsibility, FAQ 8).
const (
	LevelHigh   = "high"
	LevelMedium = "medium"
	LevelLow    = "low"
)

// LevelLabels names the levels.
var LevelLabels = map[string]string{LevelHigh: "安全责任大（重点岗位）", LevelMedium: "安全责任一般", LevelLow: "安全责任较小"}

// Service manages an enterprise's departments, posts and responsibility documents, and the streets of the
// region tree; it answers the lookups handlers need (an account's enterprise, region and post, the region
// tree, a regulator's view of one enterprise).
type Service struct {
	db          *gorm.DB
	clk         clock.Clock
	files       storage.Store
	postHistory []PostHistoryCheck
}

// Option configures a Service when it is built.
type Option func(*Service)

// WithPostHistory registers the history checks of the domains that refer to posts (checklists,
// inspections, hazards), which this package cannot import. They are wired in once, where the service is
// built, so that no caller of DeletePost can forget one.
func WithPostHistory(checks ...PostHistoryCheck) Option {
	return func(s *Service) { s.postHistory = append(s.postHistory, checks...) }
}

// NewService returns the structure service.
func NewService(db *gorm.DB, clk clock.Clock, files storage.Store, opts ...Option) *Service {
	s := &Service{db: db, clk: clk, files: files}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *Service) now() time.Time { return s.clk.Now().UTC() }

// DeptView is a department with what hangs on it.
type DeptView struct {
	Department
	PostCount int64 `json:"post_count"`
	UserCount int64 `json:"user_count"`
} // @name Department

// DeptInput is what an admin types for a department.
type DeptInput struct {
	Name        string `json:"name" label:"部门名称" validate:"required,max=50"`
	ParentID    *int64 `json:"parent_id,omitempty" label:"上级部门" validate:"omitempty,gt=0"`
	Description string `json:"description,omitempty" label:"部门说明" validate:"max=200"`
	SortOrder   int    `json:"sort_order,omitempty" label:"排序" validate:"gte=0,lte=100000"`
}

// Departments lists every department of the enterprise, parents before children in display order, with
// post and user counts; the SPA assembles the tree from parent_id.
func (s *Service) Departments(ctx context.Context, ent int64) ([]DeptView, error) {
	out := []DeptView{}
	err := s.db.WithContext(ctx).Table("departments d").
		Select(`d.*,
			(SELECT COUNT(*) FROM posts p WHERE p.department_id = d.id) AS post_count,
			(SELECT COUNT(*) FROM users u JOIN posts p ON p.id = u.post_id WHERE p.department_id = d.id AND u.deleted_at IS NULL) AS user_count`).
		Where("d.enterprise_id = ?", ent).Order("d.sort_order, d.id").Scan(&out).Error
	return out, err
}

func (s *Service) dept(ctx context.Context, db *gorm.DB, ent, id int64) (Department, error) {
	var d Department
	err := db.WithContext(ctx).Where("id = ? AND enterprise_id = ?", id, ent).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, ErrDeptNotFound
	}
	return d, err
}

func deptTaken(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrDeptNameTaken
	}
	return err
}

// CreateDepartment adds a department, at the top or under a parent of the same enterprise.
func (s *Service) CreateDepartment(ctx context.Context, a audit.Actor, ent int64, in DeptInput) (Department, error) {
	var d Department
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if in.ParentID != nil {
			if _, err := s.dept(ctx, tx, ent, *in.ParentID); err != nil {
				return err
			}
		}
		d = Department{EnterpriseID: ent, ParentID: in.ParentID, Name: strings.TrimSpace(in.Name), Description: strings.TrimSpace(in.Description),
			SortOrder: in.SortOrder, CreatedAt: s.now(), UpdatedAt: s.now()}
		if err := tx.Create(&d).Error; err != nil {
			return deptTaken(err)
		}
		return audit.Record(ctx, tx, s.now(), a, audit.Entry{Action: audit.DeptCreate, EnterpriseID: ent, TargetType: "department",
			TargetID: d.ID, TargetName: d.Name, After: d})
	})
	return d, err
}

// UpdateDepartment renames, re-describes, re-orders or moves a department. A department cannot move under
// itself or its own descendants.
func (s *Service) UpdateDepartment(ctx context.Context, a audit.Actor, ent, id int64, in DeptInput) (Department, error) {
	var d Department
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		before, err := s.dept(ctx, tx, ent, id)
		if err != nil {
			return err
		}
		if in.ParentID != nil {
			// Walk up from the new parent: meeting the department itself means a cycle.
			for p := in.ParentID; p != nil; {
				if *p == id {
					return ErrDeptCycle
				}
				parent, err := s.dept(ctx, tx, ent, *p)
				if err != nil {
					return err
				}
				p = parent.ParentID
			}
		}
		d = before
		d.ParentID, d.Name, d.Description, d.SortOrder, d.UpdatedAt = in.ParentID, strings.TrimSpace(in.Name), strings.TrimSpace(in.Description), in.SortOrder, s.now()
		if err := tx.Model(&Department{}).Where("id = ?", id).Updates(map[string]any{
			"parent_id": d.ParentID, "name": d.Name, "description": d.Description, "sort_order": d.SortOrder, "updated_at": d.UpdatedAt,
		}).Error; err != nil {
			return deptTaken(err)
		}
		return audit.Record(ctx, tx, s.now(), a, audit.Entry{Action: audit.DeptUpdate, EnterpriseID: ent, TargetType: "department",
			TargetID: id, TargetName: d.Name, Before: before, After: d})
	})
	return d, err
}

// DeleteDepartment removes an empty department: one with sub-departments or posts is refused.
func (s *Service) DeleteDepartment(ctx context.Context, a audit.Actor, ent, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		d, err := s.dept(ctx, tx, ent, id)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&Department{}).Where("parent_id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrDeptHasChildren.WithDetails(map[string]any{"children": n})
		}
		if err := tx.Model(&Post{}).Where("department_id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrDeptHasPosts.WithDetails(map[string]any{"posts": n})
		}
		if err := tx.Delete(&d).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), a, audit.Entry{Action: audit.DeptDelete, EnterpriseID: ent, TargetType: "department",
			TargetID: id, TargetName: d.Name, Before: d})
	})
}

// PostView is a post as listed and shown.
type PostView struct {
	ID                  int64         `json:"id"`
	DepartmentID        int64         `json:"department_id"`
	DepartmentName      string        `json:"department_name" example:"仓储部"`
	Name                string        `json:"name" example:"叉车司机"`
	Status              string        `json:"status" enums:"active,disabled"`
	ResponsibilityLevel string        `json:"responsibility_level" enums:"high,medium,low"`
	DefaultFrequency    string        `json:"default_frequency" enums:"daily,weekly,half_monthly,monthly,quarterly,yearly"`
	Description         string        `json:"description"`
	SortOrder           int           `json:"sort_order"`
	UserCount           int64         `json:"user_count"`
	Document            *DocumentView `json:"document" extensions:"x-nullable" gorm:"-"`
	CreatedAt           time.Time     `json:"created_at" format:"date-time"`
	UpdatedAt           time.Time     `json:"updated_at" format:"date-time"`
} // @name Post

// PostInput is what an admin types for a post.
type PostInput struct {
	DepartmentID        int64  `json:"department_id" label:"所属部门" validate:"required,gt=0"`
	Name                string `json:"name" label:"岗位名称" validate:"required,max=50"`
	ResponsibilityLevel string `json:"responsibility_level" label:"安全责任大小" validate:"required,oneof=high medium low" enums:"high,medium,low"`
	DefaultFrequency    string `json:"default_frequency" label:"默认排查频次" validate:"required,oneof=daily weekly half_monthly monthly quarterly yearly" enums:"daily,weekly,half_monthly,monthly,quarterly,yearly"`
	Description         string `json:"description,omitempty" label:"岗位说明" validate:"max=500"`
	SortOrder           int    `json:"sort_order,omitempty" label:"排序" validate:"gte=0,lte=100000"`
}

// PostFilter narrows a post list.
type PostFilter struct {
	DepartmentID int64 // this department and its sub-departments
	Keyword      string
	Status       string
	HasDocument  *bool
}

// PostSpec is how post lists sort.
var PostSpec = listq.Spec{
	Sorts: map[string]string{"name": "p.name", "department": "d.name", "sort_order": "p.sort_order", "created_at": "p.created_at",
		"user_count": "user_count", "id": "p.id"},
	Default:  []listq.Order{{Field: "sort_order"}},
	Tiebreak: "p.id",
}

// currentDocument is the join that yields each post's newest document.
const currentDocument = `LEFT JOIN post_documents doc ON doc.post_id = p.id AND doc.version = (SELECT MAX(version) FROM post_documents WHERE post_id = p.id)`

type postRow struct {
	PostView
	DocID          *int64
	DocVersion     int
	DocFileName    string
	DocContentType string
	DocSize        int64
	DocSHA256      string
	DocUploadedAt  *time.Time
	DocUploader    string
}

func (r postRow) view() PostView {
	v := r.PostView
	if r.DocID != nil {
		v.Document = &DocumentView{ID: *r.DocID, PostID: v.ID, Version: r.DocVersion, FileName: r.DocFileName, ContentType: r.DocContentType,
			Size: r.DocSize, SHA256: r.DocSHA256, UploadedAt: *r.DocUploadedAt, UploadedBy: r.DocUploader}
	}
	return v
}

func (s *Service) postQuery(ctx context.Context, ent int64) *gorm.DB {
	return s.db.WithContext(ctx).Table("posts p").
		Select(`p.id, p.department_id, d.name AS department_name, p.name, p.status, p.responsibility_level, p.default_frequency,
			p.description, p.sort_order, p.created_at, p.updated_at,
			(SELECT COUNT(*) FROM users u WHERE u.post_id = p.id AND u.deleted_at IS NULL) AS user_count,
			doc.id AS doc_id, doc.version AS doc_version, doc.file_name AS doc_file_name, doc.content_type AS doc_content_type,
			doc.size AS doc_size, doc.sha256 AS doc_sha256, doc.uploaded_at AS doc_uploaded_at,
			COALESCE((SELECT display_name FROM users WHERE id = doc.uploaded_by), '') AS doc_uploader`).
		Joins("JOIN departments d ON d.id = p.department_id").
		Joins(currentDocument).
		Where("p.enterprise_id = ?", ent)
}

// ListPosts pages the enterprise's posts with their departments, user counts and current documents.
func (s *Service) ListPosts(ctx context.Context, ent int64, f PostFilter, q listq.Query) (listq.Page[PostView], error) {
	tx := s.postQuery(ctx, ent)
	if f.DepartmentID != 0 {
		ids, err := s.subtree(ctx, ent, f.DepartmentID)
		if err != nil {
			return listq.Page[PostView]{}, err
		}
		tx = tx.Where("p.department_id IN ?", ids)
	}
	if f.Status != "" {
		tx = tx.Where("p.status = ?", f.Status)
	}
	if f.HasDocument != nil {
		if *f.HasDocument {
			tx = tx.Where("doc.id IS NOT NULL")
		} else {
			tx = tx.Where("doc.id IS NULL")
		}
	}
	tx = listq.Keyword(tx, f.Keyword, "p.name", "d.name")
	page, err := listq.Fetch[postRow](tx, q)
	out := listq.Page[PostView]{Items: make([]PostView, 0, len(page.Items)), Total: page.Total, Page: page.Page, PageSize: page.PageSize}
	for _, r := range page.Items {
		out.Items = append(out.Items, r.view())
	}
	return out, err
}

// subtree returns a department and all departments below it (of the enterprise).
func (s *Service) subtree(ctx context.Context, ent, root int64) ([]int64, error) {
	if _, err := s.dept(ctx, s.db, ent, root); err != nil {
		return nil, err
	}
	var all []Department
	if err := s.db.WithContext(ctx).Select("id, parent_id").Where("enterprise_id = ?", ent).Find(&all).Error; err != nil {
		return nil, err
	}
	children := map[int64][]int64{}
	for _, d := range all {
		if d.ParentID != nil {
			children[*d.ParentID] = append(children[*d.ParentID], d.ID)
		}
	}
	out := []int64{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out, nil
}

// GetPost loads one post of the enterprise.
func (s *Service) GetPost(ctx context.Context, ent, id int64) (PostView, error) {
	var r postRow
	err := s.postQuery(ctx, ent).Where("p.id = ?", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return PostView{}, ErrPostNotFound
	}
	return r.view(), err
}

func postTaken(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrPostNameTaken
	}
	return err
}

func checkFrequency(f string) error {
	if !period.Frequency(f).Valid() {
		return apperr.Validation(apperr.FieldError{Field: "default_frequency", Message: "默认排查频次无效"})
	}
	return nil
}

// CreatePost adds a post to a department of the enterprise.
func (s *Service) CreatePost(ctx context.Context, a audit.Actor, ent int64, in PostInput) (PostView, error) {
	if err := checkFrequency(in.DefaultFrequency); err != nil {
		return PostView{}, err
	}
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.dept(ctx, tx, ent, in.DepartmentID); err != nil {
			return err
		}
		p := Post{EnterpriseID: ent, DepartmentID: in.DepartmentID, Name: strings.TrimSpace(in.Name), Status: "active",
			ResponsibilityLevel: in.ResponsibilityLevel, DefaultFrequency: in.DefaultFrequency, Description: strings.TrimSpace(in.Description),
			SortOrder: in.SortOrder, CreatedAt: s.now(), UpdatedAt: s.now()}
		if err := tx.Create(&p).Error; err != nil {
			return postTaken(err)
		}
		id = p.ID
		return audit.Record(ctx, tx, s.now(), a, audit.Entry{Action: audit.PostCreate, EnterpriseID: ent, TargetType: "post",
			TargetID: p.ID, TargetName: p.Name, After: in})
	})
	if err != nil {
		return PostView{}, err
	}
	return s.GetPost(ctx, ent, id)
}

// UpdatePost changes a post, including moving it to another department.
func (s *Service) UpdatePost(ctx context.Context, a audit.Actor, ent, id int64, in PostInput) (PostView, error) {
	if err := checkFrequency(in.DefaultFrequency); err != nil {
		return PostView{}, err
	}
	before, err := s.GetPost(ctx, ent, id)
	if err != nil {
		return PostView{}, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.dept(ctx, tx, ent, in.DepartmentID); err != nil {
			return err
		}
		if err := tx.Model(&Post{}).Where("id = ?", id).Updates(map[string]any{
			"department_id": in.DepartmentID, "name": strings.TrimSpace(in.Name), "responsibility_level": in.ResponsibilityLevel,
			"default_frequency": in.DefaultFrequency, "description": strings.TrimSpace(in.Description), "sort_order": in.SortOrder, "updated_at": s.now(),
		}).Error; err != nil {
			return postTaken(err)
		}
		return audit.Record(ctx, tx, s.now(), a, audit.Entry{Action: audit.PostUpdate, EnterpriseID: ent, TargetType: "post", TargetID: id,
			TargetName: in.Name, Before: map[string]any{"department_id": before.DepartmentID, "name": before.Name, "responsibility_level": before.ResponsibilityLevel,
				"default_frequency": before.DefaultFrequency, "description": before.Description}, After: in})
	})
	if err != nil {
		return PostView{}, err
	}
	return s.GetPost(ctx, ent, id)
}

// SetPostStatus disables or enables a post. A disabled post keeps its users and history but takes no new
// users.
func (s *Service) SetPostStatus(ctx context.Context, a audit.Actor, ent, id int64, status string) (PostView, error) {
	p, err := s.GetPost(ctx, ent, id)
	if err != nil {
		return PostView{}, err
	}
	if p.Status != status {
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Model(&Post{}).Where("id = ?", id).Updates(map[string]any{"status": status, "updated_at": s.now()}).Error; err != nil {
				return err
			}
			action := audit.PostEnable
			if status == "disabled" {
				action = audit.PostDisable
			}
			return audit.Record(ctx, tx, s.now(), a, audit.Entry{Action: action, EnterpriseID: ent, TargetType: "post", TargetID: id, TargetName: p.Name})
		})
		if err != nil {
			return PostView{}, err
		}
	}
	return s.GetPost(ctx, ent, id)
}

// PostHistoryCheck reports, inside the deleting transaction, whether another domain holds history for a
// post (checklists, inspections, hazards); a post with history can only be disabled. See WithPostHistory.
type PostHistoryCheck func(tx *gorm.DB, postID int64) (bool, error)

// DeletePost removes a post that nothing refers to: no users (current or deleted), no documents, and no
// history in the checks the service was built with. Otherwise the post must be disabled instead.
func (s *Service) DeletePost(ctx context.Context, a audit.Actor, ent, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var p Post
		if err := tx.Where("id = ? AND enterprise_id = ?", id, ent).Take(&p).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrPostNotFound
			}
			return err
		}
		var live, gone, docs int64
		if err := tx.Table("users").Where("post_id = ? AND deleted_at IS NULL", id).Count(&live).Error; err != nil {
			return err
		}
		if live > 0 {
			return ErrPostHasUsers.WithDetails(map[string]any{"users": live})
		}
		if err := tx.Table("users").Where("post_id = ?", id).Count(&gone).Error; err != nil {
			return err
		}
		if err := tx.Table("post_documents").Where("post_id = ?", id).Count(&docs).Error; err != nil {
			return err
		}
		if gone > 0 || docs > 0 {
			return ErrPostHasHistory
		}
		for _, check := range s.postHistory {
			has, err := check(tx, id)
			if err != nil {
				return err
			}
			if has {
				return ErrPostHasHistory
			}
		}
		if err := tx.Delete(&p).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.now(), a, audit.Entry{Action: audit.PostDelete, EnterpriseID: ent, TargetType: "post", TargetID: id,
			TargetName: p.Name, Before: map[string]any{"name": p.Name, "department_id": p.DepartmentID}})
	})
}
