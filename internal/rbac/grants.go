package rbac

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/listq"
)

// Errors of role and grant management.
var (
	ErrRoleNotFound      = apperr.New(apperr.NotFound, "role_not_found", "角色不存在")
	ErrRoleNameTaken     = apperr.New(apperr.Conflict, "role_name_taken", "角色名称已存在")
	ErrSystemRole        = apperr.New(apperr.Conflict, "system_role", "系统内置角色不能删除或改名")
	ErrUnknownPermission = apperr.New(apperr.Invalid, "unknown_permission", "包含不存在或不可授予的权限编码")
	ErrGrantExceedsOwn   = apperr.New(apperr.Forbidden, "grant_exceeds_own", "只能授予或收回自己拥有的权限")
	ErrOwnGrants         = apperr.New(apperr.Forbidden, "cannot_change_own_grants", "不能修改自己的权限或角色")
	ErrUserNotFound      = apperr.New(apperr.NotFound, "user_not_found", "用户不存在")
	ErrNotGrantable      = apperr.New(apperr.Invalid, "not_grantable", "只能给岗位用户授权或分配角色（企业管理账号天然拥有全部权限）")
)

// SystemRoleName is the default role every new post user gets.
const SystemRoleName = "岗位人员"

// Grantor is the user making a change to roles or grants, with the codes it holds.
type Grantor struct {
	UserID       int64
	EnterpriseID int64
	Held         []string
	Actor        audit.Actor
}

func (g Grantor) domain() string { return EnterpriseDomain(g.EnterpriseID) }

func (g Grantor) holds(code string) bool { return slices.Contains(g.Held, code) }

// Service manages roles, role grants, role assignments and user grants of enterprises.
type Service struct {
	db    *gorm.DB
	clk   clock.Clock
	authz *Authorizer
}

// NewService returns the role and grant service.
func NewService(db *gorm.DB, clk clock.Clock, authz *Authorizer) *Service {
	return &Service{db: db, clk: clk, authz: authz}
}

// Role is a row of roles.
type Role struct {
	ID           int64
	EnterpriseID int64
	Domain       string
	Name         string
	Description  string
	IsSystem     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// RoleView is a role as the API shows it.
type RoleView struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name" example:"安全员"`
	Description string    `json:"description"`
	IsSystem    bool      `json:"is_system"`
	Codes       []string  `json:"codes"`
	UserCount   int64     `json:"user_count"`
	CreatedAt   time.Time `json:"created_at" format:"date-time"`
	UpdatedAt   time.Time `json:"updated_at" format:"date-time"`
} // @name Role

// RoleInput is what an admin types for a role.
type RoleInput struct {
	Name        string `json:"name" label:"角色名称" validate:"required,max=50"`
	Description string `json:"description,omitempty" label:"角色说明" validate:"max=200"`
}

// RoleSpec is how roles can be sorted.
var RoleSpec = listq.Spec{
	Sorts:   map[string]string{"name": "name", "created_at": "created_at", "id": "id"},
	Default: []listq.Order{{Field: "id"}},
}

// ListRoles pages the enterprise's roles with their codes and member counts.
func (s *Service) ListRoles(ctx context.Context, enterpriseID int64, keyword string, q listq.Query) (listq.Page[RoleView], error) {
	domain := EnterpriseDomain(enterpriseID)
	tx := listq.Keyword(s.db.WithContext(ctx).Model(&Role{}).Where("domain = ?", domain), keyword, "name", "description")
	page, err := listq.Fetch[Role](tx, q)
	if err != nil {
		return listq.Page[RoleView]{}, err
	}
	views, err := s.views(ctx, domain, page.Items)
	return listq.Page[RoleView]{Items: views, Total: page.Total, Page: page.Page, PageSize: page.PageSize}, err
}

// GetRole loads one role of the enterprise.
func (s *Service) GetRole(ctx context.Context, enterpriseID, id int64) (RoleView, error) {
	r, err := s.role(ctx, s.db, EnterpriseDomain(enterpriseID), id)
	if err != nil {
		return RoleView{}, err
	}
	v, err := s.views(ctx, r.Domain, []Role{r})
	if err != nil {
		return RoleView{}, err
	}
	return v[0], nil
}

func (s *Service) role(ctx context.Context, db *gorm.DB, domain string, id int64) (Role, error) {
	var r Role
	err := db.WithContext(ctx).Where("id = ? AND domain = ?", id, domain).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, ErrRoleNotFound
	}
	return r, err
}

func (s *Service) views(ctx context.Context, domain string, roles []Role) ([]RoleView, error) {
	out := make([]RoleView, 0, len(roles))
	if len(roles) == 0 {
		return out, nil
	}
	subs := make([]string, len(roles))
	for i, r := range roles {
		subs[i] = roleSub(r.ID)
	}
	var lines []ruleRow
	if err := s.db.WithContext(ctx).Where("ptype = 'p' AND v1 = ? AND v0 IN ?", domain, subs).Find(&lines).Error; err != nil {
		return nil, err
	}
	codes := map[string][]string{}
	for _, l := range lines {
		codes[l.V0] = append(codes[l.V0], l.V2)
	}
	var counts []struct {
		Sub string
		N   int64
	}
	if err := s.db.WithContext(ctx).Table("casbin_rule").Select("v1 AS sub, COUNT(*) AS n").
		Where("ptype = 'g' AND v2 = ? AND v1 IN ?", domain, subs).Group("v1").Scan(&counts).Error; err != nil {
		return nil, err
	}
	n := map[string]int64{}
	for _, c := range counts {
		n[c.Sub] = c.N
	}
	for _, r := range roles {
		c := codes[roleSub(r.ID)]
		sort.Strings(c)
		if c == nil {
			c = []string{}
		}
		out = append(out, RoleView{ID: r.ID, Name: r.Name, Description: r.Description, IsSystem: r.IsSystem,
			Codes: c, UserCount: n[roleSub(r.ID)], CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt})
	}
	return out, nil
}

// CreateRole adds a role with its grants.
func (s *Service) CreateRole(ctx context.Context, g Grantor, in RoleInput, codes []string) (RoleView, error) {
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		id, err = createRole(ctx, tx, s.clk, g, in, codes, nil)
		return err
	})
	if err != nil {
		return RoleView{}, err
	}
	return s.GetRole(ctx, g.EnterpriseID, id)
}

// CreateRoleTx creates a role with its grants and members inside tx (the demo seed builds its scenario in
// one transaction with it).
func CreateRoleTx(ctx context.Context, tx *gorm.DB, clk clock.Clock, g Grantor, in RoleInput, codes []string, userIDs []int64) error {
	_, err := createRole(ctx, tx, clk, g, in, codes, userIDs)
	return err
}

func createRole(ctx context.Context, tx *gorm.DB, clk clock.Clock, g Grantor, in RoleInput, codes []string, userIDs []int64) (int64, error) {
	codes, err := g.checkChange(nil, codes)
	if err != nil {
		return 0, err
	}
	now := clk.Now().UTC()
	r := Role{EnterpriseID: g.EnterpriseID, Domain: g.domain(), Name: strings.TrimSpace(in.Name), Description: strings.TrimSpace(in.Description), CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&r).Error; err != nil {
		return 0, nameTaken(err)
	}
	if err := setLines(tx, "p", roleSub(r.ID), g.domain(), codes); err != nil {
		return 0, err
	}
	if err := checkGrantees(tx, g.EnterpriseID, userIDs); err != nil {
		return 0, err
	}
	for _, uid := range userIDs {
		if err := tx.Create(&ruleRow{Ptype: "g", V0: userSub(uid), V1: roleSub(r.ID), V2: g.domain()}).Error; err != nil {
			return 0, err
		}
	}
	if err := bumpDomain(tx, g.domain()); err != nil {
		return 0, err
	}
	if err := bumpUsers(tx, now, userIDs); err != nil {
		return 0, err
	}
	return r.ID, audit.Record(ctx, tx, now, g.Actor, audit.Entry{Action: audit.RoleCreate, TargetType: "role",
		TargetID: r.ID, TargetName: r.Name, After: map[string]any{"name": r.Name, "description": r.Description, "codes": codes, "user_ids": userIDs}})
}

func nameTaken(err error) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrRoleNameTaken
	}
	return err
}

// UpdateRole renames or re-describes a role.
func (s *Service) UpdateRole(ctx context.Context, g Grantor, id int64, in RoleInput) (RoleView, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := s.role(ctx, tx, g.domain(), id)
		if err != nil {
			return err
		}
		name := strings.TrimSpace(in.Name)
		if r.IsSystem && name != r.Name {
			return ErrSystemRole
		}
		before := map[string]any{"name": r.Name, "description": r.Description}
		if err := tx.Model(&r).Updates(map[string]any{"name": name, "description": strings.TrimSpace(in.Description), "updated_at": s.clk.Now().UTC()}).Error; err != nil {
			return nameTaken(err)
		}
		return audit.Record(ctx, tx, s.clk.Now(), g.Actor, audit.Entry{Action: audit.RoleUpdate, TargetType: "role", TargetID: id,
			TargetName: name, Before: before, After: map[string]any{"name": name, "description": strings.TrimSpace(in.Description)}})
	})
	if err != nil {
		return RoleView{}, err
	}
	return s.GetRole(ctx, g.EnterpriseID, id)
}

// DeleteRole removes a role, its grants and its assignments; its members lose what it gave them at once.
func (s *Service) DeleteRole(ctx context.Context, g Grantor, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := s.role(ctx, tx, g.domain(), id)
		if err != nil {
			return err
		}
		if r.IsSystem {
			return ErrSystemRole
		}
		codes, members, err := roleState(tx, g.domain(), id)
		if err != nil {
			return err
		}
		if slices.Contains(members, g.UserID) {
			return ErrOwnGrants
		}
		if _, err := g.checkChange(codes, nil); err != nil {
			return err
		}
		if err := tx.Where("(ptype = 'p' AND v0 = ? AND v1 = ?) OR (ptype = 'g' AND v1 = ? AND v2 = ?)",
			roleSub(id), g.domain(), roleSub(id), g.domain()).Delete(&ruleRow{}).Error; err != nil {
			return err
		}
		if err := tx.Delete(&r).Error; err != nil {
			return err
		}
		if err := bumpDomain(tx, g.domain()); err != nil {
			return err
		}
		if err := bumpUsers(tx, s.clk.Now(), members); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clk.Now(), g.Actor, audit.Entry{Action: audit.RoleDelete, TargetType: "role", TargetID: id,
			TargetName: r.Name, Before: map[string]any{"name": r.Name, "codes": codes, "user_ids": members}})
	})
}

// SetRoleCodes replaces a role's grants.
func (s *Service) SetRoleCodes(ctx context.Context, g Grantor, id int64, codes []string) (RoleView, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := s.role(ctx, tx, g.domain(), id)
		if err != nil {
			return err
		}
		old, members, err := roleState(tx, g.domain(), id)
		if err != nil {
			return err
		}
		if slices.Contains(members, g.UserID) {
			return ErrOwnGrants
		}
		if codes, err = g.checkChange(old, codes); err != nil {
			return err
		}
		if err := setLines(tx, "p", roleSub(id), g.domain(), codes); err != nil {
			return err
		}
		if err := bumpDomain(tx, g.domain()); err != nil {
			return err
		}
		if err := bumpUsers(tx, s.clk.Now(), members); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clk.Now(), g.Actor, audit.Entry{Action: audit.RoleGrant, TargetType: "role", TargetID: id,
			TargetName: r.Name, Before: map[string]any{"codes": old}, After: map[string]any{"codes": codes}})
	})
	if err != nil {
		return RoleView{}, err
	}
	return s.GetRole(ctx, g.EnterpriseID, id)
}

// RoleOption is a role as a picker offers it.
type RoleOption struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	IsSystem bool   `json:"is_system"`
} // @name RoleOption

// RoleOptions lists the enterprise's roles for pickers.
func (s *Service) RoleOptions(ctx context.Context, enterpriseID int64) ([]RoleOption, error) {
	out := []RoleOption{}
	err := s.db.WithContext(ctx).Model(&Role{}).Select("id, name, is_system").Where("domain = ?", EnterpriseDomain(enterpriseID)).
		Order("id").Limit(1000).Scan(&out).Error
	return out, err
}

// RoleUserIDs lists the users a role is assigned to.
func (s *Service) RoleUserIDs(ctx context.Context, enterpriseID, id int64) ([]int64, error) {
	domain := EnterpriseDomain(enterpriseID)
	if _, err := s.role(ctx, s.db, domain, id); err != nil {
		return nil, err
	}
	_, members, err := roleState(s.db.WithContext(ctx), domain, id)
	return members, err
}

// SetRoleUsers assigns a role to exactly the given post users (分配用户).
func (s *Service) SetRoleUsers(ctx context.Context, g Grantor, id int64, userIDs []int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := s.role(ctx, tx, g.domain(), id)
		if err != nil {
			return err
		}
		codes, old, err := roleState(tx, g.domain(), id)
		if err != nil {
			return err
		}
		userIDs = uniqueIDs(userIDs)
		added, removed := diffIDs(old, userIDs)
		if len(added)+len(removed) == 0 {
			return nil
		}
		if slices.Contains(added, g.UserID) || slices.Contains(removed, g.UserID) {
			return ErrOwnGrants
		}
		if _, err := g.checkChange(nil, codes); err != nil {
			return err
		}
		if err := checkGrantees(tx, g.EnterpriseID, added); err != nil {
			return err
		}
		for _, uid := range removed {
			if err := tx.Where("ptype = 'g' AND v0 = ? AND v1 = ? AND v2 = ?", userSub(uid), roleSub(id), g.domain()).Delete(&ruleRow{}).Error; err != nil {
				return err
			}
		}
		for _, uid := range added {
			if err := tx.Create(&ruleRow{Ptype: "g", V0: userSub(uid), V1: roleSub(id), V2: g.domain()}).Error; err != nil {
				return err
			}
		}
		if err := bumpDomain(tx, g.domain()); err != nil {
			return err
		}
		if err := bumpUsers(tx, s.clk.Now(), append(added, removed...)); err != nil {
			return err
		}
		before, err := names(tx, "users", "login_name", old)
		if err != nil {
			return err
		}
		after, err := names(tx, "users", "login_name", userIDs)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clk.Now(), g.Actor, audit.Entry{Action: audit.RoleUsers, TargetType: "role", TargetID: id,
			TargetName: r.Name, Before: map[string]any{"user_ids": old, "users": before},
			After: map[string]any{"user_ids": userIDs, "users": after}})
	})
}

// UserGrants is what a user holds directly, through which roles, and in effect.
type UserGrants struct {
	Codes     []string `json:"codes"`
	RoleIDs   []int64  `json:"role_ids"`
	Effective []string `json:"effective"`
} // @name UserGrants

// GetUserGrants reads a post user's grants.
func (s *Service) GetUserGrants(ctx context.Context, enterpriseID, userID int64) (UserGrants, error) {
	db := s.db.WithContext(ctx)
	// The domain's current version: grants just written by this request must show.
	version, err := domainVersion(ctx, s.db, EnterpriseDomain(enterpriseID))
	if err != nil {
		return UserGrants{}, err
	}
	if err := checkGrantees(db, enterpriseID, []int64{userID}); err != nil {
		return UserGrants{}, err
	}
	direct, roles, err := userState(db, EnterpriseDomain(enterpriseID), userID)
	if err != nil {
		return UserGrants{}, err
	}
	eff, err := s.authz.Codes(ctx, Subject{UserID: userID, Kind: KindPostUser, Domain: EnterpriseDomain(enterpriseID), PolicyVersion: version})
	return UserGrants{Codes: direct, RoleIDs: roles, Effective: eff}, err
}

// SetUserGrants replaces a post user's direct grants (用户授权).
func (s *Service) SetUserGrants(ctx context.Context, g Grantor, userID int64, codes []string) error {
	if userID == g.UserID {
		return ErrOwnGrants
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkGrantees(tx, g.EnterpriseID, []int64{userID}); err != nil {
			return err
		}
		old, _, err := userState(tx, g.domain(), userID)
		if err != nil {
			return err
		}
		if codes, err = g.checkChange(old, codes); err != nil {
			return err
		}
		if err := setLines(tx, "p", userSub(userID), g.domain(), codes); err != nil {
			return err
		}
		if err := bumpDomain(tx, g.domain()); err != nil {
			return err
		}
		if err := bumpUsers(tx, s.clk.Now(), []int64{userID}); err != nil {
			return err
		}
		name, err := loginName(tx, userID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clk.Now(), g.Actor, audit.Entry{Action: audit.UserGrant, TargetType: "user", TargetID: userID,
			TargetName: name, Before: map[string]any{"codes": old}, After: map[string]any{"codes": codes}})
	})
}

// SetUserRoles gives a post user exactly the given roles.
func (s *Service) SetUserRoles(ctx context.Context, g Grantor, userID int64, roleIDs []int64) error {
	if userID == g.UserID {
		return ErrOwnGrants
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkGrantees(tx, g.EnterpriseID, []int64{userID}); err != nil {
			return err
		}
		_, old, err := userState(tx, g.domain(), userID)
		if err != nil {
			return err
		}
		roleIDs = uniqueIDs(roleIDs)
		added, removed := diffIDs(old, roleIDs)
		for _, rid := range append(append([]int64{}, added...), removed...) {
			if _, err := s.role(ctx, tx, g.domain(), rid); err != nil {
				return err
			}
			codes, _, err := roleState(tx, g.domain(), rid)
			if err != nil {
				return err
			}
			if _, err := g.checkChange(nil, codes); err != nil {
				return err
			}
		}
		for _, rid := range removed {
			if err := tx.Where("ptype = 'g' AND v0 = ? AND v1 = ? AND v2 = ?", userSub(userID), roleSub(rid), g.domain()).Delete(&ruleRow{}).Error; err != nil {
				return err
			}
		}
		for _, rid := range added {
			if err := tx.Create(&ruleRow{Ptype: "g", V0: userSub(userID), V1: roleSub(rid), V2: g.domain()}).Error; err != nil {
				return err
			}
		}
		if err := bumpDomain(tx, g.domain()); err != nil {
			return err
		}
		if err := bumpUsers(tx, s.clk.Now(), []int64{userID}); err != nil {
			return err
		}
		name, err := loginName(tx, userID)
		if err != nil {
			return err
		}
		before, err := names(tx, "roles", "name", old)
		if err != nil {
			return err
		}
		after, err := names(tx, "roles", "name", roleIDs)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clk.Now(), g.Actor, audit.Entry{Action: audit.UserRoles, TargetType: "user", TargetID: userID,
			TargetName: name, Before: map[string]any{"role_ids": old, "roles": before},
			After: map[string]any{"role_ids": roleIDs, "roles": after}})
	})
}

// AssignDefaultRole gives a new post user the enterprise's default role, creating that role (with the
// default post-user codes) the first time. tx is the transaction that creates the user.
func AssignDefaultRole(tx *gorm.DB, enterpriseID, userID int64) error {
	domain := EnterpriseDomain(enterpriseID)
	var r Role
	err := tx.Where("domain = ? AND is_system", domain).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		now := tx.NowFunc()
		r = Role{EnterpriseID: enterpriseID, Domain: domain, Name: SystemRoleName, Description: "新建岗位用户默认拥有的权限，可在角色管理中调整", IsSystem: true, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		if err := setLines(tx, "p", roleSub(r.ID), domain, PostDefaultCodes()); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if err := tx.Create(&ruleRow{Ptype: "g", V0: userSub(userID), V1: roleSub(r.ID), V2: domain}).Error; err != nil {
		return err
	}
	return bumpDomain(tx, domain)
}

// RemoveUser drops a deleted user's grants and role assignments.
func RemoveUser(tx *gorm.DB, enterpriseID, userID int64) error {
	domain := EnterpriseDomain(enterpriseID)
	if err := tx.Where("(ptype = 'p' AND v0 = ? AND v1 = ?) OR (ptype = 'g' AND v0 = ? AND v2 = ?)",
		userSub(userID), domain, userSub(userID), domain).Delete(&ruleRow{}).Error; err != nil {
		return err
	}
	return bumpDomain(tx, domain)
}

// checkChange validates codes against the catalogue and the grantor's own codes: every code added or
// removed must be one the grantor holds. It returns the normalised set (with parent menus).
func (g Grantor) checkChange(old, codes []string) ([]string, error) {
	var unknown []string
	for _, c := range codes {
		if !Grantable(c) {
			unknown = append(unknown, c)
		}
	}
	if len(unknown) > 0 {
		return nil, ErrUnknownPermission.WithDetails(map[string]any{"codes": unknown})
	}
	codes = WithAncestors(codes)
	var beyond []string
	oldSet, newSet := setOf(old), setOf(codes)
	for _, c := range codes {
		if !oldSet[c] && !g.holds(c) {
			beyond = append(beyond, c)
		}
	}
	for _, c := range old {
		if !newSet[c] && !g.holds(c) {
			beyond = append(beyond, c)
		}
	}
	if len(beyond) > 0 {
		sort.Strings(beyond)
		return nil, ErrGrantExceedsOwn.WithDetails(map[string]any{"codes": beyond})
	}
	return codes, nil
}

// checkGrantees makes sure every id is a post user of the enterprise.
func checkGrantees(tx *gorm.DB, enterpriseID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var users []struct {
		ID   int64
		Kind string
	}
	if err := tx.Table("users").Select("id, kind").Where("id IN ? AND enterprise_id = ? AND deleted_at IS NULL", ids, enterpriseID).Scan(&users).Error; err != nil {
		return err
	}
	if len(users) != len(ids) {
		return ErrUserNotFound
	}
	for _, u := range users {
		if u.Kind != KindPostUser {
			return ErrNotGrantable
		}
	}
	return nil
}

// names reads the names of rows by id, for audit entries that must stay readable after the rows are gone.
// table and column are constants of this package.
func names(tx *gorm.DB, table, column string, ids []int64) ([]string, error) {
	out := []string{}
	if len(ids) == 0 {
		return out, nil
	}
	err := tx.Table(table).Where("id IN ?", ids).Order("id").Pluck(column, &out).Error
	return out, err
}

func loginName(tx *gorm.DB, id int64) (string, error) {
	var n []string
	if err := tx.Table("users").Where("id = ?", id).Pluck("login_name", &n).Error; err != nil || len(n) == 0 {
		return "", err
	}
	return n[0], nil
}

// roleState reads a role's codes and members.
func roleState(tx *gorm.DB, domain string, roleID int64) (codes []string, members []int64, err error) {
	var lines []ruleRow
	if err := tx.Where("(ptype = 'p' AND v0 = ? AND v1 = ?) OR (ptype = 'g' AND v1 = ? AND v2 = ?)",
		roleSub(roleID), domain, roleSub(roleID), domain).Find(&lines).Error; err != nil {
		return nil, nil, err
	}
	codes, members = []string{}, []int64{}
	for _, l := range lines {
		if l.Ptype == "p" {
			codes = append(codes, l.V2)
		} else if id, ok := parseSub(l.V0, "u:"); ok {
			members = append(members, id)
		}
	}
	sort.Strings(codes)
	slices.Sort(members)
	return codes, members, nil
}

// userState reads a user's direct codes and roles.
func userState(tx *gorm.DB, domain string, userID int64) (codes []string, roles []int64, err error) {
	var lines []ruleRow
	if err := tx.Where("(ptype = 'p' AND v0 = ? AND v1 = ?) OR (ptype = 'g' AND v0 = ? AND v2 = ?)",
		userSub(userID), domain, userSub(userID), domain).Find(&lines).Error; err != nil {
		return nil, nil, err
	}
	codes, roles = []string{}, []int64{}
	for _, l := range lines {
		if l.Ptype == "p" {
			codes = append(codes, l.V2)
		} else if id, ok := parseSub(l.V1, "r:"); ok {
			roles = append(roles, id)
		}
	}
	sort.Strings(codes)
	slices.Sort(roles)
	return codes, roles, nil
}

func parseSub(s, prefix string) (int64, bool) {
	var id int64
	if !strings.HasPrefix(s, prefix) {
		return 0, false
	}
	_, err := fmt.Sscan(s[len(prefix):], &id)
	return id, err == nil
}

// setLines replaces the p lines of a subject in a domain.
func setLines(tx *gorm.DB, ptype, sub, domain string, codes []string) error {
	if err := tx.Where("ptype = ? AND v0 = ? AND v1 = ?", ptype, sub, domain).Delete(&ruleRow{}).Error; err != nil {
		return err
	}
	if len(codes) == 0 {
		return nil
	}
	rows := make([]ruleRow, len(codes))
	for i, c := range codes {
		rows[i] = ruleRow{Ptype: ptype, V0: sub, V1: domain, V2: c, V3: "allow"}
	}
	return tx.Create(&rows).Error
}

// bumpDomain moves a domain's policy version so every instance reloads it on its next check.
func bumpDomain(tx *gorm.DB, domain string) error {
	return tx.Exec(`INSERT INTO rbac_domains (domain, version) VALUES (?, 1)
		ON CONFLICT (domain) DO UPDATE SET version = rbac_domains.version + 1`, domain).Error
}

// bumpUsers moves the users' token versions: their access tokens stop working at once and the SPA fetches
// new ones that reflect the change.
func bumpUsers(tx *gorm.DB, now time.Time, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return tx.Exec("UPDATE users SET token_version = token_version + 1, updated_at = ? WHERE id IN ?", now.UTC(), ids).Error
}

func uniqueIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// diffIDs returns what is in b but not a (added) and in a but not b (removed).
func diffIDs(a, b []int64) (added, removed []int64) {
	for _, x := range b {
		if !slices.Contains(a, x) {
			added = append(added, x)
		}
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			removed = append(removed, x)
		}
	}
	return added, removed
}
