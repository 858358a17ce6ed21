package webhook

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"yqyb/internal/platform/apperr"
	"yqyb/internal/rbac"
)

// ErrFeedForbidden refuses an endpoint whose creator could not read, from the change feed, the events it
// would receive: an endpoint is a push of the feed, and must not reach further than reading it would.
var ErrFeedForbidden = apperr.New(apperr.Forbidden, "webhook_feed_forbidden",
	"登记推送地址的账号须有“数据同步接口（变更流）”权限：推送只发送本账号能从变更流读到的事件")

// Readers says whether an endpoint's creator may read, from the change feed, what the endpoint receives. It
// is asked when an endpoint is registered and again before each pass delivers to it: the creator may lose
// the grant, be disabled or leave the enterprise or region later.
type Readers interface {
	// MayRead returns "" when creator may read o's feed, or else why not (Chinese, for the log and the
	// owner) together with the permission code at stake.
	MayRead(ctx context.Context, creator int64, o Owner) (reason, code string, err error)
}

// CreatorReaders answers Readers from the creator's account as it is now and its permissions (rbac).
type CreatorReaders struct {
	DB    *gorm.DB
	Authz *rbac.Authorizer
}

type creatorRow struct {
	ID            int64
	Kind          string
	Status        string
	EnterpriseID  int64
	RegionPath    string
	PolicyVersion int64
}

// MayRead implements Readers.
func (r CreatorReaders) MayRead(ctx context.Context, creator int64, o Owner) (string, string, error) {
	code := rbac.FeedRead
	if o.EnterpriseID == 0 {
		code = rbac.RegFeed
	}
	var rows []creatorRow
	err := r.DB.WithContext(ctx).Raw(`SELECT u.id, u.kind, u.status, COALESCE(u.enterprise_id, 0) AS enterprise_id,
			COALESCE(rg.path, '') AS region_path, COALESCE(d.version, 0) AS policy_version
		FROM users u
		LEFT JOIN regions rg ON rg.id = u.region_id
		LEFT JOIN rbac_domains d ON d.domain = 'e:' || CAST(u.enterprise_id AS TEXT)
		WHERE u.id = ? AND u.deleted_at IS NULL`, creator).Scan(&rows).Error
	if err != nil {
		return "", code, err
	}
	if len(rows) == 0 || rows[0].Status != "active" {
		return "登记该推送地址的账号已停用或删除", code, nil
	}
	u := rows[0]
	switch {
	case o.EnterpriseID != 0 && u.EnterpriseID != o.EnterpriseID:
		return "登记该推送地址的账号已不属于本企业", code, nil
	case o.EnterpriseID == 0 && (u.EnterpriseID != 0 || u.RegionPath != o.RegionPath):
		return "登记该推送地址的账号已不属于本辖区", code, nil
	}
	// A region path is "/110000/" for the city and one segment longer per level below it (as auth reads it).
	s := rbac.Subject{UserID: u.ID, Kind: u.Kind, PolicyVersion: u.PolicyVersion, CityWide: strings.Count(u.RegionPath, "/") == 2}
	if u.EnterpriseID != 0 {
		s.Domain = rbac.EnterpriseDomain(u.EnterpriseID)
	}
	ok, err := r.Authz.Allowed(ctx, s, code)
	if err != nil || ok {
		return "", code, err
	}
	return "登记该推送地址的账号已没有“数据同步接口（变更流）”权限（" + code + "）", code, nil
}
