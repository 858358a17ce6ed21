package schema_test

import (
	"context"
	"slices"
	"sort"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

// notTenant names every table that does not belong to one enterprise, with the reason. Every other table is
// a tenant table and must carry enterprise_id, the column a distributed PostgreSQL (Citus) would shard by.
// A new table fails TestTenantTablesCarryEnterpriseID until it has the column or a reason here.
var notTenant = map[string]string{
	"enterprises":           "the tenants themselves: their id is the enterprise id",
	"associations":          "links two enterprises (applicant_id, target_id); read from both sides",
	"auth_sessions":         "per account, regulators' included; keyed by user",
	"refresh_tokens":        "per session",
	"casbin_rule":           "the policy store, loaded whole by every instance (domain in v1)",
	"rbac_domains":          "a version per Casbin domain, regulators' included",
	"job_runs":              "the scheduler's own bookkeeping",
	"login_throttle":        "per login name and address, before any tenant is known",
	"rate_limits":           "per client key, before any tenant is known",
	"api_keys":              "per account, regulators' included (their keys have no enterprise); keyed by prefix",
	"idempotency_keys":      "per account (regulators' included) and key, kept for 24 hours",
	"schema_migrations":     "the migrator's own bookkeeping",
	"main_businesses":       "reference data shared by all enterprises",
	"regions":               "reference data shared by all enterprises",
	"template_categories":   "the industry template standards, shared by all enterprises",
	"template_items":        "the industry template standards, shared by all enterprises",
	"usage_snapshot_halves": "which half-months were frozen, for every enterprise at once",
	"webhook_endpoints":     "an enterprise's endpoint (enterprise_id) or a regulator's, for a region (enterprise_id NULL)",
	"webhook_deliveries":    "the delivery log of an endpoint, a regulator's included (enterprise_id is the event's enterprise)",
}

// TestTenantTablesCarryEnterpriseID lists every table of the schema. A partition (migration 0024: the months of inspections and inspection_answers) is classified by its
// parent: the child of a tenant table must carry enterprise_id as well.
func TestTenantTablesCarryEnterpriseID(t *testing.T) {
	db := testdb.Postgres(t, nil)
	var rows []struct {
		Table         string
		Parent        string // for a partition, the table it is a partition of
		HasEnterprise bool
	}
	if err := db.Raw(`SELECT c.relname AS "table", COALESCE((SELECT p.relname FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent
			WHERE h.inhrelid = c.oid), '') AS parent,
			EXISTS (SELECT 1 FROM information_schema.columns k
			WHERE k.table_schema = 'public' AND k.table_name = c.relname AND k.column_name = 'enterprise_id') AS has_enterprise
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var partitions []string
	for _, r := range rows {
		if r.Parent == "" {
			continue
		}
		partitions = append(partitions, r.Table)
		if _, ok := notTenant[r.Parent]; ok {
			t.Errorf("partition %s of %s, which belongs to no enterprise: classify partitioned tables here", r.Table, r.Parent)
		} else if !r.HasEnterprise {
			t.Errorf("partition %s of the tenant table %s has no enterprise_id", r.Table, r.Parent)
		}
	}
	rows = slices.DeleteFunc(rows, func(r struct {
		Table         string
		Parent        string
		HasEnterprise bool
	}) bool {
		return r.Parent != ""
	})
	if len(partitions) == 0 {
		t.Error("no partitions found: inspections and inspection_answers are partitioned by month (migration 0024)")
	}
	t.Logf("%d partitions carry enterprise_id like their tenant tables", len(partitions))
	if len(rows) < 20 {
		t.Fatalf("only %d tables found: the schema query is wrong", len(rows))
	}
	seen := map[string]bool{}
	var tenant []string
	for _, r := range rows {
		seen[r.Table] = true
		if _, ok := notTenant[r.Table]; ok {
			continue
		}
		tenant = append(tenant, r.Table)
		if !r.HasEnterprise {
			t.Errorf("table %s has no enterprise_id: add it (filled from its parent) or say in notTenant why it belongs to no enterprise", r.Table)
		}
	}
	for name := range notTenant {
		if !seen[name] {
			t.Errorf("notTenant names %s, which is not in the schema any more", name)
		}
	}
	sort.Strings(tenant)
	t.Logf("%d tenant tables carry enterprise_id: %v", len(tenant), tenant)
}

// TestTenantColumnsHaveNoDefault: on PostgreSQL enterprise_id has no default anywhere, so a write that
// forgets it fails instead of landing on enterprise 0.
func TestTenantColumnsHaveNoDefault(t *testing.T) {
	db := testdb.Postgres(t, nil)
	var defaults []string
	if err := db.Raw(`SELECT table_name FROM information_schema.columns WHERE table_schema = 'public'
		AND column_name = 'enterprise_id' AND column_default IS NOT NULL`).Scan(&defaults).Error; err != nil {
		t.Fatal(err)
	}
	if len(defaults) > 0 {
		t.Errorf("enterprise_id has a default in %v", defaults)
	}
}

// TestTenantColumnsMigration runs migration 0020 on the demo's data as it was before it (the two columns
// dropped again) and checks every row got its enterprise: a checklist item its checklist's, a role its
// domain's.
func TestTenantColumnsMigration(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 11, 20, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	sc, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, true)
	if err != nil {
		t.Fatal(err)
	}
	admin := audit.Actor{ID: sc.MallAdminID, Name: demo.MallName, EnterpriseID: sc.MallID}
	std := standard.NewService(db, clk)
	v, err := std.Create(ctx, admin, sc.MallID, true)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range v.Categories {
		for _, it := range c.Items {
			ids = append(ids, it.ID)
		}
	}
	if _, err := std.CreateChecklist(ctx, admin, sc.MallID, standard.ChecklistInput{PostID: sc.Posts["仓储部/叉车司机"],
		Name: "叉车点检", Frequency: "daily", ItemIDs: ids[:3]}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"DROP INDEX roles_enterprise_idx",
		"ALTER TABLE roles DROP COLUMN enterprise_id",
		"ALTER TABLE checklist_items DROP COLUMN enterprise_id",
		"DELETE FROM schema_migrations WHERE version = 20",
	} {
		if err := db.Exec(q).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	migrate(t, db, 0)
	var n struct{ Items, ItemsWrong, Roles, RolesWrong int64 }
	if err := db.Raw(`SELECT
		(SELECT COUNT(*) FROM checklist_items) AS items,
		(SELECT COUNT(*) FROM checklist_items ci JOIN checklists c ON c.id = ci.checklist_id WHERE ci.enterprise_id <> c.enterprise_id) AS items_wrong,
		(SELECT COUNT(*) FROM roles) AS roles,
		(SELECT COUNT(*) FROM roles WHERE domain <> 'e:' || enterprise_id) AS roles_wrong`).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n.Items == 0 || n.Roles == 0 {
		t.Fatalf("the demo has %d checklist items and %d roles: nothing to migrate", n.Items, n.Roles)
	}
	if n.ItemsWrong != 0 || n.RolesWrong != 0 {
		t.Errorf("after the migration %d of %d checklist items and %d of %d roles have the wrong enterprise", n.ItemsWrong, n.Items, n.RolesWrong, n.Roles)
	}
}
