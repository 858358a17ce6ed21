package enterprise

import (
	"iter"
	"strings"
	"unicode/utf8"

	"yqyb/internal/account"
	"yqyb/internal/org"
	"yqyb/internal/platform/sheet"
	"yqyb/pkg/mobile"
	"yqyb/pkg/uscc"
)

// Checking an enterprise import is a pure function of its rows, the jurisdiction's regions and the catalogue
// of main businesses (planImport), then of the names and credit codes already registered (conflicts); neither
// touches the database. applyImport (import_apply.go) then registers a clean plan.

// importRef is what the rows are checked against, as loaded from the database.
type importRef struct {
	regions  map[string]org.Region // by label, code or name (regionLabels)
	business map[string]int64      // main business id by name or code
}

// importPlan is what a file asks for: one enterprise per data row, in file order.
type importPlan struct {
	rows []plannedEnterprise
}

type plannedEnterprise struct {
	row    int
	in     Input
	region org.Region
}

// taken are the names and credit codes of the plan already registered.
type taken struct {
	names, codes []string
}

// planImport checks every row and returns the plan, with the problems of every row; the plan is only to be
// applied when there are none, after conflicts.
func planImport(rows iter.Seq[sheet.Row], ref importRef) (importPlan, sheet.RowErrors) {
	var plan importPlan
	var errs sheet.RowErrors
	seenName, seenCode := map[string]int{}, map[string]int{}
	for row := range rows {
		p := planRow(row, ref, &errs)
		if p.in.Name != "" {
			if first, dup := seenName[p.in.Name]; dup {
				errs.Addf(p.row, colName, "企业名称与第%d行重复", first)
			} else {
				seenName[p.in.Name] = p.row
			}
		}
		if p.in.CreditCode != "" {
			if first, dup := seenCode[p.in.CreditCode]; dup {
				errs.Addf(p.row, colCode, "统一社会信用代码与第%d行重复", first)
			} else {
				seenCode[p.in.CreditCode] = p.row
			}
		}
		plan.rows = append(plan.rows, p)
	}
	return plan, errs
}

// planRow checks one row on its own.
func planRow(row sheet.Row, ref importRef, errs *sheet.RowErrors) plannedEnterprise {
	n := row.Number
	p := plannedEnterprise{row: n, in: Input{Name: row.Get(colName), CreditCode: row.Get(colCode), LegalRep: row.Get(colRep),
		LegalPhone: row.Get(colPhone), Address: row.Get(colAddress)}}
	in := &p.in
	for _, c := range importColumns {
		if row.Get(c) == "" {
			errs.Addf(n, c, "“%s”不能为空", c)
		}
	}
	if in.CreditCode != "" {
		if err := uscc.Validate(uscc.Normalize(in.CreditCode)); err != nil {
			errs.Addf(n, colCode, "%v", err)
		}
	}
	if in.LegalPhone != "" && !mobile.Valid(in.LegalPhone) {
		errs.Addf(n, colPhone, "手机号“%s”格式不正确", in.LegalPhone)
	}
	if v := row.Get(colRegion); v != "" {
		if reg, ok := ref.regions[v]; ok {
			in.RegionID, p.region = reg.ID, reg
		} else {
			errs.Addf(n, colRegion, "辖区内没有区域“%s”", v)
		}
	}
	if v := row.Get(colIndustry); v != "" {
		code, _, _ := strings.Cut(v, " ")
		if c, ok := optionCode(Industries, code); ok {
			in.Industry = c
		} else if c, ok := optionCode(Industries, v); ok {
			in.Industry = c
		} else {
			errs.Addf(n, colIndustry, "行业门类“%s”无效", v)
		}
	}
	if v := row.Get(colBusiness); v != "" {
		if id, ok := ref.business[v]; ok {
			in.MainBusinessID = id
		} else {
			errs.Addf(n, colBusiness, "主营业务“%s”不在目录中", v)
		}
	}
	if v := row.Get(colScale); v != "" {
		if c, ok := optionCode(Scales, v); ok {
			in.Scale = c
		} else {
			errs.Addf(n, colScale, "企业规模“%s”无效，应为大型、中型、小型或微型", v)
		}
	}
	in.fold()
	if in.Name != "" && !account.ValidLoginName(in.Name) {
		errs.Addf(n, colName, "企业名称应为2至50个字符，不能含空白")
	}
	if utf8.RuneCountInString(in.LegalRep) > maxLegalRepLen || utf8.RuneCountInString(in.Address) > maxAddressLen {
		errs.Addf(n, colAddress, "法定代表人不超过30字，地址不超过200字")
	}
	return p
}

// conflicts reports the rows whose name or credit code is already registered.
func (plan importPlan) conflicts(t taken, errs *sheet.RowErrors) {
	names, codes := setOf(t.names), setOf(t.codes)
	for _, p := range plan.rows {
		if names[p.in.Name] {
			errs.Addf(p.row, colName, "企业“%s”已登记，或与已有账号重名", p.in.Name)
		}
		if codes[p.in.CreditCode] {
			errs.Addf(p.row, colCode, "统一社会信用代码“%s”的企业已登记", p.in.CreditCode)
		}
	}
}

func setOf(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, x := range s {
		m[x] = true
	}
	return m
}
