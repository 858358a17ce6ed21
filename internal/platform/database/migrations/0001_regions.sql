-- The region tree (city → district → street/属地) that regulators are bound to and enterprises belong to.
-- path holds the codes from the root, e.g. /110000/110105/, so "a region and everything below it" is one
-- indexed prefix match whatever the depth.
CREATE TABLE regions (
	id {{id}},
	parent_id BIGINT REFERENCES regions(id),
	level TEXT NOT NULL CHECK (level IN ('city', 'district', 'street')),
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	path TEXT NOT NULL UNIQUE,
	sort_order INTEGER NOT NULL DEFAULT 0,
	created_at {{timestamp}} NOT NULL DEFAULT CURRENT_TIMESTAMP,
	updated_at {{timestamp}} NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX regions_parent_idx ON regions (parent_id, sort_order);
{{if pg}}CREATE INDEX regions_path_prefix_idx ON regions (path text_pattern_ops);{{end}}

-- Beijing and its sixteen districts (GB/T 2260 codes). Streets are added by administrators.
INSERT INTO regions (parent_id, level, code, name, path, sort_order) VALUES (NULL, 'city', '110000', '北京市', '/110000/', 0);
INSERT INTO regions (parent_id, level, code, name, path, sort_order)
SELECT c.id, 'district', d.code, d.name, '/110000/' || d.code || '/', d.sort_order
FROM regions c, (
	          SELECT '110101' AS code, '东城区' AS name, 1 AS sort_order
	UNION ALL SELECT '110102', '西城区', 2
	UNION ALL SELECT '110105', '朝阳区', 3
	UNION ALL SELECT '110106', '丰台区', 4
	UNION ALL SELECT '110107', '石景山区', 5
	UNION ALL SELECT '110108', '海淀区', 6
	UNION ALL SELECT '110109', '门头沟区', 7
	UNION ALL SELECT '110111', '房山区', 8
	UNION ALL SELECT '110112', '通州区', 9
	UNION ALL SELECT '110113', '顺义区', 10
	UNION ALL SELECT '110114', '昌平区', 11
	UNION ALL SELECT '110115', '大兴区', 12
	UNION ALL SELECT '110116', '怀柔区', 13
	UNION ALL SELECT '110117', '平谷区', 14
	UNION ALL SELECT '110118', '密云区', 15
	UNION ALL SELECT '110119', '延庆区', 16
) d
WHERE c.code = '110000';
