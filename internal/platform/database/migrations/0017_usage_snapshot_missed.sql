-- The due periods an enterprise missed in a finished half-month, frozen with its usage figures (a JSON list
-- of inspection.MissedPeriod), so the enterprise's own page shows the same frozen half-month as its
-- regulator. NULL for snapshots taken before this column existed.
ALTER TABLE usage_snapshots ADD COLUMN missed TEXT;

-- The half-months whose snapshots are all taken (stats.Snapshot went through every enterprise). A single
-- enterprise's snapshot can now be taken on read, ahead of the job, so the latest half_key of
-- usage_snapshots no longer tells which half-months are complete. Those with snapshots so far were taken by
-- the job alone.
CREATE TABLE usage_snapshot_halves (
	half_key TEXT PRIMARY KEY,
	completed_at {{timestamp}} NOT NULL
);
INSERT INTO usage_snapshot_halves (half_key, completed_at) SELECT half_key, MAX(taken_at) FROM usage_snapshots GROUP BY half_key;
