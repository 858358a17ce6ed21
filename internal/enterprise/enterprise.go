// Package enterprise is the regulator's registry of enterprises and each enterprise's own profile:
// registering an enterprise (one by one or from a spreadsheet) creates its enterprise admin and
// enterprise-user accounts with derived initial passwords; the enterprise-user account maintains the
// enterprise's basic information (企业基础信息, FAQ 24) and every change is audited.
package enterprise

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/org"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/rbac"
	"yqyb/internal/setup"
	"yqyb/pkg/mobile"
	"yqyb/pkg/uscc"
)

// Industries are the sections (门类) of the national classification of economic activities, GB/T 4754-2017.
var Industries = []Option{
	{"A", "农、林、牧、渔业"}, {"B", "采矿业"}, {"C", "制造业"}, {"D", "电力、热力、燃气及水生产和供应业"}, {"E", "建筑业"},
	{"F", "批发和零售业"}, {"G", "交通运输、仓储和邮政业"}, {"H", "住宿和餐饮业"}, {"I", "信息传输、软件和信息技术服务业"},
	{"J", "金融业"}, {"K", "房地产业"}, {"L", "租赁和商务服务业"}, {"M", "科学研究和技术服务业"}, {"N", "水利、环境和公共设施管理业"},
	{"O", "居民服务、修理和其他服务业"}, {"P", "教育"}, {"Q", "卫生和社会工作"}, {"R", "文化、体育和娱乐业"},
	{"S", "公共管理、社会保障和社会组织"}, {"T", "国际组织"},
}

// Scales are the enterprise size classes of the national statistical standard.
var Scales = []Option{{"large", "大型"}, {"medium", "中型"}, {"small", "小型"}, {"micro", "微型"}}

// Option is a code with its Chinese name.
type Option struct {
	Code string `json:"code" example:"F"`
	Name string `json:"name" example:"批发和零售业"`
} // @name Option

func optionName(opts []Option, code string) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Name
		}
	}
	return ""
}

// optionCode accepts a code or a name (as typed in a spreadsheet).
func optionCode(opts []Option, s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, o := range opts {
		if strings.EqualFold(o.Code, s) || o.Name == s {
			return o.Code, true
		}
	}
	return "", false
}

// MainBusiness is an entry of the main-business catalogue (主营业务).
type MainBusiness struct {
	ID          int64  `json:"id"`
	Code        string `json:"code" example:"retail"`
	Name        string `json:"name" example:"商场超市"`
	Description string `json:"description"`
	SortOrder   int    `json:"sort_order"`
} // @name MainBusiness

// MainBusinesses lists the catalogue.
func (s *Service) MainBusinesses(ctx context.Context) ([]MainBusiness, error) {
	out := []MainBusiness{}
	err := s.db.WithContext(ctx).Order("sort_order, id").Find(&out).Error
	return out, err
}

// Errors of the registry and profile.
var (
	ErrNameTaken     = apperr.New(apperr.Conflict, "enterprise_name_taken", "企业名称已被登记，或与某个岗位账号、监管账号的登录名相同")
	ErrCodeTaken     = apperr.New(apperr.Conflict, "credit_code_taken", "该统一社会信用代码的企业已登记")
	ErrRegionOutside = apperr.New(apperr.Forbidden, "region_outside_jurisdiction", "所选区域不在本监管账号的辖区内")
	ErrMainBusiness  = apperr.New(apperr.Invalid, "main_business_not_found", "主营业务不存在")
)

// Service is the registry and profile service.
type Service struct {
	db       *gorm.DB
	clk      clock.Clock
	hasher   account.Hasher
	accounts *account.Service // the initial passwords' lifetime and re-issue
	setup    *setup.Service
}

// NewService returns the service.
func NewService(db *gorm.DB, clk clock.Clock, accounts *account.Service, st *setup.Service) *Service {
	return &Service{db: db, clk: clk, hasher: accounts.Hasher(), accounts: accounts, setup: st}
}

func (s *Service) now() time.Time { return s.clk.Now().UTC() }

// Input is an enterprise's registered data, typed by a regulator or by the enterprise itself.
type Input struct {
	Name           string `json:"name" label:"企业名称" validate:"required,max=100"`
	CreditCode     string `json:"credit_code" label:"统一社会信用代码" validate:"required,uscc"`
	LegalRep       string `json:"legal_rep" label:"法定代表人" validate:"required,max=30"`
	LegalPhone     string `json:"legal_phone" label:"法定代表人手机号" validate:"required,mobile"`
	RegionID       int64  `json:"region_id" label:"所属区域" validate:"required,gt=0"`
	Address        string `json:"address" label:"地址" validate:"required,max=200"`
	Industry       string `json:"industry" label:"行业门类" validate:"required,len=1" example:"F"`
	MainBusinessID int64  `json:"main_business_id" label:"主营业务" validate:"required,gt=0"`
	Scale          string `json:"scale" label:"企业规模" validate:"required,oneof=large medium small micro" enums:"large,medium,small,micro"`
}

// fold brings an input into its stored form.
func (in *Input) fold() {
	in.Name = account.NormalizeLoginName(in.Name)
	in.CreditCode = uscc.Normalize(in.CreditCode)
	in.LegalRep = strings.TrimSpace(in.LegalRep)
	if p, err := mobile.Normalize(in.LegalPhone); err == nil {
		in.LegalPhone = p
	}
	in.Address = strings.TrimSpace(in.Address)
	in.Industry = strings.ToUpper(strings.TrimSpace(in.Industry))
}

// normalize folds an input and checks what the validation tags cannot: the name as a login name and the
// industry code.
func (in *Input) normalize() error {
	in.fold()
	var bad []apperr.FieldError
	if !account.ValidLoginName(in.Name) {
		bad = append(bad, apperr.FieldError{Field: "name", Message: "企业名称应为2至50个字符，不能含空白"})
	}
	if optionName(Industries, in.Industry) == "" {
		bad = append(bad, apperr.FieldError{Field: "industry", Message: "行业门类应为 A 至 T 之一"})
	}
	if len(bad) > 0 {
		return apperr.Validation(bad...)
	}
	return nil
}

// Profile is an enterprise's basic information (企业基础信息).
type Profile struct {
	ID               int64     `json:"id"`
	Name             string    `json:"name" example:"北京朝阳示范商场有限公司"`
	CreditCode       string    `json:"credit_code" example:"91110105MA01ABCD13"`
	LegalRep         string    `json:"legal_rep" example:"王建国"`
	LegalPhone       string    `json:"legal_phone" example:"13800138000"`
	RegionID         int64     `json:"region_id"`
	RegionName       string    `json:"region_name" example:"朝阳区"`
	Address          string    `json:"address"`
	Industry         string    `json:"industry" example:"F"`
	IndustryName     string    `json:"industry_name" example:"批发和零售业"`
	MainBusinessID   int64     `json:"main_business_id"`
	MainBusinessName string    `json:"main_business_name" example:"商场超市"`
	Scale            string    `json:"scale" enums:"large,medium,small,micro"`
	ScaleName        string    `json:"scale_name" example:"中型"`
	Status           string    `json:"status" enums:"active,disabled"`
	CreatedAt        time.Time `json:"created_at" format:"date-time"`
	UpdatedAt        time.Time `json:"updated_at" format:"date-time"`
} // @name EnterpriseProfile

// GetProfile loads an enterprise's profile.
func (s *Service) GetProfile(ctx context.Context, ent int64) (Profile, error) {
	ps, err := s.profiles(ctx, []int64{ent})
	if err != nil {
		return Profile{}, err
	}
	if len(ps) == 0 {
		return Profile{}, org.ErrEnterpriseNotFound
	}
	return ps[0], nil
}

// profiles loads the profiles of the enterprises ids, in the order of ids; an id that names none is left out.
func (s *Service) profiles(ctx context.Context, ids []int64) ([]Profile, error) {
	var rows []Profile
	err := s.db.WithContext(ctx).Table("enterprises e").
		Select(`e.id, e.name, e.credit_code, e.legal_rep, e.legal_phone, e.region_id, r.name AS region_name, e.address, e.industry,
			COALESCE(e.main_business_id, 0) AS main_business_id, COALESCE(m.name, '') AS main_business_name, e.scale, e.status,
			e.created_at, e.updated_at`).
		Joins("JOIN regions r ON r.id = e.region_id").
		Joins("LEFT JOIN main_businesses m ON m.id = e.main_business_id").
		Where("e.id IN ?", ids).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Profile, len(rows))
	for _, p := range rows {
		p.IndustryName, p.ScaleName = optionName(Industries, p.Industry), optionName(Scales, p.Scale)
		byID[p.ID] = p
	}
	out := make([]Profile, 0, len(ids))
	for _, id := range ids {
		if p, ok := byID[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

func checkMainBusiness(tx *gorm.DB, id int64) error {
	var n int64
	if err := tx.Table("main_businesses").Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return ErrMainBusiness
	}
	return nil
}

// uniqueness maps a unique-index violation to the right error. Both the enterprise's indexes and the
// login-name namespace (an enterprise's name is its admin's login name) can refuse a name.
func uniqueness(err error) error {
	if !errors.Is(err, gorm.ErrDuplicatedKey) {
		return err
	}
	if strings.Contains(err.Error(), "credit_code") {
		return ErrCodeTaken
	}
	return ErrNameTaken
}

// nameInUse reports whether a name is taken in the personal-login namespace or by another enterprise.
func nameInUse(tx *gorm.DB, name string, exceptEnterprise int64) (bool, error) {
	var n int64
	err := tx.Table("users").Where("login_name = ? AND kind <> ? AND deleted_at IS NULL AND (enterprise_id IS NULL OR enterprise_id <> ?)",
		name, rbac.KindEnterpriseUser, exceptEnterprise).Count(&n).Error
	if err != nil || n > 0 {
		return n > 0, err
	}
	err = tx.Table("enterprises").Where("name = ? AND id <> ?", name, exceptEnterprise).Count(&n).Error
	return n > 0, err
}

// ProfileInput is what the enterprise itself may change: everything but its region, which places it under
// its regulators.
type ProfileInput struct {
	Name           string `json:"name" label:"企业名称" validate:"required,max=100"`
	CreditCode     string `json:"credit_code" label:"统一社会信用代码" validate:"required,uscc"`
	LegalRep       string `json:"legal_rep" label:"法定代表人" validate:"required,max=30"`
	LegalPhone     string `json:"legal_phone" label:"法定代表人手机号" validate:"required,mobile"`
	Address        string `json:"address" label:"地址" validate:"required,max=200"`
	Industry       string `json:"industry" label:"行业门类" validate:"required,len=1"`
	MainBusinessID int64  `json:"main_business_id" label:"主营业务" validate:"required,gt=0"`
	Scale          string `json:"scale" label:"企业规模" validate:"required,oneof=large medium small micro" enums:"large,medium,small,micro"`
}

// UpdateProfile changes an enterprise's basic information. A new name is also the new login name of its
// admin and enterprise-user accounts, so it must be free in the personal-login namespace. The main
// business only chooses the standard template and changes nothing else (FAQ 6).
func (s *Service) UpdateProfile(ctx context.Context, a audit.Actor, ent int64, in ProfileInput) (Profile, error) {
	before, err := s.GetProfile(ctx, ent)
	if err != nil {
		return Profile{}, err
	}
	norm := Input{Name: in.Name, CreditCode: in.CreditCode, LegalRep: in.LegalRep, LegalPhone: in.LegalPhone, RegionID: before.RegionID,
		Address: in.Address, Industry: in.Industry, MainBusinessID: in.MainBusinessID, Scale: in.Scale}
	if err := norm.normalize(); err != nil {
		return Profile{}, err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkMainBusiness(tx, norm.MainBusinessID); err != nil {
			return err
		}
		if norm.Name != before.Name {
			taken, err := nameInUse(tx, norm.Name, ent)
			if err != nil {
				return err
			}
			if taken {
				return ErrNameTaken
			}
		}
		now := s.now()
		if err := tx.Table("enterprises").Where("id = ?", ent).Updates(map[string]any{
			"name": norm.Name, "credit_code": norm.CreditCode, "legal_rep": norm.LegalRep, "legal_phone": norm.LegalPhone,
			"address": norm.Address, "industry": norm.Industry, "main_business_id": norm.MainBusinessID, "scale": norm.Scale, "updated_at": now,
		}).Error; err != nil {
			return uniqueness(err)
		}
		if norm.Name != before.Name {
			if err := tx.Table("users").Where("enterprise_id = ? AND kind IN ? AND deleted_at IS NULL", ent,
				[]string{rbac.KindEnterpriseAdmin, rbac.KindEnterpriseUser}).Updates(map[string]any{"login_name": norm.Name, "updated_at": now}).Error; err != nil {
				return uniqueness(err)
			}
		}
		after := before
		after.Name, after.CreditCode, after.LegalRep, after.LegalPhone, after.Address = norm.Name, norm.CreditCode, norm.LegalRep, norm.LegalPhone, norm.Address
		after.Industry, after.MainBusinessID, after.Scale = norm.Industry, norm.MainBusinessID, norm.Scale
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.EnterpriseUpdate, EnterpriseID: ent, TargetType: "enterprise",
			TargetID: ent, TargetName: norm.Name, Before: changed(before, after, true), After: changed(before, after, false)})
	})
	if err != nil {
		return Profile{}, err
	}
	return s.GetProfile(ctx, ent)
}

// changed lists only the fields that differ, so the audit log reads as a diff.
func changed(a, b Profile, before bool) map[string]any {
	pick := func(x, y any) any {
		if before {
			return x
		}
		return y
	}
	out := map[string]any{}
	add := func(k string, x, y any) {
		if x != y {
			out[k] = pick(x, y)
		}
	}
	add("name", a.Name, b.Name)
	add("credit_code", a.CreditCode, b.CreditCode)
	add("legal_rep", a.LegalRep, b.LegalRep)
	add("legal_phone", a.LegalPhone, b.LegalPhone)
	add("address", a.Address, b.Address)
	add("industry", a.Industry, b.Industry)
	add("main_business_id", a.MainBusinessID, b.MainBusinessID)
	add("scale", a.Scale, b.Scale)
	return out
}
