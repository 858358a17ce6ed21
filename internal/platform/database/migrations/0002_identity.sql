-- Accounts, sessions, roles and grants, the audit log, and the minimal enterprise structure accounts hang on
-- (enterprises, departments and posts grow in later migrations).

CREATE TABLE enterprises (
	id {{id}},
	name TEXT NOT NULL,
	credit_code TEXT NOT NULL,
	legal_rep TEXT NOT NULL DEFAULT '',
	legal_phone TEXT NOT NULL DEFAULT '',
	region_id BIGINT NOT NULL REFERENCES regions(id),
	-- the region's path, copied so "enterprises under a region" is one indexed prefix match
	region_path TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
	created_at {{timestamp}} NOT NULL,
	updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX enterprises_name_uq ON enterprises (name);
CREATE UNIQUE INDEX enterprises_credit_code_uq ON enterprises (credit_code);
CREATE INDEX enterprises_region_path_idx ON enterprises (region_path{{if pg}} text_pattern_ops{{end}}, id);

CREATE TABLE departments (
	id {{id}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	parent_id BIGINT REFERENCES departments(id),
	name TEXT NOT NULL,
	sort_order INTEGER NOT NULL DEFAULT 0,
	created_at {{timestamp}} NOT NULL,
	updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX departments_name_uq ON departments (enterprise_id, COALESCE(parent_id, 0), name);

CREATE TABLE posts (
	id {{id}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	department_id BIGINT NOT NULL REFERENCES departments(id),
	name TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
	created_at {{timestamp}} NOT NULL,
	updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX posts_name_uq ON posts (department_id, name);
CREATE INDEX posts_enterprise_idx ON posts (enterprise_id, id);

-- Every kind of account in one table. Personal-user login names (enterprise admins, whose login name is the
-- enterprise's name, post users, regulators, platform administrators) share one namespace, so a name typed
-- at the personal login always means exactly one account. Enterprise-user accounts log in by the
-- enterprise's name or credit code instead and are outside that namespace.
CREATE TABLE users (
	id {{id}},
	kind TEXT NOT NULL CHECK (kind IN ('platform_admin', 'regulator', 'enterprise_admin', 'enterprise_user', 'post_user')),
	login_name TEXT NOT NULL,
	display_name TEXT NOT NULL,
	phone TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,
	must_change_password BOOLEAN NOT NULL DEFAULT TRUE,
	enterprise_id BIGINT REFERENCES enterprises(id),
	region_id BIGINT REFERENCES regions(id),
	post_id BIGINT REFERENCES posts(id),
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
	-- bumped by password change or reset, disable, and any change of the user's roles or grants: access
	-- tokens carry the version they were issued under and stop working when it moves
	token_version BIGINT NOT NULL DEFAULT 1,
	last_login_at {{timestamp}},
	password_changed_at {{timestamp}},
	created_at {{timestamp}} NOT NULL,
	updated_at {{timestamp}} NOT NULL,
	deleted_at {{timestamp}},
	CHECK ((kind IN ('enterprise_admin', 'enterprise_user', 'post_user')) = (enterprise_id IS NOT NULL)),
	CHECK (kind <> 'regulator' OR region_id IS NOT NULL),
	CHECK (kind <> 'post_user' OR post_id IS NOT NULL)
);
CREATE UNIQUE INDEX users_login_name_uq ON users (login_name) WHERE kind <> 'enterprise_user' AND deleted_at IS NULL;
CREATE UNIQUE INDEX users_enterprise_account_uq ON users (enterprise_id, kind) WHERE kind IN ('enterprise_admin', 'enterprise_user') AND deleted_at IS NULL;
CREATE INDEX users_enterprise_idx ON users (enterprise_id, id) WHERE deleted_at IS NULL;
CREATE INDEX users_post_idx ON users (post_id) WHERE deleted_at IS NULL;
CREATE INDEX users_region_idx ON users (region_id) WHERE kind = 'regulator';

-- Consecutive failed logins per account (or per typed name when no account matches, so that a name that
-- does not exist locks exactly like one that does and reveals nothing).
CREATE TABLE login_throttle (
	key TEXT PRIMARY KEY,
	failures INTEGER NOT NULL,
	last_failed_at {{timestamp}} NOT NULL,
	locked_until {{timestamp}}
);

-- Fixed-window counters shared by every instance (e.g. login attempts per IP).
CREATE TABLE rate_limits (
	key TEXT PRIMARY KEY,
	window_start BIGINT NOT NULL,
	hits INTEGER NOT NULL
);

-- A login session is a family of rotating refresh tokens; revoking the session revokes them all and stops
-- the access tokens issued under it.
CREATE TABLE auth_sessions (
	id TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id),
	created_at {{timestamp}} NOT NULL,
	expires_at {{timestamp}} NOT NULL,
	last_used_at {{timestamp}} NOT NULL,
	revoked_at {{timestamp}},
	revoke_reason TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
	id {{id}},
	session_id TEXT NOT NULL REFERENCES auth_sessions(id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE,
	created_at {{timestamp}} NOT NULL,
	expires_at {{timestamp}} NOT NULL,
	used_at {{timestamp}}
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Roles of a domain (an enterprise: e:<id>). The system role is given to every new post user and cannot be
-- deleted; its grants can be edited.
CREATE TABLE roles (
	id {{id}},
	domain TEXT NOT NULL,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	is_system BOOLEAN NOT NULL DEFAULT FALSE,
	created_at {{timestamp}} NOT NULL,
	updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX roles_name_uq ON roles (domain, name);

-- Casbin policy lines (RBAC with domains):
--   p, r:<role>, <domain>, <code>, allow     a role grant
--   p, u:<user>, <domain>, <code>, allow     a user grant
--   g, u:<user>, r:<role>, <domain>          a role assignment
-- A domain's lines are loaded on demand; rbac_domains.version moves with every change so that every
-- instance reloads that domain, and only that domain, on its next check.
CREATE TABLE casbin_rule (
	id {{id}},
	ptype TEXT NOT NULL,
	v0 TEXT NOT NULL DEFAULT '',
	v1 TEXT NOT NULL DEFAULT '',
	v2 TEXT NOT NULL DEFAULT '',
	v3 TEXT NOT NULL DEFAULT '',
	v4 TEXT NOT NULL DEFAULT '',
	v5 TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX casbin_rule_uq ON casbin_rule (ptype, v0, v1, v2, v3, v4, v5);
CREATE INDEX casbin_rule_p_domain_idx ON casbin_rule (v1) WHERE ptype = 'p';
CREATE INDEX casbin_rule_g_domain_idx ON casbin_rule (v2) WHERE ptype = 'g';

CREATE TABLE rbac_domains (
	domain TEXT PRIMARY KEY,
	version BIGINT NOT NULL
);

-- Who did what, when, to what: logins, lockouts, password changes and resets, users, roles and grants.
CREATE TABLE audit_logs (
	id {{id}},
	at {{timestamp}} NOT NULL,
	actor_id BIGINT,
	actor_name TEXT NOT NULL DEFAULT '',
	enterprise_id BIGINT,
	region_id BIGINT,
	action TEXT NOT NULL,
	target_type TEXT NOT NULL DEFAULT '',
	target_id BIGINT,
	target_name TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT '',
	request_id TEXT NOT NULL DEFAULT '',
	detail {{json}}
);
CREATE INDEX audit_logs_enterprise_idx ON audit_logs (enterprise_id, id);
CREATE INDEX audit_logs_at_idx ON audit_logs (at);
