-- The read path (issue 16): the session cache's notifications and the hazards' per-day counts.
--
-- The session cache (auth.Cache): each instance keeps the rows authentication reads for a session and drops
-- them when told. On PostgreSQL these triggers tell every instance, through pg_notify on the channel
-- yqyb_auth, in the transaction that makes the change: a notification is delivered when, and only if, that
-- transaction commits. Payloads: s:<session id>, u:<user id>, d:<rbac domain>, * (drop everything).
-- SQLite, which one process owns, needs no triggers: the process learns of its own commits
-- (database.WatchCommits).
{{if pg}}
CREATE FUNCTION yqyb_auth_notify_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	r RECORD;
BEGIN
	IF TG_OP = 'DELETE' THEN
		r := OLD;
	ELSE
		r := NEW;
	END IF;
	IF TG_TABLE_NAME = 'auth_sessions' THEN
		PERFORM pg_notify('yqyb_auth', 's:' || r.id);
	ELSIF TG_TABLE_NAME = 'users' THEN
		PERFORM pg_notify('yqyb_auth', 'u:' || r.id);
	ELSIF TG_TABLE_NAME = 'rbac_domains' THEN
		PERFORM pg_notify('yqyb_auth', 'd:' || r.domain);
	ELSE
		PERFORM pg_notify('yqyb_auth', '*');
	END IF;
	RETURN NULL;
END
$$;

-- Pruning deletes sessions by the thousand: one notification per session for a few, else one that drops
-- everything.
CREATE FUNCTION yqyb_auth_notify_pruned() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	n BIGINT;
	sid TEXT;
BEGIN
	SELECT count(*) INTO n FROM pruned;
	IF n > 100 THEN
		PERFORM pg_notify('yqyb_auth', '*');
	ELSIF n > 0 THEN
		FOR sid IN SELECT id FROM pruned LOOP
			PERFORM pg_notify('yqyb_auth', 's:' || sid);
		END LOOP;
	END IF;
	RETURN NULL;
END
$$;

-- A session revoked (logout, password change or reset, disable, refresh token reuse) or cut short.
CREATE TRIGGER auth_sessions_notify AFTER UPDATE ON auth_sessions FOR EACH ROW
	WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
		OR OLD.user_id IS DISTINCT FROM NEW.user_id)
	EXECUTE FUNCTION yqyb_auth_notify_row();
CREATE TRIGGER auth_sessions_notify_pruned AFTER DELETE ON auth_sessions REFERENCING OLD TABLE AS pruned
	FOR EACH STATEMENT EXECUTE FUNCTION yqyb_auth_notify_pruned();

-- What authentication reads of a user: disabled, deleted, password changed or reset (token_version), must
-- change its password, moved to another post, enterprise or region, renamed. Not its last login.
CREATE TRIGGER users_notify AFTER UPDATE ON users FOR EACH ROW
	WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.token_version IS DISTINCT FROM NEW.token_version
		OR OLD.must_change_password IS DISTINCT FROM NEW.must_change_password OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
		OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.login_name IS DISTINCT FROM NEW.login_name
		OR OLD.display_name IS DISTINCT FROM NEW.display_name OR OLD.enterprise_id IS DISTINCT FROM NEW.enterprise_id
		OR OLD.region_id IS DISTINCT FROM NEW.region_id OR OLD.post_id IS DISTINCT FROM NEW.post_id)
	EXECUTE FUNCTION yqyb_auth_notify_row();
CREATE TRIGGER users_notify_delete AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION yqyb_auth_notify_row();

-- A grant or role change moves the enterprise's policy version.
CREATE TRIGGER rbac_domains_notify AFTER INSERT OR UPDATE OR DELETE ON rbac_domains FOR EACH ROW
	EXECUTE FUNCTION yqyb_auth_notify_row();

-- A region's path (rare: the region tree is reference data).
CREATE TRIGGER regions_notify AFTER UPDATE OF path OR DELETE ON regions FOR EACH ROW
	EXECUTE FUNCTION yqyb_auth_notify_row();
{{end}}

-- The hazards found per enterprise and business day (Beijing), by legal level and grade, and how many of
-- them are closed now: the regional dashboard sums these rows for a range instead of counting the range's
-- hazards (stats.hazardFigures), so its cost follows enterprises × days with a hazard, not hazards. The
-- statistics refresh keeps them: it counts again the enterprises whose hazards changed since its last run
-- (stats.Refresh). region_path is the hazard's own, as the old count used.
CREATE TABLE hazard_day_counts (
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	day TEXT NOT NULL,
	region_path TEXT NOT NULL,
	legal_level TEXT NOT NULL,
	grade_code TEXT NOT NULL,
	found INTEGER NOT NULL,
	closed INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, day, region_path, legal_level, grade_code)
);
{{if pg}}CREATE INDEX hazard_day_counts_region_idx ON hazard_day_counts (region_path text_pattern_ops, day) INCLUDE (legal_level, grade_code, found, closed);
CREATE INDEX hazard_day_counts_day_idx ON hazard_day_counts (day) INCLUDE (region_path, legal_level, grade_code, found, closed);
{{else}}CREATE INDEX hazard_day_counts_region_idx ON hazard_day_counts (region_path, day);
{{end}}
-- The refresh finds the hazards changed since its last run by this index.
{{if pg}}CREATE INDEX hazards_updated_idx ON hazards (updated_at) INCLUDE (enterprise_id);
{{else}}CREATE INDEX hazards_updated_idx ON hazards (updated_at, enterprise_id);
{{end}}
INSERT INTO hazard_day_counts (enterprise_id, day, region_path, legal_level, grade_code, found, closed)
SELECT enterprise_id, {{if pg}}to_char(found_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'){{else}}date(found_at, '+8 hours'){{end}}, region_path,
	legal_level, grade_code, COUNT(*), SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END)
FROM hazards GROUP BY 1, 2, 3, 4, 5;
