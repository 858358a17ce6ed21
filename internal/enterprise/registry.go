package enterprise

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/org"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/listq"
	"yqyb/internal/platform/sheet"
	"yqyb/internal/rbac"
	"yqyb/internal/setup"
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

// InitialPasswords writes a spreadsheet of the jurisdiction's enterprise accounts that still have their
// derived initial password, with that password and until when it works (an expired one must be re-issued
// first). Derived passwords are recomputed from the enterprise's data rather than stored; once changed they
// no longer appear. The export hands out the secrets of every enterprise that has not logged in yet, so it
// is recorded in the audit log with how many accounts it held.
func (s *Service) InitialPasswords(ctx context.Context, a audit.Actor, jurisdiction string, ids []int64) ([]byte, error) {
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
	detail := map[string]any{"accounts": len(rows)}
	if len(ids) > 0 {
		detail["selected_enterprise_ids"] = ids
	}
	if err := audit.Record(ctx, s.db, s.now(), a, audit.Entry{Action: audit.InitialPasswordExport, RegionID: a.RegionID,
		TargetType: "region", TargetID: a.RegionID, TargetName: "导出企业初始密码", After: detail}); err != nil {
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
