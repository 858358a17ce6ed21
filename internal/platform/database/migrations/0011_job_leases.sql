-- Scheduled jobs run under a lease instead of a row lock held for the whole run (internal/jobs). A transaction
-- kept open for a run pinned PostgreSQL's xmin, and the change feed, which hands out only rows of
-- transactions older than every running one, stood still for each statistics refresh (31–45 s at city
-- scale). An instance now takes the lease with one short UPDATE, runs the job outside any transaction, moves
-- lease_until forward while it runs and clears the lease at the end; a crashed instance's lease expires.
-- lease_until is the database's clock (now()), so instances with skewed clocks agree on it.
ALTER TABLE job_runs ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE job_runs ADD COLUMN lease_until {{timestamp}};
