package standard

import (
	"iter"
	"strings"
	"unicode/utf8"

	"yqyb/internal/platform/sheet"
	"yqyb/pkg/period"
)

// Checking a checklist import is a pure function of its rows and of the enterprise's departments, posts and
// grades: planImport turns them into a plan of what to write, or the problems of every row, without touching
// the database. applyImport (import_apply.go) then writes a clean plan.

// importRef is what the rows of an import are checked against, as loaded from the database.
type importRef struct {
	depts  []deptInfo
	posts  []postInfo
	grades []Grade // only Code and Name are used
}

// importPlan is what a clean file asks for.
type importPlan struct {
	rows  []plannedRow  // one per data row, in file order
	lists []plannedList // every checklist the rows name, in order of first appearance
}

type itemKey struct{ category, subject, content string }

// plannedRow is one data row, checked: the item it describes and, when it names a post, the checklist of that
// post it belongs on (postID 0: the item only joins the enterprise standard).
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

// plannedList is a checklist of a post with the frequency the sheet gives it, and the row that first named it.
type plannedList struct {
	post int64
	name string
	freq period.Frequency
	row  int
}

type listKey struct {
	post int64
	name string
}

// Longest values of a standard item, in characters (FAQ 19's template; the database columns are wider).
const (
	maxCategoryLen  = 50
	maxSubjectLen   = 100
	maxContentLen   = 1000
	maxCriterionLen = 2000
	maxBasisLen     = 500
	maxListNameLen  = 50
)

// importLimits bound one checklist import: the longest cell is the longest field an item has (排查标准), and
// the text of the whole file is 500 万字 — 20,000 rows averaging 250 characters, more than the richest
// shipped template (under 200 a row) — which keeps an import's memory to a few tens of MiB.
var importLimits = sheet.Limits{MaxRows: MaxImportRows, MaxCellChars: maxCriterionLen, MaxTotalChars: sheet.DefaultMaxTotalChars}

// deptIndex names departments for a sheet: by the path from the top ("工程部/维修班") and by plain name, which
// may be shared by several.
type deptIndex struct {
	paths  map[int64]string
	byPath map[string]int64
	byName map[string][]int64
}

func indexDepartments(ds []deptInfo) deptIndex {
	info := make(map[int64]deptInfo, len(ds))
	for _, d := range ds {
		info[d.ID] = d
	}
	x := deptIndex{paths: map[int64]string{}, byPath: map[string]int64{}, byName: map[string][]int64{}}
	for _, d := range ds {
		names := []string{d.Name}
		for p := d.ParentID; p != nil && len(names) < 20; {
			pd := info[*p]
			names = append([]string{pd.Name}, names...)
			p = pd.ParentID
		}
		path := strings.Join(names, "/")
		x.paths[d.ID], x.byPath[path] = path, d.ID
		x.byName[d.Name] = append(x.byName[d.Name], d.ID)
	}
	return x
}

// planner checks rows one at a time against the reference, so the rows can stream from the file.
type planner struct {
	depts    deptIndex
	postIn   map[int64]map[string]postInfo // department → post name → post
	gradeOf  map[string]string             // grade code or name → code
	listSeen map[listKey]int               // → index in plan.lists
	plan     importPlan
	errs     sheet.RowErrors
}

func newPlanner(ref importRef) *planner {
	p := &planner{depts: indexDepartments(ref.depts), postIn: map[int64]map[string]postInfo{}, gradeOf: map[string]string{},
		listSeen: map[listKey]int{}}
	for _, post := range ref.posts {
		if p.postIn[post.DepartmentID] == nil {
			p.postIn[post.DepartmentID] = map[string]postInfo{}
		}
		p.postIn[post.DepartmentID][post.Name] = post
	}
	for _, g := range ref.grades {
		p.gradeOf[g.Code], p.gradeOf[g.Name] = g.Code, g.Code
	}
	return p
}

// planImport checks every row and returns the plan, or the problems of every row (each message names its row,
// e.g. "第12行：公司不存在'仓储部'部门"); the plan is only to be applied when there are none.
func planImport(rows iter.Seq[sheet.Row], ref importRef) (importPlan, sheet.RowErrors) {
	p := newPlanner(ref)
	for row := range rows {
		p.add(row)
	}
	return p.plan, p.errs
}

func (p *planner) add(row sheet.Row) {
	n := row.Number
	r := plannedRow{key: itemKey{row.Get(colCategory), row.Get(colSubject), row.Get(colContent)},
		criterion: row.Get(colCriterion), basis: row.Get(colBasis)}
	p.checkItem(n, row, &r)
	p.checkPost(n, row, &r)
	p.plan.rows = append(p.plan.rows, r)
}

// checkItem checks the columns of the standard item.
func (p *planner) checkItem(n int, row sheet.Row, r *plannedRow) {
	for _, c := range []string{colCategory, colSubject, colContent} {
		if row.Get(c) == "" {
			p.errs.Addf(n, c, "“%s”不能为空", c)
		}
	}
	if utf8.RuneCountInString(r.key.category) > maxCategoryLen || utf8.RuneCountInString(r.key.subject) > maxSubjectLen ||
		utf8.RuneCountInString(r.key.content) > maxContentLen || utf8.RuneCountInString(r.criterion) > maxCriterionLen ||
		utf8.RuneCountInString(r.basis) > maxBasisLen {
		p.errs.Addf(n, colContent, "内容过长：类别不超过50字、排查项目100字、排查内容1000字、排查标准2000字、依据500字")
	}
	if g := row.Get(colGrade); g != "" {
		if code, ok := p.gradeOf[g]; ok {
			r.grade = code
		} else {
			p.errs.Addf(n, colGrade, "隐患等级'%s'不在本企业的等级方案中", g)
		}
	}
	var ok bool
	if r.major, ok = parseYesNo(row.Get(colMajor)); !ok {
		p.errs.Addf(n, colMajor, "重大隐患判定应填“是”或“否”")
	}
}

// checkPost checks the department, post, checklist name and frequency that put the item on a checklist.
func (p *planner) checkPost(n int, row sheet.Row, r *plannedRow) {
	deptName, postName := row.Get(colDept), row.Get(colPost)
	switch {
	case deptName == "" && postName == "":
		if row.Get(colList) != "" || row.Get(colFreq) != "" {
			p.errs.Addf(n, colPost, "填写了清单名称或排查频次，但没有填写部门和岗位")
		}
		return
	case deptName == "":
		p.errs.Addf(n, colDept, "填写了岗位'%s'，但没有填写部门", postName)
		return
	case postName == "":
		p.errs.Addf(n, colPost, "填写了部门'%s'，但没有填写岗位", deptName)
		return
	}
	if dept, found := p.department(n, deptName); found {
		post, ok := p.postIn[dept][postName]
		switch {
		case !ok:
			p.errs.Addf(n, colPost, "部门'%s'下不存在'%s'岗位", deptName, postName)
		case post.Status != "active":
			p.errs.Addf(n, colPost, "岗位'%s'已停用", postName)
		default:
			r.postID = post.ID
		}
	}
	f, ok := period.Parse(row.Get(colFreq))
	if !ok {
		p.errs.Addf(n, colFreq, "排查频次'%s'无效，应为每日、每周、每半月、每月、每季度、每年之一", row.Get(colFreq))
	}
	r.freq = f
	if r.list = row.Get(colList); r.list == "" {
		r.list = postName + f.Label() + "排查清单"
	}
	if utf8.RuneCountInString(r.list) > maxListNameLen {
		p.errs.Addf(n, colList, "清单名称不超过50字")
	}
	if ok && r.postID != 0 {
		p.noteList(n, r)
	}
}

// department finds a department by path or by a name only one department has (FAQ 19: a name the enterprise
// lacks is named in the message, so the admin knows what to create under 部门管理).
func (p *planner) department(n int, name string) (int64, bool) {
	if id, ok := p.depts.byPath[name]; ok {
		return id, true
	}
	switch ids := p.depts.byName[name]; len(ids) {
	case 0:
		p.errs.Addf(n, colDept, "公司不存在'%s'部门", name)
	case 1:
		return ids[0], true
	default:
		p.errs.Addf(n, colDept, "部门名称'%s'不唯一，请写作'上级部门/%s'", name, name)
	}
	return 0, false
}

// noteList records the checklist a row names; every row naming it must give it the same frequency.
func (p *planner) noteList(n int, r *plannedRow) {
	k := listKey{r.postID, r.list}
	if i, seen := p.listSeen[k]; seen {
		if prev := p.plan.lists[i]; prev.freq != r.freq {
			p.errs.Addf(n, colFreq, "清单'%s'的排查频次与第%d行不一致", r.list, prev.row)
		}
		return
	}
	p.listSeen[k] = len(p.plan.lists)
	p.plan.lists = append(p.plan.lists, plannedList{post: r.postID, name: r.list, freq: r.freq, row: n})
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
