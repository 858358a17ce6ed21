// Package loadtest holds the load scenario of `make bench` (issue 8, "Performance"): the real binary
// (bin/yqyb) serving on loopback against a fresh PostgreSQL database with a generated data set, attacked
// with vegeta at 64 concurrent connections per endpoint — post-user login; the floor, GET /api/v1/dev/floor
// (the same binary's bare authenticated route: token, session check, permission check, 204; served only
// with YQYB_BENCH_FLOOR in development), whose rate every other endpoint's is printed as a share of; a post
// user's checklist list; an inspection submission of 30 items, all 合格 and with 1–5 隐患; the hazard ledger page and the regulator
// dashboard — and, in the same
// run and on the same machine, PostgreSQL's raw select-only rate measured by pgbench as the ceiling.
//
// The scenario is a benchmark, not a timed test: it prints its table and fails only when the scenario
// itself cannot run (a fixture step or a tool fails). It runs only with YQYB_LOAD=1:
//
//	make bench
//
// Settings (environment): YQYB_LOAD_PG (server URL without a database, default
// postgres://postgres@127.0.0.1:5432), YQYB_LOAD_BIN (default bin/yqyb of the repository),
// YQYB_LOAD_DURATION (per endpoint, default 10s), YQYB_LOAD_CONNS (default 64), YQYB_LOAD_SUBMISSIONS
// (inspections started for the submission run, default 12000; the run ends early when they are used up),
// YQYB_LOAD_HAZARD_SUBMISSIONS (the same for the run whose submissions register 1–5 hazards, default 8000),
// YQYB_LOAD_HAZARDS (default 3000), YQYB_PGBENCH (the pgbench binary).
package loadtest
