-- A photo is uploaded first and attached to a hazard, an answer or a step of the closed loop afterwards.
-- attached_at records the first attachment, so that uploads nobody ever attached can be pruned by a job
-- instead of piling up. Existing files are taken as attached: which of them are referenced cannot be told
-- cheaply, and keeping a few orphans is the safe side.
ALTER TABLE files ADD COLUMN attached_at {{timestamp}};
UPDATE files SET attached_at = uploaded_at;
-- The prune job reads the unattached ones by age, and the upload quota sums an enterprise's uploads of the
-- day.
CREATE INDEX files_unattached_idx ON files (uploaded_at) WHERE attached_at IS NULL;
CREATE INDEX files_enterprise_uploaded_idx ON files (enterprise_id, uploaded_at);
