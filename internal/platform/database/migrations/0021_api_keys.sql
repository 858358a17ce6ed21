-- API keys for machines (issue 17, internal/apikey): an integrator's program authenticates as the account
-- that created the key, narrowed to the key's scopes. The key is `yqyb_<prefix>_<secret>`: prefix (8
-- characters, unique) names the key in logs and the audit log; only the SHA-256 of the secret is stored.
-- enterprise_id is the creator's enterprise (NULL for a regulator's key), region_id a regulator's region:
-- they scope who may list and revoke the key, while what a key reaches is decided at each use from its
-- creator as the database holds it then.
CREATE TABLE api_keys (
	id {{id}},
	prefix TEXT NOT NULL,
	secret_hash TEXT NOT NULL,
	name TEXT NOT NULL,
	user_id BIGINT NOT NULL REFERENCES users(id),
	enterprise_id BIGINT,
	region_id BIGINT,
	scopes TEXT NOT NULL,
	rate_limit INTEGER NOT NULL,
	expires_at {{timestamp}},
	created_at {{timestamp}} NOT NULL,
	last_used_at {{timestamp}},
	last_used_ip TEXT NOT NULL DEFAULT '',
	revoked_at {{timestamp}},
	revoked_by BIGINT
);
CREATE UNIQUE INDEX api_keys_prefix ON api_keys (prefix);
CREATE INDEX api_keys_enterprise_idx ON api_keys (enterprise_id, id) WHERE enterprise_id IS NOT NULL;
CREATE INDEX api_keys_region_idx ON api_keys (region_id, id) WHERE enterprise_id IS NULL;

-- Each instance caches an authenticated key like a session (auth.Cache, under "k:<prefix>"); a revocation,
-- a new expiry, scope or rate limit tells every instance to drop it in the transaction that makes the
-- change (payload s:k:<prefix>, which the cache reads as that entry). Recording its last use does not.
{{if pg}}
CREATE FUNCTION yqyb_api_key_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r RECORD;
BEGIN
	IF TG_OP = 'DELETE' THEN
		r := OLD;
	ELSE
		r := NEW;
	END IF;
	PERFORM pg_notify('yqyb_auth', 's:k:' || r.prefix);
	RETURN NULL;
END
$$;
CREATE TRIGGER api_keys_notify AFTER UPDATE ON api_keys FOR EACH ROW
	WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
		OR OLD.scopes IS DISTINCT FROM NEW.scopes OR OLD.rate_limit IS DISTINCT FROM NEW.rate_limit
		OR OLD.user_id IS DISTINCT FROM NEW.user_id OR OLD.secret_hash IS DISTINCT FROM NEW.secret_hash)
	EXECUTE FUNCTION yqyb_api_key_notify();
CREATE TRIGGER api_keys_notify_delete AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION yqyb_api_key_notify();
{{end}}
