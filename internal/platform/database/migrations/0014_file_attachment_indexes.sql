-- yqyb:no-transaction
-- The prune job reads unattached uploads by age; the daily upload quota sums an enterprise's uploads of the
-- day. Built concurrently on PostgreSQL, so uploads go on during a rolling deploy.
{{if pg}}CREATE INDEX CONCURRENTLY IF NOT EXISTS files_unattached_idx ON files (uploaded_at) WHERE attached_at IS NULL;
{{else}}CREATE INDEX IF NOT EXISTS files_unattached_idx ON files (uploaded_at) WHERE attached_at IS NULL;
{{end}}
{{if pg}}CREATE INDEX CONCURRENTLY IF NOT EXISTS files_enterprise_uploaded_idx ON files (enterprise_id, uploaded_at);
{{else}}CREATE INDEX IF NOT EXISTS files_enterprise_uploaded_idx ON files (enterprise_id, uploaded_at);
{{end}}
