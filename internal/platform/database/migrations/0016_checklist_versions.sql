-- Compact inspection records (issue 16). Until now every answer copied its item's texts (subject, content,
-- criterion, basis, category), so a 30-item inspection cost about 38 KB on disk. Now:
--
-- * an inspection refers to an immutable version of its checklist: the items as they were when it started,
--   their texts stored once per version (checklist_version_items). A version is found by the digest of its
--   items, so a checklist gets a new version exactly when what its inspectors see changes;
-- * inspection_answers keeps only the answers that differ from the inspection's default: every item of the
--   version without a row is 合格, answered by inspections.ok_by at inspections.ok_at — or unanswered when
--   ok_at is NULL. A row with a NULL result is an item still unanswered in a draft whose default is 合格.
--
-- The conversion groups the existing inspections by their copied texts into versions, picks for each
-- inspection the most frequent plain 合格 (same answerer, same instant) as its default and keeps every
-- other answer as a row. The digest of a converted version is the one the service computes (PostgreSQL),
-- so the next inspection of an unchanged checklist reuses it; SQLite, without a hash function, gives
-- converted versions a digest of their own and the next inspection starts a fresh version once.

CREATE TABLE checklist_versions (
	id {{id}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	checklist_id BIGINT NOT NULL REFERENCES checklists(id),
	digest TEXT NOT NULL,
	item_count INTEGER NOT NULL,
	created_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX checklist_versions_digest_uq ON checklist_versions (checklist_id, digest);

CREATE TABLE checklist_version_items (
	version_id BIGINT NOT NULL REFERENCES checklist_versions(id),
	sort_order INTEGER NOT NULL,
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	item_id BIGINT NOT NULL REFERENCES standard_items(id),
	item_version INTEGER NOT NULL,
	is_major BOOLEAN NOT NULL,
	grade_code TEXT NOT NULL,
	category_name TEXT NOT NULL,
	subject TEXT NOT NULL,
	content TEXT NOT NULL,
	criterion TEXT NOT NULL,
	basis TEXT NOT NULL,
	PRIMARY KEY (version_id, sort_order)
);

ALTER TABLE inspections ADD COLUMN checklist_version_id BIGINT REFERENCES checklist_versions(id);
ALTER TABLE inspections ADD COLUMN ok_by BIGINT REFERENCES users(id);
ALTER TABLE inspections ADD COLUMN ok_at {{timestamp}};

-- Each inspection's items as one string (its digest on PostgreSQL), in the form the service hashes:
-- per item "id:version:major:len:grade:len:category:len:subject:len:content:len:criterion:len:basis\n".
CREATE TABLE migrate_0016_snapshots AS
SELECT s.*, MIN(s.inspection_id) OVER (PARTITION BY s.checklist_id, s.snapshot) AS first_id
FROM (
{{if pg}}
	SELECT i.id AS inspection_id, i.enterprise_id, i.checklist_id, i.started_at, COUNT(a.item_id) AS item_count,
		encode(sha256(convert_to(COALESCE(string_agg(a.item_id || ':' || a.item_version || ':' || CASE WHEN a.item_is_major THEN '1' ELSE '0' END
			|| ':' || octet_length(a.item_grade) || ':' || a.item_grade || ':' || octet_length(a.category_name) || ':' || a.category_name
			|| ':' || octet_length(a.subject) || ':' || a.subject || ':' || octet_length(a.content) || ':' || a.content
			|| ':' || octet_length(a.criterion) || ':' || a.criterion || ':' || octet_length(a.basis) || ':' || a.basis || chr(10),
			'' ORDER BY a.sort_order), ''), 'UTF8')), 'hex') AS snapshot
	FROM inspections i LEFT JOIN inspection_answers a ON a.inspection_id = i.id
	GROUP BY i.id, i.enterprise_id, i.checklist_id, i.started_at
{{else}}
	SELECT i.id AS inspection_id, i.enterprise_id, i.checklist_id, i.started_at,
		(SELECT COUNT(*) FROM inspection_answers a WHERE a.inspection_id = i.id) AS item_count,
		COALESCE((SELECT group_concat(k, '') FROM (SELECT a.item_id || ':' || a.item_version || ':' || CASE WHEN a.item_is_major THEN '1' ELSE '0' END
			|| ':' || a.item_grade || ':' || length(a.category_name) || ':' || a.category_name || ':' || length(a.subject) || ':' || a.subject
			|| ':' || length(a.content) || ':' || a.content || ':' || length(a.criterion) || ':' || a.criterion
			|| ':' || length(a.basis) || ':' || a.basis || char(10) AS k
			FROM inspection_answers a WHERE a.inspection_id = i.id ORDER BY a.sort_order)), '') AS snapshot
	FROM inspections i
{{end}}
) s;
CREATE INDEX migrate_0016_snapshots_idx ON migrate_0016_snapshots (inspection_id);
ALTER TABLE migrate_0016_snapshots ADD COLUMN digest TEXT;
UPDATE migrate_0016_snapshots SET digest = {{if pg}}snapshot{{else}}'sqlite-0016-' || first_id{{end}};

INSERT INTO checklist_versions (enterprise_id, checklist_id, digest, item_count, created_at)
SELECT MIN(enterprise_id), checklist_id, digest, MIN(item_count), MIN(started_at)
FROM migrate_0016_snapshots GROUP BY checklist_id, digest ORDER BY MIN(first_id);

UPDATE inspections SET checklist_version_id = v.id
FROM migrate_0016_snapshots s JOIN checklist_versions v ON v.checklist_id = s.checklist_id AND v.digest = s.digest
WHERE s.inspection_id = inspections.id;

-- A version's items come from the first inspection that saw it.
INSERT INTO checklist_version_items (version_id, sort_order, enterprise_id, item_id, item_version, is_major, grade_code, category_name,
	subject, content, criterion, basis)
SELECT i.checklist_version_id, a.sort_order, i.enterprise_id, a.item_id, a.item_version, a.item_is_major, a.item_grade, a.category_name,
	a.subject, a.content, a.criterion, a.basis
FROM migrate_0016_snapshots s JOIN inspections i ON i.id = s.inspection_id JOIN inspection_answers a ON a.inspection_id = s.inspection_id
WHERE s.inspection_id = s.first_id;

-- Each inspection's default: its most frequent plain 合格 (one answerer, one instant) when it outnumbers the
-- items still unanswered.
CREATE TABLE migrate_0016_defaults AS
SELECT g.inspection_id, g.answered_by, g.answered_at FROM (
	SELECT a.inspection_id, a.answered_by, a.answered_at, COUNT(*) AS n,
		ROW_NUMBER() OVER (PARTITION BY a.inspection_id ORDER BY COUNT(*) DESC, a.answered_at DESC, a.answered_by) AS rk
	FROM inspection_answers a
	WHERE a.result = 'ok' AND a.description = '' AND a.grade_code = '' AND a.location = '' AND a.fixed_on_spot = FALSE AND a.na_reason = ''
		AND a.photo_ids = '' AND a.hazard_id IS NULL AND a.answered_by IS NOT NULL AND a.answered_at IS NOT NULL
	GROUP BY a.inspection_id, a.answered_by, a.answered_at
) g
WHERE g.rk = 1 AND g.n > (SELECT COUNT(*) FROM inspection_answers u WHERE u.inspection_id = g.inspection_id AND u.result IS NULL);

UPDATE inspections SET ok_by = d.answered_by, ok_at = d.answered_at
FROM migrate_0016_defaults d WHERE d.inspection_id = inspections.id;

CREATE TABLE inspection_answers_0016 (
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
	PRIMARY KEY (inspection_id, item_id)
);

INSERT INTO inspection_answers_0016 (inspection_id, item_id, enterprise_id, answered_by, answered_at, hazard_id, fixed_on_spot, result,
	description, grade_code, location, na_reason, photo_ids)
SELECT a.inspection_id, a.item_id, i.enterprise_id, a.answered_by, a.answered_at, a.hazard_id, a.fixed_on_spot, a.result,
	a.description, a.grade_code, a.location, a.na_reason, a.photo_ids
FROM inspection_answers a JOIN inspections i ON i.id = a.inspection_id
-- (Every comparison below is guarded against NULL: NOT of an unknown would drop the row.)
WHERE NOT (
	i.ok_at IS NULL AND a.result IS NULL
	OR i.ok_at IS NOT NULL AND a.result IS NOT NULL AND a.result = 'ok' AND a.description = '' AND a.grade_code = '' AND a.location = ''
		AND a.fixed_on_spot = FALSE AND a.na_reason = '' AND a.photo_ids = '' AND a.hazard_id IS NULL
		AND a.answered_by IS NOT NULL AND a.answered_at IS NOT NULL AND a.answered_by = i.ok_by AND a.answered_at = i.ok_at
);

DROP TABLE inspection_answers;
ALTER TABLE inspection_answers_0016 RENAME TO inspection_answers;
{{if pg}}
ALTER INDEX inspection_answers_0016_pkey RENAME TO inspection_answers_pkey;
ALTER TABLE inspection_answers RENAME CONSTRAINT inspection_answers_0016_inspection_id_fkey TO inspection_answers_inspection_id_fkey;
ALTER TABLE inspection_answers RENAME CONSTRAINT inspection_answers_0016_answered_by_fkey TO inspection_answers_answered_by_fkey;
ALTER TABLE inspection_answers RENAME CONSTRAINT inspection_answers_0016_result_check TO inspection_answers_result_check;
ALTER TABLE inspections ALTER COLUMN checklist_version_id SET NOT NULL;
{{end}}
DROP TABLE migrate_0016_defaults;
DROP TABLE migrate_0016_snapshots;
