-- Oversight: statistics kept as aggregates so that district and city dashboards stay fast at city scale,
-- half-month usage snapshots that never change afterwards, supervision (督办) of major hazards, report
-- sign-offs, the integrators' change feed, and the scheduler's record of job runs.

-- Hazards carry their enterprise's region path so a region's figures are one indexed prefix scan.
ALTER TABLE hazards ADD COLUMN region_path TEXT NOT NULL DEFAULT '';
UPDATE hazards SET region_path = (SELECT e.region_path FROM enterprises e WHERE e.id = hazards.enterprise_id);
CREATE INDEX hazards_region_found_idx ON hazards (region_path{{if pg}} text_pattern_ops{{end}}, found_at);
CREATE INDEX hazards_region_open_idx ON hazards (region_path{{if pg}} text_pattern_ops{{end}}, legal_level) WHERE status <> 'closed';

-- Every enterprise's current figures, recomputed set-based by a scheduled job (and for one enterprise on
-- demand). Rankings and roll-ups of a region read only this table.
CREATE TABLE enterprise_stats (
	enterprise_id BIGINT PRIMARY KEY REFERENCES enterprises(id),
	region_path TEXT NOT NULL,
	district_id BIGINT,
	street_id BIGINT,
	completeness DOUBLE PRECISION NOT NULL DEFAULT 0,
	setup_complete BOOLEAN NOT NULL DEFAULT FALSE,
	initialized BOOLEAN NOT NULL DEFAULT FALSE,
	usage_half TEXT NOT NULL DEFAULT '',
	usage_due INTEGER NOT NULL DEFAULT 0,
	usage_on_time INTEGER NOT NULL DEFAULT 0,
	usage_rate DOUBLE PRECISION NOT NULL DEFAULT 0,
	open_general INTEGER NOT NULL DEFAULT 0,
	open_major INTEGER NOT NULL DEFAULT 0,
	overdue INTEGER NOT NULL DEFAULT 0,
	computed_at {{timestamp}} NOT NULL
);
CREATE INDEX enterprise_stats_region_idx ON enterprise_stats (region_path{{if pg}} text_pattern_ops{{end}});

-- The usage rate of each enterprise for each finished half-month, taken when the half-month ends.
CREATE TABLE usage_snapshots (
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	half_key TEXT NOT NULL,
	region_path TEXT NOT NULL,
	due INTEGER NOT NULL,
	on_time INTEGER NOT NULL,
	rate DOUBLE PRECISION NOT NULL,
	taken_at {{timestamp}} NOT NULL,
	PRIMARY KEY (enterprise_id, half_key)
);
CREATE INDEX usage_snapshots_region_idx ON usage_snapshots (half_key, region_path{{if pg}} text_pattern_ops{{end}});

-- 督办: a regulator marks a major hazard as supervised, with a deadline and a note; the enterprise sees it.
CREATE TABLE supervisions (
	id {{id}},
	hazard_id BIGINT NOT NULL REFERENCES hazards(id),
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	region_id BIGINT NOT NULL REFERENCES regions(id),
	supervisor_id BIGINT NOT NULL REFERENCES users(id),
	deadline {{timestamp}} NOT NULL,
	note TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'lifted')),
	created_at {{timestamp}} NOT NULL,
	lifted_at {{timestamp}},
	lifted_by BIGINT REFERENCES users(id),
	lift_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX supervisions_hazard_idx ON supervisions (hazard_id);
-- At most one active supervision per hazard, whoever tries at the same time.
CREATE UNIQUE INDEX supervisions_active_uq ON supervisions (hazard_id) WHERE status = 'active';

-- Quarterly and yearly hazard statistics reports signed by the enterprise's principal.
CREATE TABLE report_signoffs (
	id {{id}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	period_key TEXT NOT NULL,
	signer_name TEXT NOT NULL,
	signer_title TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	figures {{json}},
	signed_by BIGINT NOT NULL REFERENCES users(id),
	signed_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX report_signoffs_uq ON report_signoffs (enterprise_id, period_key);

-- The integrators' change feed. On PostgreSQL each row records its transaction id: readers take only rows
-- of transactions older than every transaction still running, in (xid, seq) order, so a row committed late
-- can never fall behind a cursor already handed out.
CREATE TABLE change_feed (
	seq {{id}},
	xid BIGINT NOT NULL DEFAULT {{if pg}}(pg_current_xact_id()::text::bigint){{else}}0{{end}},
	at {{timestamp}} NOT NULL,
	enterprise_id BIGINT NOT NULL,
	region_path TEXT NOT NULL,
	entity TEXT NOT NULL,
	entity_id BIGINT NOT NULL,
	action TEXT NOT NULL,
	data {{json}}
);
CREATE INDEX change_feed_order_idx ON change_feed (xid, seq);
CREATE INDEX change_feed_enterprise_idx ON change_feed (enterprise_id, xid, seq);

-- Scheduled jobs run once across all instances: a run takes the job's row lock.
CREATE TABLE job_runs (
	name TEXT PRIMARY KEY,
	last_started_at {{timestamp}},
	last_finished_at {{timestamp}},
	last_ok BOOLEAN NOT NULL DEFAULT FALSE,
	last_note TEXT NOT NULL DEFAULT '',
	runs BIGINT NOT NULL DEFAULT 0,
	instance TEXT NOT NULL DEFAULT ''
);
