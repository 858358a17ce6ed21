// Package cluster holds process-level tests of the built yqyb binary; it has no code of its own.
//
// The tests build the binary once (or take YQYB_BIN), give it a fresh PostgreSQL database, run
// `yqyb migrate up` and `yqyb seed`, and start real `yqyb serve` processes on loopback ports. They prove,
// through HTTP only, what the in-process API tests cannot:
//
//   - Several instances behind one database behave as one service: a token issued by one instance is
//     accepted by the others; logout, a password reset and a grant or role change made on one are enforced
//     by the others at once; a lockout reached with failures spread over the instances holds on all of them,
//     and twenty simultaneous logins spread over them verify no more passwords than the lockout threshold;
//     the per-IP login rate limit counts across instances; the scheduled jobs, started by every instance,
//     ran once across the cluster (job_runs). Every instance exits 0 on SIGTERM.
//   - SIGTERM drains: requests in flight when the signal arrives complete with 2xx, new connections are
//     refused, and the process exits 0.
//   - A PostgreSQL restart under load (on a private server started for the test, never the shared one):
//     while the database is down every response is a JSON 503 and /readyz says 503, the process stays up,
//     it recovers by itself when the database returns, and every write it acknowledged is in the database.
//   - The restore drill (the runbook of deploy/README.md, followed once): on a private PostgreSQL archiving
//     its WAL with pgBackRest to an encrypted repository, hazards and inspections written through the server
//     under load, a full backup, more writes, a mistake (an enterprise's hazards deleted), a point-in-time
//     restore to the instant before it, the server started on the promoted database: every write
//     acknowledged before the target is there, the mistake is not, and `yqyb fsck` agrees. It logs the
//     recovery point and the recovery time, and needs pgbackrest besides the server binaries (CI=true fails
//     without them).
//   - A real replica: a private primary and a streaming standby made with `pg_basebackup -R`. The regulator's
//     dashboard reads the standby (with replay paused it lacks a change committed on the primary, and its
//     data_as_of says how old it is); an idle primary is no lag; the enterprise reads its own write at once;
//     a standby lagging past YQYB_REPLICA_MAX_LAG or stopped makes the regulator's pages answer 200 from the
//     primary, logged once per change of state and counted in yqyb_replica_fallback_reads_total, and once it
//     is back and caught up it is read again.
//
// Like every database test they skip when PostgreSQL is unreachable, unless YQYB_REQUIRE_PG=1 (CI).
package cluster
