// Package org owns enterprises and their structure: the enterprise record, its departments and its posts.
// Every row carries its enterprise id, and every lookup here takes the caller's enterprise, so a row of
// another enterprise is simply not found.
package org

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/listq"
	"yqyb/pkg/uscc"
)

// Enterprise is a production unit registered by its regulator.
type Enterprise struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	CreditCode     string    `json:"credit_code"`
	LegalRep       string    `json:"legal_rep"`
	LegalPhone     string    `json:"legal_phone"`
	RegionID       int64     `json:"region_id"`
	RegionPath     string    `json:"-"`
	Address        string    `json:"address"`
	Industry       string    `json:"industry"`
	MainBusinessID *int64    `json:"main_business_id"`
	Scale          string    `json:"scale"`
	RegisteredBy   *int64    `json:"-"`
	Status         string    `json:"status"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Department is a unit of an enterprise; departments form a tree.
type Department struct {
	ID           int64     `json:"id"`
	EnterpriseID int64     `json:"-"`
	ParentID     *int64    `json:"parent_id" extensions:"x-nullable"`
	Name         string    `json:"name" example:"仓储部"`
	Description  string    `json:"description"`
	SortOrder    int       `json:"sort_order"`
	CreatedAt    time.Time `json:"created_at" format:"date-time"`
	UpdatedAt    time.Time `json:"updated_at" format:"date-time"`
} // @name DepartmentRecord

// Post (岗位) is a position inside a department; post users are matched to one.
type Post struct {
	ID                  int64
	EnterpriseID        int64
	DepartmentID        int64
	Name                string
	Status              string
	ResponsibilityLevel string
	DefaultFrequency    string
	Description         string
	SortOrder           int
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// Errors of this domain.
var (
	ErrEnterpriseNotFound = apperr.New(apperr.NotFound, "enterprise_not_found", "企业不存在")
	ErrPostNotFound       = apperr.New(apperr.NotFound, "post_not_found", "岗位不存在")
	ErrPostDisabled       = apperr.New(apperr.Conflict, "post_disabled", "岗位已停用，不能匹配用户")
)

// EnterpriseByNameOrCode finds an enterprise by its exact name or its unified social credit code.
func EnterpriseByNameOrCode(ctx context.Context, db *gorm.DB, s string) (Enterprise, error) {
	var e Enterprise
	err := db.WithContext(ctx).Where("name = ? OR credit_code = ?", s, uscc.Normalize(s)).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return e, ErrEnterpriseNotFound
	}
	return e, err
}

// EnterpriseByID loads an enterprise.
func EnterpriseByID(ctx context.Context, db *gorm.DB, id int64) (Enterprise, error) {
	var e Enterprise
	err := db.WithContext(ctx).Take(&e, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return e, ErrEnterpriseNotFound
	}
	return e, err
}

// EnterpriseInRegion loads an enterprise only if it lies in the region with the given path or below it:
// a regulator's view of one enterprise.
func EnterpriseInRegion(ctx context.Context, db *gorm.DB, regionPath string, id int64) (Enterprise, error) {
	var e Enterprise
	err := db.WithContext(ctx).Where("id = ? AND region_path LIKE ?", id, regionPath+"%").Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return e, ErrEnterpriseNotFound
	}
	return e, err
}

// EnterpriseInRegion loads an enterprise of the jurisdiction with the given region path (a regulator's
// view of it); an enterprise of another region is not found.
func (s *Service) EnterpriseInRegion(ctx context.Context, regionPath string, id int64) (Enterprise, error) {
	return EnterpriseInRegion(ctx, s.db, regionPath, id)
}

// Affiliation is where an account belongs: its enterprise, its regulator's region, its post. Each is nil
// when the account has none.
type Affiliation struct {
	Enterprise *Enterprise
	Region     *Region
	Post       *Post
}

// Affiliation loads the enterprise, the region and the post (of that enterprise) with the given ids, as
// the who-am-i answer names them; a zero id is skipped.
func (s *Service) Affiliation(ctx context.Context, enterpriseID, regionID, postID int64) (Affiliation, error) {
	var out Affiliation
	if enterpriseID != 0 {
		e, err := EnterpriseByID(ctx, s.db, enterpriseID)
		if err != nil {
			return out, err
		}
		out.Enterprise = &e
	}
	if regionID != 0 {
		r, err := RegionByID(ctx, s.db, regionID)
		if err != nil {
			return out, err
		}
		out.Region = &r
	}
	if postID != 0 {
		p, err := PostOf(ctx, s.db, enterpriseID, postID)
		if err != nil {
			return out, err
		}
		out.Post = &p
	}
	return out, nil
}

// PostOf loads a post of the enterprise.
func PostOf(ctx context.Context, db *gorm.DB, enterpriseID, postID int64) (Post, error) {
	var p Post
	err := db.WithContext(ctx).Where("id = ? AND enterprise_id = ?", postID, enterpriseID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, ErrPostNotFound
	}
	return p, err
}

// PostChoice is a post as offered when matching a user to a post.
type PostChoice struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	DepartmentID   int64  `json:"department_id"`
	DepartmentName string `json:"department_name"`
	Status         string `json:"status" enums:"active,disabled"`
} // @name PostChoice

// PostChoices lists the enterprise's posts with their departments, for selection lists.
func (s *Service) PostChoices(ctx context.Context, enterpriseID int64) ([]PostChoice, error) {
	out := []PostChoice{}
	err := s.db.WithContext(ctx).Table("posts p").
		Select("p.id, p.name, p.department_id, d.name AS department_name, p.status").
		Joins("JOIN departments d ON d.id = p.department_id").
		Where("p.enterprise_id = ?", enterpriseID).
		Order("d.sort_order, d.id, p.id").Scan(&out).Error
	return out, err
}

// EnterpriseListItem is an enterprise as a regulator's list shows it.
type EnterpriseListItem struct {
	ID               int64      `json:"id"`
	Name             string     `json:"name" example:"北京朝阳示范商场有限公司"`
	CreditCode       string     `json:"credit_code" example:"91110105MA01ABCD1X"`
	LegalRep         string     `json:"legal_rep"`
	RegionID         int64      `json:"region_id"`
	RegionName       string     `json:"region_name"`
	Status           string     `json:"status" enums:"active,disabled"`
	AdminLastLoginAt *time.Time `json:"admin_last_login_at" format:"date-time" extensions:"x-nullable"`
	CreatedAt        time.Time  `json:"created_at" format:"date-time"`
} // @name EnterpriseListItem

// EnterpriseSpec is how enterprise lists sort.
var EnterpriseSpec = listq.Spec{
	Sorts:    map[string]string{"name": "e.name", "credit_code": "e.credit_code", "created_at": "e.created_at", "id": "e.id"},
	Default:  []listq.Order{{Field: "id"}},
	Tiebreak: "e.id",
}

// ListInRegion pages the enterprises in the region with the given path and below it; scopes add filters
// of other domains on enterprises e.
func ListInRegion(ctx context.Context, db *gorm.DB, regionPath, keyword string, regionID int64, q listq.Query, scopes ...func(*gorm.DB) *gorm.DB) (listq.Page[EnterpriseListItem], error) {
	tx := db.WithContext(ctx).Table("enterprises e").
		Select(`e.id, e.name, e.credit_code, e.legal_rep, e.region_id, r.name AS region_name, e.status, e.created_at,
			(SELECT u.last_login_at FROM users u WHERE u.enterprise_id = e.id AND u.kind = 'enterprise_admin' AND u.deleted_at IS NULL) AS admin_last_login_at`).
		Joins("JOIN regions r ON r.id = e.region_id").
		Where("e.region_path LIKE ?", regionPath+"%")
	if regionID != 0 {
		tx = tx.Where("e.region_path LIKE (SELECT path FROM regions WHERE id = ?) || '%'", regionID)
	}
	for _, scope := range scopes {
		tx = scope(tx)
	}
	return listq.Fetch[EnterpriseListItem](listq.Keyword(tx, keyword, "e.name", "e.credit_code"), q)
}

// Region is a node of the region tree.
type Region struct {
	ID        int64  `json:"id"`
	ParentID  *int64 `json:"parent_id" extensions:"x-nullable"`
	Level     string `json:"level" enums:"city,district,street"`
	Code      string `json:"code" example:"110105"`
	Name      string `json:"name" example:"朝阳区"`
	Path      string `json:"path" example:"/110000/110105/"`
	SortOrder int    `json:"sort_order"`
} // @name Region

// Regions lists the whole region tree in display order (a city has a few hundred nodes at most).
func (s *Service) Regions(ctx context.Context) ([]Region, error) {
	out := []Region{}
	err := s.db.WithContext(ctx).Order("path").Find(&out).Error
	return out, err
}

// RegionsAround loads a region's ancestors and its children, in path order: what a page about the region
// names (its breadcrumb and its next level down) without reading the whole tree.
func RegionsAround(ctx context.Context, db *gorm.DB, r Region) ([]Region, error) {
	out := []Region{}
	// A path holds only digits and slashes, so it is safe as a LIKE pattern.
	err := db.WithContext(ctx).Where("parent_id = ? OR (id <> ? AND ? LIKE (path || '%'))", r.ID, r.ID, r.Path).Order("path").Find(&out).Error
	return out, err
}

// RegionByID loads one region.
func RegionByID(ctx context.Context, db *gorm.DB, id int64) (Region, error) {
	var r Region
	err := db.WithContext(ctx).Take(&r, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, ErrRegionNotFound
	}
	return r, err
}
