package standard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/org"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/listq"
	"yqyb/pkg/period"
)

// Errors of checklists.
var (
	ErrChecklistNotFound = apperr.New(apperr.NotFound, "checklist_not_found", "岗位清单不存在")
	ErrChecklistTaken    = apperr.New(apperr.Conflict, "checklist_name_taken", "该岗位已有同名清单")
	ErrChecklistItems    = apperr.New(apperr.Invalid, "checklist_items_invalid", "清单条目须是本企业标准中的有效条目，且不能重复")
	ErrChecklistPost     = apperr.New(apperr.Conflict, "checklist_post_disabled", "岗位已停用，不能建立清单")
	ErrChecklistHistory  = apperr.New(apperr.Conflict, "checklist_has_history", "清单已有排查记录，不能删除，请停用")
)

// Checklist is a post checklist (岗位清单).
type Checklist struct {
	ID           int64     `json:"id"`
	EnterpriseID int64     `json:"-"`
	PostID       int64     `json:"post_id"`
	Name         string    `json:"name" example:"叉车每日点检"`
	Frequency    string    `json:"frequency" enums:"daily,weekly,half_monthly,monthly,quarterly,yearly"`
	Description  string    `json:"description"`
	Status       string    `json:"status" enums:"active,disabled"`
	CreatedAt    time.Time `json:"created_at" format:"date-time"`
	UpdatedAt    time.Time `json:"updated_at" format:"date-time"`
}

func (Checklist) TableName() string { return "checklists" }

// ChecklistView is a checklist as listed, with its post and size.
type ChecklistView struct {
	Checklist
	PostName       string `json:"post_name" example:"叉车司机"`
	DepartmentName string `json:"department_name" example:"仓储部"`
	FrequencyName  string `json:"frequency_name" example:"每日" gorm:"-"`
	ItemCount      int64  `json:"item_count"`
} // @name ChecklistSummary

// ChecklistDetail is a checklist with its items in order.
type ChecklistDetail struct {
	ChecklistView
	Items []ChecklistItem `json:"items"`
} // @name Checklist

// ChecklistItem is an item as a checklist shows it.
type ChecklistItem struct {
	Item
	CategoryName string `json:"category_name" example:"消防安全"`
} // @name ChecklistItem

// ChecklistInput is a checklist as typed: its post, name, frequency and items in order.
type ChecklistInput struct {
	PostID      int64   `json:"post_id" label:"岗位" validate:"required,gt=0"`
	Name        string  `json:"name" label:"清单名称" validate:"required,max=50"`
	Frequency   string  `json:"frequency" label:"排查频次" validate:"required,oneof=daily weekly half_monthly monthly quarterly yearly" enums:"daily,weekly,half_monthly,monthly,quarterly,yearly"`
	Description string  `json:"description,omitempty" label:"说明" validate:"max=200"`
	ItemIDs     []int64 `json:"item_ids" label:"清单条目" validate:"required,max=2000"`
}

// ChecklistFilter narrows a checklist list.
type ChecklistFilter struct {
	PostID       int64
	DepartmentID int64
	Keyword      string
	Status       string
}

// ChecklistSpec is how checklist lists sort.
var ChecklistSpec = listq.Spec{
	Sorts:    map[string]string{"name": "c.name", "post": "p.name", "frequency": "c.frequency", "created_at": "c.created_at", "id": "c.id"},
	Default:  []listq.Order{{Field: "post"}},
	Tiebreak: "c.id",
}

// checklistColumns are what a ChecklistView reads from checklists c joined with posts p and departments d.
const checklistColumns = `c.*, p.name AS post_name, d.name AS department_name,
	(SELECT COUNT(*) FROM checklist_items ci WHERE ci.checklist_id = c.id) AS item_count`

func (s *Service) checklistQuery(ctx context.Context, ent int64) *gorm.DB {
	return s.db.WithContext(ctx).Table("checklists c").
		Select(checklistColumns).
		Joins("JOIN posts p ON p.id = c.post_id").
		Joins("JOIN departments d ON d.id = p.department_id").
		Where("c.enterprise_id = ?", ent)
}

func withFrequencyNames(vs []ChecklistView) []ChecklistView {
	for i := range vs {
		vs[i].FrequencyName = period.Frequency(vs[i].Frequency).Label()
	}
	return vs
}

// ListChecklists pages the enterprise's checklists.
func (s *Service) ListChecklists(ctx context.Context, ent int64, f ChecklistFilter, q listq.Query) (listq.Page[ChecklistView], error) {
	tx := s.checklistQuery(ctx, ent)
	if f.PostID != 0 {
		tx = tx.Where("c.post_id = ?", f.PostID)
	}
	if f.DepartmentID != 0 {
		tx = tx.Where("p.department_id = ?", f.DepartmentID)
	}
	if f.Status != "" {
		tx = tx.Where("c.status = ?", f.Status)
	}
	page, err := listq.Fetch[ChecklistView](listq.Keyword(tx, f.Keyword, "c.name", "p.name"), q)
	page.Items = withFrequencyNames(page.Items)
	return page, err
}

// GetChecklist loads a checklist with its items.
func (s *Service) GetChecklist(ctx context.Context, ent, id int64) (ChecklistDetail, error) {
	var v ChecklistView
	err := s.checklistQuery(ctx, ent).Where("c.id = ?", id).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ChecklistDetail{}, ErrChecklistNotFound
	}
	if err != nil {
		return ChecklistDetail{}, err
	}
	d := ChecklistDetail{ChecklistView: withFrequencyNames([]ChecklistView{v})[0], Items: []ChecklistItem{}}
	err = s.db.WithContext(ctx).Table("checklist_items ci").Select("i.*, c.name AS category_name").
		Joins("JOIN standard_items i ON i.id = ci.item_id").
		Joins("JOIN standard_categories c ON c.id = i.category_id").
		Where("ci.checklist_id = ?", id).Order("ci.sort_order, i.id").Scan(&d.Items).Error
	return d, err
}

// checkItems makes sure every id is a live item of the enterprise, once.
func checkItems(tx *gorm.DB, ent int64, ids []int64) error {
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			return ErrChecklistItems.WithDetails(map[string]any{"duplicate": id})
		}
		seen[id] = true
	}
	if len(ids) == 0 {
		return nil
	}
	var n int64
	if err := tx.Model(&Item{}).Where("id IN ? AND enterprise_id = ? AND deleted_at IS NULL", ids, ent).Count(&n).Error; err != nil {
		return err
	}
	if int(n) != len(ids) {
		return ErrChecklistItems
	}
	return nil
}

func setChecklistItems(tx *gorm.DB, ent, id int64, ids []int64) error {
	if err := tx.Exec("DELETE FROM checklist_items WHERE checklist_id = ?", id).Error; err != nil {
		return err
	}
	rows := make([]map[string]any, len(ids))
	for i, item := range ids {
		rows[i] = map[string]any{"enterprise_id": ent, "checklist_id": id, "item_id": item, "sort_order": i}
	}
	if len(rows) == 0 {
		return nil
	}
	return tx.Table("checklist_items").CreateInBatches(rows, 500).Error
}

func checklistTaken(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrChecklistTaken
	}
	return err
}

// CreateChecklist makes a checklist for a post of the enterprise.
func (s *Service) CreateChecklist(ctx context.Context, a audit.Actor, ent int64, in ChecklistInput) (ChecklistDetail, error) {
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		post, err := org.PostOf(ctx, tx, ent, in.PostID)
		if err != nil {
			return err
		}
		if post.Status != "active" {
			return ErrChecklistPost
		}
		if err := checkItems(tx, ent, in.ItemIDs); err != nil {
			return err
		}
		c := Checklist{EnterpriseID: ent, PostID: post.ID, Name: strings.TrimSpace(in.Name), Frequency: in.Frequency,
			Description: strings.TrimSpace(in.Description), Status: "active", CreatedAt: s.now(), UpdatedAt: s.now()}
		if err := tx.Create(&c).Error; err != nil {
			return checklistTaken(err)
		}
		id = c.ID
		if err := setChecklistItems(tx, ent, c.ID, in.ItemIDs); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ent, audit.ChecklistCreate, "checklist", c.ID, c.Name, nil,
			map[string]any{"post": post.Name, "frequency": c.Frequency, "items": len(in.ItemIDs)})
	})
	if err != nil {
		return ChecklistDetail{}, err
	}
	return s.GetChecklist(ctx, ent, id)
}

// UpdateChecklist changes a checklist: name, frequency, items and their order, even its post.
func (s *Service) UpdateChecklist(ctx context.Context, a audit.Actor, ent, id int64, in ChecklistInput) (ChecklistDetail, error) {
	before, err := s.GetChecklist(ctx, ent, id)
	if err != nil {
		return ChecklistDetail{}, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		post, err := org.PostOf(ctx, tx, ent, in.PostID)
		if err != nil {
			return err
		}
		if err := checkItems(tx, ent, in.ItemIDs); err != nil {
			return err
		}
		if err := tx.Model(&Checklist{}).Where("id = ?", id).Updates(map[string]any{"post_id": post.ID, "name": strings.TrimSpace(in.Name),
			"frequency": in.Frequency, "description": strings.TrimSpace(in.Description), "updated_at": s.now()}).Error; err != nil {
			return checklistTaken(err)
		}
		if err := setChecklistItems(tx, ent, id, in.ItemIDs); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ent, audit.ChecklistUpdate, "checklist", id, in.Name,
			map[string]any{"post_id": before.PostID, "name": before.Name, "frequency": before.Frequency, "items": before.ItemCount},
			map[string]any{"post_id": post.ID, "name": in.Name, "frequency": in.Frequency, "items": len(in.ItemIDs)})
	})
	if err != nil {
		return ChecklistDetail{}, err
	}
	return s.GetChecklist(ctx, ent, id)
}

// SetChecklistStatus disables or enables a checklist; a disabled checklist is not inspected.
func (s *Service) SetChecklistStatus(ctx context.Context, a audit.Actor, ent, id int64, status string) (ChecklistDetail, error) {
	c, err := s.GetChecklist(ctx, ent, id)
	if err != nil {
		return c, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&Checklist{}).Where("id = ?", id).Updates(map[string]any{"status": status, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ent, audit.ChecklistUpdate, "checklist", id, c.Name, map[string]any{"status": c.Status}, map[string]any{"status": status})
	})
	if err != nil {
		return ChecklistDetail{}, err
	}
	return s.GetChecklist(ctx, ent, id)
}

// ChecklistHistory reports, inside the deleting transaction, whether a checklist has history (inspections)
// that forbids deleting it; see WithChecklistHistory.
type ChecklistHistory func(tx *gorm.DB, checklistID int64) (bool, error)

// DeleteChecklist deletes a checklist without history in the checks the service was built with.
func (s *Service) DeleteChecklist(ctx context.Context, a audit.Actor, ent, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c Checklist
		if err := tx.Where("id = ? AND enterprise_id = ?", id, ent).Take(&c).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrChecklistNotFound
			}
			return err
		}
		for _, h := range s.checklistHistory {
			has, err := h(tx, id)
			if err != nil {
				return err
			}
			if has {
				return ErrChecklistHistory
			}
		}
		if err := tx.Delete(&c).Error; err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ent, audit.ChecklistDelete, "checklist", id, c.Name, map[string]any{"name": c.Name, "post_id": c.PostID}, nil)
	})
}

// PostChecklistHistory is a post-history check for org: a post with checklists is not deleted.
func PostChecklistHistory(tx *gorm.DB, postID int64) (bool, error) {
	var n int64
	err := tx.Model(&Checklist{}).Where("post_id = ?", postID).Count(&n).Error
	return n > 0, err
}

// UncoveredItem is a standard item no active checklist includes.
type UncoveredItem struct {
	ID           int64  `json:"id"`
	CategoryName string `json:"category_name"`
	Subject      string `json:"subject"`
	Content      string `json:"content"`
} // @name UncoveredItem

// PostWithout is an active post that has no active checklist.
type PostWithout struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	DepartmentName string `json:"department_name"`
} // @name PostWithoutChecklist

// Coverage tells which standard items no post checklist covers and which posts have none.
type Coverage struct {
	Items            int64           `json:"items"`
	UncoveredItems   []UncoveredItem `json:"uncovered_items"`
	Posts            int64           `json:"posts"`
	PostsWithoutList []PostWithout   `json:"posts_without_checklist"`
} // @name ChecklistCoverage

// Coverage computes the enterprise's checklist coverage.
func (s *Service) Coverage(ctx context.Context, ent int64) (Coverage, error) {
	db := s.db.WithContext(ctx)
	out := Coverage{UncoveredItems: []UncoveredItem{}, PostsWithoutList: []PostWithout{}}
	if err := db.Model(&Item{}).Where("enterprise_id = ? AND deleted_at IS NULL", ent).Count(&out.Items).Error; err != nil {
		return out, err
	}
	if err := db.Table("posts").Where("enterprise_id = ? AND status = 'active'", ent).Count(&out.Posts).Error; err != nil {
		return out, err
	}
	if err := db.Table("standard_items i").Select("i.id, c.name AS category_name, i.subject, i.content").
		Joins("JOIN standard_categories c ON c.id = i.category_id").
		Where("i.enterprise_id = ? AND i.deleted_at IS NULL", ent).
		Where("NOT EXISTS (SELECT 1 FROM checklist_items ci JOIN checklists l ON l.id = ci.checklist_id WHERE ci.item_id = i.id AND l.status = 'active')").
		Order("c.sort_order, i.sort_order, i.id").Limit(5000).Scan(&out.UncoveredItems).Error; err != nil {
		return out, err
	}
	err := db.Table("posts p").Select("p.id, p.name, d.name AS department_name").
		Joins("JOIN departments d ON d.id = p.department_id").
		Where("p.enterprise_id = ? AND p.status = 'active'", ent).
		Where("NOT EXISTS (SELECT 1 FROM checklists l WHERE l.post_id = p.id AND l.status = 'active')").
		Order("d.sort_order, p.sort_order, p.id").Scan(&out.PostsWithoutList).Error
	return out, err
}

// MyChecklists is what a post user sees under 隐患管理 → 隐患排查: the active checklists of its post, or
// why there are none (FAQ 9).
type MyChecklists struct {
	PostID         int64           `json:"post_id"`
	PostName       string          `json:"post_name"`
	DepartmentName string          `json:"department_name"`
	Checklists     []ChecklistView `json:"checklists"`
	// Reason explains an empty list.
	Reason string `json:"reason"`
} // @name MyChecklists

// ForPost returns the active checklists of a post of the enterprise.
func (s *Service) ForPost(ctx context.Context, ent, postID int64) (MyChecklists, error) {
	out := MyChecklists{Checklists: []ChecklistView{}}
	// One query for the post and its active checklists: every post user's home page asks this, so it is the
	// most frequent read there is. A post without checklists comes back as one row whose checklist is NULL
	// (GORM scans NULL columns as zero values, so ID 0 marks it).
	var rows []struct {
		ChecklistView
		PostStatus string
	}
	err := s.db.WithContext(ctx).Table("posts p").
		Select(checklistColumns+", p.status AS post_status").
		Joins("JOIN departments d ON d.id = p.department_id").
		Joins("LEFT JOIN checklists c ON c.post_id = p.id AND c.enterprise_id = p.enterprise_id AND c.status = 'active'").
		Where("p.id = ? AND p.enterprise_id = ?", postID, ent).Order("c.frequency, c.name").Scan(&rows).Error
	if err != nil {
		return out, err
	}
	if len(rows) == 0 {
		out.Reason = "您的账号没有匹配岗位，请联系企业管理员在“系统管理 → 用户管理”中为您匹配岗位"
		return out, nil
	}
	p := rows[0]
	out.PostID, out.PostName, out.DepartmentName = postID, p.PostName, p.DepartmentName
	if p.PostStatus != "active" {
		out.Reason = fmt.Sprintf("您的岗位“%s”已停用，请联系企业管理员", p.PostName)
		return out, nil
	}
	for _, r := range rows {
		if r.ID != 0 {
			out.Checklists = append(out.Checklists, r.ChecklistView)
		}
	}
	out.Checklists = withFrequencyNames(out.Checklists)
	if len(out.Checklists) == 0 {
		out.Reason = fmt.Sprintf("您的岗位“%s”尚未匹配岗位清单，请联系企业管理员在“标准管理 → 岗位清单”中为该岗位建立清单", p.PostName)
	}
	return out, nil
}

// Sources for the setup service: standard items per enterprise, and active posts with an active checklist.

// StandardItemCounts counts live standard items.
func StandardItemCounts(ctx context.Context, db *gorm.DB, ids []int64) (map[int64]int64, error) {
	var rows []struct{ EnterpriseID, N int64 }
	err := db.WithContext(ctx).Table("standard_items").Select("enterprise_id, COUNT(*) AS n").
		Where("enterprise_id IN ? AND deleted_at IS NULL", ids).Group("enterprise_id").Scan(&rows).Error
	out := map[int64]int64{}
	for _, r := range rows {
		out[r.EnterpriseID] = r.N
	}
	return out, err
}

// PostsWithChecklistCounts counts active posts that have an active checklist.
func PostsWithChecklistCounts(ctx context.Context, db *gorm.DB, ids []int64) (map[int64]int64, error) {
	var rows []struct{ EnterpriseID, N int64 }
	err := db.WithContext(ctx).Table("posts p").Select("p.enterprise_id, COUNT(*) AS n").
		Where("p.enterprise_id IN ? AND p.status = 'active'", ids).
		Where("EXISTS (SELECT 1 FROM checklists c WHERE c.post_id = p.id AND c.status = 'active')").
		Group("p.enterprise_id").Scan(&rows).Error
	out := map[int64]int64{}
	for _, r := range rows {
		out[r.EnterpriseID] = r.N
	}
	return out, err
}

// PostsWithChecklist lists the enterprise's active posts that have an active checklist.
func PostsWithChecklist(ctx context.Context, db *gorm.DB, ent int64) (map[int64]bool, error) {
	var ids []int64
	err := db.WithContext(ctx).Table("checklists").Where("enterprise_id = ? AND status = 'active'", ent).Distinct().Pluck("post_id", &ids).Error
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}
