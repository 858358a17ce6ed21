package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"yqyb/internal/feed"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/config"
	"yqyb/internal/rbac"
)

func (s *Server) feedRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/feed", Perm: rbac.FeedRead, Handler: s.getEnterpriseFeed},
		{Method: http.MethodGet, Path: "/api/v1/regulator/feed", Perm: rbac.RegFeed, Handler: s.getRegionFeed},
	}
}

// feedHorizonCache is how long the feed's readers on one instance share a horizon: many integrators polling
// read the lock table a few times a second, not once each; an entry appears at most this much later.
const feedHorizonCache = 200 * time.Millisecond

// feedSecrets are the secrets the feed's cursor keys derive from: the access-token keys, the signing one
// first, so cursors need no secret of their own and survive a key rotation while the old key is still listed.
func feedSecrets(c config.Config) [][]byte {
	var out [][]byte
	for _, k := range c.SigningKeys() {
		out = append(out, []byte(k.Secret))
	}
	return out
}

// feedLimit reads the batch size of a feed read.
func feedLimit(c echo.Context) (int, error) {
	raw := c.QueryParam("limit")
	if raw == "" {
		return 200, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 1000 {
		return 0, apperr.Validation(apperr.FieldError{Field: "limit", Message: "每批条数应为 1 到 1000"})
	}
	return n, nil
}

// getEnterpriseFeed godoc
//
//	@Summary		变更流（本企业）
//	@Description	供对接系统增量同步：按位置顺序返回 cursor 之后的变更（排查提交 inspection.submitted；隐患登记、安排整改、提交整改、验收、退回、当场整改、督办与解除督办 hazard.*，每种 action 的 data 结构见 FeedEntry）。
//	@Description	每条的 id 是它的位置，按交付顺序严格递增；每条带有自己的 cursor，可在任意一条之后续读。把返回的 cursor 原样带回即可继续，不会遗漏也不会重复；不带 cursor 从头重新同步。
//	@Description	cursor 不透明、经服务器签名，只对签发它的变更流有效：其他企业或辖区的 cursor、改动过或自行拼造的 cursor 返回 400 feed_cursor_invalid。
//	@Description	more 为 true 时还有可读的变更；为 false 且 held_back 为 true 时，已有更新的变更在等待更早开始的写入事务结束（稍后再读）；两者都为 false 即已追平。只有写入变更流的事务会让变更流等待，其他事务（批量导入、长报表、备份）不会。
//	@Tags			数据对接
//	@Produce		json
//	@Security		BearerAuth
//	@Param			cursor	query		string	false	"上次返回的 cursor；空表示从头"
//	@Param			limit	query		int		false	"每批条数，1–1000，默认 200"
//	@Success		200		{object}	feed.Page
//	@Failure		400		{object}	ErrorBody	"feed_cursor_invalid, validation_failed"
//	@Router			/api/v1/feed [get]
func (s *Server) getEnterpriseFeed(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	return s.readFeed(c, feed.Scope{EnterpriseID: ent})
}

func (s *Server) readFeed(c echo.Context, scope feed.Scope) error {
	limit, err := feedLimit(c)
	if err != nil {
		return err
	}
	p, err := s.feed.Read(c.Request().Context(), scope, c.QueryParam("cursor"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// getRegionFeed godoc
//
//	@Summary		变更流（辖区）
//	@Description	同 /api/v1/feed，范围为本监管账号辖区内的全部企业；cursor 只对本辖区的变更流有效。
//	@Tags			数据对接
//	@Produce		json
//	@Security		BearerAuth
//	@Param			cursor	query		string	false	"上次返回的 cursor；空表示从头"
//	@Param			limit	query		int		false	"每批条数，1–1000，默认 200"
//	@Success		200		{object}	feed.Page
//	@Failure		400		{object}	ErrorBody	"feed_cursor_invalid, validation_failed"
//	@Router			/api/v1/regulator/feed [get]
func (s *Server) getRegionFeed(c echo.Context) error {
	path, err := regionPathOf(c)
	if err != nil {
		return err
	}
	return s.readFeed(c, feed.Scope{RegionPath: path})
}
