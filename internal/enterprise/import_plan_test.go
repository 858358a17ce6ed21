package enterprise

import (
	"slices"
	"strings"
	"testing"

	"yqyb/internal/org"
	"yqyb/internal/platform/sheet"
	"yqyb/pkg/uscc"
)

// planRef is the Chaoyang jurisdiction with one street, and two main businesses.
func planRef() importRef {
	district := int64(2)
	_, regions := regionLabels([]org.Region{
		{ID: 2, Level: "district", Code: "110105", Name: "朝阳区", Path: "/110000/110105/"},
		{ID: 3, ParentID: &district, Level: "street", Code: "110105001", Name: "建外街道", Path: "/110000/110105/110105001/"},
	})
	return importRef{regions: regions, business: map[string]int64{"商场超市": 7, "retail": 7, "餐饮": 8}}
}

func creditCode(t *testing.T, first17 string) string {
	t.Helper()
	c, err := uscc.CheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

// rowsOf makes data rows numbered from 2 from tab-separated cells in template order.
func rowsOf(lines ...string) []sheet.Row {
	rows := make([]sheet.Row, len(lines))
	for i, l := range lines {
		cells := map[string]string{}
		vals := strings.Split(l, "\t")
		for j, col := range importColumns {
			if j < len(vals) {
				cells[col] = vals[j]
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

func TestPlanEnterpriseImport(t *testing.T) {
	a, b := creditCode(t, "91110105MA0KMP001"), creditCode(t, "91110105MA0KMP002")
	plan, errs := planImport(slices.Values(rowsOf(
		"北京朝阳甲超市有限公司\t"+a+"\t张三\t13600001111\t朝阳区/建外街道\t北京市朝阳区某路1号\tF 批发和零售业\t商场超市\t小型",
		"北京朝阳乙餐馆有限公司\t"+b+"\t李四\t13600001112\t110105\t地址\th\t餐饮\t微型",
	)), planRef())
	if errs.Count() != 0 {
		t.Fatalf("errors: %q", messages(errs))
	}
	first, second := plan.rows[0], plan.rows[1]
	if first.row != 2 || first.in.Name != "北京朝阳甲超市有限公司" || first.in.LegalPhone != "13600001111" || first.region.ID != 3 ||
		first.in.RegionID != 3 || first.in.Industry != "F" || first.in.MainBusinessID != 7 || first.in.Scale != "small" {
		t.Errorf("first = %+v", first)
	}
	if second.row != 3 || second.region.ID != 2 || second.in.Industry != "H" || second.in.MainBusinessID != 8 || second.in.Scale != "micro" {
		t.Errorf("second = %+v", second)
	}

	// Registered names and codes are conflicts of the rows that carry them.
	plan.conflicts(taken{names: []string{"北京朝阳乙餐馆有限公司"}, codes: []string{a}}, &errs)
	want := []string{"第2行：统一社会信用代码“" + a + "”的企业已登记", "第3行：企业“北京朝阳乙餐馆有限公司”已登记，或与已有账号重名"}
	if got := messages(errs); !slices.Equal(got, want) {
		t.Errorf("conflicts = %q, want %q", got, want)
	}
}

func TestPlanEnterpriseImportProblems(t *testing.T) {
	a := creditCode(t, "91110105MA0KMP001")
	_, errs := planImport(slices.Values(rowsOf(
		"北京朝阳甲超市有限公司\t"+a+"\t张三\t13600001111\t海淀区\t地址\tZ\t火箭发射\t巨型",
		"北京朝阳甲超市有限公司\t"+a+"\t\t12345\t朝阳区\t"+strings.Repeat("址", 201)+"\tF\t商场超市\t小型",
		"北京 朝阳\t91110105MA0KMP0029\t王五\t13600001111\t朝阳区\t地址\tF\t商场超市\t小型",
	)), planRef())
	want := []string{
		"第2行：辖区内没有区域“海淀区”", "第2行：行业门类“Z”无效", "第2行：主营业务“火箭发射”不在目录中", "第2行：企业规模“巨型”无效，应为大型、中型、小型或微型",
		"第3行：“法定代表人”不能为空", "第3行：手机号“12345”格式不正确", "第3行：法定代表人不超过30字，地址不超过200字",
		"第3行：企业名称与第2行重复", "第3行：统一社会信用代码与第2行重复",
		"第4行：统一社会信用代码校验位不正确", "第4行：企业名称应为2至50个字符，不能含空白",
	}
	got := messages(errs)
	for i := range got {
		if i < len(want) && !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d = %q, want %q…", i, got[i], want[i])
		}
	}
	if len(got) != len(want) {
		t.Errorf("errors:\n%q\nwant\n%q", got, want)
	}
}
