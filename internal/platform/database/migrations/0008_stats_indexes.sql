-- Indexes for the regional statistics at city scale, measured on the data set of `yqyb generate` (100,000
-- enterprises, 2,000,000 hazards, 1,000,000 usage snapshots; internal/stats/bench_test.go, make bench-stats).
-- The first two replace an index of 0007 with the same key and the columns the dashboard reads added, so
-- the dashboard's aggregates are answered from the index alone instead of fetching every matching row: the
-- hazards found in a district in a quarter went from about 45,000 random row reads to one index range
-- (0.28 s to 0.03 s). SQLite (the single-instance embedded mode, not city scale) keeps the indexes of 0007.

-- Hazards found in a range by legal level, grade and status, for a region (stats.hazardFigures).
{{if pg}}DROP INDEX hazards_region_found_idx;
CREATE INDEX hazards_region_found_idx ON hazards (region_path text_pattern_ops, found_at) INCLUDE (legal_level, grade_code, status);{{end}}

-- The same for a region that holds most of the city (the city itself): the range's hazards, whatever their
-- region, are fewer than the region's hazards of all time; the planner picks whichever range is smaller.
{{if pg}}CREATE INDEX hazards_found_idx ON hazards (found_at) INCLUDE (region_path, legal_level, grade_code, status);{{end}}

-- The usage trend of a region: due and on-time sums of its snapshots per half-month (stats.trend).
{{if pg}}DROP INDEX usage_snapshots_region_idx;
CREATE INDEX usage_snapshots_region_idx ON usage_snapshots (half_key, region_path text_pattern_ops) INCLUDE (due, on_time);{{end}}
