package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"yqyb/internal/platform/apperr"
	"yqyb/internal/rbac"
	"yqyb/internal/webhook"
)

// Webhook endpoints: an enterprise admin manages the enterprise's (/api/v1/webhooks, sys:webhook), a regulator
// its region's (/api/v1/regulator/webhooks, reg:webhook). The two sets of routes share their handling and
// differ in whose endpoints they reach, which comes from the verified token alone.
func (s *Server) webhookRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/webhooks", Perm: rbac.WebhookManage, Handler: s.listWebhooks},
		{Method: http.MethodPost, Path: "/api/v1/webhooks", Perm: rbac.WebhookManage, Handler: s.createWebhook},
		{Method: http.MethodPatch, Path: "/api/v1/webhooks/:id", Perm: rbac.WebhookManage, Handler: s.updateWebhook},
		{Method: http.MethodDelete, Path: "/api/v1/webhooks/:id", Perm: rbac.WebhookManage, Handler: s.deleteWebhook},
		{Method: http.MethodGet, Path: "/api/v1/webhooks/:id/deliveries", Perm: rbac.WebhookManage, Handler: s.listWebhookDeliveries},
		{Method: http.MethodPost, Path: "/api/v1/webhooks/:id/deliveries/:delivery/redeliver", Perm: rbac.WebhookManage, Handler: s.redeliverWebhookDelivery},
		{Method: http.MethodGet, Path: "/api/v1/regulator/webhooks", Perm: rbac.RegWebhookManage, Handler: s.listRegionWebhooks},
		{Method: http.MethodPost, Path: "/api/v1/regulator/webhooks", Perm: rbac.RegWebhookManage, Handler: s.createRegionWebhook},
		{Method: http.MethodPatch, Path: "/api/v1/regulator/webhooks/:id", Perm: rbac.RegWebhookManage, Handler: s.updateRegionWebhook},
		{Method: http.MethodDelete, Path: "/api/v1/regulator/webhooks/:id", Perm: rbac.RegWebhookManage, Handler: s.deleteRegionWebhook},
		{Method: http.MethodGet, Path: "/api/v1/regulator/webhooks/:id/deliveries", Perm: rbac.RegWebhookManage, Handler: s.listRegionWebhookDeliveries},
		{Method: http.MethodPost, Path: "/api/v1/regulator/webhooks/:id/deliveries/:delivery/redeliver", Perm: rbac.RegWebhookManage, Handler: s.redeliverRegionWebhookDelivery},
	}
}

func enterpriseOwner(c echo.Context) (webhook.Owner, error) {
	ent, err := enterpriseOf(c)
	return webhook.Owner{EnterpriseID: ent}, err
}

func regionOwner(c echo.Context) (webhook.Owner, error) {
	path, err := regionPathOf(c)
	return webhook.Owner{RegionPath: path}, err
}

type ownerOf func(echo.Context) (webhook.Owner, error)

func (s *Server) doListWebhooks(c echo.Context, of ownerOf) error {
	o, err := of(c)
	if err != nil {
		return err
	}
	list, err := s.webhooks.List(c.Request().Context(), o)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, list)
}

func (s *Server) doCreateWebhook(c echo.Context, of ownerOf) error {
	o, err := of(c)
	if err != nil {
		return err
	}
	var in webhook.CreateInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.webhooks.Create(c.Request().Context(), actor(c), o, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *Server) doUpdateWebhook(c echo.Context, of ownerOf) error {
	o, err := of(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return webhook.ErrNotFound
	}
	var in webhook.UpdateInput
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := s.webhooks.Update(c.Request().Context(), actor(c), o, id, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) doDeleteWebhook(c echo.Context, of ownerOf) error {
	o, err := of(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return webhook.ErrNotFound
	}
	if err := s.webhooks.Delete(c.Request().Context(), actor(c), o, id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) doListDeliveries(c echo.Context, of ownerOf) error {
	o, err := of(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return webhook.ErrNotFound
	}
	before, err := queryID(c, "before", "before ")
	if err != nil {
		return err
	}
	limit, err := feedLimit(c)
	if err != nil {
		return err
	}
	if c.QueryParam("limit") == "" {
		limit = 50
	}
	if limit > 200 {
		return apperr.Validation(apperr.FieldError{Field: "limit", Message: "每页条数应为 1 到 200"})
	}
	out, err := s.webhooks.Deliveries(c.Request().Context(), o, id, before, limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) doRedeliver(c echo.Context, of ownerOf) error {
	o, err := of(c)
	if err != nil {
		return err
	}
	id, err := idParam(c, "id")
	if err != nil {
		return webhook.ErrNotFound
	}
	did, err := idParam(c, "delivery")
	if err != nil {
		return webhook.ErrDeliveryNotFound
	}
	out, err := s.webhooks.Redeliver(c.Request().Context(), actor(c), o, id, did)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, out)
}

// listWebhooks godoc
//
//	@Summary		推送地址列表
//	@Description	本企业登记的事件推送地址（不含密钥）。disabled_reason 不为空表示因连续推送失败被系统自动停用。
//	@Tags			事件推送
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200		{array}		webhook.Endpoint
//	@Router			/api/v1/webhooks [get]
func (s *Server) listWebhooks(c echo.Context) error { return s.doListWebhooks(c, enterpriseOwner) }

// listRegionWebhooks godoc
//
//	@Summary		推送地址列表（辖区）
//	@Description	本辖区登记的事件推送地址（不含密钥）。disabled_reason 不为空表示因连续推送失败被系统自动停用。
//	@Tags			事件推送
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200		{array}		webhook.Endpoint
//	@Router			/api/v1/regulator/webhooks [get]
func (s *Server) listRegionWebhooks(c echo.Context) error { return s.doListWebhooks(c, regionOwner) }

// createWebhook godoc
//
//	@Summary		登记推送地址
//	@Description	登记一个接收变更流事件的 HTTPS 地址：选定事件类型（变更流的 action），签名密钥可自带或由服务器生成，只在本次返回。登记后发生的事件按变更流顺序逐条推送（一条送达或放弃后才推送下一条），失败按指数退避重试，最长 24 小时。签名方法见使用手册“事件推送”。
//	@Tags			事件推送
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		webhook.CreateInput	true	"推送地址"
//	@Success		201		{object}	webhook.Created
//	@Failure		400		{object}	ErrorBody	"webhook_url_invalid, webhook_address_forbidden, webhook_event_types_invalid, webhook_secret_invalid, validation_failed"
//	@Failure		403		{object}	ErrorBody	"webhook_feed_forbidden"
//	@Failure		409		{object}	ErrorBody	"webhook_limit_reached"
//	@Router			/api/v1/webhooks [post]
func (s *Server) createWebhook(c echo.Context) error { return s.doCreateWebhook(c, enterpriseOwner) }

// createRegionWebhook godoc
//
//	@Summary		登记推送地址（辖区）
//	@Description	登记一个接收变更流事件的 HTTPS 地址：选定事件类型（变更流的 action），签名密钥可自带或由服务器生成，只在本次返回。登记后发生的事件按变更流顺序逐条推送（一条送达或放弃后才推送下一条），失败按指数退避重试，最长 24 小时。签名方法见使用手册“事件推送”。
//	@Tags			事件推送
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		webhook.CreateInput	true	"推送地址"
//	@Success		201		{object}	webhook.Created
//	@Failure		400		{object}	ErrorBody	"webhook_url_invalid, webhook_address_forbidden, webhook_event_types_invalid, webhook_secret_invalid, validation_failed"
//	@Failure		403		{object}	ErrorBody	"webhook_feed_forbidden"
//	@Failure		409		{object}	ErrorBody	"webhook_limit_reached"
//	@Router			/api/v1/regulator/webhooks [post]
func (s *Server) createRegionWebhook(c echo.Context) error { return s.doCreateWebhook(c, regionOwner) }

// updateWebhook godoc
//
//	@Summary		修改推送地址
//	@Description	启用、停用或修改事件类型与说明；未给出的字段不变。重新启用会清除失败计数和自动停用的说明，从停下的位置继续按顺序推送。
//	@Tags			事件推送
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path	int	true	"推送地址ID"
//	@Param			body	body		webhook.UpdateInput	true	"修改内容"
//	@Success		200		{object}	webhook.Endpoint
//	@Failure		400		{object}	ErrorBody	"webhook_event_types_invalid, validation_failed"
//	@Failure		404		{object}	ErrorBody	"webhook_not_found"
//	@Router			/api/v1/webhooks/{id} [patch]
func (s *Server) updateWebhook(c echo.Context) error { return s.doUpdateWebhook(c, enterpriseOwner) }

// updateRegionWebhook godoc
//
//	@Summary		修改推送地址（辖区）
//	@Description	启用、停用或修改事件类型与说明；未给出的字段不变。重新启用会清除失败计数和自动停用的说明，从停下的位置继续按顺序推送。
//	@Tags			事件推送
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path	int	true	"推送地址ID"
//	@Param			body	body		webhook.UpdateInput	true	"修改内容"
//	@Success		200		{object}	webhook.Endpoint
//	@Failure		400		{object}	ErrorBody	"webhook_event_types_invalid, validation_failed"
//	@Failure		404		{object}	ErrorBody	"webhook_not_found"
//	@Router			/api/v1/regulator/webhooks/{id} [patch]
func (s *Server) updateRegionWebhook(c echo.Context) error { return s.doUpdateWebhook(c, regionOwner) }

// deleteWebhook godoc
//
//	@Summary		删除推送地址
//	@Description	删除推送地址及其推送记录，之后不再推送。
//	@Tags			事件推送
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path	int	true	"推送地址ID"
//	@Success		204
//	@Failure		404		{object}	ErrorBody	"webhook_not_found"
//	@Router			/api/v1/webhooks/{id} [delete]
func (s *Server) deleteWebhook(c echo.Context) error { return s.doDeleteWebhook(c, enterpriseOwner) }

// deleteRegionWebhook godoc
//
//	@Summary		删除推送地址（辖区）
//	@Description	删除推送地址及其推送记录，之后不再推送。
//	@Tags			事件推送
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path	int	true	"推送地址ID"
//	@Success		204
//	@Failure		404		{object}	ErrorBody	"webhook_not_found"
//	@Router			/api/v1/regulator/webhooks/{id} [delete]
func (s *Server) deleteRegionWebhook(c echo.Context) error { return s.doDeleteWebhook(c, regionOwner) }

// listWebhookDeliveries godoc
//
//	@Summary		推送记录
//	@Description	某推送地址的推送记录，新的在前：事件 id、状态（pending 待推送或等待重试、delivered 已送达、failed 已放弃）、尝试次数、最后一次的 HTTP 状态码与错误。用 before（上一页最后一条的 id）翻页。
//	@Tags			事件推送
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path	int	true	"推送地址ID"
//	@Param			before	query	int	false	"只返回 id 小于它的记录（翻页）"
//	@Param			limit	query	int	false	"条数，1–200，默认 50"
//	@Success		200		{array}		webhook.Delivery
//	@Failure		400		{object}	ErrorBody	"validation_failed"
//	@Failure		404		{object}	ErrorBody	"webhook_not_found"
//	@Router			/api/v1/webhooks/{id}/deliveries [get]
func (s *Server) listWebhookDeliveries(c echo.Context) error {
	return s.doListDeliveries(c, enterpriseOwner)
}

// listRegionWebhookDeliveries godoc
//
//	@Summary		推送记录（辖区）
//	@Description	某推送地址的推送记录，新的在前：事件 id、状态（pending 待推送或等待重试、delivered 已送达、failed 已放弃）、尝试次数、最后一次的 HTTP 状态码与错误。用 before（上一页最后一条的 id）翻页。
//	@Tags			事件推送
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path	int	true	"推送地址ID"
//	@Param			before	query	int	false	"只返回 id 小于它的记录（翻页）"
//	@Param			limit	query	int	false	"条数，1–200，默认 50"
//	@Success		200		{array}		webhook.Delivery
//	@Failure		400		{object}	ErrorBody	"validation_failed"
//	@Failure		404		{object}	ErrorBody	"webhook_not_found"
//	@Router			/api/v1/regulator/webhooks/{id}/deliveries [get]
func (s *Server) listRegionWebhookDeliveries(c echo.Context) error {
	return s.doListDeliveries(c, regionOwner)
}

// redeliverWebhookDelivery godoc
//
//	@Summary		重新推送
//	@Description	把某条推送记录的事件再推送一次（新增一条手工推送记录，事件 id 与内容不变，接收方按事件 id 去重）；不影响按顺序推送的队列。
//	@Tags			事件推送
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path	int	true	"推送地址ID"
//	@Param			delivery	path	int	true	"推送记录ID"
//	@Success		202		{object}	webhook.Delivery
//	@Failure		404		{object}	ErrorBody	"webhook_not_found, webhook_delivery_not_found"
//	@Router			/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver [post]
func (s *Server) redeliverWebhookDelivery(c echo.Context) error {
	return s.doRedeliver(c, enterpriseOwner)
}

// redeliverRegionWebhookDelivery godoc
//
//	@Summary		重新推送（辖区）
//	@Description	把某条推送记录的事件再推送一次（新增一条手工推送记录，事件 id 与内容不变，接收方按事件 id 去重）；不影响按顺序推送的队列。
//	@Tags			事件推送
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path	int	true	"推送地址ID"
//	@Param			delivery	path	int	true	"推送记录ID"
//	@Success		202		{object}	webhook.Delivery
//	@Failure		404		{object}	ErrorBody	"webhook_not_found, webhook_delivery_not_found"
//	@Router			/api/v1/regulator/webhooks/{id}/deliveries/{delivery}/redeliver [post]
func (s *Server) redeliverRegionWebhookDelivery(c echo.Context) error {
	return s.doRedeliver(c, regionOwner)
}

// WebhookDeliverer returns the deliverer of this server's webhooks; serve starts it in every instance (the
// endpoints' leases make each delivery happen once across them). instance names the process (host:pid).
func (s *Server) WebhookDeliverer(instance string) *webhook.Deliverer {
	d := webhook.NewDeliverer(s.deps.DB, s.deps.Clock, s.feed, s.hookGuard, s.hookReaders, s.deps.Log.With("component", "webhooks"), instance)
	d.LogDays = s.deps.Config.WebhookLogDays
	return d
}
