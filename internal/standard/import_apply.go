package standard

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/platform/database"
)

// importBatch is how many rows one INSERT of an import writes.
const importBatch = 500

// applyImport writes a clean plan in tx: the standard if the enterprise has none yet, then categories, items,
// checklists and checklist items, then the audit entry. Items are matched by 类别 + 排查项目 + 排查内容, so
// importing an export again changes nothing and an edited export updates the items it changes.
func (s *Service) applyImport(ctx context.Context, tx *gorm.DB, a audit.Actor, ent int64, plan importPlan) (ImportResult, error) {
	now := s.now()
	res := ImportResult{Rows: len(plan.rows)}
	if err := lockEnterprise(tx, ent); err != nil {
		return res, err
	}
	if err := ensureStandard(tx, ent, now); err != nil {
		return res, err
	}
	cats, err := ensureCategories(tx, ent, plan.rows, now, &res)
	if err != nil {
		return res, err
	}
	items, err := loadItems(tx, ent, cats)
	if err != nil {
		return res, err
	}
	keys := make([]itemDigest, len(plan.rows))
	for i, r := range plan.rows {
		keys[i] = keyDigest(r.key)
	}
	if err := updateItems(tx, plan.rows, keys, items, now, &res); err != nil {
		return res, err
	}
	if err := insertItems(tx, ent, plan.rows, keys, items, cats, now, &res); err != nil {
		return res, err
	}
	lists, err := upsertChecklists(tx, ent, plan.lists, now, &res)
	if err != nil {
		return res, err
	}
	if err := linkItems(tx, ent, plan.rows, keys, items, lists, &res); err != nil {
		return res, err
	}
	return res, audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.StandardImport, EnterpriseID: ent, TargetType: "standard", TargetID: ent,
		TargetName: "导入标准与清单", After: res})
}

// lockEnterprise makes imports into one enterprise take turns: each reads the categories, items and
// checklists it matches against inside its transaction, so two at once would both create what neither saw
// (the same item twice, or a category that fails its unique name). On PostgreSQL the enterprise's row is
// locked FOR NO KEY UPDATE, which rows referring to the enterprise (inspections, hazards) do not wait for;
// SQLite transactions already take the database's write lock when they begin.
func lockEnterprise(tx *gorm.DB, ent int64) error {
	if database.Dialect(tx) != database.Postgres {
		return nil
	}
	var id int64
	return tx.Raw("SELECT id FROM enterprises WHERE id = ? FOR NO KEY UPDATE", ent).Scan(&id).Error
}

// ensureStandard creates the enterprise's standard when it has none: an import can be its first content.
func ensureStandard(tx *gorm.DB, ent int64, now time.Time) error {
	var st standardRow
	err := tx.Where("enterprise_id = ?", ent).Take(&st).Error
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	mb, err := mainBusinessOf(tx, ent)
	if err != nil {
		return err
	}
	return tx.Create(&standardRow{EnterpriseID: ent, MainBusinessID: mb, CreatedAt: now, UpdatedAt: now}).Error
}

// categories are the enterprise's categories by name and by id.
type categories struct {
	id   map[string]int64
	name map[int64]string
}

// ensureCategories creates the categories the rows name that the enterprise lacks, after its last one.
func ensureCategories(tx *gorm.DB, ent int64, rows []plannedRow, now time.Time, res *ImportResult) (categories, error) {
	var existing []Category
	if err := tx.Where("enterprise_id = ? AND deleted_at IS NULL", ent).Find(&existing).Error; err != nil {
		return categories{}, err
	}
	c := categories{id: map[string]int64{}, name: map[int64]string{}}
	last := -1
	for _, x := range existing {
		c.id[x.Name], c.name[x.ID] = x.ID, x.Name
		last = max(last, x.SortOrder)
	}
	for _, r := range rows {
		if _, ok := c.id[r.key.category]; ok {
			continue
		}
		last++
		x := Category{EnterpriseID: ent, Name: r.key.category, SortOrder: last, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&x).Error; err != nil {
			return categories{}, err
		}
		c.id[x.Name], c.name[x.ID] = x.ID, x.Name
		res.CategoriesCreated++
	}
	return c, nil
}

// itemDigest stands for a text (an item's key, or the fields an import can change) by its SHA-256: the index
// of existing items keeps digests rather than the items' text, so re-importing a 20,000-item standard does not
// hold the whole standard in memory beside the file.
type itemDigest [sha256.Size]byte

// digest hashes the parts, each followed by a NUL (which no stored text holds, and the reader refuses).
func digest(parts ...string) itemDigest {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var d itemDigest
	h.Sum(d[:0])
	return d
}

func keyDigest(k itemKey) itemDigest { return digest(k.category, k.subject, k.content) }

func fieldsDigest(criterion, basis, grade string, major bool) itemDigest {
	m := "0"
	if major {
		m = "1"
	}
	return digest(criterion, basis, grade, m)
}

type knownItem struct {
	id     int64
	fields itemDigest
}

// itemIndex is the enterprise's items by key, and the next sort order of each category.
type itemIndex struct {
	byKey    map[itemDigest]knownItem
	nextSort map[int64]int
}

// loadItems streams the enterprise's items into an index.
func loadItems(tx *gorm.DB, ent int64, cats categories) (itemIndex, error) {
	idx := itemIndex{byKey: map[itemDigest]knownItem{}, nextSort: map[int64]int{}}
	rows, err := tx.Model(&Item{}).Select("id, category_id, subject, content, criterion, basis, grade_code, is_major, sort_order").
		Where("enterprise_id = ? AND deleted_at IS NULL", ent).Rows()
	if err != nil {
		return idx, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id, cat                                   int64
			subject, content, criterion, basis, grade string
			major                                     bool
			sort                                      int
		)
		if err := rows.Scan(&id, &cat, &subject, &content, &criterion, &basis, &grade, &major, &sort); err != nil {
			return idx, err
		}
		idx.byKey[keyDigest(itemKey{cats.name[cat], subject, content})] = knownItem{id: id, fields: fieldsDigest(criterion, basis, grade, major)}
		idx.nextSort[cat] = max(idx.nextSort[cat], sort+1)
	}
	return idx, rows.Err()
}

// updateItems writes the changed criterion, basis, grade and major flag of the existing items the rows name.
func updateItems(tx *gorm.DB, rows []plannedRow, keys []itemDigest, idx itemIndex, now time.Time, res *ImportResult) error {
	for i, r := range rows {
		it, ok := idx.byKey[keys[i]]
		if !ok {
			continue
		}
		f := fieldsDigest(r.criterion, r.basis, r.grade, r.major)
		if it.fields == f {
			continue
		}
		if err := tx.Model(&Item{}).Where("id = ?", it.id).Updates(map[string]any{"criterion": r.criterion, "basis": r.basis,
			"grade_code": r.grade, "is_major": r.major, "version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
			return err
		}
		it.fields = f
		idx.byKey[keys[i]] = it
		res.ItemsUpdated++
	}
	return nil
}

// insertItems writes the items the enterprise lacks, in batches, each at the end of its category; a key that
// several rows name is written once, as its first row says.
func insertItems(tx *gorm.DB, ent int64, rows []plannedRow, keys []itemDigest, idx itemIndex, cats categories, now time.Time,
	res *ImportResult) error {
	batch := make([]Item, 0, importBatch)
	batchKeys := make([]itemDigest, 0, importBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := tx.Create(&batch).Error; err != nil {
			return err
		}
		for j, it := range batch {
			idx.byKey[batchKeys[j]] = knownItem{id: it.ID, fields: fieldsDigest(it.Criterion, it.Basis, it.GradeCode, it.IsMajor)}
		}
		res.ItemsCreated += len(batch)
		batch, batchKeys = batch[:0], batchKeys[:0]
		return nil
	}
	for i, r := range rows {
		if _, ok := idx.byKey[keys[i]]; ok {
			continue
		}
		cat := cats.id[r.key.category]
		idx.byKey[keys[i]] = knownItem{} // claimed; the id is filled in when the batch is written
		batch = append(batch, Item{EnterpriseID: ent, CategoryID: cat, Subject: r.key.subject, Content: r.key.content,
			Criterion: r.criterion, Basis: r.basis, GradeCode: r.grade, IsMajor: r.major, SortOrder: idx.nextSort[cat], Version: 1,
			CreatedAt: now, UpdatedAt: now})
		batchKeys = append(batchKeys, keys[i])
		idx.nextSort[cat]++
		if len(batch) == importBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// upsertChecklists creates the checklists the rows name that their posts lack and sets the frequency of the
// others; it returns every checklist of the enterprise by post and name.
func upsertChecklists(tx *gorm.DB, ent int64, planned []plannedList, now time.Time, res *ImportResult) (map[listKey]int64, error) {
	var existing []Checklist
	if err := tx.Select("id, post_id, name, frequency").Where("enterprise_id = ?", ent).Find(&existing).Error; err != nil {
		return nil, err
	}
	ids := make(map[listKey]int64, len(existing)+len(planned))
	freq := make(map[listKey]string, len(existing))
	for _, l := range existing {
		ids[listKey{l.PostID, l.Name}], freq[listKey{l.PostID, l.Name}] = l.ID, l.Frequency
	}
	for _, l := range planned {
		k := listKey{l.post, l.name}
		if id, ok := ids[k]; ok {
			if freq[k] != string(l.freq) {
				if err := tx.Model(&Checklist{}).Where("id = ?", id).Updates(map[string]any{"frequency": string(l.freq), "updated_at": now}).Error; err != nil {
					return nil, err
				}
				res.ChecklistsUpdated++
			}
			continue
		}
		c := Checklist{EnterpriseID: ent, PostID: l.post, Name: l.name, Frequency: string(l.freq), Status: "active", CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&c).Error; err != nil {
			return nil, err
		}
		ids[k] = c.ID
		res.ChecklistsCreated++
	}
	return ids, nil
}

// checklistItem is a row of checklist_items.
type checklistItem struct {
	EnterpriseID int64
	ChecklistID  int64
	ItemID       int64
	SortOrder    int
}

func (checklistItem) TableName() string { return "checklist_items" }

// linkItems puts each row's item on its post's checklist, after the checklist's last item, unless it is there.
func linkItems(tx *gorm.DB, ent int64, rows []plannedRow, keys []itemDigest, idx itemIndex, lists map[listKey]int64, res *ImportResult) error {
	type link struct{ list, item int64 }
	var existing []checklistItem
	if err := tx.Table("checklist_items ci").Select("ci.checklist_id, ci.item_id, ci.sort_order").
		Joins("JOIN checklists c ON c.id = ci.checklist_id").Where("c.enterprise_id = ?", ent).Scan(&existing).Error; err != nil {
		return err
	}
	have := make(map[link]bool, len(existing))
	next := map[int64]int{}
	for _, l := range existing {
		have[link{l.ChecklistID, l.ItemID}] = true
		next[l.ChecklistID] = max(next[l.ChecklistID], l.SortOrder+1)
	}
	batch := make([]checklistItem, 0, importBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := tx.Create(&batch).Error; err != nil {
			return err
		}
		res.LinksCreated += len(batch)
		batch = batch[:0]
		return nil
	}
	for i, r := range rows {
		if r.postID == 0 {
			continue
		}
		l := link{lists[listKey{r.postID, r.list}], idx.byKey[keys[i]].id}
		if have[l] {
			continue
		}
		have[l] = true
		batch = append(batch, checklistItem{EnterpriseID: ent, ChecklistID: l.list, ItemID: l.item, SortOrder: next[l.list]})
		next[l.list]++
		if len(batch) == importBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
