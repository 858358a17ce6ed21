-- Inspections and their answers partitioned by month on PostgreSQL (issue 16, "Partitions and retention").
-- SQLite, the single-instance embedded mode, stays unpartitioned but gets the same columns and keys, so the
-- service writes the same statements to both.
--
-- Partition key: period_end, the first instant after the inspection's reporting period. Every period query
-- filters on it — the usage rate and the dashboard (inspection.Tally, stats usage: period_end > start AND
-- period_end <= end of a half-month), the history's date range (inspection.List) — and the indexes already
-- lead with it after the enterprise or post. A partition holds one month of the business zone (Beijing)
-- by the period's LAST instant: the bounds are the month's first instant plus one microsecond, so that
-- FROM (month start + 1 µs) TO (next month start + 1 µs) is exactly period_end in (month start, next
-- month start], the same half-open range the queries use. A half-month's or a month's query then touches one
-- partition, a quarter's three; a December period (daily, monthly, quarterly or yearly) ending at midnight
-- on 1 January lives in December's partition, not January's. Partitions are named
-- inspections_pYYYYMM and inspection_answers_pYYYYMM; a DEFAULT partition of each takes rows outside every
-- month created (a clock far ahead, a data generator), so a write never fails for want of a partition.
-- The maintenance job (inspection.Partitions, job "inspections.partitions") creates the months ahead
-- (a yearly period ends up to twelve months ahead) and detaches months past YQYB_INSPECTION_RETENTION_YEARS.
--
-- Keys: a unique key of a partitioned table must include the partition key.
-- * inspections: PRIMARY KEY (id, period_end); inspections_period_uq (checklist_id, period_key, period_end).
--   A checklist's period key fixes the period and so its end: the period's rows all fall in one partition
--   and the uniqueness means what it did. The service's ON CONFLICT names the three columns.
-- * inspection_answers carries period_end (its inspection's) so that it is partitioned the same way and
--   prunes too; PRIMARY KEY (inspection_id, item_id, period_end), and the foreign key becomes
--   (inspection_id, period_end) REFERENCES inspections (id, period_end) ON DELETE CASCADE: the cascade is
--   kept, and a month's answers sit in the month partition of their inspection.
-- * hazards.inspection_id no longer has a foreign key on PostgreSQL: a hazard outlives its inspection's
--   partition (retention detaches old months while their hazards stay in the ledger), and a composite key
--   would block the detach. Integrity is the service's: only inspection.Submit registers a hazard with an
--   inspection_id, in the transaction that holds the inspection's row locked, and nothing deletes
--   inspections. (SQLite keeps the foreign key: it has no partitions to detach.)
--
-- A query by inspection id alone (opening, saving, submitting one: the API names it by id) cannot prune:
-- it probes the primary key index of every partition, twelve more a year unless a retention period is set.
-- Once the row is read the service names its period_end, so its answers and its updates touch one partition.
--
-- The conversion renames the old tables (and their index and sequence names) aside, creates the
-- partitioned tables with the final names, creates a month partition for every month that holds an
-- inspection, and the months from last month to thirteen months ahead, copies the rows (the identity
-- continues after the old sequence), then builds the keys and indexes (once, faster than keeping them up to
-- date row by row: about 1.5 minutes instead of 2.2 for a million inspections), and drops the old tables.
-- It holds both tables for its whole run (deploy/README.md: upgrade in a quiet hour).
{{if pg}}
ALTER TABLE hazards DROP CONSTRAINT hazards_inspection_id_fkey;

ALTER TABLE inspection_answers RENAME TO inspection_answers_0023;
ALTER INDEX inspection_answers_pkey RENAME TO inspection_answers_0023_pkey;
ALTER TABLE inspections RENAME TO inspections_0023;
ALTER INDEX inspections_pkey RENAME TO inspections_0023_pkey;
ALTER INDEX inspections_period_uq RENAME TO inspections_0023_period_uq;
ALTER INDEX inspections_enterprise_idx RENAME TO inspections_0023_enterprise_idx;
ALTER INDEX inspections_post_idx RENAME TO inspections_0023_post_idx;
ALTER SEQUENCE inspections_id_seq RENAME TO inspections_0023_id_seq;
-- The old tables' checks and foreign keys go first, so that the new tables' get the usual names
-- (constraint names are chosen unique within the schema).
DO $$
DECLARE
	c RECORD;
BEGIN
	FOR c IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
		WHERE conrelid IN ('inspection_answers_0023'::regclass, 'inspections_0023'::regclass) AND contype IN ('c', 'f')
		ORDER BY conrelid = 'inspections_0023'::regclass, conname
	LOOP
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
	END LOOP;
END
$$;

CREATE TABLE inspections (
	id BIGINT GENERATED BY DEFAULT AS IDENTITY,
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	checklist_id BIGINT NOT NULL REFERENCES checklists(id),
	post_id BIGINT NOT NULL REFERENCES posts(id),
	checklist_name TEXT NOT NULL,
	frequency TEXT NOT NULL,
	period_key TEXT NOT NULL,
	period_start TIMESTAMPTZ NOT NULL,
	period_end TIMESTAMPTZ NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
	started_by BIGINT NOT NULL REFERENCES users(id),
	started_at TIMESTAMPTZ NOT NULL,
	submitted_by BIGINT REFERENCES users(id),
	submitted_at TIMESTAMPTZ,
	hazard_count INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	updated_at TIMESTAMPTZ NOT NULL,
	checklist_version_id BIGINT NOT NULL REFERENCES checklist_versions(id),
	ok_by BIGINT REFERENCES users(id),
	ok_at TIMESTAMPTZ
) PARTITION BY RANGE (period_end);

CREATE TABLE inspection_answers (
	inspection_id BIGINT NOT NULL,
	item_id BIGINT NOT NULL,
	enterprise_id BIGINT NOT NULL,
	answered_by BIGINT REFERENCES users(id),
	answered_at TIMESTAMPTZ,
	hazard_id BIGINT,
	fixed_on_spot BOOLEAN NOT NULL DEFAULT FALSE,
	result TEXT CHECK (result IN ('ok', 'hazard', 'na')),
	description TEXT NOT NULL DEFAULT '',
	grade_code TEXT NOT NULL DEFAULT '',
	location TEXT NOT NULL DEFAULT '',
	na_reason TEXT NOT NULL DEFAULT '',
	photo_ids TEXT NOT NULL DEFAULT '',
	period_end TIMESTAMPTZ NOT NULL
) PARTITION BY RANGE (period_end);

CREATE TABLE inspections_default PARTITION OF inspections DEFAULT;
CREATE TABLE inspection_answers_default PARTITION OF inspection_answers DEFAULT;

-- The months (Beijing) that hold an inspection's last instant, and last month to thirteen months ahead.
DO $$
DECLARE
	m DATE;
	lo TIMESTAMPTZ;
	hi TIMESTAMPTZ;
	suffix TEXT;
BEGIN
	FOR m IN
		SELECT DISTINCT date_trunc('month', (period_end - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date FROM inspections_0023
		UNION
		SELECT generate_series(date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') - interval '1 month',
			date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') + interval '13 months', interval '1 month')::date
		ORDER BY 1
	LOOP
		lo := (m::timestamp AT TIME ZONE 'Asia/Shanghai') + interval '1 microsecond';
		hi := ((m + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai') + interval '1 microsecond';
		suffix := to_char(m, 'YYYYMM');
		EXECUTE format('CREATE TABLE %I PARTITION OF inspections FOR VALUES FROM (%L) TO (%L)', 'inspections_p' || suffix, lo, hi);
		EXECUTE format('CREATE TABLE %I PARTITION OF inspection_answers FOR VALUES FROM (%L) TO (%L)', 'inspection_answers_p' || suffix, lo, hi);
	END LOOP;
END
$$;

-- The rows first, then the keys and indexes: building an index once is faster than keeping it up to date
-- row by row.
INSERT INTO inspections (id, enterprise_id, checklist_id, post_id, checklist_name, frequency, period_key, period_start, period_end, status,
	started_by, started_at, submitted_by, submitted_at, hazard_count, version, updated_at, checklist_version_id, ok_by, ok_at)
SELECT id, enterprise_id, checklist_id, post_id, checklist_name, frequency, period_key, period_start, period_end, status,
	started_by, started_at, submitted_by, submitted_at, hazard_count, version, updated_at, checklist_version_id, ok_by, ok_at
FROM inspections_0023;

INSERT INTO inspection_answers (inspection_id, item_id, enterprise_id, answered_by, answered_at, hazard_id, fixed_on_spot, result,
	description, grade_code, location, na_reason, photo_ids, period_end)
SELECT a.inspection_id, a.item_id, a.enterprise_id, a.answered_by, a.answered_at, a.hazard_id, a.fixed_on_spot, a.result,
	a.description, a.grade_code, a.location, a.na_reason, a.photo_ids, i.period_end
FROM inspection_answers_0023 a JOIN inspections_0023 i ON i.id = a.inspection_id;

ALTER TABLE inspections ADD PRIMARY KEY (id, period_end);
CREATE UNIQUE INDEX inspections_period_uq ON inspections (checklist_id, period_key, period_end);
CREATE INDEX inspections_enterprise_idx ON inspections (enterprise_id, period_end);
CREATE INDEX inspections_post_idx ON inspections (post_id, period_end);
ALTER TABLE inspection_answers ADD PRIMARY KEY (inspection_id, item_id, period_end);
ALTER TABLE inspection_answers ADD FOREIGN KEY (inspection_id, period_end) REFERENCES inspections (id, period_end) ON DELETE CASCADE;

-- New inspections go on numbering after the old table's.
SELECT setval(pg_get_serial_sequence('inspections', 'id'),
	GREATEST((SELECT last_value FROM inspections_0023_id_seq), (SELECT COALESCE(MAX(id), 0) FROM inspections_0023), 1));

DROP TABLE inspection_answers_0023;
DROP TABLE inspections_0023;
ANALYZE inspections;
ANALYZE inspection_answers;
{{else}}
-- SQLite: the same keys without partitions. The answers table is rebuilt with period_end in its key, as
-- 0016 rebuilt it; the inspections keep their table (hazards refer to it) with the wider unique index.
DROP INDEX inspections_period_uq;
CREATE UNIQUE INDEX inspections_period_uq ON inspections (checklist_id, period_key, period_end);

CREATE TABLE inspection_answers_0024 (
	inspection_id BIGINT NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
	item_id BIGINT NOT NULL,
	enterprise_id BIGINT NOT NULL,
	answered_by BIGINT REFERENCES users(id),
	answered_at {{timestamp}},
	hazard_id BIGINT,
	fixed_on_spot BOOLEAN NOT NULL DEFAULT FALSE,
	result TEXT CHECK (result IN ('ok', 'hazard', 'na')),
	description TEXT NOT NULL DEFAULT '',
	grade_code TEXT NOT NULL DEFAULT '',
	location TEXT NOT NULL DEFAULT '',
	na_reason TEXT NOT NULL DEFAULT '',
	photo_ids TEXT NOT NULL DEFAULT '',
	period_end {{timestamp}} NOT NULL,
	PRIMARY KEY (inspection_id, item_id, period_end)
);
INSERT INTO inspection_answers_0024 (inspection_id, item_id, enterprise_id, answered_by, answered_at, hazard_id, fixed_on_spot, result,
	description, grade_code, location, na_reason, photo_ids, period_end)
SELECT a.inspection_id, a.item_id, a.enterprise_id, a.answered_by, a.answered_at, a.hazard_id, a.fixed_on_spot, a.result,
	a.description, a.grade_code, a.location, a.na_reason, a.photo_ids, i.period_end
FROM inspection_answers a JOIN inspections i ON i.id = a.inspection_id;
DROP TABLE inspection_answers;
ALTER TABLE inspection_answers_0024 RENAME TO inspection_answers;
{{end}}
