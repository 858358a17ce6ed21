-- Webhooks (internal/webhook, issue 17): an enterprise admin (for the enterprise) or a regulator (for its
-- region) registers an endpoint; the change feed's entries are POSTed to it, signed, in feed order.
--
-- The queue lives here so it runs once across instances and survives a restart. An endpoint row is its own
-- queue: feed_cursor is the last feed position taken into webhook_deliveries, and an instance works on an
-- endpoint only while it holds the row's lease (lease_owner, lease_until, taken with a compare-and-set
-- UPDATE), so one instance at a time delivers an endpoint's events, one after the other.
-- enterprise_id is set for an enterprise's endpoint and NULL for a regulator's (region_path scopes it).
CREATE TABLE webhook_endpoints (
	id {{id}},
	enterprise_id BIGINT,
	region_path TEXT NOT NULL DEFAULT '',
	url TEXT NOT NULL,
	secret TEXT NOT NULL,
	event_types TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	enabled BOOLEAN NOT NULL DEFAULT TRUE,
	disabled_reason TEXT NOT NULL DEFAULT '',
	disabled_at {{timestamp}},
	feed_cursor BIGINT NOT NULL DEFAULT 0,
	consecutive_failures INTEGER NOT NULL DEFAULT 0,
	failing_since {{timestamp}},
	next_attempt_at {{timestamp}},
	lease_owner TEXT NOT NULL DEFAULT '',
	lease_until {{timestamp}},
	created_by BIGINT NOT NULL DEFAULT 0,
	created_at {{timestamp}} NOT NULL,
	updated_at {{timestamp}} NOT NULL
);
CREATE INDEX webhook_endpoints_enterprise ON webhook_endpoints (enterprise_id);
CREATE INDEX webhook_endpoints_region ON webhook_endpoints (region_path);

-- One row per event taken for an endpoint (and one more per manual redelivery). body is the exact JSON sent,
-- so a retry sends the same bytes.
CREATE TABLE webhook_deliveries (
	id {{id}},
	endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
	enterprise_id BIGINT NOT NULL,
	event_id BIGINT NOT NULL,
	action TEXT NOT NULL,
	body TEXT NOT NULL,
	manual BOOLEAN NOT NULL DEFAULT FALSE,
	status TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	response_code INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at {{timestamp}} NOT NULL,
	last_attempt_at {{timestamp}},
	next_attempt_at {{timestamp}},
	delivered_at {{timestamp}}
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, status, event_id);
