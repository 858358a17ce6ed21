package enterprise

import (
	"context"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/org"
)

// Initial-password statuses of an enterprise, as its regulator filters them.
const (
	InitialUnused  = "unused"  // an account still has its initial password, and it still works
	InitialExpired = "expired" // accounts still have their initial password, but it expired: re-issue it
	InitialChanged = "changed" // both accounts changed it (or were given a temporary password)
)

// InitialStatuses are the values of the regulator list's initial_password filter.
var InitialStatuses = []string{InitialUnused, InitialExpired, InitialChanged}

// InitialPasswordAccount is an enterprise account that still has its derived initial password.
type InitialPasswordAccount struct {
	Kind      string    `json:"kind" enums:"enterprise_admin,enterprise_user"`
	ExpiresAt time.Time `json:"expires_at" format:"date-time"`
	Expired   bool      `json:"expired"`
} // @name InitialPasswordAccount

// InitialPasswordState says whether an enterprise's accounts still have their derived initial password
// (FAQ 23), which anyone who knows the enterprise's public data can nearly guess.
type InitialPasswordState struct {
	// unused: at least one account has a working initial password; expired: the accounts that still have
	// one have it past its lifetime (YQYB_INITIAL_PASSWORD_TTL); changed: no account has it any more.
	Status   string                   `json:"status" enums:"unused,expired,changed"`
	Accounts []InitialPasswordAccount `json:"accounts"`
} // @name InitialPasswordState

// derivedAccounts is the SQL condition "an account of enterprise e still has its initial password", with
// extra conditions on that account u appended.
const derivedAccounts = `SELECT 1 FROM users u WHERE u.enterprise_id = e.id AND u.kind IN ('enterprise_admin', 'enterprise_user')
	AND u.password_origin = 'derived' AND u.deleted_at IS NULL`

// initialPasswordScope keeps the enterprises whose initial-password status is status.
func (s *Service) initialPasswordScope(status string) func(*gorm.DB) *gorm.DB {
	// An initial password issued after this instant still works.
	validAfter := s.now().Add(-s.accounts.InitialPasswordTTL())
	return func(tx *gorm.DB) *gorm.DB {
		switch status {
		case InitialUnused:
			return tx.Where("EXISTS ("+derivedAccounts+" AND COALESCE(u.password_issued_at, u.created_at) > ?)", validAfter)
		case InitialExpired:
			return tx.Where("EXISTS ("+derivedAccounts+") AND NOT EXISTS ("+derivedAccounts+" AND COALESCE(u.password_issued_at, u.created_at) > ?)", validAfter)
		default:
			return tx.Where("NOT EXISTS (" + derivedAccounts + ")")
		}
	}
}

// initialPasswordStates reads the initial-password state of each enterprise of ids.
func (s *Service) initialPasswordStates(ctx context.Context, ids []int64) (map[int64]InitialPasswordState, error) {
	out := make(map[int64]InitialPasswordState, len(ids))
	for _, id := range ids {
		out[id] = InitialPasswordState{Status: InitialChanged, Accounts: []InitialPasswordAccount{}}
	}
	if len(ids) == 0 {
		return out, nil
	}
	var users []account.User
	if err := s.db.WithContext(ctx).Select("id, enterprise_id, kind, password_origin, password_issued_at, created_at").
		Where("enterprise_id IN ? AND kind IN ? AND password_origin = ? AND deleted_at IS NULL", ids, enterpriseKinds, account.OriginDerived).
		Order("enterprise_id, kind").Find(&users).Error; err != nil {
		return nil, err
	}
	now := s.clk.Now()
	for _, u := range users {
		at, _ := s.accounts.InitialPasswordExpiresAt(u)
		st := out[*u.EnterpriseID]
		expired := !now.Before(at)
		st.Accounts = append(st.Accounts, InitialPasswordAccount{Kind: u.Kind, ExpiresAt: at, Expired: expired})
		switch {
		case !expired:
			st.Status = InitialUnused
		case st.Status == InitialChanged:
			st.Status = InitialExpired
		}
		out[*u.EnterpriseID] = st
	}
	return out, nil
}

// ResetPassword gives one account of an enterprise of the jurisdiction a temporary password, shown once:
// kind names the enterprise admin (个人用户登录) or the enterprise user (企业用户登录). The enterprise must
// change it at its next login; the account's sessions end and its lockout lifts. An enterprise of another
// region is not found.
func (s *Service) ResetPassword(ctx context.Context, a audit.Actor, jurisdiction string, id int64, kind string) (login, password string, err error) {
	e, err := org.EnterpriseInRegion(ctx, s.db, jurisdiction, id)
	if err != nil {
		return "", "", err
	}
	u, err := s.accounts.EnterpriseAccount(ctx, e.ID, kind)
	if err != nil {
		return "", "", err
	}
	if password, err = s.accounts.ResetPassword(ctx, a, u, "监管部门重置："+e.Name); err != nil {
		return "", "", err
	}
	return u.LoginName, password, nil
}

// Reissued is what a re-issue of an enterprise's initial password gave out.
type Reissued struct {
	Accounts []InitialAccount `json:"accounts"`
} // @name ReissuedInitialPassword

// ReissueInitialPassword gives the accounts of an enterprise of the jurisdiction that still have their
// initial password (used, unused or expired) that password again, computed from the enterprise's current
// data, working for another YQYB_INITIAL_PASSWORD_TTL from now (FAQ 23: "联系属地安监科核实登录用户名及密码").
// Accounts whose password was changed keep it: for them the regulator resets to a temporary password.
func (s *Service) ReissueInitialPassword(ctx context.Context, a audit.Actor, jurisdiction string, id int64) (Reissued, error) {
	if _, err := org.EnterpriseInRegion(ctx, s.db, jurisdiction, id); err != nil {
		return Reissued{}, err
	}
	p, err := s.GetProfile(ctx, id)
	if err != nil {
		return Reissued{}, err
	}
	var users []account.User
	if err := s.db.WithContext(ctx).Where("enterprise_id = ? AND kind IN ? AND deleted_at IS NULL", id, enterpriseKinds).
		Order("kind").Find(&users).Error; err != nil {
		return Reissued{}, err
	}
	pw := account.InitialPassword(p.Name, p.CreditCode, p.LegalPhone)
	issued, err := s.accounts.ReissueInitialPassword(ctx, a, users, pw, "监管部门重新下发初始密码："+p.Name)
	if err != nil {
		return Reissued{}, err
	}
	derived := map[string]bool{}
	for _, u := range users {
		derived[u.Kind] = u.PasswordOrigin == account.OriginDerived
	}
	out := Reissued{Accounts: []InitialAccount{}}
	for _, acc := range initialAccounts(p.Name, p.CreditCode, pw, issued.Add(s.accounts.InitialPasswordTTL())) {
		if derived[acc.Kind] {
			out.Accounts = append(out.Accounts, acc)
		}
	}
	return out, nil
}
