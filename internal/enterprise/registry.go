package enterprise

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/org"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/listq"
	"yqyb/internal/platform/sheet"
	"yqyb/internal/rbac"
	"yqyb/internal/setup"
	"yqyb/pkg/mobile"
	"yqyb/pkg/uscc"
)

// InitialAccount is an account created for a registered enterprise, with its derived initial password,
// shown once to the regulator (and exportable while unchanged), and when that password stops working.
type InitialAccount struct {
	Kind            string    `json:"kind" enums:"enterprise_admin,enterprise_user"`
	KindName        string    `json:"kind_name" example:"企业管理账号"`
	LoginMode       string    `json:"login_mode" example:"个人用户登录"`
	Username        string    `json:"username" example:"北京朝阳示范商场有限公司"`
	InitialPassword string    `json:"initial_password" example:"BJCYSABCD138000"`
	ExpiresAt       time.Time `json:"expires_at" format:"date-time"`
} // @name InitialAccount

// Registered is a newly registered enterprise with its accounts.
type Registered struct {
	Enterprise Profile          `json:"enterprise"`
	Accounts   []InitialAccount `json:"accounts"`
} // @name RegisteredEnterprise

func initialAccounts(name, code, password string, expires time.Time) []InitialAccount {
	return []InitialAccount{
		{Kind: rbac.KindEnterpriseAdmin, KindName: "企业管理账号", LoginMode: "个人用户登录", Username: name, InitialPassword: password, ExpiresAt: expires},
		{Kind: rbac.KindEnterpriseUser, KindName: "企业用户", LoginMode: "企业用户登录", Username: name + " 或 " + code, InitialPassword: password, ExpiresAt: expires},
	}
}

// enterpriseKinds are the two accounts every enterprise has.
var enterpriseKinds = []string{rbac.KindEnterpriseAdmin, rbac.KindEnterpriseUser}

// regionIn loads a region and checks that it lies in the jurisdiction whose path is given.
func regionIn(tx *gorm.DB, jurisdiction string, id int64) (org.Region, error) {
	var r org.Region
	if err := tx.Take(&r, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return r, org.ErrRegionNotFound
		}
		return r, err
	}
	if !strings.HasPrefix(r.Path, jurisdiction) {
		return r, ErrRegionOutside
	}
	return r, nil
}

// insert writes a registered enterprise and its two accounts; hash is the bcrypt hash of the derived
// initial password.
func (s *Service) insert(ctx context.Context, tx *gorm.DB, a audit.Actor, region org.Region, in Input, hash string) (int64, error) {
	now := s.now()
	regBy := a.ID
	e := org.Enterprise{Name: in.Name, CreditCode: in.CreditCode, LegalRep: in.LegalRep, LegalPhone: in.LegalPhone, RegionID: region.ID,
		RegionPath: region.Path, Address: in.Address, Industry: in.Industry, MainBusinessID: &in.MainBusinessID, Scale: in.Scale,
		RegisteredBy: &regBy, Status: "active", CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&e).Error; err != nil {
		return 0, uniqueness(err)
	}
	for _, u := range []account.User{
		{Kind: rbac.KindEnterpriseAdmin, LoginName: in.Name, DisplayName: in.Name + "管理员"},
		{Kind: rbac.KindEnterpriseUser, LoginName: in.Name, DisplayName: in.Name, Phone: in.LegalPhone},
	} {
		u.PasswordHash, u.MustChangePassword, u.PasswordOrigin, u.EnterpriseID = hash, true, account.OriginDerived, &e.ID
		u.Status, u.TokenVersion, u.PasswordIssuedAt, u.CreatedAt, u.UpdatedAt = account.StatusActive, 1, &now, now, now
		if err := tx.Create(&u).Error; err != nil {
			return 0, uniqueness(err)
		}
	}
	return e.ID, audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.EnterpriseRegister, EnterpriseID: e.ID, RegionID: region.ID,
		TargetType: "enterprise", TargetID: e.ID, TargetName: e.Name, After: in})
}

// Register adds an enterprise in the regulator's jurisdiction and creates its accounts, both with the
// derived initial password (FAQ 23) that must be changed at first login.
func (s *Service) Register(ctx context.Context, a audit.Actor, jurisdiction string, in Input) (Registered, error) {
	if err := in.normalize(); err != nil {
		return Registered{}, err
	}
	pw := account.InitialPassword(in.Name, in.CreditCode, in.LegalPhone)
	hash, err := s.hasher.Hash(pw)
	if err != nil {
		return Registered{}, err
	}
	var id int64
	issued := s.now()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		region, err := regionIn(tx, jurisdiction, in.RegionID)
		if err != nil {
			return err
		}
		if err := checkMainBusiness(tx, in.MainBusinessID); err != nil {
			return err
		}
		if taken, err := nameInUse(tx, in.Name, 0); err != nil {
			return err
		} else if taken {
			return ErrNameTaken
		}
		id, err = s.insert(ctx, tx, a, region, in, hash)
		return err
	})
	if err != nil {
		return Registered{}, err
	}
	p, err := s.GetProfile(ctx, id)
	return Registered{Enterprise: p, Accounts: initialAccounts(p.Name, p.CreditCode, pw, issued.Add(s.accounts.InitialPasswordTTL()))}, err
}

// ListItem is an enterprise in a regulator's list, with its setup state and whether its accounts still
// have their initial password.
type ListItem struct {
	org.EnterpriseListItem
	Setup           setup.Summary        `json:"setup"`
	InitialPassword InitialPasswordState `json:"initial_password"`
} // @name RegistryItem

// ListFilter narrows the regulator's list.
type ListFilter struct {
	Keyword  string
	RegionID int64
	// InitialPassword keeps enterprises whose initial-password status (InitialPasswordState.Status) is this;
	// empty keeps all.
	InitialPassword string
}

// List pages the enterprises in the jurisdiction with their setup state and initial-password state.
func (s *Service) List(ctx context.Context, jurisdiction string, f ListFilter, q listq.Query) (listq.Page[ListItem], error) {
	var scopes []func(*gorm.DB) *gorm.DB
	if f.InitialPassword != "" {
		scopes = append(scopes, s.initialPasswordScope(f.InitialPassword))
	}
	page, err := org.ListInRegion(ctx, s.db, jurisdiction, f.Keyword, f.RegionID, q, scopes...)
	if err != nil {
		return listq.Page[ListItem]{}, err
	}
	ids := make([]int64, len(page.Items))
	for i, it := range page.Items {
		ids[i] = it.ID
	}
	sums, err := s.setup.Summaries(ctx, ids)
	if err != nil {
		return listq.Page[ListItem]{}, err
	}
	states, err := s.initialPasswordStates(ctx, ids)
	if err != nil {
		return listq.Page[ListItem]{}, err
	}
	out := listq.Page[ListItem]{Items: make([]ListItem, len(page.Items)), Total: page.Total, Page: page.Page, PageSize: page.PageSize}
	for i, it := range page.Items {
		out.Items[i] = ListItem{EnterpriseListItem: it, Setup: sums[it.ID], InitialPassword: states[it.ID]}
	}
	return out, nil
}

// AccountState is an enterprise account as its regulator sees it.
type AccountState struct {
	Kind               string     `json:"kind" enums:"enterprise_admin,enterprise_user"`
	LoginName          string     `json:"login_name"`
	Status             string     `json:"status" enums:"active,disabled"`
	MustChangePassword bool       `json:"must_change_password"`
	LastLoginAt        *time.Time `json:"last_login_at" format:"date-time" extensions:"x-nullable"`
	// InitialPasswordExpiresAt is when the account's initial password stops (or stopped) working, while it
	// still has it; null once it was changed (or replaced by a temporary password).
	InitialPasswordExpiresAt *time.Time `json:"initial_password_expires_at" format:"date-time" extensions:"x-nullable"`
} // @name EnterpriseAccountState

// Detail is one enterprise as its regulator sees it.
type Detail struct {
	Profile  Profile        `json:"profile"`
	Setup    setup.Status   `json:"setup"`
	Accounts []AccountState `json:"accounts"`
} // @name RegistryDetail

// Get loads an enterprise of the jurisdiction with its setup state and accounts.
func (s *Service) Get(ctx context.Context, jurisdiction string, id int64) (Detail, error) {
	if _, err := org.EnterpriseInRegion(ctx, s.db, jurisdiction, id); err != nil {
		return Detail{}, err
	}
	p, err := s.GetProfile(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	st, err := s.setup.Status(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	var users []account.User
	if err := s.db.WithContext(ctx).Where("enterprise_id = ? AND kind IN ? AND deleted_at IS NULL", id, enterpriseKinds).
		Order("kind").Find(&users).Error; err != nil {
		return Detail{}, err
	}
	accts := make([]AccountState, len(users))
	for i, u := range users {
		accts[i] = AccountState{Kind: u.Kind, LoginName: u.LoginName, Status: u.Status, MustChangePassword: u.MustChangePassword, LastLoginAt: u.LastLoginAt}
		if at, ok := s.accounts.InitialPasswordExpiresAt(u); ok {
			accts[i].InitialPasswordExpiresAt = &at
		}
	}
	return Detail{Profile: p, Setup: st, Accounts: accts}, nil
}

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
	return names, lookup, nil
}

// Template returns the import template for a jurisdiction, with drop-down lists of its regions and of the
// catalogues.
func (s *Service) Template(ctx context.Context, jurisdiction string) ([]byte, error) {
	regions, _, err := regionChoices(ctx, s.db, jurisdiction)
	if err != nil {
		return nil, err
	}
	mbs, err := MainBusinesses(ctx, s.db)
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

// Import registers every enterprise of a spreadsheet, or none: each row is checked first and every problem
// is reported with its row and column; only a clean file is written, in one transaction.
func (s *Service) Import(ctx context.Context, a audit.Actor, jurisdiction string, r io.Reader) (ImportResult, error) {
	rows, err := sheet.Read(r, importColumns, MaxImportRows)
	if err != nil {
		return ImportResult{}, err
	}
	_, regions, err := regionChoices(ctx, s.db, jurisdiction)
	if err != nil {
		return ImportResult{}, err
	}
	mbs, err := MainBusinesses(ctx, s.db)
	if err != nil {
		return ImportResult{}, err
	}
	business := map[string]int64{}
	for _, m := range mbs {
		business[m.Name], business[m.Code] = m.ID, m.ID
	}

	var errs []sheet.RowError
	inputs := make([]Input, len(rows))
	seenName, seenCode := map[string]int{}, map[string]int{}
	for i, row := range rows {
		n := row.Number
		in := Input{Name: row.Get(colName), CreditCode: row.Get(colCode), LegalRep: row.Get(colRep), LegalPhone: row.Get(colPhone),
			Address: row.Get(colAddress)}
		for _, c := range importColumns {
			if row.Get(c) == "" {
				errs = append(errs, sheet.Errorf(n, c, "“%s”不能为空", c))
			}
		}
		if in.CreditCode != "" {
			if err := uscc.Validate(uscc.Normalize(in.CreditCode)); err != nil {
				errs = append(errs, sheet.Errorf(n, colCode, "%v", err))
			}
		}
		if in.LegalPhone != "" && !mobile.Valid(in.LegalPhone) {
			errs = append(errs, sheet.Errorf(n, colPhone, "手机号“%s”格式不正确", in.LegalPhone))
		}
		if v := row.Get(colRegion); v != "" {
			if reg, ok := regions[v]; ok {
				in.RegionID = reg.ID
			} else {
				errs = append(errs, sheet.Errorf(n, colRegion, "辖区内没有区域“%s”", v))
			}
		}
		if v := row.Get(colIndustry); v != "" {
			code, _, _ := strings.Cut(v, " ")
			if c, ok := optionCode(Industries, code); ok {
				in.Industry = c
			} else if c, ok := optionCode(Industries, v); ok {
				in.Industry = c
			} else {
				errs = append(errs, sheet.Errorf(n, colIndustry, "行业门类“%s”无效", v))
			}
		}
		if v := row.Get(colBusiness); v != "" {
			if id, ok := business[v]; ok {
				in.MainBusinessID = id
			} else {
				errs = append(errs, sheet.Errorf(n, colBusiness, "主营业务“%s”不在目录中", v))
			}
		}
		if v := row.Get(colScale); v != "" {
			if c, ok := optionCode(Scales, v); ok {
				in.Scale = c
			} else {
				errs = append(errs, sheet.Errorf(n, colScale, "企业规模“%s”无效，应为大型、中型、小型或微型", v))
			}
		}
		in.fold()
		if in.Name != "" && !account.ValidLoginName(in.Name) {
			errs = append(errs, sheet.Errorf(n, colName, "企业名称应为2至50个字符，不能含空白"))
		}
		if len([]rune(in.LegalRep)) > 30 || len([]rune(in.Address)) > 200 {
			errs = append(errs, sheet.Errorf(n, colAddress, "法定代表人不超过30字，地址不超过200字"))
		}
		if in.Name != "" {
			if first, dup := seenName[in.Name]; dup {
				errs = append(errs, sheet.Errorf(n, colName, "企业名称与第%d行重复", first))
			} else {
				seenName[in.Name] = n
			}
		}
		if in.CreditCode != "" {
			if first, dup := seenCode[in.CreditCode]; dup {
				errs = append(errs, sheet.Errorf(n, colCode, "统一社会信用代码与第%d行重复", first))
			} else {
				seenCode[in.CreditCode] = n
			}
		}
		inputs[i] = in
	}
	// Conflicts with what is already registered, checked in bulk.
	names := make([]string, 0, len(inputs))
	codes := make([]string, 0, len(inputs))
	for _, in := range inputs {
		names, codes = append(names, in.Name), append(codes, in.CreditCode)
	}
	var takenNames, takenCodes []string
	db := s.db.WithContext(ctx)
	if err := db.Table("users").Where("login_name IN ? AND kind <> ? AND deleted_at IS NULL", names, rbac.KindEnterpriseUser).
		Pluck("login_name", &takenNames).Error; err != nil {
		return ImportResult{}, err
	}
	if err := db.Table("enterprises").Where("credit_code IN ?", codes).Pluck("credit_code", &takenCodes).Error; err != nil {
		return ImportResult{}, err
	}
	tn, tc := setOf(takenNames), setOf(takenCodes)
	for i, in := range inputs {
		if tn[in.Name] {
			errs = append(errs, sheet.Errorf(rows[i].Number, colName, "企业“%s”已登记，或与已有账号重名", in.Name))
		}
		if tc[in.CreditCode] {
			errs = append(errs, sheet.Errorf(rows[i].Number, colCode, "统一社会信用代码“%s”的企业已登记", in.CreditCode))
		}
	}
	if len(errs) > 0 {
		return ImportResult{}, sheet.Rejected(errs)
	}

	passwords := make([]string, len(inputs))
	for i, in := range inputs {
		passwords[i] = account.InitialPassword(in.Name, in.CreditCode, in.LegalPhone)
	}
	hashes, err := s.hashAll(ctx, passwords)
	if err != nil {
		return ImportResult{}, err
	}
	ids := make([]int64, len(inputs))
	byID := regionsByID(regions)
	issued := s.now()
	err = db.Transaction(func(tx *gorm.DB) error {
		for i, in := range inputs {
			region := byID[in.RegionID]
			id, err := s.insert(ctx, tx, a, region, in, hashes[i])
			if err != nil {
				// A concurrent registration took a name or code after the check above.
				return sheet.Rejected([]sheet.RowError{sheet.Errorf(rows[i].Number, colName, "%v", messageOf(err))})
			}
			ids[i] = id
		}
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Created: len(ids), Enterprises: make([]Registered, len(ids))}
	expires := issued.Add(s.accounts.InitialPasswordTTL())
	for i, id := range ids {
		res.Enterprises[i] = Registered{
			Enterprise: Profile{ID: id, Name: inputs[i].Name, CreditCode: inputs[i].CreditCode, LegalRep: inputs[i].LegalRep, RegionID: inputs[i].RegionID},
			Accounts:   initialAccounts(inputs[i].Name, inputs[i].CreditCode, passwords[i], expires),
		}
	}
	return res, nil
}

func messageOf(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Message
	}
	return "写入失败"
}

func regionsByID(m map[string]org.Region) map[int64]org.Region {
	out := make(map[int64]org.Region, len(m))
	for _, r := range m {
		out[r.ID] = r
	}
	return out
}

func setOf(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, x := range s {
		m[x] = true
	}
	return m
}

// hashAll hashes passwords on every core: bcrypt is deliberately slow, and an import of a thousand
// enterprises would otherwise take a minute on one.
func (s *Service) hashAll(ctx context.Context, pws []string) ([]string, error) {
	out := make([]string, len(pws))
	errs := make([]error, len(pws))
	work := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				out[i], errs[i] = s.hasher.Hash(pws[i])
			}
		}()
	}
	for i := range pws {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// InitialPasswords writes a spreadsheet of the jurisdiction's enterprise accounts that still have their
// derived initial password, with that password and until when it works (an expired one must be re-issued
// first). Derived passwords are recomputed from the enterprise's data rather than stored; once changed they
// no longer appear.
func (s *Service) InitialPasswords(ctx context.Context, jurisdiction string, ids []int64) ([]byte, error) {
	var rows []struct {
		Name, CreditCode, LegalPhone, Kind, RegionName string
		PasswordIssuedAt                               *time.Time
		CreatedAt                                      time.Time
	}
	tx := s.db.WithContext(ctx).Table("users u").
		Select("e.name, e.credit_code, e.legal_phone, u.kind, r.name AS region_name, u.password_issued_at, u.created_at").
		Joins("JOIN enterprises e ON e.id = u.enterprise_id").
		Joins("JOIN regions r ON r.id = e.region_id").
		Where("e.region_path LIKE ? AND u.kind IN ? AND u.password_origin = ? AND u.must_change_password AND u.deleted_at IS NULL",
			jurisdiction+"%", enterpriseKinds, account.OriginDerived)
	if len(ids) > 0 {
		tx = tx.Where("e.id IN ?", ids)
	}
	if err := tx.Order("e.id, u.kind").Limit(100_000).Scan(&rows).Error; err != nil {
		return nil, err
	}
	w, err := sheet.NewWorkbook("初始密码", []sheet.Column{
		{Title: "企业名称", Width: 32}, {Title: "统一社会信用代码", Width: 22}, {Title: "所属区域", Width: 12}, {Title: "账号", Width: 14},
		{Title: "登录方式", Width: 14}, {Title: "用户名", Width: 32}, {Title: "初始密码", Width: 22, Note: "首次登录后必须修改；修改后不再出现在本表"},
		{Title: "有效期至", Width: 18, Note: "北京时间；过期未修改即失效，须重新下发"}, {Title: "状态", Width: 20},
	})
	if err != nil {
		return nil, err
	}
	now := s.clk.Now()
	for _, r := range rows {
		pw := account.InitialPassword(r.Name, r.CreditCode, r.LegalPhone)
		u := account.User{PasswordOrigin: account.OriginDerived, PasswordIssuedAt: r.PasswordIssuedAt, CreatedAt: r.CreatedAt}
		until, _ := s.accounts.InitialPasswordExpiresAt(u)
		state := "有效"
		if !now.Before(until) {
			state = "已过期，须重新下发"
		}
		for _, acc := range initialAccounts(r.Name, r.CreditCode, pw, until) {
			if acc.Kind == r.Kind {
				if err := w.Append(r.Name, r.CreditCode, r.RegionName, acc.KindName, acc.LoginMode, acc.Username, pw,
					until.In(clock.Business).Format("2006-01-02 15:04"), state); err != nil {
					return nil, err
				}
			}
		}
	}
	return w.Bytes()
}

// FileName names a download with the date, e.g. 企业初始密码-20261128.xlsx.
func FileName(prefix string, now time.Time) string {
	return fmt.Sprintf("%s-%s.xlsx", prefix, now.Format("20060102"))
}
