package account

import (
	"slices"

	"gorm.io/gorm"

	"yqyb/internal/rbac"
)

// maxIssuerChain bounds the walk up credentials_by: a chain of post users each creating the next is short in
// practice, and the bound keeps a corrupted cycle from looping.
const maxIssuerChain = 32

// SameHands reports whether two accounts may be in the hands of one person: they are the same account, or
// one of them issued the other's current credentials (created it or last reset its password, and so saw a
// password it could log in with), directly or through a chain of post users, or one post user issued both.
// The enterprise's admin account, regulators and the platform break the chain: the admin is the enterprise's
// root of trust (it issues every post user's first password and holds every code anyway), so a link through
// it says nothing. Rules of separation of duties (the acceptor of a fix is not its fixer) use it, so that a
// second account does not defeat them.
func SameHands(tx *gorm.DB, a, b int64) (bool, error) {
	if a == b {
		return true, nil
	}
	ha, err := hands(tx, a)
	if err != nil {
		return false, err
	}
	hb, err := hands(tx, b)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(ha, func(id int64) bool { return slices.Contains(hb, id) }), nil
}

// hands is the account itself and the post users up its chain of credential issuers.
func hands(tx *gorm.DB, id int64) ([]int64, error) {
	out := []int64{id}
	for range maxIssuerChain {
		var up []struct {
			ID   int64
			Kind string
		}
		if err := tx.Table("users u").Select("i.id, i.kind").Joins("JOIN users i ON i.id = u.credentials_by").
			Where("u.id = ?", id).Scan(&up).Error; err != nil {
			return nil, err
		}
		if len(up) == 0 || up[0].Kind != rbac.KindPostUser || slices.Contains(out, up[0].ID) {
			return out, nil
		}
		id = up[0].ID
		out = append(out, id)
	}
	return out, nil
}
