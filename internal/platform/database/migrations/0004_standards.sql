-- "一企一标准、一岗一清单": industry templates by main business, each enterprise's own standard (a copy it
-- owns), its hazard-grade scheme, and post checklists selected from its standard.

-- Templates. Every change of a main business's template moves its revision; an item remembers the revision
-- of its last change (and a removed item stays, marked removed), so an enterprise can see what changed
-- since it copied.
ALTER TABLE main_businesses ADD COLUMN template_revision BIGINT NOT NULL DEFAULT 0;

CREATE TABLE template_categories (
	id {{id}},
	main_business_id BIGINT NOT NULL REFERENCES main_businesses(id),
	name TEXT NOT NULL,
	sort_order INTEGER NOT NULL DEFAULT 0,
	removed_at {{timestamp}}
);
CREATE INDEX template_categories_mb_idx ON template_categories (main_business_id, sort_order);

CREATE TABLE template_items (
	id {{id}},
	main_business_id BIGINT NOT NULL REFERENCES main_businesses(id),
	category_id BIGINT NOT NULL REFERENCES template_categories(id),
	subject TEXT NOT NULL,
	content TEXT NOT NULL,
	criterion TEXT NOT NULL DEFAULT '',
	basis TEXT NOT NULL DEFAULT '',
	grade TEXT NOT NULL DEFAULT 'C',
	is_major BOOLEAN NOT NULL DEFAULT FALSE,
	sort_order INTEGER NOT NULL DEFAULT 0,
	revision BIGINT NOT NULL DEFAULT 0,
	removed_at {{timestamp}},
	updated_at {{timestamp}} NOT NULL
);
CREATE INDEX template_items_mb_idx ON template_items (main_business_id, revision);
CREATE INDEX template_items_category_idx ON template_items (category_id, sort_order);

-- The enterprise standard (企业标准 / 个性化标准): one per enterprise.
CREATE TABLE standards (
	enterprise_id BIGINT PRIMARY KEY REFERENCES enterprises(id),
	main_business_id BIGINT REFERENCES main_businesses(id),
	-- the template revision the enterprise has seen: template changes after it are offered
	seen_revision BIGINT NOT NULL DEFAULT 0,
	created_at {{timestamp}} NOT NULL,
	updated_at {{timestamp}} NOT NULL
);

CREATE TABLE standard_categories (
	id {{id}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	name TEXT NOT NULL,
	sort_order INTEGER NOT NULL DEFAULT 0,
	source_category_id BIGINT REFERENCES template_categories(id),
	created_at {{timestamp}} NOT NULL,
	updated_at {{timestamp}} NOT NULL,
	deleted_at {{timestamp}}
);
CREATE UNIQUE INDEX standard_categories_name_uq ON standard_categories (enterprise_id, name) WHERE deleted_at IS NULL;

-- Items are never deleted while anything refers to them: a deleted item is marked and leaves every
-- checklist, and past inspections keep their own copy of the item's text.
CREATE TABLE standard_items (
	id {{id}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	category_id BIGINT NOT NULL REFERENCES standard_categories(id),
	subject TEXT NOT NULL,
	content TEXT NOT NULL,
	criterion TEXT NOT NULL DEFAULT '',
	basis TEXT NOT NULL DEFAULT '',
	grade_code TEXT NOT NULL DEFAULT '',
	is_major BOOLEAN NOT NULL DEFAULT FALSE,
	sort_order INTEGER NOT NULL DEFAULT 0,
	source_item_id BIGINT REFERENCES template_items(id),
	source_revision BIGINT NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{timestamp}} NOT NULL,
	updated_at {{timestamp}} NOT NULL,
	deleted_at {{timestamp}}
);
CREATE INDEX standard_items_category_idx ON standard_items (category_id, sort_order) WHERE deleted_at IS NULL;
CREATE INDEX standard_items_enterprise_idx ON standard_items (enterprise_id) WHERE deleted_at IS NULL;
CREATE INDEX standard_items_source_idx ON standard_items (enterprise_id, source_item_id);

-- The enterprise's hazard-grade scheme (FAQ 14): its own grades, each mapped to 一般隐患 or 重大隐患.
CREATE TABLE hazard_grades (
	id {{id}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	legal_level TEXT NOT NULL CHECK (legal_level IN ('general', 'major')),
	description TEXT NOT NULL DEFAULT '',
	sort_order INTEGER NOT NULL DEFAULT 0,
	created_at {{timestamp}} NOT NULL,
	updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX hazard_grades_code_uq ON hazard_grades (enterprise_id, code);

-- Post checklists (岗位清单): a selection of standard items for one post, inspected at one frequency.
CREATE TABLE checklists (
	id {{id}},
	enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
	post_id BIGINT NOT NULL REFERENCES posts(id),
	name TEXT NOT NULL,
	frequency TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly', 'half_monthly', 'monthly', 'quarterly', 'yearly')),
	description TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
	created_at {{timestamp}} NOT NULL,
	updated_at {{timestamp}} NOT NULL
);
CREATE UNIQUE INDEX checklists_name_uq ON checklists (post_id, name);
CREATE INDEX checklists_enterprise_idx ON checklists (enterprise_id, post_id);

CREATE TABLE checklist_items (
	checklist_id BIGINT NOT NULL REFERENCES checklists(id) ON DELETE CASCADE,
	item_id BIGINT NOT NULL REFERENCES standard_items(id),
	sort_order INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (checklist_id, item_id)
);
CREATE INDEX checklist_items_item_idx ON checklist_items (item_id);
