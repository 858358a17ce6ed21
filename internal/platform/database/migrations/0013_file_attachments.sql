-- A photo is uploaded first and attached to a hazard, an answer or a step of the closed loop afterwards.
-- attached_at records the first attachment, so that uploads nobody ever attached can be pruned by a job
-- instead of piling up. Files uploaded before this migration count as attached (which of them are
-- referenced cannot be told cheaply, and keeping a few orphans is the safe side). On PostgreSQL they get the
-- epoch through the column's default, filled in without rewriting the table, and new rows get NULL; the
-- embedded SQLite database is small enough to copy the upload time.
{{if pg}}ALTER TABLE files ADD COLUMN attached_at {{timestamp}} DEFAULT '1970-01-01 00:00:00+00';
ALTER TABLE files ALTER COLUMN attached_at DROP DEFAULT;
{{else}}ALTER TABLE files ADD COLUMN attached_at {{timestamp}};
UPDATE files SET attached_at = uploaded_at;
{{end}}
