package standard

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
)

// Errors of the enterprise standard.
var (
	ErrNoStandard       = apperr.New(apperr.NotFound, "standard_not_created", "尚未建立企业标准，请先从模板复制或新建空白标准")
	ErrStandardExists   = apperr.New(apperr.Conflict, "standard_exists", "企业标准已经建立")
	ErrNoMainBusiness   = apperr.New(apperr.Invalid, "main_business_missing", "企业未选择主营业务，无法确定模板；请在企业基础信息中选择，或新建空白标准")
	ErrCategoryNotFound = apperr.New(apperr.NotFound, "standard_category_not_found", "标准类别不存在")
	ErrCategoryTaken    = apperr.New(apperr.Conflict, "standard_category_taken", "已有同名类别")
	ErrItemNotFound     = apperr.New(apperr.NotFound, "standard_item_not_found", "标准条目不存在")
	ErrGradeUnknown     = apperr.New(apperr.Invalid, "hazard_grade_unknown", "隐患等级不在本企业的等级方案中")
	ErrOrderMismatch    = apperr.New(apperr.Invalid, "order_mismatch", "排序列表须恰好包含全部条目，且不能重复")
)

// Service manages enterprise standards, grade schemes and checklists.
type Service struct {
	db               *gorm.DB
	clk              clock.Clock
	checklistHistory []ChecklistHistory
	gradeUsage       []GradeUsage
}

// Option configures a Service when it is built.
type Option func(*Service)

// WithChecklistHistory registers the checks of the domains that keep history for a checklist
// (inspections), which this package cannot import: DeleteChecklist refuses a checklist any of them reports.
// Wired in where the service is built, they cannot be skipped by a caller.
func WithChecklistHistory(checks ...ChecklistHistory) Option {
	return func(s *Service) { s.checklistHistory = append(s.checklistHistory, checks...) }
}

// WithGradeUsage registers the counts of what refers to a hazard grade outside this package (hazards):
// DeleteGrade refuses a grade any of them uses. Wired in where the service is built, like
// WithChecklistHistory.
func WithGradeUsage(usage ...GradeUsage) Option {
	return func(s *Service) { s.gradeUsage = append(s.gradeUsage, usage...) }
}

// NewService returns the service.
func NewService(db *gorm.DB, clk clock.Clock, opts ...Option) *Service {
	s := &Service{db: db, clk: clk}
	for _, o := range opts {
		o(s)
	}
	return s
}

func (s *Service) now() time.Time { return s.clk.Now().UTC() }

type standardRow struct {
	EnterpriseID   int64
	MainBusinessID *int64
	SeenRevision   int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (standardRow) TableName() string { return "standards" }

// Category is a category of an enterprise standard.
type Category struct {
	ID               int64      `json:"id"`
	EnterpriseID     int64      `json:"-"`
	Name             string     `json:"name" example:"消防安全"`
	SortOrder        int        `json:"sort_order"`
	SourceCategoryID *int64     `json:"-"`
	CreatedAt        time.Time  `json:"-"`
	UpdatedAt        time.Time  `json:"-"`
	DeletedAt        *time.Time `json:"-"`
}

func (Category) TableName() string { return "standard_categories" }

// Item is an item of an enterprise standard.
type Item struct {
	ID             int64      `json:"id"`
	EnterpriseID   int64      `json:"-"`
	CategoryID     int64      `json:"category_id"`
	Subject        string     `json:"subject" example:"疏散通道"`
	Content        string     `json:"content" example:"检查疏散通道、安全出口是否畅通"`
	Criterion      string     `json:"criterion"`
	Basis          string     `json:"basis"`
	GradeCode      string     `json:"grade_code" example:"B"`
	IsMajor        bool       `json:"is_major"`
	SortOrder      int        `json:"sort_order"`
	SourceItemID   *int64     `json:"source_item_id" extensions:"x-nullable"`
	SourceRevision int64      `json:"-"`
	Version        int        `json:"version"`
	CreatedAt      time.Time  `json:"created_at" format:"date-time"`
	UpdatedAt      time.Time  `json:"updated_at" format:"date-time"`
	DeletedAt      *time.Time `json:"-"`
	// Checklists counts the checklists the item is in (0: not covered by any post checklist).
	Checklists int64 `json:"checklists" gorm:"->;-:migration"`
} // @name StandardItem

func (Item) TableName() string { return "standard_items" }

// CategoryView is a category with its items.
type CategoryView struct {
	Category
	Items []Item `json:"items"`
} // @name StandardCategory

// View is a whole enterprise standard.
type View struct {
	Created          bool           `json:"created"`
	MainBusinessID   *int64         `json:"main_business_id" extensions:"x-nullable"`
	MainBusinessName string         `json:"main_business_name"`
	TemplateChanges  int64          `json:"template_changes"`
	ItemCount        int64          `json:"item_count"`
	Categories       []CategoryView `json:"categories"`
} // @name Standard

// mainBusinessOf reads an enterprise's main business, nil when it has none. (GORM's Pluck cannot fill a
// pointer, so a nullable column is read through a slice.)
func mainBusinessOf(db *gorm.DB, ent int64) (*int64, error) {
	var ids []*int64
	if err := db.Table("enterprises").Where("id = ?", ent).Pluck("main_business_id", &ids).Error; err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return ids[0], nil
}

// mainBusinessName is the name of a main business ("" when it is gone).
func mainBusinessName(db *gorm.DB, id int64) (string, error) {
	var names []string
	if err := db.Table("main_businesses").Where("id = ?", id).Pluck("name", &names).Error; err != nil || len(names) == 0 {
		return "", err
	}
	return names[0], nil
}

// templateRevision is the current revision of a main business's template.
func templateRevision(db *gorm.DB, id int64) (int64, error) {
	var rev int64
	err := db.Table("main_businesses").Where("id = ?", id).Select("template_revision").Scan(&rev).Error
	return rev, err
}

// nextSortOrder is the sort order after the last of the rows q selects (0 for none).
func nextSortOrder(q *gorm.DB) (int, error) {
	var last int
	err := q.Select("COALESCE(MAX(sort_order), -1)").Scan(&last).Error
	return last + 1, err
}

func (s *Service) standard(tx *gorm.DB, ent int64) (standardRow, error) {
	var st standardRow
	err := tx.Where("enterprise_id = ?", ent).Take(&st).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return st, ErrNoStandard
	}
	return st, err
}

// Get returns the enterprise's standard as a tree, with each item's checklist count; an enterprise without
// a standard gets Created false and the main business its template would come from.
func (s *Service) Get(ctx context.Context, ent int64) (View, error) {
	db := s.db.WithContext(ctx)
	v := View{Categories: []CategoryView{}}
	st, err := s.standard(db, ent)
	if errors.Is(err, ErrNoStandard) {
		if v.MainBusinessID, err = mainBusinessOf(db, ent); err != nil {
			return v, err
		}
		if v.MainBusinessID != nil {
			v.MainBusinessName, err = mainBusinessName(db, *v.MainBusinessID)
		}
		return v, err
	}
	if err != nil {
		return v, err
	}
	v.Created, v.MainBusinessID = true, st.MainBusinessID
	if st.MainBusinessID != nil {
		if v.MainBusinessName, err = mainBusinessName(db, *st.MainBusinessID); err != nil {
			return v, err
		}
	}
	var cats []Category
	if err := db.Where("enterprise_id = ? AND deleted_at IS NULL", ent).Order("sort_order, id").Find(&cats).Error; err != nil {
		return v, err
	}
	var items []Item
	if err := db.Table("standard_items i").Select(`i.*,
			(SELECT COUNT(*) FROM checklist_items ci JOIN checklists c ON c.id = ci.checklist_id WHERE ci.item_id = i.id AND c.status = 'active') AS checklists`).
		Where("i.enterprise_id = ? AND i.deleted_at IS NULL", ent).Order("i.sort_order, i.id").Scan(&items).Error; err != nil {
		return v, err
	}
	byCat := map[int64][]Item{}
	for _, it := range items {
		byCat[it.CategoryID] = append(byCat[it.CategoryID], it)
	}
	for _, c := range cats {
		its := byCat[c.ID]
		if its == nil {
			its = []Item{}
		}
		v.Categories = append(v.Categories, CategoryView{Category: c, Items: its})
	}
	v.ItemCount = int64(len(items))
	changes, err := s.TemplateChanges(ctx, ent)
	if err != nil {
		return v, err
	}
	v.TemplateChanges = int64(len(changes.Changes))
	return v, nil
}

// Create builds the enterprise's standard: a copy of its main business's template (FAQ 6), or an empty
// standard. The copy belongs to the enterprise; later template changes never alter it silently.
func (s *Service) Create(ctx context.Context, a audit.Actor, ent int64, fromTemplate bool) (View, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.standard(tx, ent); err == nil {
			return ErrStandardExists
		}
		mb, err := mainBusinessOf(tx, ent)
		if err != nil {
			return err
		}
		if fromTemplate && mb == nil {
			return ErrNoMainBusiness
		}
		if err := ensureGrades(tx, ent, s.now()); err != nil {
			return err
		}
		now := s.now()
		st := standardRow{EnterpriseID: ent, MainBusinessID: mb, CreatedAt: now, UpdatedAt: now}
		if fromTemplate {
			if st.SeenRevision, err = templateRevision(tx, *mb); err != nil {
				return err
			}
		}
		if err := tx.Create(&st).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ErrStandardExists
			}
			return err
		}
		n := 0
		if fromTemplate {
			var err error
			if n, err = s.copyTemplate(tx, ent, *mb); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.StandardCreate, EnterpriseID: ent, TargetType: "standard",
			TargetID: ent, After: map[string]any{"from_template": fromTemplate, "main_business_id": mb, "items": n}})
	})
	if err != nil {
		return View{}, err
	}
	return s.Get(ctx, ent)
}

// copyTemplate copies every live category and item of a template into the enterprise's standard.
func (s *Service) copyTemplate(tx *gorm.DB, ent, mb int64) (int, error) {
	var tcats []TemplateCategory
	if err := tx.Where("main_business_id = ? AND removed_at IS NULL", mb).Order("sort_order, id").Find(&tcats).Error; err != nil {
		return 0, err
	}
	var titems []TemplateItem
	if err := tx.Where("main_business_id = ? AND removed_at IS NULL", mb).Order("sort_order, id").Find(&titems).Error; err != nil {
		return 0, err
	}
	grades, err := levelsOf(tx, ent)
	if err != nil {
		return 0, err
	}
	now := s.now()
	catOf := map[int64]int64{}
	for i, tc := range tcats {
		src := tc.ID
		c := Category{EnterpriseID: ent, Name: tc.Name, SortOrder: i, SourceCategoryID: &src, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&c).Error; err != nil {
			return 0, err
		}
		catOf[tc.ID] = c.ID
	}
	items := make([]Item, 0, len(titems))
	for _, ti := range titems {
		items = append(items, fromTemplateItem(ent, catOf[ti.CategoryID], ti, grades, now))
	}
	if len(items) > 0 {
		if err := tx.CreateInBatches(&items, 200).Error; err != nil {
			return 0, err
		}
	}
	return len(items), nil
}

func fromTemplateItem(ent, cat int64, ti TemplateItem, grades Levels, now time.Time) Item {
	src := ti.ID
	grade := ti.Grade
	if !grades.Has(grade) {
		grade = ""
	}
	return Item{EnterpriseID: ent, CategoryID: cat, Subject: ti.Subject, Content: ti.Content, Criterion: ti.Criterion, Basis: ti.Basis,
		GradeCode: grade, IsMajor: ti.IsMajor, SortOrder: ti.SortOrder, SourceItemID: &src, SourceRevision: ti.Revision, Version: 1,
		CreatedAt: now, UpdatedAt: now}
}

func (s *Service) category(tx *gorm.DB, ent, id int64) (Category, error) {
	var c Category
	err := tx.Where("id = ? AND enterprise_id = ? AND deleted_at IS NULL", id, ent).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, ErrCategoryNotFound
	}
	return c, err
}

func categoryTaken(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrCategoryTaken
	}
	return err
}

// CreateCategory adds a category to the enterprise's standard, at the end.
func (s *Service) CreateCategory(ctx context.Context, a audit.Actor, ent int64, in CategoryInput) (Category, error) {
	var c Category
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.standard(tx, ent); err != nil {
			return err
		}
		next, err := nextSortOrder(tx.Model(&Category{}).Where("enterprise_id = ? AND deleted_at IS NULL", ent))
		if err != nil {
			return err
		}
		c = Category{EnterpriseID: ent, Name: strings.TrimSpace(in.Name), SortOrder: next, CreatedAt: s.now(), UpdatedAt: s.now()}
		if err := tx.Create(&c).Error; err != nil {
			return categoryTaken(err)
		}
		return s.audit(ctx, tx, a, ent, audit.StandardEdit, "category", c.ID, c.Name, nil, c)
	})
	return c, err
}

func (s *Service) audit(ctx context.Context, tx *gorm.DB, a audit.Actor, ent int64, action, typ string, id int64, name string, before, after any) error {
	return audit.Record(ctx, tx, s.now(), a, audit.Entry{Action: action, EnterpriseID: ent, TargetType: typ, TargetID: id, TargetName: name,
		Before: before, After: after})
}

// RenameCategory renames a category.
func (s *Service) RenameCategory(ctx context.Context, a audit.Actor, ent, id int64, in CategoryInput) (Category, error) {
	var c Category
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if c, err = s.category(tx, ent, id); err != nil {
			return err
		}
		before := c.Name
		c.Name, c.UpdatedAt = strings.TrimSpace(in.Name), s.now()
		if err := tx.Model(&Category{}).Where("id = ?", id).Updates(map[string]any{"name": c.Name, "updated_at": c.UpdatedAt}).Error; err != nil {
			return categoryTaken(err)
		}
		return s.audit(ctx, tx, a, ent, audit.StandardEdit, "category", id, c.Name, map[string]any{"name": before}, map[string]any{"name": c.Name})
	})
	return c, err
}

// DeleteCategory deletes a category with its items; the items leave every checklist.
func (s *Service) DeleteCategory(ctx context.Context, a audit.Actor, ent, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := s.category(tx, ent, id)
		if err != nil {
			return err
		}
		var ids []int64
		if err := tx.Model(&Item{}).Where("category_id = ? AND deleted_at IS NULL", id).Pluck("id", &ids).Error; err != nil {
			return err
		}
		if err := s.retire(tx, ids); err != nil {
			return err
		}
		// The category row goes only when no item (live or retired) points at it any more.
		var left int64
		if err := tx.Model(&Item{}).Where("category_id = ?", id).Count(&left).Error; err != nil {
			return err
		}
		if left == 0 {
			if err := tx.Delete(&Category{}, id).Error; err != nil {
				return err
			}
		} else if err := tx.Model(&Category{}).Where("id = ?", id).Updates(map[string]any{
			"name": c.Name + "（已删除 " + s.now().Format("20060102150405") + "）", "sort_order": 1 << 30}).Error; err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ent, audit.StandardEdit, "category", id, c.Name, map[string]any{"name": c.Name, "items": len(ids)}, map[string]any{"deleted": true})
	})
}

// retire marks items deleted and takes them out of every checklist.
func (s *Service) retire(tx *gorm.DB, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if err := tx.Exec("DELETE FROM checklist_items WHERE item_id IN ?", ids).Error; err != nil {
		return err
	}
	return tx.Model(&Item{}).Where("id IN ?", ids).Updates(map[string]any{"deleted_at": s.now(), "updated_at": s.now()}).Error
}

// ReorderCategories sets the order of all categories.
func (s *Service) ReorderCategories(ctx context.Context, a audit.Actor, ent int64, ids []int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var have []int64
		if err := tx.Model(&Category{}).Where("enterprise_id = ? AND deleted_at IS NULL", ent).Order("id").Pluck("id", &have).Error; err != nil {
			return err
		}
		if !sameSet(have, ids) {
			return ErrOrderMismatch
		}
		for i, id := range ids {
			if err := tx.Model(&Category{}).Where("id = ?", id).Update("sort_order", i).Error; err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, ent, audit.StandardEdit, "standard", ent, "类别排序", nil, map[string]any{"order": ids})
	})
}

func sameSet(have, want []int64) bool {
	w := slices.Clone(want)
	slices.Sort(w)
	h := slices.Clone(have)
	slices.Sort(h)
	return slices.Equal(h, w) && len(slices.Compact(slices.Clone(w))) == len(w)
}

func (s *Service) item(tx *gorm.DB, ent, id int64) (Item, error) {
	var it Item
	err := tx.Where("id = ? AND enterprise_id = ? AND deleted_at IS NULL", id, ent).Take(&it).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return it, ErrItemNotFound
	}
	return it, err
}

// checkGrade accepts an empty grade or one of the enterprise's.
func checkGrade(tx *gorm.DB, ent int64, code string) error {
	if code == "" {
		return nil
	}
	grades, err := levelsOf(tx, ent)
	if err != nil {
		return err
	}
	if !grades.Has(code) {
		return ErrGradeUnknown.WithDetails(map[string]any{"grade": code})
	}
	return nil
}

// CreateItem adds an item to a category, at its end.
func (s *Service) CreateItem(ctx context.Context, a audit.Actor, ent int64, in ItemInput) (Item, error) {
	in.trim()
	var it Item
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.category(tx, ent, in.CategoryID); err != nil {
			return err
		}
		if err := checkGrade(tx, ent, in.Grade); err != nil {
			return err
		}
		next, err := nextSortOrder(tx.Model(&Item{}).Where("category_id = ? AND deleted_at IS NULL", in.CategoryID))
		if err != nil {
			return err
		}
		it = Item{EnterpriseID: ent, CategoryID: in.CategoryID, Subject: in.Subject, Content: in.Content, Criterion: in.Criterion, Basis: in.Basis,
			GradeCode: in.Grade, IsMajor: in.IsMajor, SortOrder: next, Version: 1, CreatedAt: s.now(), UpdatedAt: s.now()}
		if err := tx.Create(&it).Error; err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ent, audit.StandardEdit, "standard_item", it.ID, it.Subject, nil, in)
	})
	return it, err
}

// UpdateItem edits an item (and may move it to another category). Its version moves; inspections already
// made keep the text they were made against.
func (s *Service) UpdateItem(ctx context.Context, a audit.Actor, ent, id int64, in ItemInput) (Item, error) {
	in.trim()
	var it Item
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if it, err = s.item(tx, ent, id); err != nil {
			return err
		}
		if _, err := s.category(tx, ent, in.CategoryID); err != nil {
			return err
		}
		if err := checkGrade(tx, ent, in.Grade); err != nil {
			return err
		}
		before := it
		it.CategoryID, it.Subject, it.Content, it.Criterion, it.Basis = in.CategoryID, in.Subject, in.Content, in.Criterion, in.Basis
		it.GradeCode, it.IsMajor, it.Version, it.UpdatedAt = in.Grade, in.IsMajor, it.Version+1, s.now()
		if err := tx.Model(&Item{}).Where("id = ?", id).Updates(map[string]any{
			"category_id": it.CategoryID, "subject": it.Subject, "content": it.Content, "criterion": it.Criterion, "basis": it.Basis,
			"grade_code": it.GradeCode, "is_major": it.IsMajor, "version": it.Version, "updated_at": it.UpdatedAt,
		}).Error; err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ent, audit.StandardEdit, "standard_item", id, it.Subject, itemText(before), itemText(it))
	})
	return it, err
}

func itemText(it Item) map[string]any {
	return map[string]any{"category_id": it.CategoryID, "subject": it.Subject, "content": it.Content, "criterion": it.Criterion,
		"basis": it.Basis, "grade_code": it.GradeCode, "is_major": it.IsMajor, "version": it.Version}
}

// DeleteItem deletes an item; it leaves every checklist.
func (s *Service) DeleteItem(ctx context.Context, a audit.Actor, ent, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		it, err := s.item(tx, ent, id)
		if err != nil {
			return err
		}
		if err := s.retire(tx, []int64{id}); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ent, audit.StandardEdit, "standard_item", id, it.Subject, itemText(it), map[string]any{"deleted": true})
	})
}

// ReorderItems sets the order of a category's items.
func (s *Service) ReorderItems(ctx context.Context, a audit.Actor, ent, category int64, ids []int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.category(tx, ent, category); err != nil {
			return err
		}
		var have []int64
		if err := tx.Model(&Item{}).Where("category_id = ? AND deleted_at IS NULL", category).Pluck("id", &have).Error; err != nil {
			return err
		}
		if !sameSet(have, ids) {
			return ErrOrderMismatch
		}
		for i, id := range ids {
			if err := tx.Model(&Item{}).Where("id = ?", id).Update("sort_order", i).Error; err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, a, ent, audit.StandardEdit, "category", category, "条目排序", nil, map[string]any{"order": ids})
	})
}

// Change is a template change the enterprise has not taken in.
type Change struct {
	Kind         string       `json:"kind" enums:"added,updated,removed"`
	CategoryName string       `json:"category_name"`
	Template     TemplateItem `json:"template"`
	// Current is the enterprise's copy, if it has one.
	Current *Item `json:"current" extensions:"x-nullable"`
} // @name TemplateChange

// Changes lists template changes since the enterprise's standard last caught up.
type Changes struct {
	MainBusinessID   int64  `json:"main_business_id"`
	MainBusinessName string `json:"main_business_name"`
	// Rebased is true when the enterprise's main business differs from the one its standard was copied
	// from: every item of the new template is then offered.
	Rebased bool     `json:"rebased"`
	Changes []Change `json:"changes"`
} // @name TemplateChanges

// TemplateChanges compares the enterprise's standard with the current template of its main business.
func (s *Service) TemplateChanges(ctx context.Context, ent int64) (Changes, error) {
	db := s.db.WithContext(ctx)
	out := Changes{Changes: []Change{}}
	st, err := s.standard(db, ent)
	if err != nil {
		return out, err
	}
	mb, err := mainBusinessOf(db, ent)
	if err != nil || mb == nil {
		return out, err
	}
	out.MainBusinessID = *mb
	if out.MainBusinessName, err = mainBusinessName(db, *mb); err != nil {
		return out, err
	}
	since := st.SeenRevision
	if st.MainBusinessID == nil || *st.MainBusinessID != *mb {
		out.Rebased, since = true, 0
	}
	var items []TemplateItem
	if err := db.Where("main_business_id = ? AND revision > ?", *mb, since).Order("category_id, sort_order, id").Find(&items).Error; err != nil {
		return out, err
	}
	if len(items) == 0 {
		return out, nil
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	var copies []Item
	if err := db.Where("enterprise_id = ? AND deleted_at IS NULL AND source_item_id IN ?", ent, ids).Find(&copies).Error; err != nil {
		return out, err
	}
	copyOf := map[int64]Item{}
	for _, c := range copies {
		copyOf[*c.SourceItemID] = c
	}
	var cats []TemplateCategory
	if err := db.Where("main_business_id = ?", *mb).Find(&cats).Error; err != nil {
		return out, err
	}
	catName := map[int64]string{}
	for _, c := range cats {
		catName[c.ID] = c.Name
	}
	for _, ti := range items {
		cur, has := copyOf[ti.ID]
		ch := Change{CategoryName: catName[ti.CategoryID], Template: ti}
		switch {
		case ti.RemovedAt != nil && has:
			ch.Kind = "removed"
		case ti.RemovedAt != nil:
			continue
		case !has:
			ch.Kind = "added"
		case cur.SourceRevision < ti.Revision:
			ch.Kind = "updated"
		default:
			continue // already taken in
		}
		if has {
			c := cur
			ch.Current = &c
		}
		out.Changes = append(out.Changes, ch)
	}
	return out, nil
}

// ApplyChanges takes the chosen template changes into the enterprise's standard: added items are copied
// into the category of the same name (created if missing), updated ones overwrite the enterprise's copy,
// removed ones delete it. With all set, every offered change is taken and the standard is caught up.
func (s *Service) ApplyChanges(ctx context.Context, a audit.Actor, ent int64, templateItemIDs []int64, dismissRest bool) (Changes, error) {
	ch, err := s.TemplateChanges(ctx, ent)
	if err != nil {
		return ch, err
	}
	want := map[int64]bool{}
	for _, id := range templateItemIDs {
		want[id] = true
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		grades, err := levelsOf(tx, ent)
		if err != nil {
			return err
		}
		var taken []string
		for _, c := range ch.Changes {
			if !want[c.Template.ID] {
				continue
			}
			switch c.Kind {
			case "added":
				cat, err := s.categoryNamed(tx, ent, c.CategoryName, c.Template.CategoryID)
				if err != nil {
					return err
				}
				it := fromTemplateItem(ent, cat, c.Template, grades, s.now())
				if it.SortOrder, err = nextSortOrder(tx.Model(&Item{}).Where("category_id = ? AND deleted_at IS NULL", cat)); err != nil {
					return err
				}
				if err := tx.Create(&it).Error; err != nil {
					return err
				}
			case "updated":
				grade := c.Template.Grade
				if !grades.Has(grade) {
					grade = c.Current.GradeCode
				}
				if err := tx.Model(&Item{}).Where("id = ?", c.Current.ID).Updates(map[string]any{
					"subject": c.Template.Subject, "content": c.Template.Content, "criterion": c.Template.Criterion, "basis": c.Template.Basis,
					"grade_code": grade, "is_major": c.Template.IsMajor, "source_revision": c.Template.Revision,
					"version": gorm.Expr("version + 1"), "updated_at": s.now(),
				}).Error; err != nil {
					return err
				}
			case "removed":
				if err := s.retire(tx, []int64{c.Current.ID}); err != nil {
					return err
				}
			}
			taken = append(taken, c.Kind+":"+c.Template.Subject)
		}
		upd := map[string]any{"updated_at": s.now(), "main_business_id": ch.MainBusinessID}
		if dismissRest || len(taken) == len(ch.Changes) {
			rev, err := templateRevision(tx, ch.MainBusinessID)
			if err != nil {
				return err
			}
			upd["seen_revision"] = rev
		}
		if err := tx.Model(&standardRow{}).Where("enterprise_id = ?", ent).Updates(upd).Error; err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ent, audit.StandardEdit, "standard", ent, "采纳模板变更", nil, map[string]any{"taken": taken, "dismiss_rest": dismissRest})
	})
	if err != nil {
		return Changes{}, err
	}
	return s.TemplateChanges(ctx, ent)
}

// categoryNamed finds the enterprise category that came from a template category, or has its name, or
// makes one.
func (s *Service) categoryNamed(tx *gorm.DB, ent int64, name string, source int64) (int64, error) {
	var c Category
	err := tx.Where("enterprise_id = ? AND deleted_at IS NULL AND (source_category_id = ? OR name = ?)", ent, source, name).Order("id").Take(&c).Error
	if err == nil {
		return c.ID, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, err
	}
	next, err := nextSortOrder(tx.Model(&Category{}).Where("enterprise_id = ? AND deleted_at IS NULL", ent))
	if err != nil {
		return 0, err
	}
	c = Category{EnterpriseID: ent, Name: name, SortOrder: next, SourceCategoryID: &source, CreatedAt: s.now(), UpdatedAt: s.now()}
	return c.ID, tx.Create(&c).Error
}
