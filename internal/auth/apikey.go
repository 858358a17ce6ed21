package auth

import (
	"context"
	"time"

	"yqyb/internal/account"
	"yqyb/internal/apikey"
	"yqyb/internal/platform/apperr"
)

// Errors of API keys at authentication. A key that does not exist and a key whose secret is wrong answer
// alike.
var (
	ErrKeyInvalid = apperr.New(apperr.Unauthenticated, "api_key_invalid", "API密钥无效")
	ErrKeyExpired = apperr.New(apperr.Unauthenticated, "api_key_expired", "API密钥已过期")
	ErrKeyRevoked = apperr.New(apperr.Unauthenticated, "api_key_revoked", "API密钥已吊销，或其创建账号已停用")
)

// noExpiry stands for a key without an expiry in the row the cache keeps.
var noExpiry = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// keyCacheKey is where the session cache keeps a key's row: session ids never hold a colon, and the
// trigger of migration 0021 names the entry as s:k:<prefix>.
func keyCacheKey(prefix string) string { return "k:" + prefix }

// AuthenticateKey verifies an API key and loads it with its creator (user, region path, policy version) in
// one query, or from the session cache, which every revocation, expiry or scope change of the key and
// every change of its creator empties on every instance, as it does for sessions. The principal is the
// creator's, carrying the key: its permissions are the creator's as they are now, narrowed to the scopes.
func (s *Service) AuthenticateKey(ctx context.Context, token string) (Principal, error) {
	prefix, secret, ok := apikey.Parse(token)
	if !ok {
		return Principal{}, ErrKeyInvalid
	}
	row, cached := s.cache.get(keyCacheKey(prefix))
	if !cached {
		var err error
		if row, err = s.loadKey(ctx, prefix); err != nil {
			return Principal{}, err
		}
	}
	if row.KeyID == 0 || !apikey.Matches(secret, row.KeyHash) {
		return Principal{}, ErrKeyInvalid
	}
	switch {
	case row.RevokedAt != nil || row.ID == 0 || row.Status != account.StatusActive:
		return Principal{}, ErrKeyRevoked
	case !s.clk.Now().Before(row.ExpiresAt):
		return Principal{}, ErrKeyExpired
	}
	return Principal{UserID: row.ID, Kind: row.Kind, LoginName: row.LoginName, DisplayName: row.DisplayName,
		EnterpriseID: row.EnterpriseID, RegionID: row.RegionID, RegionPath: row.RegionPath, PostID: row.PostID,
		PolicyVersion: row.PolicyVersion, MustChangePassword: row.MustChangePassword,
		APIKeyID: row.KeyID, APIKey: apikey.Label(prefix), APIKeyScopes: apikey.SplitScopes(row.KeyScopes), APIKeyRateLimit: row.KeyRateLimit}, nil
}

func (s *Service) loadKey(ctx context.Context, prefix string) (principalRow, error) {
	gen := s.cache.begin()
	var row principalRow
	// The user is joined (not inner-joined) so that a key whose creator was deleted is still found, and
	// refused as revoked rather than as unknown. A key belongs to the enterprise or region it was made in
	// (their managers list and revoke it): if its creator has since moved to another region, the key is
	// refused as revoked instead of following the account into the new region's data.
	err := s.db.WithContext(ctx).Raw(`SELECT COALESCE(u.id, 0) AS id, COALESCE(u.kind, '') AS kind,
			COALESCE(u.login_name, '') AS login_name, COALESCE(u.display_name, '') AS display_name,
			COALESCE(u.status, '') AS status, COALESCE(u.token_version, 0) AS token_version,
			COALESCE(u.must_change_password, false) AS must_change_password, COALESCE(u.enterprise_id, 0) AS enterprise_id,
			COALESCE(u.region_id, 0) AS region_id, COALESCE(u.post_id, 0) AS post_id, COALESCE(r.path, '') AS region_path,
			k.revoked_at, k.expires_at AS key_expires_at, k.created_at AS key_created_at,
			CASE WHEN (k.enterprise_id IS NOT NULL AND k.enterprise_id <> COALESCE(u.enterprise_id, 0))
				OR (k.enterprise_id IS NULL AND COALESCE(k.region_id, 0) <> COALESCE(u.region_id, 0))
				THEN 1 ELSE 0 END AS key_moved, COALESCE(d.version, 0) AS policy_version,
			k.id AS key_id, k.secret_hash AS key_hash, k.scopes AS key_scopes, k.rate_limit AS key_rate_limit
		FROM api_keys k
		LEFT JOIN users u ON u.id = k.user_id AND u.deleted_at IS NULL
		LEFT JOIN regions r ON r.id = u.region_id
		LEFT JOIN rbac_domains d ON d.domain = 'e:' || CAST(u.enterprise_id AS TEXT)
		WHERE k.prefix = ?`, prefix).Scan(&row).Error
	if err != nil {
		return principalRow{}, err
	}
	out := row
	if row.KeyMoved == 1 && out.RevokedAt == nil {
		out.RevokedAt = &row.KeyCreatedAt
	}
	out.ExpiresAt = noExpiry
	if row.KeyExpiresAt != nil {
		out.ExpiresAt = *row.KeyExpiresAt
	}
	if out.KeyID != 0 {
		s.cache.put(keyCacheKey(prefix), out, gen)
	}
	return out, nil
}
