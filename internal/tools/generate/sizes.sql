-- Table sizes of a generated city (make bench-stats prints them; issue 16). Each table with its indexes and
-- TOAST, summed over its partitions when it is partitioned; rows counted exactly.
\pset footer off
\echo 'Storage of inspections, their answers and hazards (bytes/row: table + indexes + TOAST ÷ rows):'
WITH t(ord, name) AS (VALUES (1, 'inspections'), (2, 'inspection_answers'), (3, 'hazards'), (4, 'checklist_versions'),
		(5, 'checklist_version_items')),
	parts AS (
		SELECT t.ord, t.name, COALESCE(p.relid, t.name::regclass) AS relid
		FROM t LEFT JOIN LATERAL (SELECT relid FROM pg_partition_tree(t.name::regclass) WHERE isleaf) p ON TRUE),
	s AS (
		SELECT ord, name, sum(pg_table_size(relid)) AS heap, sum(pg_indexes_size(relid)) AS idx,
			(xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', name), false, true, '')))[1]::text::bigint AS n
		FROM parts GROUP BY ord, name)
SELECT name AS "table", n AS "rows", pg_size_pretty(heap) AS "table+TOAST", pg_size_pretty(idx) AS "indexes",
	pg_size_pretty(heap + idx) AS "total", round((heap + idx) / NULLIF(n, 0)) AS "bytes/row"
FROM s ORDER BY ord;

\echo 'Per inspection (the issue''s target: ≤ 1 KB for an all-合格 one, ≤ 2 KB with three exceptions):'
WITH sz AS (
	SELECT name, sum(pg_total_relation_size(relid)) AS bytes
	FROM (SELECT t.name, COALESCE(p.relid, t.name::regclass) AS relid
		FROM (VALUES ('inspections'), ('inspection_answers')) t(name)
		LEFT JOIN LATERAL (SELECT relid FROM pg_partition_tree(t.name::regclass) WHERE isleaf) p ON TRUE) x
	GROUP BY name),
	n AS (SELECT (SELECT count(*) FROM inspections) AS insp, (SELECT count(*) FROM inspection_answers) AS answers,
		(SELECT count(*) FROM inspections i WHERE i.status = 'submitted' AND NOT EXISTS (SELECT 1 FROM inspection_answers a WHERE a.inspection_id = i.id)) AS all_ok)
SELECT n.insp AS "inspections", n.all_ok AS "submitted all 合格", n.answers AS "answer rows",
	round(i.bytes::numeric / NULLIF(n.insp, 0)) AS "bytes/inspection (row)",
	round(a.bytes::numeric / NULLIF(n.answers, 0)) AS "bytes/answer row",
	round((i.bytes + a.bytes)::numeric / NULLIF(n.insp, 0)) AS "bytes/inspection with its answers",
	round(i.bytes::numeric / NULLIF(n.insp, 0) + 3 * a.bytes::numeric / NULLIF(n.answers, 0)) AS "with three exceptions"
FROM n, sz i, sz a WHERE i.name = 'inspections' AND a.name = 'inspection_answers';
