package enterprise

import (
	"context"
	"io"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/org"
	"yqyb/internal/platform/sheet"
	"yqyb/internal/rbac"
)

// Import columns, in template order.
const (
	colName     = "企业名称"
	colCode     = "统一社会信用代码"
	colRep      = "法定代表人"
	colPhone    = "法定代表人手机号"
	colRegion   = "所属区域"
	colAddress  = "地址"
	colIndustry = "行业门类"
	colBusiness = "主营业务"
	colScale    = "企业规模"
)

var importColumns = []string{colName, colCode, colRep, colPhone, colRegion, colAddress, colIndustry, colBusiness, colScale}

// MaxImportRows bounds one import file.
const MaxImportRows = 2000

// Longest values of the import's free-text columns, in characters.
const (
	maxLegalRepLen = 30
	maxAddressLen  = 200
)

// importLimits bound one enterprise import: the longest cell is the longest field (地址), and 100 万字 is
// five times what 2,000 rows of the longest fields hold.
var importLimits = sheet.Limits{MaxRows: MaxImportRows, MaxCellChars: maxAddressLen, MaxTotalChars: 1_000_000}

// ImportResult is what an import created.
type ImportResult struct {
	Created     int          `json:"created"`
	Enterprises []Registered `json:"enterprises"`
} // @name ImportEnterprisesResult

// regionChoices are the regions of a jurisdiction as a spreadsheet names them: "朝阳区", "朝阳区/建外街道".
func regionChoices(ctx context.Context, db *gorm.DB, jurisdiction string) ([]string, map[string]org.Region, error) {
	var rs []org.Region
	if err := db.WithContext(ctx).Where("path LIKE ?", jurisdiction+"%").Order("path").Find(&rs).Error; err != nil {
		return nil, nil, err
	}
	names, lookup := regionLabels(rs)
	return names, lookup, nil
}

// regionLabels names regions for a sheet, in the given order, and finds them by that label, by code, and by
// plain name (a street's plain name only when no district has it).
func regionLabels(rs []org.Region) ([]string, map[string]org.Region) {
	byID := map[int64]org.Region{}
	for _, r := range rs {
		byID[r.ID] = r
	}
	names := make([]string, 0, len(rs))
	lookup := map[string]org.Region{}
	for _, r := range rs {
		label := r.Name
		if r.Level == "street" && r.ParentID != nil {
			if p, ok := byID[*r.ParentID]; ok {
				label = p.Name + "/" + r.Name
			}
		}
		names = append(names, label)
		lookup[label] = r
		lookup[r.Code] = r
		if _, dup := lookup[r.Name]; !dup || r.Level != "street" {
			lookup[r.Name] = r
		}
	}
	return names, lookup
}

// Template returns the import template for a jurisdiction, with drop-down lists of its regions and of the
// catalogues.
func (s *Service) Template(ctx context.Context, jurisdiction string) ([]byte, error) {
	regions, _, err := regionChoices(ctx, s.db, jurisdiction)
	if err != nil {
		return nil, err
	}
	mbs, err := s.MainBusinesses(ctx)
	if err != nil {
		return nil, err
	}
	var business, industries, scales []string
	for _, m := range mbs {
		business = append(business, m.Name)
	}
	for _, o := range Industries {
		industries = append(industries, o.Code+" "+o.Name)
	}
	for _, o := range Scales {
		scales = append(scales, o.Name)
	}
	w, err := sheet.NewWorkbook("企业", []sheet.Column{
		{Title: colName, Required: true, Width: 32},
		{Title: colCode, Required: true, Width: 22, Note: "18位，按 GB 32100-2015 校验"},
		{Title: colRep, Required: true, Width: 12},
		{Title: colPhone, Required: true, Width: 16, Note: "法定代表人手机号，后4位用于初始密码"},
		{Title: colRegion, Required: true, Width: 20, Choices: regions, Note: "本辖区内的区或街道；街道写作“区/街道”"},
		{Title: colAddress, Required: true, Width: 32},
		{Title: colIndustry, Required: true, Width: 26, Choices: industries},
		{Title: colBusiness, Required: true, Width: 16, Choices: business, Note: "只决定企业标准的模板，选相近业务即可"},
		{Title: colScale, Required: true, Width: 10, Choices: scales},
	})
	if err != nil {
		return nil, err
	}
	return w.Bytes()
}

// Import registers every enterprise of a spreadsheet, or none. The file streams through the checks row by row
// (within importLimits); every problem is reported with its row and column, and only a clean file is written,
// in one transaction, with each enterprise's initial accounts. At most two imports run at once in a process
// (sheet.Imports).
func (s *Service) Import(ctx context.Context, a audit.Actor, jurisdiction string, r io.Reader) (ImportResult, error) {
	release, err := sheet.Imports.Enter(ctx)
	if err != nil {
		return ImportResult{}, err
	}
	defer release()
	rd, err := sheet.Open(r, importColumns, importLimits)
	if err != nil {
		return ImportResult{}, err
	}
	defer rd.Close()
	ref, err := s.importReference(ctx, jurisdiction)
	if err != nil {
		return ImportResult{}, err
	}
	plan, problems := planImport(rd.Rows(), ref)
	if err := rd.Err(); err != nil {
		return ImportResult{}, err
	}
	taken, err := s.takenBy(ctx, plan)
	if err != nil {
		return ImportResult{}, err
	}
	plan.conflicts(taken, &problems)
	if err := problems.Err(); err != nil {
		return ImportResult{}, err
	}
	return s.applyImport(ctx, a, plan)
}

// importReference loads what the rows are checked against: the jurisdiction's regions and the catalogue of
// main businesses.
func (s *Service) importReference(ctx context.Context, jurisdiction string) (importRef, error) {
	_, regions, err := regionChoices(ctx, s.db, jurisdiction)
	if err != nil {
		return importRef{}, err
	}
	mbs, err := s.MainBusinesses(ctx)
	if err != nil {
		return importRef{}, err
	}
	business := make(map[string]int64, 2*len(mbs))
	for _, m := range mbs {
		business[m.Name], business[m.Code] = m.ID, m.ID
	}
	return importRef{regions: regions, business: business}, nil
}

// takenBy finds which of the plan's names and credit codes are already registered, in bulk.
func (s *Service) takenBy(ctx context.Context, plan importPlan) (taken, error) {
	names := make([]string, 0, len(plan.rows))
	codes := make([]string, 0, len(plan.rows))
	for _, r := range plan.rows {
		names, codes = append(names, r.in.Name), append(codes, r.in.CreditCode)
	}
	var t taken
	db := s.db.WithContext(ctx)
	if err := db.Table("users").Where("login_name IN ? AND kind <> ? AND deleted_at IS NULL", names, rbac.KindEnterpriseUser).
		Pluck("login_name", &t.names).Error; err != nil {
		return t, err
	}
	err := db.Table("enterprises").Where("credit_code IN ?", codes).Pluck("credit_code", &t.codes).Error
	return t, err
}
