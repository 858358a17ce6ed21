package rbac

import (
	"errors"
	"slices"

	"gorm.io/gorm"

	"yqyb/internal/platform/apperr"
)

// ErrBeyondOwn refuses to act on an account (reset its password, disable or delete it) that holds codes the
// actor does not: whoever resets a password can log in as that account, so the rule "you grant only what
// you hold" must cover resets and account creation as well as grants.
var ErrBeyondOwn = apperr.New(apperr.Forbidden, "account_exceeds_own", "该用户拥有您没有的权限，您不能对其执行此操作，请联系企业管理员")

// EffectiveCodes reads, inside tx, every code a post user holds in the enterprise: its user grants and the
// codes of its roles. (The authorizer answers the same from its cache; a rule checked in a transaction
// must read what the transaction sees.)
func EffectiveCodes(tx *gorm.DB, enterpriseID, userID int64) ([]string, error) {
	domain := EnterpriseDomain(enterpriseID)
	codes, roles, err := userState(tx, domain, userID)
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		rc, _, err := roleState(tx, domain, r)
		if err != nil {
			return nil, err
		}
		codes = append(codes, rc...)
	}
	slices.Sort(codes)
	return slices.Compact(codes), nil
}

// DefaultRoleCodes are the codes a post user created now would get: the enterprise's default role as it
// stands (its admin may have changed it), or the catalogue's defaults before the role exists.
func DefaultRoleCodes(tx *gorm.DB, enterpriseID int64) ([]string, error) {
	domain := EnterpriseDomain(enterpriseID)
	var r Role
	err := tx.Where("domain = ? AND is_system", domain).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return PostDefaultCodes(), nil
	}
	if err != nil {
		return nil, err
	}
	codes, _, err := roleState(tx, domain, r.ID)
	return codes, err
}

// Covers refuses with ErrBeyondOwn, naming the codes, unless the grantor holds every one of codes.
func (g Grantor) Covers(codes []string) error {
	var beyond []string
	for _, c := range codes {
		if Known(c) && !g.holds(c) {
			beyond = append(beyond, c)
		}
	}
	if len(beyond) > 0 {
		slices.Sort(beyond)
		return ErrBeyondOwn.WithDetails(map[string]any{"codes": slices.Compact(beyond)})
	}
	return nil
}
