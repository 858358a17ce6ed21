package generate_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
	"yqyb/internal/platform/logging"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/tools/generate"
	"yqyb/pkg/uscc"
)

func small() generate.Options {
	o := generate.Defaults()
	o.Enterprises, o.Periods, o.Hazards, o.Jobs = 120, 12000, 1500, 2
	o.PasswordHash = "$2a$10$abcdefghijklmnopqrstuuJ3pJ8yBqJbQ8Ue0qzv8lX6TzqTtq2Ue"
	o.Now = time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	return o
}

func TestGenerateSmallCity(t *testing.T) {
	db := testdb.Postgres(t, nil)
	ctx := context.Background()
	var out bytes.Buffer
	statsRan := false
	st := func(ctx context.Context, db *gorm.DB, now time.Time, halves []string, logf func(string, ...any)) error {
		statsRan = len(halves) > 0
		return nil
	}
	if err := generate.Run(ctx, db, small(), st, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !statsRan {
		t.Error("the statistics step was not given the finished half-months")
	}
	count := func(q string) int64 {
		t.Helper()
		var n int64
		if err := db.Raw(q).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("SELECT COUNT(*) FROM enterprises"); n != 120 {
		t.Errorf("enterprises = %d, want 120", n)
	}
	if n := count("SELECT COUNT(*) FROM posts"); n != 1200 {
		t.Errorf("posts = %d, want 1200", n)
	}
	if n := count("SELECT COUNT(*) FROM hazards"); n != 1500 {
		t.Errorf("hazards = %d, want 1500", n)
	}
	if n := count("SELECT COUNT(*) FROM inspections"); n < 8000 || n > 16000 {
		t.Errorf("inspections = %d, want about 12000", n)
	}
	// Every dropped index and foreign key is back.
	if n := count("SELECT COUNT(*) FROM pg_class WHERE relname = 'gen_saved_ddl'"); n != 0 {
		t.Error("gen_saved_ddl left behind")
	}
	if n := count("SELECT COUNT(*) FROM pg_indexes WHERE indexname IN ('inspections_period_uq', 'hazards_region_found_idx', 'users_login_name_uq')"); n != 3 {
		t.Errorf("indexes restored: %d of 3", n)
	}
	if n := count("SELECT COUNT(*) FROM pg_constraint WHERE conname = 'inspections_checklist_id_fkey' AND conrelid = 'inspections'::regclass AND convalidated"); n != 1 {
		t.Error("foreign key inspections_checklist_id_fkey not restored and validated")
	}
	// The inspections and their answers are in their months' partitions (migration 0024), none in the default.
	if n := count("SELECT (SELECT COUNT(*) FROM inspections_default) + (SELECT COUNT(*) FROM inspection_answers_default)"); n != 0 {
		t.Errorf("%d inspections and answers in the default partitions", n)
	}
	if n := count("SELECT COUNT(*) FROM inspection_answers a JOIN inspections i ON i.id = a.inspection_id AND i.period_end = a.period_end"); n == 0 {
		t.Error("no answers generated with their inspection's period_end")
	}
	// Data consistent with the rules the product enforces.
	var codes []string
	testdb.Must(t, db.Raw("SELECT credit_code FROM enterprises").Scan(&codes))
	for _, c := range codes {
		if !uscc.Valid(c) {
			t.Fatalf("invalid credit code %s", c)
		}
	}
	for q, want := range map[string]int64{
		"SELECT COUNT(*) FROM enterprises e JOIN regions r ON r.id = e.region_id WHERE e.region_path <> r.path":                                   0,
		"SELECT COUNT(*) FROM hazards h JOIN enterprises e ON e.id = h.enterprise_id WHERE h.region_path <> e.region_path":                        0,
		"SELECT COUNT(*) FROM hazard_counters c WHERE c.last <> (SELECT COUNT(*) FROM hazards h WHERE h.enterprise_id = c.enterprise_id)":         0,
		"SELECT COUNT(*) FROM inspections WHERE started_at < period_start OR submitted_at >= period_end OR submitted_at > '2026-11-20T06:00:00Z'": 0,
		"SELECT COUNT(*) FROM hazards WHERE legal_level = 'major' AND grade_code <> 'A'":                                                          0,
		"SELECT COUNT(*) FROM hazards WHERE status <> 'registered' AND NOT fixed_on_spot AND deadline IS NULL":                                    0,
		"SELECT COUNT(*) FROM hazards WHERE status = 'closed' AND closed_at IS NULL":                                                              0,
		"SELECT COUNT(*) FROM hazards WHERE accepted_by = fixed_by":                                                                               0,
		"SELECT COUNT(*) FROM hazards h WHERE NOT EXISTS (SELECT 1 FROM hazard_events v WHERE v.hazard_id = h.id AND v.action = 'register')":      0,
		// Answers as the service stores them (compactly): each hazard found by an inspection has its 隐患 answer
		// linked to it; rows only for answers that carry something, for items of the inspection's version.
		`SELECT COUNT(*) FROM hazards h WHERE h.source = 'inspection' AND NOT EXISTS (SELECT 1 FROM inspection_answers a
			WHERE a.inspection_id = h.inspection_id AND a.item_id = h.item_id AND a.hazard_id = h.id AND a.result = 'hazard')`: 0,
		`SELECT COUNT(*) FROM inspections i WHERE i.hazard_count <> (SELECT COUNT(*) FROM inspection_answers a
			WHERE a.inspection_id = i.id AND a.result = 'hazard')`: 0,
		`SELECT COUNT(*) FROM inspection_answers a JOIN inspections i ON i.id = a.inspection_id WHERE i.status <> 'submitted'
			OR a.enterprise_id <> i.enterprise_id OR a.answered_by IS NULL OR a.answered_at IS NULL
			OR NOT EXISTS (SELECT 1 FROM checklist_version_items v WHERE v.version_id = i.checklist_version_id AND v.item_id = a.item_id)`: 0,
		`SELECT COUNT(*) FROM inspection_answers WHERE result IS NULL OR result = 'ok' AND photo_ids = ''
			OR result = 'na' AND (na_reason = '' OR hazard_id IS NOT NULL) OR result = 'hazard' AND hazard_id IS NULL`: 0,
		`SELECT COUNT(*) FROM inspections WHERE status = 'submitted' AND (ok_by IS DISTINCT FROM submitted_by OR ok_at IS DISTINCT FROM submitted_at)
			OR status = 'draft' AND (ok_by IS NOT NULL OR ok_at IS NOT NULL)`: 0,
	} {
		if n := count(q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
	// Every table it wrote has planner statistics (reltuples is -1 until a table is first analysed).
	if n := count(`SELECT COUNT(*) FROM pg_class WHERE relname IN ('inspections', 'inspection_answers', 'checklist_versions',
		'checklist_version_items', 'hazards') AND reltuples < 0`); n != 0 {
		t.Errorf("%d generated tables never analysed", n)
	}
	// Some submitted inspections say 不涉及 of an item, with its reason, as real ones do.
	if na, sub := count("SELECT COUNT(*) FROM inspection_answers WHERE result = 'na'"), count("SELECT COUNT(*) FROM inspections WHERE status = 'submitted'"); na < sub/100 || na > sub/10 {
		t.Errorf("%d 不涉及 answers in %d submitted inspections, want a few in a hundred", na, sub)
	}
	if ref, err := generate.ReferenceTime(ctx, db); err != nil || !ref.Equal(small().Now) {
		t.Errorf("reference time = %v, %v", ref, err)
	}

	// A second run refuses, or does nothing with IfEmpty; Force adds another set beside the first.
	if err := generate.Run(ctx, db, small(), nil, &out); !errors.Is(err, generate.ErrNotEmpty) {
		t.Errorf("second run: %v, want ErrNotEmpty", err)
	}
	o := small()
	o.IfEmpty = true
	if err := generate.Run(ctx, db, o, nil, &out); err != nil {
		t.Errorf("--if-empty: %v", err)
	}
	o = small()
	o.Force, o.Scale, o.Seed = true, 0.5, 7
	if err := generate.Run(ctx, db, o, nil, &out); err != nil {
		t.Fatalf("--force: %v\n%s", err, out.String())
	}
	if n := count("SELECT COUNT(*) FROM enterprises"); n != 180 {
		t.Errorf("enterprises after --force = %d, want 180", n)
	}
}

func TestGenerateRefusesSQLite(t *testing.T) {
	db, err := database.Open(context.Background(), database.Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "x.db")}, clock.System{}, logging.Discard())
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close(db)
	if err := generate.Run(context.Background(), db, small(), nil, io.Discard); !errors.Is(err, generate.ErrNotPostgres) {
		t.Errorf("SQLite: %v, want ErrNotPostgres", err)
	}
}
