-- The change feed is ordered by its position alone (issue 17): seq, taken from the table's sequence when a
-- row is inserted, is the entry's position and its public id. A reader hands out positions only up to the
-- lowest one an unfinished feed writer may still commit (internal/feed), so the transaction id that ordered
-- the feed before (and made it wait for every transaction of the cluster) is no longer needed.
DROP INDEX change_feed_order_idx;
DROP INDEX change_feed_enterprise_idx;
ALTER TABLE change_feed DROP COLUMN xid;
CREATE INDEX change_feed_enterprise_idx ON change_feed (enterprise_id, seq);
