package standard

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"yqyb/internal/platform/sheet"
	"yqyb/internal/platform/sheet/sheettest"
	"yqyb/pkg/period"
)

// planRef is an enterprise with 仓储部 and 工程部, each with a 维修班 (so that name alone is ambiguous), and
// posts in them, one disabled.
func planRef() importRef {
	p := func(id int64) *int64 { return &id }
	return importRef{
		depts: []deptInfo{{ID: 1, Name: "仓储部"}, {ID: 2, Name: "工程部"}, {ID: 3, ParentID: p(2), Name: "维修班"}, {ID: 4, ParentID: p(1), Name: "维修班"}},
		posts: []postInfo{{ID: 10, DepartmentID: 1, Name: "叉车司机", Status: "active"}, {ID: 11, DepartmentID: 1, Name: "库管员", Status: "active"},
			{ID: 12, DepartmentID: 2, Name: "电工", Status: "active"}, {ID: 13, DepartmentID: 1, Name: "装卸工", Status: "disabled"},
			{ID: 14, DepartmentID: 3, Name: "钳工", Status: "active"}},
		grades: []Grade{{Code: "A", Name: "A级"}, {Code: "B", Name: "B级"}, {Code: "C", Name: "C级"}},
	}
}

// rowsOf makes data rows numbered from 2, as the sheet would: each is 部门, 岗位, 清单名称, 排查频次, 类别,
// 排查项目, 排查内容, 排查标准, 依据, 隐患等级, 重大隐患判定, tab-separated (missing trailing cells are empty).
func rowsOf(lines ...string) []sheet.Row {
	rows := make([]sheet.Row, len(lines))
	for i, l := range lines {
		cells := map[string]string{}
		vals := strings.Split(l, "\t")
		for j, col := range sheetColumns {
			if j < len(vals) {
				cells[col] = vals[j]
			} else {
				cells[col] = ""
			}
		}
		rows[i] = sheet.NewRow(i+2, cells)
	}
	return rows
}

func messages(errs sheet.RowErrors) []string {
	var out []string
	for _, e := range errs.List() {
		out = append(out, e.Message)
	}
	return out
}

func TestPlanImportClean(t *testing.T) {
	plan, errs := planImport(slices.Values(rowsOf(
		"仓储部\t叉车司机\t叉车日检\t每日\t叉车\t制动\t检查行车制动\t制动可靠\tGB/T 10827\tB级\t否",
		"仓储部\t库管员\t\t每周\t库房\t货架\t检查货架变形\t\t\t\t是",
		"工程部/维修班\t钳工\t\tmonthly\t用电\t工具\t检查手持电动工具\t\t\tA\t",
		"\t\t\t\t库房\t通道\t检查库房通道宽度",
		"仓储部\t叉车司机\t叉车日检\t日\t叉车\t灯光\t检查照明\t完好\t\tC\t",
	)), planRef())
	if errs.Count() != 0 {
		t.Fatalf("errors: %q", messages(errs))
	}
	want := []plannedRow{
		{key: itemKey{"叉车", "制动", "检查行车制动"}, criterion: "制动可靠", basis: "GB/T 10827", grade: "B", postID: 10, list: "叉车日检", freq: period.Daily},
		{key: itemKey{"库房", "货架", "检查货架变形"}, major: true, postID: 11, list: "库管员每周排查清单", freq: period.Weekly},
		{key: itemKey{"用电", "工具", "检查手持电动工具"}, grade: "A", postID: 14, list: "钳工每月排查清单", freq: period.Monthly},
		{key: itemKey{"库房", "通道", "检查库房通道宽度"}},
		{key: itemKey{"叉车", "灯光", "检查照明"}, criterion: "完好", grade: "C", postID: 10, list: "叉车日检", freq: period.Daily},
	}
	if !reflect.DeepEqual(plan.rows, want) {
		t.Errorf("rows:\n%+v\nwant\n%+v", plan.rows, want)
	}
	wantLists := []plannedList{{10, "叉车日检", period.Daily, 2}, {11, "库管员每周排查清单", period.Weekly, 3}, {14, "钳工每月排查清单", period.Monthly, 4}}
	if !reflect.DeepEqual(plan.lists, wantLists) {
		t.Errorf("lists = %+v, want %+v", plan.lists, wantLists)
	}
}

func TestPlanImportProblems(t *testing.T) {
	tests := []struct {
		name string
		rows []string
		want []string
	}{
		{"FAQ 19: a department the enterprise lacks is named", []string{"仓储部\t叉车司机\t\t每日\t类\t项\t内容", "储运部\t叉车司机\t\t每日\t类\t项2\t内容"},
			[]string{"第3行：公司不存在'储运部'部门"}},
		{"a name two departments share needs its path", []string{"维修班\t钳工\t\t每日\t类\t项\t内容"},
			[]string{"第2行：部门名称'维修班'不唯一，请写作'上级部门/维修班'"}},
		{"a post the department lacks, a disabled post", []string{"工程部\t叉车司机\t\t每日\t类\t项\t内容", "仓储部\t装卸工\t\t每日\t类\t项2\t内容"},
			[]string{"第2行：部门'工程部'下不存在'叉车司机'岗位", "第3行：岗位'装卸工'已停用"}},
		{"frequency unknown, and different for one checklist",
			[]string{"仓储部\t叉车司机\t日检\t每两周\t类\t项\t内容", "仓储部\t叉车司机\t日检\t每日\t类\t项2\t内容", "仓储部\t叉车司机\t日检\t每周\t类\t项3\t内容"},
			[]string{"第2行：排查频次'每两周'无效，应为每日、每周、每半月、每月、每季度、每年之一", "第4行：清单'日检'的排查频次与第3行不一致"}},
		{"required item columns", []string{"\t\t\t\t\t\t检查某项\t\t\tZ\t也许"},
			[]string{"第2行：“类别”不能为空", "第2行：“排查项目”不能为空", "第2行：隐患等级'Z'不在本企业的等级方案中", "第2行：重大隐患判定应填“是”或“否”"}},
		{"half a post", []string{"仓储部\t\t\t\t类\t项\t内容", "\t库管员\t\t\t类\t项2\t内容", "\t\t清单\t每日\t类\t项3\t内容"},
			[]string{"第2行：填写了部门'仓储部'，但没有填写岗位", "第3行：填写了岗位'库管员'，但没有填写部门", "第4行：填写了清单名称或排查频次，但没有填写部门和岗位"}},
		{"lengths", []string{"仓储部\t库管员\t" + strings.Repeat("清", 51) + "\t每日\t类\t项\t" + strings.Repeat("内", 1001)},
			[]string{"第2行：内容过长：类别不超过50字、排查项目100字、排查内容1000字、排查标准2000字、依据500字", "第2行：清单名称不超过50字"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := planImport(slices.Values(rowsOf(tt.rows...)), planRef())
			if got := messages(errs); !slices.Equal(got, tt.want) {
				t.Fatalf("errors:\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// A file with a problem on every row keeps only the problems an answer shows, and counts all of them.
func TestPlanImportCountsEveryProblem(t *testing.T) {
	lines := make([]string, 2000)
	for i := range lines {
		lines[i] = fmt.Sprintf("储运部\t叉车司机\t\t每日\t类\t项%d\t内容", i)
	}
	_, errs := planImport(slices.Values(rowsOf(lines...)), planRef())
	if errs.Count() != 2000 || len(errs.List()) != 500 {
		t.Fatalf("count %d, kept %d", errs.Count(), len(errs.List()))
	}
}

// The largest checklist a user could legitimately have — 20,000 distinct rows as rich as the richest shipped
// template items — reads within the import's caps, while the workbook of issue #13 does not.
func TestImportLimitsAdmitTheLargestChecklist(t *testing.T) {
	read := func(data []byte) (int, error) {
		rd, err := sheet.Open(bytes.NewReader(data), sheetColumns, importLimits)
		if err != nil {
			return 0, err
		}
		defer rd.Close()
		n := 0
		for range rd.Rows() {
			n++
		}
		return n, rd.Err()
	}
	if n, err := read(sheettest.RichChecklist(t, MaxImportRows)); err != nil || n != MaxImportRows {
		t.Fatalf("20,000 rich rows: %d read, %v", n, err)
	}
	if _, err := read(sheettest.LongCells(t, MaxImportRows, 800)); !errors.Is(err, sheet.ErrTooMuchText) {
		t.Fatalf("20,000 rows of 800-character cells: %v", err)
	}
}
