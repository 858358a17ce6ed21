-- yqyb:no-transaction
-- The regulator's list filters its enterprises by whether an account still has its initial password (0010).
-- Built concurrently on PostgreSQL: logins go on while it is built.
{{if pg}}CREATE INDEX CONCURRENTLY IF NOT EXISTS users_initial_password_idx ON users (enterprise_id) WHERE password_origin = 'derived' AND deleted_at IS NULL;
{{else}}CREATE INDEX IF NOT EXISTS users_initial_password_idx ON users (enterprise_id) WHERE password_origin = 'derived' AND deleted_at IS NULL;
{{end}}
