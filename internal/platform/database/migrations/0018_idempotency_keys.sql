-- Idempotency keys (internal/idempotency): a write the app may retry (an inspection's save and submit, an
-- upload, a hazard's actions) carries an Idempotency-Key header. The first request with a key reserves its row
-- (status NULL while the write runs, so a concurrent duplicate waits for it or answers 409
-- idempotency_in_progress); the answer is stored with it, and a retry with the same key gets that answer again
-- instead of writing twice. A key belongs to one account; request_hash is the method, path and body, so the
-- same key with another request is refused (409 idempotency_key_reused). Rows expire after 24 hours and the
-- idempotency.prune job deletes them.
CREATE TABLE idempotency_keys (
	id {{id}},
	account_id BIGINT NOT NULL,
	idem_key TEXT NOT NULL,
	method TEXT NOT NULL,
	path TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status INTEGER,
	content_type TEXT NOT NULL DEFAULT '',
	body TEXT NOT NULL DEFAULT '',
	created_at {{timestamp}} NOT NULL,
	lease_until {{timestamp}} NOT NULL,
	expires_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX idempotency_keys_account_key ON idempotency_keys (account_id, idem_key);
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
