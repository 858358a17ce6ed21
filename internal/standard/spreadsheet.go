package standard

import (
	"context"
	"io"
	"strings"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/platform/sheet"
	"yqyb/pkg/period"
)

// Spreadsheet columns (FAQ 19). One row is one standard item; when 部门 and 岗位 are given the item is also
// put on that post's checklist.
const (
	colDept      = "部门"
	colPost      = "岗位"
	colList      = "清单名称"
	colFreq      = "排查频次"
	colCategory  = "类别"
	colSubject   = "排查项目"
	colContent   = "排查内容"
	colCriterion = "排查标准"
	colBasis     = "依据"
	colGrade     = "隐患等级"
	colMajor     = "重大隐患判定"
)

var sheetColumns = []string{colDept, colPost, colList, colFreq, colCategory, colSubject, colContent, colCriterion, colBasis, colGrade, colMajor}

// MaxImportRows bounds one import.
const MaxImportRows = 20_000

type deptInfo struct {
	ID       int64
	ParentID *int64
	Name     string
}

// deptPaths names every department by its path from the top ("工程部/维修班") and says which plain names
// are unique, so a sheet can name a department either way.
func deptPaths(tx *gorm.DB, ent int64) (paths map[int64]string, byPath map[string]int64, byName map[string][]int64, err error) {
	var ds []deptInfo
	if err = tx.Table("departments").Select("id, parent_id, name").Where("enterprise_id = ?", ent).Order("sort_order, id").Scan(&ds).Error; err != nil {
		return
	}
	info := map[int64]deptInfo{}
	for _, d := range ds {
		info[d.ID] = d
	}
	paths, byPath, byName = map[int64]string{}, map[string]int64{}, map[string][]int64{}
	for _, d := range ds {
		names := []string{d.Name}
		for p := d.ParentID; p != nil && len(names) < 20; {
			pd := info[*p]
			names = append([]string{pd.Name}, names...)
			p = pd.ParentID
		}
		path := strings.Join(names, "/")
		paths[d.ID], byPath[path] = path, d.ID
		byName[d.Name] = append(byName[d.Name], d.ID)
	}
	return
}

type postInfo struct {
	ID           int64
	DepartmentID int64
	Name         string
	Status       string
}

// ImportResult says what an import did.
type ImportResult struct {
	Rows              int `json:"rows"`
	CategoriesCreated int `json:"categories_created"`
	ItemsCreated      int `json:"items_created"`
	ItemsUpdated      int `json:"items_updated"`
	ChecklistsCreated int `json:"checklists_created"`
	ChecklistsUpdated int `json:"checklists_updated"`
	LinksCreated      int `json:"links_created"`
} // @name ChecklistImportResult

type itemKey struct{ category, subject, content string }

type plannedRow struct {
	key       itemKey
	criterion string
	basis     string
	grade     string
	major     bool
	postID    int64
	list      string
	freq      period.Frequency
}

func parseYesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "否", "n", "no", "false", "0":
		return false, true
	case "是", "y", "yes", "true", "1":
		return true, true
	}
	return false, false
}

// Import reads a spreadsheet of standard items and checklist assignments. Every row is checked first and
// every problem reported with its row and column, e.g. "第12行：公司不存在'仓储部'部门"; nothing is written
// unless the whole file is clean, and then everything is written in one transaction. Items are matched by
// 类别 + 排查项目 + 排查内容, so importing an export again changes nothing and an edited export updates.
func (s *Service) Import(ctx context.Context, a audit.Actor, ent int64, r io.Reader) (ImportResult, error) {
	rows, err := sheet.Read(r, sheetColumns, MaxImportRows)
	if err != nil {
		return ImportResult{}, err
	}
	db := s.db.WithContext(ctx)
	if err := ensureGrades(db, ent, s.now()); err != nil {
		return ImportResult{}, err
	}
	_, byPath, byName, err := deptPaths(db, ent)
	if err != nil {
		return ImportResult{}, err
	}
	var posts []postInfo
	if err := db.Table("posts").Select("id, department_id, name, status").Where("enterprise_id = ?", ent).Scan(&posts).Error; err != nil {
		return ImportResult{}, err
	}
	postIn := map[int64]map[string]postInfo{}
	for _, p := range posts {
		if postIn[p.DepartmentID] == nil {
			postIn[p.DepartmentID] = map[string]postInfo{}
		}
		postIn[p.DepartmentID][p.Name] = p
	}
	var grades []Grade
	if err := db.Where("enterprise_id = ?", ent).Find(&grades).Error; err != nil {
		return ImportResult{}, err
	}
	gradeOf := map[string]string{}
	for _, g := range grades {
		gradeOf[g.Code], gradeOf[g.Name] = g.Code, g.Code
	}

	var errs []sheet.RowError
	plan := make([]plannedRow, 0, len(rows))
	type listKey struct {
		post int64
		name string
	}
	listFreq := map[listKey]struct {
		f   period.Frequency
		row int
	}{}
	for _, row := range rows {
		n := row.Number
		p := plannedRow{key: itemKey{row.Get(colCategory), row.Get(colSubject), row.Get(colContent)},
			criterion: row.Get(colCriterion), basis: row.Get(colBasis)}
		for _, c := range []string{colCategory, colSubject, colContent} {
			if row.Get(c) == "" {
				errs = append(errs, sheet.Errorf(n, c, "“%s”不能为空", c))
			}
		}
		if len([]rune(p.key.category)) > 50 || len([]rune(p.key.subject)) > 100 || len([]rune(p.key.content)) > 1000 ||
			len([]rune(p.criterion)) > 2000 || len([]rune(p.basis)) > 500 {
			errs = append(errs, sheet.Errorf(n, colContent, "内容过长：类别不超过50字、排查项目100字、排查内容1000字、排查标准2000字、依据500字"))
		}
		if g := row.Get(colGrade); g != "" {
			if code, ok := gradeOf[g]; ok {
				p.grade = code
			} else {
				errs = append(errs, sheet.Errorf(n, colGrade, "隐患等级'%s'不在本企业的等级方案中", g))
			}
		}
		var ok bool
		if p.major, ok = parseYesNo(row.Get(colMajor)); !ok {
			errs = append(errs, sheet.Errorf(n, colMajor, "重大隐患判定应填“是”或“否”"))
		}
		deptName, postName := row.Get(colDept), row.Get(colPost)
		switch {
		case deptName == "" && postName == "":
			if row.Get(colList) != "" || row.Get(colFreq) != "" {
				errs = append(errs, sheet.Errorf(n, colPost, "填写了清单名称或排查频次，但没有填写部门和岗位"))
			}
		case deptName == "":
			errs = append(errs, sheet.Errorf(n, colDept, "填写了岗位'%s'，但没有填写部门", postName))
		case postName == "":
			errs = append(errs, sheet.Errorf(n, colPost, "填写了部门'%s'，但没有填写岗位", deptName))
		default:
			dept, found := byPath[deptName]
			if !found {
				switch ids := byName[deptName]; len(ids) {
				case 0:
					errs = append(errs, sheet.Errorf(n, colDept, "公司不存在'%s'部门", deptName))
				case 1:
					dept, found = ids[0], true
				default:
					errs = append(errs, sheet.Errorf(n, colDept, "部门名称'%s'不唯一，请写作'上级部门/%s'", deptName, deptName))
				}
			}
			if found {
				post, ok := postIn[dept][postName]
				switch {
				case !ok:
					errs = append(errs, sheet.Errorf(n, colPost, "部门'%s'下不存在'%s'岗位", deptName, postName))
				case post.Status != "active":
					errs = append(errs, sheet.Errorf(n, colPost, "岗位'%s'已停用", postName))
				default:
					p.postID = post.ID
				}
			}
			f, ok := period.Parse(row.Get(colFreq))
			if !ok {
				errs = append(errs, sheet.Errorf(n, colFreq, "排查频次'%s'无效，应为每日、每周、每半月、每月、每季度、每年之一", row.Get(colFreq)))
			}
			p.freq = f
			p.list = row.Get(colList)
			if p.list == "" {
				p.list = postName + f.Label() + "排查清单"
			}
			if len([]rune(p.list)) > 50 {
				errs = append(errs, sheet.Errorf(n, colList, "清单名称不超过50字"))
			}
			if ok && p.postID != 0 {
				k := listKey{p.postID, p.list}
				if prev, seen := listFreq[k]; seen && prev.f != f {
					errs = append(errs, sheet.Errorf(n, colFreq, "清单'%s'的排查频次与第%d行不一致", p.list, prev.row))
				} else if !seen {
					listFreq[k] = struct {
						f   period.Frequency
						row int
					}{f, n}
				}
			}
		}
		plan = append(plan, p)
	}
	if len(errs) > 0 {
		return ImportResult{}, sheet.Rejected(errs)
	}

	res := ImportResult{Rows: len(plan)}
	err = db.Transaction(func(tx *gorm.DB) error {
		now := s.now()
		if _, err := s.standard(tx, ent); err != nil {
			mb, err := mainBusinessOf(tx, ent)
			if err != nil {
				return err
			}
			if err := tx.Create(&standardRow{EnterpriseID: ent, MainBusinessID: mb, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
				return err
			}
		}
		var cats []Category
		if err := tx.Where("enterprise_id = ? AND deleted_at IS NULL", ent).Find(&cats).Error; err != nil {
			return err
		}
		catID := map[string]int64{}
		maxSort := -1
		for _, c := range cats {
			catID[c.Name] = c.ID
			maxSort = max(maxSort, c.SortOrder)
		}
		for _, p := range plan {
			if _, ok := catID[p.key.category]; !ok {
				maxSort++
				c := Category{EnterpriseID: ent, Name: p.key.category, SortOrder: maxSort, CreatedAt: now, UpdatedAt: now}
				if err := tx.Create(&c).Error; err != nil {
					return err
				}
				catID[c.Name] = c.ID
				res.CategoriesCreated++
			}
		}
		var items []Item
		if err := tx.Where("enterprise_id = ? AND deleted_at IS NULL", ent).Find(&items).Error; err != nil {
			return err
		}
		catName := map[int64]string{}
		for name, id := range catID {
			catName[id] = name
		}
		existing := map[itemKey]Item{}
		nextSort := map[int64]int{}
		for _, it := range items {
			existing[itemKey{catName[it.CategoryID], it.Subject, it.Content}] = it
			nextSort[it.CategoryID] = max(nextSort[it.CategoryID], it.SortOrder+1)
		}
		var fresh []Item
		freshAt := map[itemKey]int{}
		for _, p := range plan {
			if it, ok := existing[p.key]; ok {
				if it.Criterion != p.criterion || it.Basis != p.basis || it.GradeCode != p.grade || it.IsMajor != p.major {
					if err := tx.Model(&Item{}).Where("id = ?", it.ID).Updates(map[string]any{"criterion": p.criterion, "basis": p.basis,
						"grade_code": p.grade, "is_major": p.major, "version": gorm.Expr("version + 1"), "updated_at": now}).Error; err != nil {
						return err
					}
					it.Criterion, it.Basis, it.GradeCode, it.IsMajor = p.criterion, p.basis, p.grade, p.major
					existing[p.key] = it
					res.ItemsUpdated++
				}
				continue
			}
			if _, dup := freshAt[p.key]; dup {
				continue
			}
			cat := catID[p.key.category]
			freshAt[p.key] = len(fresh)
			fresh = append(fresh, Item{EnterpriseID: ent, CategoryID: cat, Subject: p.key.subject, Content: p.key.content,
				Criterion: p.criterion, Basis: p.basis, GradeCode: p.grade, IsMajor: p.major, SortOrder: nextSort[cat], Version: 1,
				CreatedAt: now, UpdatedAt: now})
			nextSort[cat]++
		}
		if len(fresh) > 0 {
			if err := tx.CreateInBatches(&fresh, 500).Error; err != nil {
				return err
			}
			for k, i := range freshAt {
				existing[k] = fresh[i]
			}
			res.ItemsCreated = len(fresh)
		}

		var lists []Checklist
		if err := tx.Where("enterprise_id = ?", ent).Find(&lists).Error; err != nil {
			return err
		}
		listID := map[listKey]int64{}
		listHas := map[listKey]string{}
		for _, l := range lists {
			listID[listKey{l.PostID, l.Name}] = l.ID
			listHas[listKey{l.PostID, l.Name}] = l.Frequency
		}
		for k, f := range listFreq {
			if id, ok := listID[k]; ok {
				if listHas[k] != string(f.f) {
					if err := tx.Model(&Checklist{}).Where("id = ?", id).Updates(map[string]any{"frequency": string(f.f), "updated_at": now}).Error; err != nil {
						return err
					}
					res.ChecklistsUpdated++
				}
				continue
			}
			c := Checklist{EnterpriseID: ent, PostID: k.post, Name: k.name, Frequency: string(f.f), Status: "active", CreatedAt: now, UpdatedAt: now}
			if err := tx.Create(&c).Error; err != nil {
				return err
			}
			listID[k] = c.ID
			res.ChecklistsCreated++
		}
		var links []struct{ ChecklistID, ItemID int64 }
		if err := tx.Table("checklist_items ci").Select("ci.checklist_id, ci.item_id").
			Joins("JOIN checklists c ON c.id = ci.checklist_id").Where("c.enterprise_id = ?", ent).Scan(&links).Error; err != nil {
			return err
		}
		type link struct{ list, item int64 }
		have := map[link]bool{}
		for _, l := range links {
			have[link{l.ChecklistID, l.ItemID}] = true
		}
		var sorts []struct {
			ChecklistID int64
			N           int
		}
		tx.Table("checklist_items ci").Select("ci.checklist_id, COALESCE(MAX(ci.sort_order), -1) + 1 AS n").
			Joins("JOIN checklists c ON c.id = ci.checklist_id").Where("c.enterprise_id = ?", ent).Group("ci.checklist_id").Scan(&sorts)
		next := map[int64]int{}
		for _, x := range sorts {
			next[x.ChecklistID] = x.N
		}
		var add []map[string]any
		for _, p := range plan {
			if p.postID == 0 {
				continue
			}
			l := link{listID[listKey{p.postID, p.list}], existing[p.key].ID}
			if have[l] {
				continue
			}
			have[l] = true
			add = append(add, map[string]any{"checklist_id": l.list, "item_id": l.item, "sort_order": next[l.list]})
			next[l.list]++
		}
		if len(add) > 0 {
			if err := tx.Table("checklist_items").CreateInBatches(add, 500).Error; err != nil {
				return err
			}
			res.LinksCreated = len(add)
		}
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.StandardImport, EnterpriseID: ent, TargetType: "standard", TargetID: ent,
			TargetName: "导入标准与清单", After: res})
	})
	return res, err
}

// sheetColumnsFor describes the columns with drop-down lists of the enterprise's departments, posts,
// frequencies and grades.
func (s *Service) sheetColumnsFor(tx *gorm.DB, ent int64) ([]sheet.Column, error) {
	paths, _, _, err := deptPaths(tx, ent)
	if err != nil {
		return nil, err
	}
	var depts, posts, freqs, grades []string
	var ds []deptInfo
	tx.Table("departments").Select("id").Where("enterprise_id = ?", ent).Order("sort_order, id").Scan(&ds)
	for _, d := range ds {
		depts = append(depts, paths[d.ID])
	}
	tx.Table("posts").Where("enterprise_id = ? AND status = 'active'", ent).Order("sort_order, id").Distinct().Pluck("name", &posts)
	for _, f := range period.Frequencies {
		freqs = append(freqs, f.Label())
	}
	tx.Model(&Grade{}).Where("enterprise_id = ?", ent).Order("sort_order, id").Pluck("code", &grades)
	return []sheet.Column{
		{Title: colDept, Width: 16, Choices: depts, Note: "不填部门和岗位时，该行只加入企业标准；下级部门写作“上级部门/部门”"},
		{Title: colPost, Width: 14, Choices: posts},
		{Title: colList, Width: 20, Note: "不填时为“岗位+频次+排查清单”"},
		{Title: colFreq, Width: 10, Choices: freqs},
		{Title: colCategory, Required: true, Width: 14},
		{Title: colSubject, Required: true, Width: 16},
		{Title: colContent, Required: true, Width: 40},
		{Title: colCriterion, Width: 40},
		{Title: colBasis, Width: 30},
		{Title: colGrade, Width: 10, Choices: grades},
		{Title: colMajor, Width: 12, Choices: []string{"是", "否"}},
	}, nil
}

// ImportTemplate is an empty spreadsheet in the import format, with the enterprise's names to choose from.
func (s *Service) ImportTemplate(ctx context.Context, ent int64) ([]byte, error) {
	db := s.db.WithContext(ctx)
	if err := ensureGrades(db, ent, s.now()); err != nil {
		return nil, err
	}
	cols, err := s.sheetColumnsFor(db, ent)
	if err != nil {
		return nil, err
	}
	w, err := sheet.NewWorkbook("标准与清单", cols)
	if err != nil {
		return nil, err
	}
	return w.Bytes()
}

// Export writes the enterprise's standard and checklists in the import format: one row per checklist item,
// then one row per item no checklist includes.
func (s *Service) Export(ctx context.Context, ent int64) ([]byte, error) {
	db := s.db.WithContext(ctx)
	cols, err := s.sheetColumnsFor(db, ent)
	if err != nil {
		return nil, err
	}
	w, err := sheet.NewWorkbook("标准与清单", cols)
	if err != nil {
		return nil, err
	}
	paths, _, _, err := deptPaths(db, ent)
	if err != nil {
		return nil, err
	}
	type exportRow struct {
		DepartmentID                                                               int64
		Post, List, Frequency, Category, Subject, Content, Criterion, Basis, Grade string
		IsMajor                                                                    bool
	}
	var rows []exportRow
	if err := db.Table("checklist_items ci").
		Select(`p.department_id, p.name AS post, c.name AS list, c.frequency, sc.name AS category, i.subject, i.content, i.criterion,
			i.basis, i.grade_code AS grade, i.is_major`).
		Joins("JOIN checklists c ON c.id = ci.checklist_id").
		Joins("JOIN posts p ON p.id = c.post_id").
		Joins("JOIN standard_items i ON i.id = ci.item_id").
		Joins("JOIN standard_categories sc ON sc.id = i.category_id").
		Where("c.enterprise_id = ? AND c.status = 'active' AND i.deleted_at IS NULL", ent).
		Order("p.department_id, p.sort_order, p.id, c.name, ci.sort_order").Scan(&rows).Error; err != nil {
		return nil, err
	}
	yes := map[bool]string{true: "是", false: "否"}
	for _, r := range rows {
		if err := w.Append(paths[r.DepartmentID], r.Post, r.List, period.Frequency(r.Frequency).Label(), r.Category, r.Subject, r.Content,
			r.Criterion, r.Basis, r.Grade, yes[r.IsMajor]); err != nil {
			return nil, err
		}
	}
	var loose []exportRow
	if err := db.Table("standard_items i").
		Select("sc.name AS category, i.subject, i.content, i.criterion, i.basis, i.grade_code AS grade, i.is_major").
		Joins("JOIN standard_categories sc ON sc.id = i.category_id").
		Where("i.enterprise_id = ? AND i.deleted_at IS NULL", ent).
		Where("NOT EXISTS (SELECT 1 FROM checklist_items ci JOIN checklists c ON c.id = ci.checklist_id WHERE ci.item_id = i.id AND c.status = 'active')").
		Order("sc.sort_order, i.sort_order, i.id").Scan(&loose).Error; err != nil {
		return nil, err
	}
	for _, r := range loose {
		if err := w.Append("", "", "", "", r.Category, r.Subject, r.Content, r.Criterion, r.Basis, r.Grade, yes[r.IsMajor]); err != nil {
			return nil, err
		}
	}
	return w.Bytes()
}
