package standard

import (
	"context"
	"io"

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
	ds, err := departments(tx, ent)
	if err != nil {
		return nil, nil, nil, err
	}
	x := indexDepartments(ds)
	return x.paths, x.byPath, x.byName, nil
}

func departments(tx *gorm.DB, ent int64) ([]deptInfo, error) {
	var ds []deptInfo
	err := tx.Table("departments").Select("id, parent_id, name").Where("enterprise_id = ?", ent).Order("sort_order, id").Scan(&ds).Error
	return ds, err
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

// Import reads a spreadsheet of standard items and checklist assignments (FAQ 19). The file streams through
// the checks row by row (within importLimits); every problem is reported with its row and column, e.g.
// "第12行：公司不存在'仓储部'部门", and nothing is written unless the whole file is clean — then everything is
// written in one transaction. At most two imports run at once in a process (sheet.Imports).
func (s *Service) Import(ctx context.Context, a audit.Actor, ent int64, r io.Reader) (ImportResult, error) {
	release, err := sheet.Imports.Enter(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	defer release()
	rd, err := sheet.Open(r, sheetColumns, importLimits)
	if err != nil {
		return ImportResult{}, err
	}
	defer rd.Close()
	db := s.db.WithContext(ctx)
	ref, err := s.importReference(db, ent)
	if err != nil {
		return ImportResult{}, err
	}
	plan, problems := planImport(rd.Rows(), ref)
	if err := rd.Err(); err != nil {
		return ImportResult{}, err
	}
	if err := problems.Err(); err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err = db.Transaction(func(tx *gorm.DB) error {
		res, err = s.applyImport(ctx, tx, a, ent, plan)
		return err
	})
	return res, err
}

// importReference loads what the rows are checked against (creating the default grade scheme if the
// enterprise has none yet, so that the grades the template offers exist).
func (s *Service) importReference(db *gorm.DB, ent int64) (importRef, error) {
	var ref importRef
	if err := ensureGrades(db, ent, s.now()); err != nil {
		return ref, err
	}
	var err error
	if ref.depts, err = departments(db, ent); err != nil {
		return ref, err
	}
	if err := db.Table("posts").Select("id, department_id, name, status").Where("enterprise_id = ?", ent).Scan(&ref.posts).Error; err != nil {
		return ref, err
	}
	err = db.Select("code, name").Where("enterprise_id = ?", ent).Find(&ref.grades).Error
	return ref, err
}

// sheetColumnsFor describes the columns with drop-down lists of the enterprise's departments, posts,
// frequencies and grades.
func (s *Service) sheetColumnsFor(tx *gorm.DB, ent int64) ([]sheet.Column, error) {
	ds, err := departments(tx, ent)
	if err != nil {
		return nil, err
	}
	x := indexDepartments(ds)
	var depts, posts, freqs, grades []string
	for _, d := range ds {
		depts = append(depts, x.paths[d.ID])
	}
	// Post names in the posts' order, each once (posts of different departments may share a name). DISTINCT
	// cannot be combined with ORDER BY columns it does not select on PostgreSQL, so the names are deduplicated here.
	var names []string
	if err := tx.Table("posts").Where("enterprise_id = ? AND status = 'active'", ent).Order("sort_order, id").Pluck("name", &names).Error; err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			posts = append(posts, n)
		}
	}
	for _, f := range period.Frequencies {
		freqs = append(freqs, f.Label())
	}
	if err := tx.Model(&Grade{}).Where("enterprise_id = ?", ent).Order("sort_order, id").Pluck("code", &grades).Error; err != nil {
		return nil, err
	}
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
