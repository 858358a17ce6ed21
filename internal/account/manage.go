package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/org"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/listq"
	"yqyb/internal/rbac"
	"yqyb/internal/session"
	"yqyb/pkg/mobile"
)

// UserView is an account as the API shows it.
type UserView struct {
	ID                 int64      `json:"id"`
	Kind               string     `json:"kind" enums:"platform_admin,regulator,enterprise_admin,enterprise_user,post_user"`
	LoginName          string     `json:"login_name" example:"朝阳商场-保安岗"`
	DisplayName        string     `json:"display_name" example:"张三"`
	Phone              string     `json:"phone"`
	Status             string     `json:"status" enums:"active,disabled"`
	MustChangePassword bool       `json:"must_change_password"`
	PostID             *int64     `json:"post_id" extensions:"x-nullable"`
	PostName           string     `json:"post_name"`
	DepartmentName     string     `json:"department_name"`
	RegionID           *int64     `json:"region_id" extensions:"x-nullable"`
	RegionName         string     `json:"region_name"`
	LastLoginAt        *time.Time `json:"last_login_at" format:"date-time" extensions:"x-nullable"`
	CreatedAt          time.Time  `json:"created_at" format:"date-time"`
	UpdatedAt          time.Time  `json:"updated_at" format:"date-time"`
} // @name User

const viewColumns = `u.id, u.kind, u.login_name, u.display_name, u.phone, u.status, u.must_change_password, u.post_id,
	COALESCE(p.name, '') AS post_name, COALESCE(d.name, '') AS department_name, u.region_id, COALESCE(r.name, '') AS region_name,
	u.last_login_at, u.created_at, u.updated_at`

func (s *Service) viewQuery(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Table("users u").Select(viewColumns).
		Joins("LEFT JOIN posts p ON p.id = u.post_id").
		Joins("LEFT JOIN departments d ON d.id = p.department_id").
		Joins("LEFT JOIN regions r ON r.id = u.region_id").
		Where("u.deleted_at IS NULL")
}

// UserSpec is how user lists sort.
var UserSpec = listq.Spec{
	Sorts: map[string]string{"login_name": "u.login_name", "display_name": "u.display_name", "created_at": "u.created_at",
		"last_login_at": "u.last_login_at", "id": "u.id"},
	Default:  []listq.Order{{Field: "id"}},
	Tiebreak: "u.id",
}

// UserFilter narrows a user list.
type UserFilter struct {
	Keyword      string
	PostID       int64
	DepartmentID int64
	RegionID     int64
	Status       string
}

func applyFilter(tx *gorm.DB, f UserFilter) *gorm.DB {
	if f.PostID != 0 {
		tx = tx.Where("u.post_id = ?", f.PostID)
	}
	if f.DepartmentID != 0 {
		tx = tx.Where("p.department_id = ?", f.DepartmentID)
	}
	if f.RegionID != 0 {
		// A region and everything below it.
		tx = tx.Where("r.path LIKE (SELECT path FROM regions WHERE id = ?) || '%'", f.RegionID)
	}
	if f.Status != "" {
		tx = tx.Where("u.status = ?", f.Status)
	}
	return listq.Keyword(tx, f.Keyword, "u.login_name", "u.display_name", "u.phone")
}

// ListPostUsers pages the post users of an enterprise.
func (s *Service) ListPostUsers(ctx context.Context, enterpriseID int64, f UserFilter, q listq.Query) (listq.Page[UserView], error) {
	tx := s.viewQuery(ctx).Where("u.enterprise_id = ? AND u.kind = ?", enterpriseID, rbac.KindPostUser)
	return listq.Fetch[UserView](applyFilter(tx, f), q)
}

// UserOption is a post user as a picker offers it.
type UserOption struct {
	ID          int64  `json:"id"`
	LoginName   string `json:"login_name"`
	DisplayName string `json:"display_name"`
	PostName    string `json:"post_name"`
	Status      string `json:"status" enums:"active,disabled"`
} // @name UserOption

// PostUserOptions lists the enterprise's post users for pickers (at most 5,000).
func (s *Service) PostUserOptions(ctx context.Context, enterpriseID int64) ([]UserOption, error) {
	out := []UserOption{}
	err := s.db.WithContext(ctx).Table("users u").Select("u.id, u.login_name, u.display_name, COALESCE(p.name, '') AS post_name, u.status").
		Joins("LEFT JOIN posts p ON p.id = u.post_id").
		Where("u.enterprise_id = ? AND u.kind = ? AND u.deleted_at IS NULL", enterpriseID, rbac.KindPostUser).Order("u.id").Limit(5000).Scan(&out).Error
	return out, err
}

// PostUser loads a post user of the enterprise; another enterprise's user (or any other kind of account)
// is not found.
func (s *Service) PostUser(ctx context.Context, enterpriseID, id int64) (UserView, error) {
	var v UserView
	err := s.viewQuery(ctx).Where("u.id = ? AND u.enterprise_id = ? AND u.kind = ?", id, enterpriseID, rbac.KindPostUser).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return v, ErrUserNotFound
	}
	return v, err
}

// PostUserInput is what an admin types for a post user; the login name is fixed at creation.
type PostUserInput struct {
	DisplayName string `json:"display_name" label:"姓名" validate:"required,max=50"`
	Phone       string `json:"phone,omitempty" label:"手机号" validate:"omitempty,mobile"`
	PostID      int64  `json:"post_id" label:"岗位" validate:"required,gt=0"`
}

// NewPostUserInput is a new post user: its login name and the rest.
type NewPostUserInput struct {
	LoginName string `json:"login_name" label:"登录名" validate:"required,max=50"`
	PostUserInput
}

// CreatePostUser adds a post user matched to a post, gives it the default post-user role and a temporary
// password (returned, to be shown once). The creator knows that password, so it may create only an account
// whose codes (the default role's) it holds itself.
func (s *Service) CreatePostUser(ctx context.Context, g rbac.Grantor, enterpriseID int64, in NewPostUserInput) (UserView, string, error) {
	a := g.Actor
	name := NormalizeLoginName(in.LoginName)
	if !ValidLoginName(name) {
		return UserView{}, "", apperr.Validation(apperr.FieldError{Field: "login_name", Message: ErrBadLoginName.Message})
	}
	phone, _ := mobile.Normalize(in.Phone)
	pw := TemporaryPassword()
	hash, err := s.hasher.Hash(pw)
	if err != nil {
		return UserView{}, "", err
	}
	var id int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		post, err := org.PostOf(ctx, tx, enterpriseID, in.PostID)
		if err != nil {
			return err
		}
		if post.Status != StatusActive {
			return org.ErrPostDisabled
		}
		codes, err := rbac.DefaultRoleCodes(tx, enterpriseID)
		if err != nil {
			return err
		}
		if err := g.Covers(codes); err != nil {
			return err
		}
		now := s.now()
		u := User{Kind: rbac.KindPostUser, LoginName: name, DisplayName: strings.TrimSpace(in.DisplayName), Phone: phone,
			PasswordHash: hash, MustChangePassword: true, PasswordOrigin: OriginTemporary, EnterpriseID: &enterpriseID, PostID: &post.ID, Status: StatusActive,
			TokenVersion: 1, PasswordIssuedAt: &now, CredentialsBy: issuer(a), CreatedAt: now, UpdatedAt: now}
		if err := createUser(tx, &u); err != nil {
			return err
		}
		id = u.ID
		if err := rbac.AssignDefaultRole(tx, enterpriseID, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.UserCreate, EnterpriseID: enterpriseID, TargetType: "user",
			TargetID: u.ID, TargetName: u.LoginName, After: map[string]any{"login_name": u.LoginName, "display_name": u.DisplayName,
				"phone": u.Phone, "post": post.Name}})
	})
	if err != nil {
		return UserView{}, "", err
	}
	v, err := s.PostUser(ctx, enterpriseID, id)
	return v, pw, err
}

// UpdatePostUser changes a post user's name, phone or post (匹配岗位).
func (s *Service) UpdatePostUser(ctx context.Context, a audit.Actor, enterpriseID, id int64, in PostUserInput) (UserView, error) {
	before, err := s.PostUser(ctx, enterpriseID, id)
	if err != nil {
		return UserView{}, err
	}
	phone, _ := mobile.Normalize(in.Phone)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		post, err := org.PostOf(ctx, tx, enterpriseID, in.PostID)
		if err != nil {
			return err
		}
		if post.Status != StatusActive && (before.PostID == nil || *before.PostID != post.ID) {
			return org.ErrPostDisabled
		}
		now := s.now()
		if err := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{
			"display_name": strings.TrimSpace(in.DisplayName), "phone": phone, "post_id": post.ID, "updated_at": now,
		}).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.UserUpdate, EnterpriseID: enterpriseID, TargetType: "user",
			TargetID: id, TargetName: before.LoginName,
			Before: map[string]any{"display_name": before.DisplayName, "phone": before.Phone, "post": before.PostName},
			After:  map[string]any{"display_name": strings.TrimSpace(in.DisplayName), "phone": phone, "post": post.Name}})
	})
	if err != nil {
		return UserView{}, err
	}
	return s.PostUser(ctx, enterpriseID, id)
}

// SetPostUserStatus disables or enables a post user of the enterprise whose codes the caller holds.
func (s *Service) SetPostUserStatus(ctx context.Context, g rbac.Grantor, enterpriseID, id int64, status string) (UserView, error) {
	if id == g.UserID {
		return UserView{}, ErrSelf
	}
	u, err := s.postUserRow(ctx, enterpriseID, id)
	if err != nil {
		return UserView{}, err
	}
	if err := s.setStatus(ctx, g.Actor, u, status, within(g, enterpriseID, id)); err != nil {
		return UserView{}, err
	}
	return s.PostUser(ctx, enterpriseID, id)
}

// DeletePostUser removes a post user whose codes the caller holds: the row stays for the history that names
// it (audit, inspections), its login name becomes free, its grants and sessions end.
func (s *Service) DeletePostUser(ctx context.Context, g rbac.Grantor, enterpriseID, id int64) error {
	if id == g.UserID {
		return ErrSelf
	}
	a := g.Actor
	u, err := s.postUserRow(ctx, enterpriseID, id)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := within(g, enterpriseID, id)(tx); err != nil {
			return err
		}
		now := s.now()
		if err := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{
			"deleted_at": now, "status": StatusDisabled, "token_version": gorm.Expr("token_version + 1"), "updated_at": now,
		}).Error; err != nil {
			return err
		}
		if err := rbac.RemoveUser(tx, enterpriseID, id); err != nil {
			return err
		}
		if err := endAccess(ctx, tx, now, a, id, session.ReasonDeleted, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.UserDelete, EnterpriseID: enterpriseID, TargetType: "user",
			TargetID: id, TargetName: u.LoginName, Before: map[string]any{"login_name": u.LoginName, "display_name": u.DisplayName}})
	})
}

// ResetPostUserPassword resets a post user's password (FAQ 11). The caller learns the new password and can
// log in with it, so it may reset only an account whose codes it holds.
func (s *Service) ResetPostUserPassword(ctx context.Context, g rbac.Grantor, enterpriseID, id int64) (login, password string, err error) {
	u, err := s.postUserRow(ctx, enterpriseID, id)
	if err != nil {
		return "", "", err
	}
	password, err = s.resetPassword(ctx, g.Actor, u, "", within(g, enterpriseID, id))
	return u.LoginName, password, err
}

// within refuses, inside the transaction, to act on a post user holding codes the grantor does not.
func within(g rbac.Grantor, enterpriseID, id int64) func(tx *gorm.DB) error {
	return func(tx *gorm.DB) error {
		codes, err := rbac.EffectiveCodes(tx, enterpriseID, id)
		if err != nil {
			return err
		}
		return g.Covers(codes)
	}
}

func (s *Service) postUserRow(ctx context.Context, enterpriseID, id int64) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("id = ? AND enterprise_id = ? AND kind = ? AND deleted_at IS NULL", id, enterpriseID, rbac.KindPostUser).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrUserNotFound
	}
	return u, err
}

// EnterpriseAccount loads an enterprise's admin or enterprise-user account.
func (s *Service) EnterpriseAccount(ctx context.Context, enterpriseID int64, kind string) (User, error) {
	if kind != rbac.KindEnterpriseAdmin && kind != rbac.KindEnterpriseUser {
		return User{}, ErrUserNotFound
	}
	var u User
	err := s.db.WithContext(ctx).Where("enterprise_id = ? AND kind = ? AND deleted_at IS NULL", enterpriseID, kind).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrUserNotFound
	}
	return u, err
}

// RegulatorInput is what a platform administrator types for a regulator account; the login name is fixed
// at creation.
type RegulatorInput struct {
	DisplayName string `json:"display_name" label:"姓名/科室" validate:"required,max=50"`
	Phone       string `json:"phone,omitempty" label:"手机号" validate:"omitempty,mobile"`
	RegionID    int64  `json:"region_id" label:"所属区域" validate:"required,gt=0"`
}

// ListRegulators pages regulator accounts.
func (s *Service) ListRegulators(ctx context.Context, f UserFilter, q listq.Query) (listq.Page[UserView], error) {
	return listq.Fetch[UserView](applyFilter(s.viewQuery(ctx).Where("u.kind = ?", rbac.KindRegulator), f), q)
}

// Regulator loads a regulator account.
func (s *Service) Regulator(ctx context.Context, id int64) (UserView, error) {
	var v UserView
	err := s.viewQuery(ctx).Where("u.id = ? AND u.kind = ?", id, rbac.KindRegulator).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return v, ErrUserNotFound
	}
	return v, err
}

func (s *Service) regulatorRow(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("id = ? AND kind = ? AND deleted_at IS NULL", id, rbac.KindRegulator).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrUserNotFound
	}
	return u, err
}

func regionExists(tx *gorm.DB, id int64) error {
	var n int64
	if err := tx.Table("regions").Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return org.ErrRegionNotFound
	}
	return nil
}

// NewRegulatorInput is a new regulator account.
type NewRegulatorInput struct {
	LoginName string `json:"login_name" label:"登录名" validate:"required,max=50"`
	RegulatorInput
}

// CreateRegulator adds a regulator account bound to a region, with a temporary password to show once.
func (s *Service) CreateRegulator(ctx context.Context, a audit.Actor, in NewRegulatorInput) (UserView, string, error) {
	name := NormalizeLoginName(in.LoginName)
	if !ValidLoginName(name) {
		return UserView{}, "", apperr.Validation(apperr.FieldError{Field: "login_name", Message: ErrBadLoginName.Message})
	}
	phone, _ := mobile.Normalize(in.Phone)
	pw := TemporaryPassword()
	hash, err := s.hasher.Hash(pw)
	if err != nil {
		return UserView{}, "", err
	}
	var id int64
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := regionExists(tx, in.RegionID); err != nil {
			return err
		}
		now := s.now()
		u := User{Kind: rbac.KindRegulator, LoginName: name, DisplayName: strings.TrimSpace(in.DisplayName), Phone: phone,
			PasswordHash: hash, MustChangePassword: true, PasswordOrigin: OriginTemporary, RegionID: &in.RegionID, Status: StatusActive, TokenVersion: 1,
			PasswordIssuedAt: &now, CredentialsBy: issuer(a), CreatedAt: now, UpdatedAt: now}
		if err := createUser(tx, &u); err != nil {
			return err
		}
		id = u.ID
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.UserCreate, RegionID: in.RegionID, TargetType: "user",
			TargetID: u.ID, TargetName: u.LoginName, After: map[string]any{"login_name": u.LoginName, "display_name": u.DisplayName, "region_id": in.RegionID}})
	})
	if err != nil {
		return UserView{}, "", err
	}
	v, err := s.Regulator(ctx, id)
	return v, pw, err
}

// UpdateRegulator changes a regulator's name, phone or region. Moving it to another region changes what it
// oversees, so its tokens are renewed.
func (s *Service) UpdateRegulator(ctx context.Context, a audit.Actor, id int64, in RegulatorInput) (UserView, error) {
	before, err := s.regulatorRow(ctx, id)
	if err != nil {
		return UserView{}, err
	}
	phone, _ := mobile.Normalize(in.Phone)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := regionExists(tx, in.RegionID); err != nil {
			return err
		}
		now := s.now()
		upd := map[string]any{"display_name": strings.TrimSpace(in.DisplayName), "phone": phone, "region_id": in.RegionID, "updated_at": now}
		if before.RegionID == nil || *before.RegionID != in.RegionID {
			upd["token_version"] = gorm.Expr("token_version + 1")
		}
		if err := tx.Model(&User{}).Where("id = ?", id).Updates(upd).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.UserUpdate, RegionID: in.RegionID, TargetType: "user", TargetID: id,
			TargetName: before.LoginName, Before: map[string]any{"display_name": before.DisplayName, "phone": before.Phone, "region_id": deref(before.RegionID)},
			After: map[string]any{"display_name": strings.TrimSpace(in.DisplayName), "phone": phone, "region_id": in.RegionID}})
	})
	if err != nil {
		return UserView{}, err
	}
	return s.Regulator(ctx, id)
}

// SetRegulatorStatus disables or enables a regulator account.
func (s *Service) SetRegulatorStatus(ctx context.Context, a audit.Actor, id int64, status string) (UserView, error) {
	u, err := s.regulatorRow(ctx, id)
	if err != nil {
		return UserView{}, err
	}
	if err := s.setStatus(ctx, a, u, status, nil); err != nil {
		return UserView{}, err
	}
	return s.Regulator(ctx, id)
}

// ResetRegulatorPassword resets a regulator's password.
func (s *Service) ResetRegulatorPassword(ctx context.Context, a audit.Actor, id int64) (string, error) {
	u, err := s.regulatorRow(ctx, id)
	if err != nil {
		return "", err
	}
	return s.ResetPassword(ctx, a, u, "")
}
