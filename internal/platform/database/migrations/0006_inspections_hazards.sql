-- Inspections in their reporting windows, and the hazard closed loop:
-- 排查 → 登记 → 整改 → 验收 → 销号.

-- Uploaded images (hazard photos, rectification evidence), referenced by id from answers and events.
CREATE TABLE files (
	id {{id}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	purpose TEXT NOT NULL,
	file_name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	storage_key TEXT NOT NULL,
	uploaded_by BIGINT REFERENCES users(id),
	uploaded_at {{timestamp}} NOT NULL
);
CREATE INDEX files_enterprise_idx ON files (enterprise_id, id);

-- One inspection per checklist per period, shared by the post's users: the unique index makes two users
-- starting or submitting at once meet the same row.
CREATE TABLE inspections (
	id {{id}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	checklist_id BIGINT NOT NULL REFERENCES checklists(id),
	post_id BIGINT NOT NULL REFERENCES posts(id),
	checklist_name TEXT NOT NULL,
	frequency TEXT NOT NULL,
	period_key TEXT NOT NULL,
	period_start {{timestamp}} NOT NULL,
	period_end {{timestamp}} NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
	started_by BIGINT NOT NULL REFERENCES users(id),
	started_at {{timestamp}} NOT NULL,
	submitted_by BIGINT REFERENCES users(id),
	submitted_at {{timestamp}},
	hazard_count INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX inspections_period_uq ON inspections (checklist_id, period_key);
CREATE INDEX inspections_enterprise_idx ON inspections (enterprise_id, period_end);
CREATE INDEX inspections_post_idx ON inspections (post_id, period_end);

-- Each answer keeps a copy of the item as it was inspected, so later edits of the standard do not change
-- what a past inspection meant.
CREATE TABLE inspection_answers (
	inspection_id BIGINT NOT NULL REFERENCES inspections(id) ON DELETE CASCADE,
	item_id BIGINT NOT NULL REFERENCES standard_items(id),
	sort_order INTEGER NOT NULL,
	category_name TEXT NOT NULL,
	subject TEXT NOT NULL,
	content TEXT NOT NULL,
	criterion TEXT NOT NULL,
	basis TEXT NOT NULL,
	item_version INTEGER NOT NULL,
	item_is_major BOOLEAN NOT NULL,
	item_grade TEXT NOT NULL DEFAULT '',
	result TEXT CHECK (result IN ('ok', 'hazard', 'na')),
	description TEXT NOT NULL DEFAULT '',
	grade_code TEXT NOT NULL DEFAULT '',
	location TEXT NOT NULL DEFAULT '',
	fixed_on_spot BOOLEAN NOT NULL DEFAULT FALSE,
	na_reason TEXT NOT NULL DEFAULT '',
	photo_ids TEXT NOT NULL DEFAULT '',
	answered_by BIGINT REFERENCES users(id),
	answered_at {{timestamp}},
	hazard_id BIGINT,
	PRIMARY KEY (inspection_id, item_id)
);

CREATE TABLE hazards (
	id {{id}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	code TEXT NOT NULL,
	source TEXT NOT NULL CHECK (source IN ('inspection', 'report')),
	inspection_id BIGINT REFERENCES inspections(id),
	item_id BIGINT REFERENCES standard_items(id),
	checklist_id BIGINT REFERENCES checklists(id),
	post_id BIGINT REFERENCES posts(id),
	department_id BIGINT REFERENCES departments(id),
	period_key TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL,
	description TEXT NOT NULL,
	location TEXT NOT NULL DEFAULT '',
	grade_code TEXT NOT NULL,
	legal_level TEXT NOT NULL CHECK (legal_level IN ('general', 'major')),
	item_is_major BOOLEAN NOT NULL DEFAULT FALSE,
	status TEXT NOT NULL CHECK (status IN ('registered', 'rectifying', 'pending_acceptance', 'closed')),
	fixed_on_spot BOOLEAN NOT NULL DEFAULT FALSE,
	found_by BIGINT NOT NULL REFERENCES users(id),
	found_at {{timestamp}} NOT NULL,
	photo_ids TEXT NOT NULL DEFAULT '',
	responsible_user_id BIGINT REFERENCES users(id),
	responsible_person TEXT NOT NULL DEFAULT '',
	measures TEXT NOT NULL DEFAULT '',
	funds NUMERIC(14, 2),
	deadline {{timestamp}},
	-- the rectification plan a major hazard requires: goal, method, funds and materials, responsible unit
	-- and person, deadline, safety and emergency measures
	plan {{json}},
	reported_at {{timestamp}},
	fixed_by BIGINT REFERENCES users(id),
	fixed_at {{timestamp}},
	accepted_by BIGINT REFERENCES users(id),
	accepted_at {{timestamp}},
	closed_at {{timestamp}},
	created_at {{timestamp}} NOT NULL,
	updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX hazards_code_uq ON hazards (enterprise_id, code);
CREATE INDEX hazards_enterprise_idx ON hazards (enterprise_id, status, id);
CREATE INDEX hazards_open_deadline_idx ON hazards (enterprise_id, deadline) WHERE status <> 'closed';
CREATE INDEX hazards_major_idx ON hazards (legal_level, status, enterprise_id) WHERE legal_level = 'major';

-- Every transition of a hazard, in order: who, when, what, note, evidence.
CREATE TABLE hazard_events (
	id {{id}},
	hazard_id BIGINT NOT NULL REFERENCES hazards(id),
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	at {{timestamp}} NOT NULL,
	actor_id BIGINT REFERENCES users(id),
	actor_name TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	from_status TEXT NOT NULL DEFAULT '',
	to_status TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	photo_ids TEXT NOT NULL DEFAULT '',
	data {{json}}
);
CREATE INDEX hazard_events_hazard_idx ON hazard_events (hazard_id, id);

-- A per-enterprise counter for readable hazard numbers (YH-2026-000123).
CREATE TABLE hazard_counters (
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	year INTEGER NOT NULL,
	last BIGINT NOT NULL,
	PRIMARY KEY (enterprise_id, year)
);
