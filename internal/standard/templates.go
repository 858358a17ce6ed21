// Package standard is "一企一标准、一岗一清单" itself: the industry template standards maintained by the
// platform and regulators, each enterprise's own standard copied from the template of its main business
// and edited freely, its hazard-grade scheme mapped to 一般/重大隐患, and the post checklists selected from
// its standard, with spreadsheet import and export (FAQ 3, 6, 13, 14, 15, 19).
package standard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
	"yqyb/internal/standard/templatedata"
)

// Errors of templates.
var (
	ErrTemplateNotFound    = apperr.New(apperr.NotFound, "template_not_found", "该主营业务没有模板标准")
	ErrTemplateCategory    = apperr.New(apperr.NotFound, "template_category_not_found", "模板类别不存在")
	ErrTemplateItem        = apperr.New(apperr.NotFound, "template_item_not_found", "模板条目不存在")
	ErrTemplateCatNotEmpty = apperr.New(apperr.Conflict, "template_category_not_empty", "类别下还有条目，请先删除条目")
)

// TemplateMigration loads the shipped template content (package templatedata) as migration 0005. The
// general categories are appended to every main business's template.
func TemplateMigration() database.Migration {
	payload, _ := json.Marshal(struct {
		General   []templatedata.Category
		Templates []templatedata.Template
	}{templatedata.General, templatedata.Templates})
	sum := sha256.Sum256(payload)
	return database.Migration{Version: 5, Name: "template_content", Checksum: hex.EncodeToString(sum[:]),
		Run: func(ctx context.Context, tx *gorm.DB) error { return loadTemplates(ctx, tx) }}
}

func loadTemplates(ctx context.Context, tx *gorm.DB) error {
	now := time.Now().UTC()
	for _, t := range templatedata.Templates {
		var mb int64
		if err := tx.Table("main_businesses").Where("code = ?", t.MainBusiness).Pluck("id", &mb).Error; err != nil {
			return err
		}
		if mb == 0 {
			return fmt.Errorf("templatedata: main business %q is not in the catalogue", t.MainBusiness)
		}
		cats := append(append([]templatedata.Category{}, t.Categories...), templatedata.General...)
		for ci, c := range cats {
			cat := TemplateCategory{MainBusinessID: mb, Name: c.Name, SortOrder: ci}
			if err := tx.Create(&cat).Error; err != nil {
				return err
			}
			items := make([]TemplateItem, len(c.Items))
			for ii, it := range c.Items {
				items[ii] = TemplateItem{MainBusinessID: mb, CategoryID: cat.ID, Subject: it.Subject, Content: it.Content,
					Criterion: it.Criterion, Basis: it.Basis, Grade: it.Grade, IsMajor: it.Major, SortOrder: ii, Revision: 1, UpdatedAt: now}
			}
			if len(items) > 0 {
				if err := tx.Create(&items).Error; err != nil {
					return err
				}
			}
		}
		if err := tx.Table("main_businesses").Where("id = ?", mb).Update("template_revision", 1).Error; err != nil {
			return err
		}
	}
	return nil
}

// TemplateCategory is a category of a template.
type TemplateCategory struct {
	ID             int64      `json:"id"`
	MainBusinessID int64      `json:"-"`
	Name           string     `json:"name" example:"消防安全"`
	SortOrder      int        `json:"sort_order"`
	RemovedAt      *time.Time `json:"-"`
} // @name TemplateCategoryRecord

// TemplateItem is an item of a template.
type TemplateItem struct {
	ID             int64      `json:"id"`
	MainBusinessID int64      `json:"-"`
	CategoryID     int64      `json:"category_id"`
	Subject        string     `json:"subject" example:"疏散通道"`
	Content        string     `json:"content" example:"检查疏散通道、安全出口是否畅通"`
	Criterion      string     `json:"criterion" example:"疏散通道、安全出口保持畅通，营业期间不得锁闭"`
	Basis          string     `json:"basis" example:"《中华人民共和国消防法》第二十八条"`
	Grade          string     `json:"grade" example:"B"`
	IsMajor        bool       `json:"is_major"`
	SortOrder      int        `json:"sort_order"`
	Revision       int64      `json:"revision"`
	RemovedAt      *time.Time `json:"-"`
	UpdatedAt      time.Time  `json:"updated_at" format:"date-time"`
} // @name TemplateItem

// TemplateSummary is a main business with its template's size.
type TemplateSummary struct {
	MainBusinessID int64  `json:"main_business_id"`
	Code           string `json:"code" example:"retail"`
	Name           string `json:"name" example:"商场超市"`
	Revision       int64  `json:"revision"`
	CategoryCount  int64  `json:"category_count"`
	ItemCount      int64  `json:"item_count"`
	MajorItemCount int64  `json:"major_item_count"`
} // @name TemplateSummary

// TemplateCategoryView is a category with its items.
type TemplateCategoryView struct {
	TemplateCategory
	Items []TemplateItem `json:"items" gorm:"-"`
} // @name TemplateCategory

// TemplateView is a whole template.
type TemplateView struct {
	TemplateSummary
	Categories []TemplateCategoryView `json:"categories"`
} // @name Template

// Templates administers the template standards.
type Templates struct {
	db  *gorm.DB
	clk clock.Clock
}

// NewTemplates returns the template service.
func NewTemplates(db *gorm.DB, clk clock.Clock) *Templates { return &Templates{db: db, clk: clk} }

// List summarises every main business's template.
func (t *Templates) List(ctx context.Context) ([]TemplateSummary, error) {
	out := []TemplateSummary{}
	err := t.db.WithContext(ctx).Table("main_businesses m").
		Select(`m.id AS main_business_id, m.code, m.name, m.template_revision AS revision,
			(SELECT COUNT(*) FROM template_categories c WHERE c.main_business_id = m.id AND c.removed_at IS NULL) AS category_count,
			(SELECT COUNT(*) FROM template_items i WHERE i.main_business_id = m.id AND i.removed_at IS NULL) AS item_count,
			(SELECT COUNT(*) FROM template_items i WHERE i.main_business_id = m.id AND i.removed_at IS NULL AND i.is_major) AS major_item_count`).
		Order("m.sort_order, m.id").Scan(&out).Error
	return out, err
}

// Get returns a main business's template with its live categories and items.
func (t *Templates) Get(ctx context.Context, mainBusiness int64) (TemplateView, error) {
	all, err := t.List(ctx)
	if err != nil {
		return TemplateView{}, err
	}
	var v TemplateView
	found := false
	for _, s := range all {
		if s.MainBusinessID == mainBusiness {
			v.TemplateSummary, found = s, true
		}
	}
	if !found {
		return v, ErrTemplateNotFound
	}
	var cats []TemplateCategory
	db := t.db.WithContext(ctx)
	if err := db.Where("main_business_id = ? AND removed_at IS NULL", mainBusiness).Order("sort_order, id").Find(&cats).Error; err != nil {
		return v, err
	}
	var items []TemplateItem
	if err := db.Where("main_business_id = ? AND removed_at IS NULL", mainBusiness).Order("sort_order, id").Find(&items).Error; err != nil {
		return v, err
	}
	byCat := map[int64][]TemplateItem{}
	for _, it := range items {
		byCat[it.CategoryID] = append(byCat[it.CategoryID], it)
	}
	v.Categories = make([]TemplateCategoryView, len(cats))
	for i, c := range cats {
		v.Categories[i] = TemplateCategoryView{TemplateCategory: c, Items: byCat[c.ID]}
		if v.Categories[i].Items == nil {
			v.Categories[i].Items = []TemplateItem{}
		}
	}
	return v, nil
}

// bump moves a template's revision and returns the new one.
func bump(tx *gorm.DB, mainBusiness int64) (int64, error) {
	if err := tx.Exec("UPDATE main_businesses SET template_revision = template_revision + 1 WHERE id = ?", mainBusiness).Error; err != nil {
		return 0, err
	}
	var rev int64
	err := tx.Table("main_businesses").Where("id = ?", mainBusiness).Pluck("template_revision", &rev).Error
	return rev, err
}

// CategoryInput names a category.
type CategoryInput struct {
	Name      string `json:"name" label:"类别名称" validate:"required,max=50"`
	SortOrder int    `json:"sort_order,omitempty" label:"排序" validate:"gte=0,lte=100000"`
}

// ItemInput is an item of a template or of an enterprise standard.
type ItemInput struct {
	CategoryID int64  `json:"category_id" label:"类别" validate:"required,gt=0"`
	Subject    string `json:"subject" label:"排查项目" validate:"required,max=100"`
	Content    string `json:"content" label:"排查内容" validate:"required,max=1000"`
	Criterion  string `json:"criterion,omitempty" label:"排查标准" validate:"max=2000"`
	Basis      string `json:"basis,omitempty" label:"依据" validate:"max=500"`
	Grade      string `json:"grade,omitempty" label:"隐患等级" validate:"max=20"`
	IsMajor    bool   `json:"is_major,omitempty"`
	SortOrder  int    `json:"sort_order,omitempty" label:"排序" validate:"gte=0,lte=100000"`
}

func (in *ItemInput) trim() {
	in.Subject, in.Content = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Content)
	in.Criterion, in.Basis, in.Grade = strings.TrimSpace(in.Criterion), strings.TrimSpace(in.Basis), strings.TrimSpace(in.Grade)
}

// CreateCategory adds a category to a template.
func (t *Templates) CreateCategory(ctx context.Context, a audit.Actor, mainBusiness int64, in CategoryInput) (TemplateCategory, error) {
	c := TemplateCategory{MainBusinessID: mainBusiness, Name: strings.TrimSpace(in.Name), SortOrder: in.SortOrder}
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Table("main_businesses").Where("id = ?", mainBusiness).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrTemplateNotFound
		}
		if _, err := bump(tx, mainBusiness); err != nil {
			return err
		}
		if err := tx.Create(&c).Error; err != nil {
			return err
		}
		return t.record(ctx, tx, a, "template_category", c.ID, c.Name, nil, c)
	})
	return c, err
}

// record writes the audit entry of a template edit. Templates are city-wide reference data every
// enterprise's standard starts from, so who changed what is kept like any other change.
func (t *Templates) record(ctx context.Context, tx *gorm.DB, a audit.Actor, targetType string, id int64, name string, before, after any) error {
	return audit.Record(ctx, tx, t.clk.Now(), a, audit.Entry{Action: audit.TemplateEdit, RegionID: a.RegionID, TargetType: targetType,
		TargetID: id, TargetName: name, Before: before, After: after})
}

func (t *Templates) category(tx *gorm.DB, id int64) (TemplateCategory, error) {
	var c TemplateCategory
	err := tx.Where("id = ? AND removed_at IS NULL", id).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return c, ErrTemplateCategory
	}
	return c, err
}

// UpdateCategory renames or re-orders a template category.
func (t *Templates) UpdateCategory(ctx context.Context, a audit.Actor, id int64, in CategoryInput) (TemplateCategory, error) {
	var c TemplateCategory
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if c, err = t.category(tx, id); err != nil {
			return err
		}
		before := c
		c.Name, c.SortOrder = strings.TrimSpace(in.Name), in.SortOrder
		if _, err := bump(tx, c.MainBusinessID); err != nil {
			return err
		}
		if err := tx.Model(&TemplateCategory{}).Where("id = ?", id).Updates(map[string]any{"name": c.Name, "sort_order": c.SortOrder}).Error; err != nil {
			return err
		}
		return t.record(ctx, tx, a, "template_category", c.ID, c.Name, before, c)
	})
	return c, err
}

// DeleteCategory removes an empty template category.
func (t *Templates) DeleteCategory(ctx context.Context, a audit.Actor, id int64) error {
	return t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := t.category(tx, id)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&TemplateItem{}).Where("category_id = ? AND removed_at IS NULL", id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrTemplateCatNotEmpty
		}
		if _, err := bump(tx, c.MainBusinessID); err != nil {
			return err
		}
		if err := tx.Model(&TemplateCategory{}).Where("id = ?", id).Update("removed_at", t.clk.Now().UTC()).Error; err != nil {
			return err
		}
		return t.record(ctx, tx, a, "template_category", c.ID, c.Name, c, map[string]any{"deleted": true})
	})
}

func checkGradeLetter(g string) error {
	switch g {
	case "A", "B", "C", "D":
		return nil
	}
	return apperr.Validation(apperr.FieldError{Field: "grade", Message: "模板的默认隐患等级应为 A、B、C、D 之一"})
}

// CreateItem adds an item to a template category.
func (t *Templates) CreateItem(ctx context.Context, a audit.Actor, in ItemInput) (TemplateItem, error) {
	in.trim()
	if in.Grade == "" {
		in.Grade = "C"
	}
	if in.IsMajor {
		in.Grade = "A"
	}
	if err := checkGradeLetter(in.Grade); err != nil {
		return TemplateItem{}, err
	}
	var it TemplateItem
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		c, err := t.category(tx, in.CategoryID)
		if err != nil {
			return err
		}
		rev, err := bump(tx, c.MainBusinessID)
		if err != nil {
			return err
		}
		it = TemplateItem{MainBusinessID: c.MainBusinessID, CategoryID: c.ID, Subject: in.Subject, Content: in.Content, Criterion: in.Criterion,
			Basis: in.Basis, Grade: in.Grade, IsMajor: in.IsMajor, SortOrder: in.SortOrder, Revision: rev, UpdatedAt: t.clk.Now().UTC()}
		if err := tx.Create(&it).Error; err != nil {
			return err
		}
		return t.record(ctx, tx, a, "template_item", it.ID, it.Subject, nil, it)
	})
	return it, err
}

// UpdateItem changes a template item; enterprises that copied it see the change offered.
func (t *Templates) UpdateItem(ctx context.Context, a audit.Actor, id int64, in ItemInput) (TemplateItem, error) {
	in.trim()
	if in.IsMajor {
		in.Grade = "A"
	}
	if err := checkGradeLetter(in.Grade); err != nil {
		return TemplateItem{}, err
	}
	var it TemplateItem
	err := t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("id = ? AND removed_at IS NULL", id).Take(&it).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrTemplateItem
			}
			return err
		}
		c, err := t.category(tx, in.CategoryID)
		if err != nil || c.MainBusinessID != it.MainBusinessID {
			return ErrTemplateCategory
		}
		rev, err := bump(tx, it.MainBusinessID)
		if err != nil {
			return err
		}
		before := it
		it.CategoryID, it.Subject, it.Content, it.Criterion, it.Basis = in.CategoryID, in.Subject, in.Content, in.Criterion, in.Basis
		it.Grade, it.IsMajor, it.SortOrder, it.Revision, it.UpdatedAt = in.Grade, in.IsMajor, in.SortOrder, rev, t.clk.Now().UTC()
		if err := tx.Save(&it).Error; err != nil {
			return err
		}
		return t.record(ctx, tx, a, "template_item", it.ID, it.Subject, before, it)
	})
	return it, err
}

// DeleteItem removes a template item. It stays in the table, marked removed, so enterprises that copied it
// can be told.
func (t *Templates) DeleteItem(ctx context.Context, a audit.Actor, id int64) error {
	return t.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var it TemplateItem
		if err := tx.Where("id = ? AND removed_at IS NULL", id).Take(&it).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrTemplateItem
			}
			return err
		}
		rev, err := bump(tx, it.MainBusinessID)
		if err != nil {
			return err
		}
		now := t.clk.Now().UTC()
		if err := tx.Model(&TemplateItem{}).Where("id = ?", id).Updates(map[string]any{"removed_at": now, "revision": rev, "updated_at": now}).Error; err != nil {
			return err
		}
		return t.record(ctx, tx, a, "template_item", it.ID, it.Subject, it, map[string]any{"deleted": true})
	})
}
