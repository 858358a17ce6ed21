// Package demo loads the fixed demo scenario that `make run`, the API tests and the browser tests share:
// regulators, two enterprises in different districts with departments, posts, post users and roles. Every
// demo account's password is DemoPassword and need not be changed, which is for demonstration only;
// accounts created through the product always get a password that must be changed at first login.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/org"
	"yqyb/internal/platform/clock"
	"yqyb/internal/rbac"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "Demo@2026"

// Names of the scenario, used by tests to find its rows.
const (
	PlatformAdmin   = "平台管理员"
	CityRegulator   = "北京市应急管理局"
	ChaoyangReg     = "朝阳区安监局"
	HaidianReg      = "海淀区安监局"
	MallName        = "北京朝阳示范商场有限公司"
	MallCode        = "91110105MA01ABCD13"
	MallLegalPhone  = "13800138000"
	FactoryName     = "北京海淀精工机械有限公司"
	FactoryCode     = "91110108MA01JXJG2N"
	FactoryPhone    = "13911112222"
	MallSafetyUser  = "朝阳商场-安全员"
	MallElectrician = "朝阳商场-电工"
	MallForklift    = "朝阳商场-叉车司机"
	MallKeeper      = "朝阳商场-库管员"
	FactoryWelder   = "海淀精工-焊工"
	SafetyRoleName  = "安全员"
)

// Account is a demo login, printed by `yqyb seed`.
type Account struct {
	Role     string // who it is, in Chinese
	Mode     string // personal or enterprise login
	Username string
	Password string
}

// Scenario holds the ids the tests use.
type Scenario struct {
	PlatformAdminID   int64
	CityRegulatorID   int64
	ChaoyangRegID     int64
	HaidianRegID      int64
	MallID            int64
	MallAdminID       int64
	MallEntUserID     int64
	FactoryID         int64
	FactoryAdminID    int64
	FactoryEntUserID  int64
	Posts             map[string]int64 // "部门/岗位" of the mall and the factory
	Users             map[string]int64 // login name → id
	MallSafetyRoleID  int64
	MallDefaultRoleID int64
	Accounts          []Account
}

// ErrNotEmpty is returned with IfEmpty when the database already holds enterprises.
var ErrNotEmpty = errors.New("数据库中已有企业数据，跳过演示数据")

// Seed loads the scenario. It is idempotent: when the demo enterprise exists it loads nothing and returns
// the scenario as found. With ifEmpty it also loads nothing into a database that holds other enterprises.
func Seed(ctx context.Context, db *gorm.DB, clk clock.Clock, hasher account.Hasher, ifEmpty bool) (Scenario, error) {
	if sc, err := Load(ctx, db); err == nil {
		return sc, nil
	}
	if ifEmpty {
		var n int64
		if err := db.WithContext(ctx).Table("enterprises").Count(&n).Error; err != nil {
			return Scenario{}, err
		}
		if n > 0 {
			return Scenario{}, ErrNotEmpty
		}
	}
	hash, err := hasher.Hash(DemoPassword)
	if err != nil {
		return Scenario{}, err
	}
	s := seeder{ctx: ctx, now: clk.Now().UTC(), hash: hash}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		s.tx = tx
		return s.run(clk)
	})
	if err != nil {
		return Scenario{}, fmt.Errorf("写入演示数据: %w", err)
	}
	return Load(ctx, db)
}

type seeder struct {
	ctx  context.Context
	tx   *gorm.DB
	now  time.Time
	hash string
}

// region looks up a region of the reference data by its code.
func (s *seeder) region(code string) (org.Region, error) {
	var r org.Region
	if err := s.tx.Where("code = ?", code).Take(&r).Error; err != nil {
		return r, fmt.Errorf("demo: region %s: %w", code, err)
	}
	return r, nil
}

func (s *seeder) user(u account.User) (int64, error) {
	u.PasswordHash, u.MustChangePassword, u.PasswordOrigin, u.Status, u.TokenVersion = s.hash, false, account.OriginChosen, account.StatusActive, 1
	u.CreatedAt, u.UpdatedAt = s.now, s.now
	err := s.tx.Create(&u).Error
	return u.ID, err
}

func (s *seeder) enterprise(name, code, rep, phone, regionCode, address, industry, business, scale string) (int64, error) {
	reg, err := s.region(regionCode)
	if err != nil {
		return 0, err
	}
	var mb int64
	if err := s.tx.Table("main_businesses").Where("code = ?", business).Select("id").Scan(&mb).Error; err != nil {
		return 0, err
	}
	e := org.Enterprise{Name: name, CreditCode: code, LegalRep: rep, LegalPhone: phone, RegionID: reg.ID, RegionPath: reg.Path,
		Address: address, Industry: industry, MainBusinessID: &mb, Scale: scale, Status: "active", CreatedAt: s.now, UpdatedAt: s.now}
	if err := s.tx.Create(&e).Error; err != nil {
		return 0, err
	}
	if _, err := s.user(account.User{Kind: rbac.KindEnterpriseAdmin, LoginName: name, DisplayName: name + "管理员", EnterpriseID: &e.ID}); err != nil {
		return 0, err
	}
	_, err = s.user(account.User{Kind: rbac.KindEnterpriseUser, LoginName: name, DisplayName: name, Phone: phone, EnterpriseID: &e.ID})
	return e.ID, err
}

// keyPosts carry a large safety responsibility and are inspected daily by default (FAQ 8).
var keyPosts = map[string]bool{"电工": true, "叉车司机": true, "焊工": true, "电梯管理员": true}

// structure creates departments and posts: map of department → posts, in order.
func (s *seeder) structure(entID int64, depts []struct {
	name  string
	posts []string
}) (map[string]int64, error) {
	posts := map[string]int64{}
	for i, d := range depts {
		dept := org.Department{EnterpriseID: entID, Name: d.name, SortOrder: i, CreatedAt: s.now, UpdatedAt: s.now}
		if err := s.tx.Create(&dept).Error; err != nil {
			return nil, err
		}
		for j, p := range d.posts {
			level, freq := org.LevelMedium, "weekly"
			if keyPosts[p] {
				level, freq = org.LevelHigh, "daily"
			}
			post := org.Post{EnterpriseID: entID, DepartmentID: dept.ID, Name: p, Status: "active", ResponsibilityLevel: level,
				DefaultFrequency: freq, SortOrder: i*10 + j, CreatedAt: s.now, UpdatedAt: s.now}
			if err := s.tx.Create(&post).Error; err != nil {
				return nil, err
			}
			posts[d.name+"/"+p] = post.ID
		}
	}
	return posts, nil
}

func (s *seeder) postUser(entID, postID int64, login, name, phone string) (int64, error) {
	id, err := s.user(account.User{Kind: rbac.KindPostUser, LoginName: login, DisplayName: name, Phone: phone, EnterpriseID: &entID, PostID: &postID})
	if err != nil {
		return 0, err
	}
	return id, rbac.AssignDefaultRole(s.tx, entID, id)
}

func (s *seeder) run(clk clock.Clock) error {
	var ids [3]int64
	for i, code := range []string{"110000", "110105", "110108"} {
		r, err := s.region(code)
		if err != nil {
			return err
		}
		ids[i] = r.ID
	}
	cityID, cyID, hdID := ids[0], ids[1], ids[2]
	if _, err := s.user(account.User{Kind: rbac.KindPlatformAdmin, LoginName: PlatformAdmin, DisplayName: "平台管理员"}); err != nil {
		return err
	}
	for _, r := range []struct {
		login, name string
		region      int64
	}{{CityRegulator, "市应急管理局安全监管处", cityID}, {ChaoyangReg, "朝阳区应急管理局", cyID}, {HaidianReg, "海淀区应急管理局", hdID}} {
		region := r.region
		if _, err := s.user(account.User{Kind: rbac.KindRegulator, LoginName: r.login, DisplayName: r.name, RegionID: &region}); err != nil {
			return err
		}
	}

	mall, err := s.enterprise(MallName, MallCode, "王建国", MallLegalPhone, "110105", "北京市朝阳区建国路88号", "F", "retail", "medium")
	if err != nil {
		return err
	}
	mallPosts, err := s.structure(mall, []struct {
		name  string
		posts []string
	}{
		{"安全管理部", []string{"安全员"}},
		{"工程部", []string{"电工", "电梯管理员"}},
		{"仓储部", []string{"叉车司机", "库管员"}},
		{"营业部", []string{"收银员"}},
	})
	if err != nil {
		return err
	}
	mallUsers := []struct{ login, name, phone, post string }{
		{MallSafetyUser, "张伟", "13700000001", "安全管理部/安全员"},
		{MallElectrician, "李强", "13700000002", "工程部/电工"},
		{MallForklift, "赵磊", "13700000003", "仓储部/叉车司机"},
		{MallKeeper, "孙丽", "13700000004", "仓储部/库管员"},
	}
	var safetyUser int64
	for _, u := range mallUsers {
		id, err := s.postUser(mall, mallPosts[u.post], u.login, u.name, u.phone)
		if err != nil {
			return err
		}
		if u.login == MallSafetyUser {
			safetyUser = id
		}
	}

	factory, err := s.enterprise(FactoryName, FactoryCode, "陈志明", FactoryPhone, "110108", "北京市海淀区上地信息路6号", "C", "machinery", "small")
	if err != nil {
		return err
	}
	factoryPosts, err := s.structure(factory, []struct {
		name  string
		posts []string
	}{
		{"生产部", []string{"焊工", "车工"}},
		{"设备部", []string{"设备管理员"}},
	})
	if err != nil {
		return err
	}
	if _, err := s.postUser(factory, factoryPosts["生产部/焊工"], FactoryWelder, "周海", "13600000001"); err != nil {
		return err
	}

	// A role the mall admin made: the safety officer may view users and the audit log.
	var admin account.User
	if err := s.tx.Where("enterprise_id = ? AND kind = ?", mall, rbac.KindEnterpriseAdmin).Take(&admin).Error; err != nil {
		return err
	}
	g := rbac.Grantor{UserID: admin.ID, EnterpriseID: mall, Held: rbac.Implicit(rbac.KindEnterpriseAdmin),
		Actor: audit.Actor{ID: admin.ID, Name: admin.LoginName, EnterpriseID: mall}}
	return rbac.CreateRoleTx(s.ctx, s.tx, clk, g, rbac.RoleInput{Name: SafetyRoleName, Description: "查看用户和审计日志"},
		[]string{rbac.UserList, rbac.AuditView}, []int64{safetyUser})
}

// Load finds the scenario in a database where it was seeded.
func Load(ctx context.Context, db *gorm.DB) (Scenario, error) {
	db = db.WithContext(ctx)
	sc := Scenario{Posts: map[string]int64{}, Users: map[string]int64{}}
	var ents []org.Enterprise
	if err := db.Where("name IN ?", []string{MallName, FactoryName}).Find(&ents).Error; err != nil {
		return sc, err
	}
	if len(ents) != 2 {
		return sc, errors.New("demo scenario not seeded")
	}
	for _, e := range ents {
		if e.Name == MallName {
			sc.MallID = e.ID
		} else {
			sc.FactoryID = e.ID
		}
	}
	var users []account.User
	if err := db.Where("deleted_at IS NULL AND (enterprise_id IN ? OR kind IN ?)", []int64{sc.MallID, sc.FactoryID},
		[]string{rbac.KindPlatformAdmin, rbac.KindRegulator}).Find(&users).Error; err != nil {
		return sc, err
	}
	for _, u := range users {
		switch {
		case u.Kind == rbac.KindEnterpriseAdmin && *u.EnterpriseID == sc.MallID:
			sc.MallAdminID = u.ID
		case u.Kind == rbac.KindEnterpriseUser && *u.EnterpriseID == sc.MallID:
			sc.MallEntUserID = u.ID
		case u.Kind == rbac.KindEnterpriseAdmin:
			sc.FactoryAdminID = u.ID
		case u.Kind == rbac.KindEnterpriseUser:
			sc.FactoryEntUserID = u.ID
		default:
			sc.Users[u.LoginName] = u.ID
		}
	}
	sc.PlatformAdminID, sc.CityRegulatorID = sc.Users[PlatformAdmin], sc.Users[CityRegulator]
	sc.ChaoyangRegID, sc.HaidianRegID = sc.Users[ChaoyangReg], sc.Users[HaidianReg]
	var posts []struct {
		ID         int64
		Dept, Post string
	}
	if err := db.Table("posts p").Select("p.id, d.name AS dept, p.name AS post").Joins("JOIN departments d ON d.id = p.department_id").
		Where("p.enterprise_id IN ?", []int64{sc.MallID, sc.FactoryID}).Scan(&posts).Error; err != nil {
		return sc, err
	}
	for _, p := range posts {
		sc.Posts[p.Dept+"/"+p.Post] = p.ID
	}
	var roles []rbac.Role
	if err := db.Where("domain = ?", rbac.EnterpriseDomain(sc.MallID)).Find(&roles).Error; err != nil {
		return sc, err
	}
	for _, r := range roles {
		if r.IsSystem {
			sc.MallDefaultRoleID = r.ID
		} else if r.Name == SafetyRoleName {
			sc.MallSafetyRoleID = r.ID
		}
	}
	sc.Accounts = []Account{
		{"平台管理员", "个人用户登录", PlatformAdmin, DemoPassword},
		{"市级监管（北京市）", "个人用户登录", CityRegulator, DemoPassword},
		{"区级监管（朝阳区）", "个人用户登录", ChaoyangReg, DemoPassword},
		{"区级监管（海淀区）", "个人用户登录", HaidianReg, DemoPassword},
		{"企业管理账号", "个人用户登录", MallName, DemoPassword},
		{"企业用户（名称或信用代码）", "企业用户登录", MallCode, DemoPassword},
		{"岗位用户（安全员，含“安全员”角色）", "个人用户登录", MallSafetyUser, DemoPassword},
		{"岗位用户（电工）", "个人用户登录", MallElectrician, DemoPassword},
		{"另一企业的管理账号（海淀区）", "个人用户登录", FactoryName, DemoPassword},
	}
	return sc, nil
}
