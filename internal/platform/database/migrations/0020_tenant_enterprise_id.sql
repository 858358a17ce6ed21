-- Every tenant table carries enterprise_id (issue 16), so that a distributed PostgreSQL (Citus) could shard
-- by enterprise without a schema change. Two tables reached their enterprise only through a parent: a
-- checklist's items (through checklists) and roles (through their Casbin domain "e:<id>"). The column is
-- filled from there; on PostgreSQL it then has no default, so a write that forgets it fails. The schema test
-- (internal/schema/tenant_tables_test.go) lists every table and fails on a tenant table without it.
ALTER TABLE checklist_items ADD COLUMN enterprise_id BIGINT NOT NULL DEFAULT 0;
UPDATE checklist_items SET enterprise_id = (SELECT c.enterprise_id FROM checklists c WHERE c.id = checklist_items.checklist_id);
{{if pg}}ALTER TABLE checklist_items ALTER COLUMN enterprise_id DROP DEFAULT;{{end}}

ALTER TABLE roles ADD COLUMN enterprise_id BIGINT NOT NULL DEFAULT 0;
UPDATE roles SET enterprise_id = CAST(substr(domain, 3) AS BIGINT) WHERE domain LIKE 'e:%';
{{if pg}}ALTER TABLE roles ALTER COLUMN enterprise_id DROP DEFAULT;{{end}}
CREATE INDEX roles_enterprise_idx ON roles (enterprise_id);
