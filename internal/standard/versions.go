package standard

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"gorm.io/gorm"
)

// A checklist version is what the inspectors of a checklist saw: its items in order with their texts as
// they were. Versions are immutable; an inspection refers to one, so the texts are stored once per version
// instead of once per answer, and what an inspection meant stays provable after the standard is edited.
//
// A version is found by the digest of its items, computed when an inspection starts: a checklist gets a
// new version exactly when its items (their set, order, texts, grade, major mark, or category name)
// changed since the last one — whichever of the many ways of editing a standard (items, categories,
// imports, template changes, reordering) changed them — and no editing path has to remember to make one.

// ChecklistVersion is a row of checklist_versions.
type ChecklistVersion struct {
	ID           int64
	EnterpriseID int64
	ChecklistID  int64
	Digest       string
	ItemCount    int
	CreatedAt    time.Time
}

func (ChecklistVersion) TableName() string { return "checklist_versions" }

// VersionItem is a row of checklist_version_items: one item of a version as it was.
type VersionItem struct {
	VersionID    int64
	SortOrder    int
	EnterpriseID int64
	ItemID       int64
	ItemVersion  int
	IsMajor      bool
	GradeCode    string
	CategoryName string
	Subject      string
	Content      string
	Criterion    string
	Basis        string
}

func (VersionItem) TableName() string { return "checklist_version_items" }

// VersionDigest is the digest that identifies a version's items. The conversion of existing inspections
// (migration 0016) computes the same form in SQL: keep them in step.
func VersionDigest(items []VersionItem) string {
	h := sha256.New()
	for _, it := range items {
		major := 0
		if it.IsMajor {
			major = 1
		}
		fmt.Fprintf(h, "%d:%d:%d", it.ItemID, it.ItemVersion, major)
		for _, s := range []string{it.GradeCode, it.CategoryName, it.Subject, it.Content, it.Criterion, it.Basis} {
			fmt.Fprintf(h, ":%d:%s", len(s), s)
		}
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// CurrentItems reads a checklist's live items in order, as a version would keep them.
func CurrentItems(tx *gorm.DB, ent, checklistID int64) ([]VersionItem, error) {
	var items []VersionItem
	err := tx.Table("checklist_items ci").
		Select(`i.id AS item_id, i.version AS item_version, i.is_major, i.grade_code, c.name AS category_name, i.subject, i.content,
			i.criterion, i.basis, i.enterprise_id`).
		Joins("JOIN standard_items i ON i.id = ci.item_id").Joins("JOIN standard_categories c ON c.id = i.category_id").
		Where("ci.checklist_id = ? AND i.enterprise_id = ? AND i.deleted_at IS NULL", checklistID, ent).Order("ci.sort_order, i.id").Scan(&items).Error
	for i := range items {
		items[i].SortOrder = i
	}
	return items, err
}

// EnsureVersion returns the version of the checklist with exactly these items, making it when there is none
// yet. Two transactions making the same version at once meet on the unique digest: one inserts, the other
// waits for it and finds it.
func EnsureVersion(tx *gorm.DB, ent, checklistID int64, items []VersionItem, now time.Time) (ChecklistVersion, error) {
	v := ChecklistVersion{EnterpriseID: ent, ChecklistID: checklistID, Digest: VersionDigest(items), ItemCount: len(items), CreatedAt: now.UTC()}
	err := tx.Where("checklist_id = ? AND digest = ?", checklistID, v.Digest).Take(&v).Error
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return v, err
	}
	var id int64
	if err := tx.Raw(`INSERT INTO checklist_versions (enterprise_id, checklist_id, digest, item_count, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (checklist_id, digest) DO NOTHING RETURNING id`, v.EnterpriseID, v.ChecklistID, v.Digest, v.ItemCount, v.CreatedAt).Scan(&id).Error; err != nil {
		return v, err
	}
	if id == 0 {
		return v, tx.Where("checklist_id = ? AND digest = ?", checklistID, v.Digest).Take(&v).Error
	}
	v.ID = id
	if len(items) == 0 {
		return v, nil
	}
	rows := make([]VersionItem, len(items))
	for i, it := range items {
		it.VersionID, it.EnterpriseID, it.SortOrder = id, ent, i
		rows[i] = it
	}
	return v, tx.CreateInBatches(&rows, 200).Error
}

// Versions reads versions' items and keeps them: a version never changes, so a copy is never stale. Only
// what was read is kept, never what a transaction is still making (SQLite may hand the id of a version
// rolled back to the next one). Every checklist has versions of its own while most share their items' texts
// (an enterprise's standard, a city's template), so the texts are kept once and a version costs about 1 KB
// for 30 items: the cache holds as many versions as a busy instance submits inspections of in hours, and a
// submission reads none of its version's texts from the database (issue 16, make bench).
type Versions struct {
	mu       sync.Mutex
	versions map[int64]cachedVersion
	texts    map[itemTexts]*itemTexts
}

type cachedVersion struct {
	ent   int64
	items []cachedItem
}

type cachedItem struct {
	itemID      int64
	sortOrder   int32
	itemVersion int32
	isMajor     bool
	texts       *itemTexts
}

type itemTexts struct{ gradeCode, categoryName, subject, content, criterion, basis string }

// versionCacheSize bounds the versions kept, textCacheSize the distinct texts; past either the cache starts
// over.
const (
	versionCacheSize = 32768
	textCacheSize    = 262144
)

// NewVersions returns an empty version cache.
func NewVersions() *Versions {
	return &Versions{versions: map[int64]cachedVersion{}, texts: map[itemTexts]*itemTexts{}}
}

// Items returns a version's items in order (a new slice each time).
func (c *Versions) Items(tx *gorm.DB, versionID int64) ([]VersionItem, error) {
	c.mu.Lock()
	v, ok := c.versions[versionID]
	c.mu.Unlock()
	if ok {
		items := make([]VersionItem, len(v.items))
		for i, it := range v.items {
			t := it.texts
			items[i] = VersionItem{VersionID: versionID, SortOrder: int(it.sortOrder), EnterpriseID: v.ent, ItemID: it.itemID,
				ItemVersion: int(it.itemVersion), IsMajor: it.isMajor, GradeCode: t.gradeCode, CategoryName: t.categoryName,
				Subject: t.subject, Content: t.content, Criterion: t.criterion, Basis: t.basis}
		}
		return items, nil
	}
	var items []VersionItem
	if err := tx.Where("version_id = ?", versionID).Order("sort_order").Find(&items).Error; err != nil {
		return nil, err
	}
	c.keep(versionID, items)
	return items, nil
}

func (c *Versions) keep(versionID int64, items []VersionItem) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.versions) >= versionCacheSize || len(c.texts)+len(items) > textCacheSize {
		c.versions, c.texts = map[int64]cachedVersion{}, map[itemTexts]*itemTexts{}
	}
	v := cachedVersion{items: make([]cachedItem, len(items))}
	for i, it := range items {
		v.ent = it.EnterpriseID
		t := itemTexts{it.GradeCode, it.CategoryName, it.Subject, it.Content, it.Criterion, it.Basis}
		p, ok := c.texts[t]
		if !ok {
			p = &t
			c.texts[t] = p
		}
		v.items[i] = cachedItem{itemID: it.ItemID, sortOrder: int32(it.SortOrder), itemVersion: int32(it.ItemVersion), isMajor: it.IsMajor, texts: p}
	}
	c.versions[versionID] = v
}
