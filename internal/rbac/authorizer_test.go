package rbac

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"gorm.io/gorm"

	"yqyb/internal/platform/testdb"
)

// fill writes n enterprises' worth of policy: in each, user u:<i> holds sys:user directly and sys:audit
// through role r:<i>.
func fill(tb testing.TB, db *gorm.DB, n int) {
	tb.Helper()
	err := db.Exec(`INSERT INTO casbin_rule (ptype, v0, v1, v2, v3)
		SELECT 'p', 'u:' || g, 'e:' || g, 'sys:user', 'allow' FROM generate_series(1, ?) g
		UNION ALL SELECT 'p', 'r:' || g, 'e:' || g, 'sys:audit', 'allow' FROM generate_series(1, ?) g
		UNION ALL SELECT 'g', 'u:' || g, 'r:' || g, 'e:' || g, '' FROM generate_series(1, ?) g`, n, n, n).Error
	if err != nil {
		tb.Fatal(err)
	}
}

func TestAuthorizerLoadsDomainsOnDemand(t *testing.T) {
	db := testdb.Postgres(t, nil)
	fill(t, db, 50)
	a := NewAuthorizer(db, 10)
	ctx := context.Background()
	tests := []struct {
		user int64
		dom  string
		code string
		want bool
	}{
		{7, "e:7", UserList, true},   // user grant
		{7, "e:7", AuditView, true},  // role grant
		{7, "e:7", RoleList, false},  // not granted
		{7, "e:8", UserList, false},  // another domain's grant does not apply here
		{8, "e:7", AuditView, false}, // nor another domain's role
	}
	for _, tt := range tests {
		got, err := a.Allowed(ctx, Subject{UserID: tt.user, Kind: KindPostUser, Domain: tt.dom}, tt.code)
		if err != nil || got != tt.want {
			t.Errorf("Allowed(u:%d, %s, %s) = %v %v, want %v", tt.user, tt.dom, tt.code, got, err, tt.want)
		}
	}
	if a.Cached() != 2 {
		t.Errorf("cached %d domains, want the 2 asked about", a.Cached())
	}
	for i := 1; i <= 50; i++ {
		a.Allowed(ctx, Subject{UserID: int64(i), Kind: KindPostUser, Domain: fmt.Sprintf("e:%d", i)}, UserList)
	}
	if a.Cached() != 10 {
		t.Errorf("cache holds %d domains, capacity 10", a.Cached())
	}
	// A version newer than the cached copy forces a reload that sees the change.
	testdb.Must(t, db.Exec(`INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES ('p', 'u:50', 'e:50', 'sys:role', 'allow')`))
	if ok, _ := a.Allowed(ctx, Subject{UserID: 50, Kind: KindPostUser, Domain: "e:50"}, RoleList); ok {
		t.Error("saw an unannounced change: the cache should be trusted until the version moves")
	}
	testdb.Must(t, db.Exec(`INSERT INTO rbac_domains (domain, version) VALUES ('e:50', 1)`))
	if ok, _ := a.Allowed(ctx, Subject{UserID: 50, Kind: KindPostUser, Domain: "e:50", PolicyVersion: 1}, RoleList); !ok {
		t.Error("a newer policy version did not reload the domain")
	}
	// Implicit codes need no policy at all.
	if ok, _ := a.Allowed(ctx, Subject{UserID: 1, Kind: KindEnterpriseAdmin, Domain: "e:999"}, RoleDelete); !ok {
		t.Error("the enterprise admin lacks an enterprise code")
	}
	if ok, _ := a.Allowed(ctx, Subject{UserID: 1, Kind: KindEnterpriseAdmin, Domain: "e:999"}, RegEnterpriseView); ok {
		t.Error("the enterprise admin holds a regulator code")
	}
}

func TestMenus(t *testing.T) {
	m := Menus([]string{"sys", UserList, UserCreate, PlatAuditView})
	if len(m) != 2 || m[0].Code != "sys" || len(m[0].Children) != 1 || m[0].Children[0].Path != "/system/users" || m[1].Children[0].Code != PlatAuditView {
		t.Fatalf("menus = %+v", m)
	}
	if got := WithAncestors([]string{RoleGrant, UserList}); fmt.Sprint(got) != "[sys sys:role sys:role:grant sys:user]" {
		t.Fatalf("WithAncestors = %v", got)
	}
}

// BenchmarkAllowed shows that a permission check costs the same with 10 enterprises as with 100,000: only
// the domain asked about is loaded, by an indexed query, and checked against its own few lines.
//
//	go test ./internal/rbac -run '^$' -bench Allowed -benchtime 20000x
func BenchmarkAllowed(b *testing.B) {
	for _, n := range []int{10, 100_000} {
		b.Run(fmt.Sprintf("enterprises=%d", n), func(b *testing.B) {
			db := testdb.Postgres(b, nil)
			fill(b, db, n)
			a := NewAuthorizer(db, 20_000)
			ctx := context.Background()
			// The working set: the enterprises active right now, all cached after the first pass.
			active := min(n, 1000)
			for i := 1; i <= active; i++ {
				a.Allowed(ctx, Subject{UserID: int64(i), Kind: KindPostUser, Domain: fmt.Sprintf("e:%d", i)}, UserList)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d := rand.IntN(active) + 1
				ok, err := a.Allowed(ctx, Subject{UserID: int64(d), Kind: KindPostUser, Domain: fmt.Sprintf("e:%d", d)}, AuditView)
				if err != nil || !ok {
					b.Fatal(ok, err)
				}
			}
		})
		b.Run(fmt.Sprintf("cold-load/enterprises=%d", n), func(b *testing.B) {
			db := testdb.Postgres(b, nil)
			fill(b, db, n)
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				a := NewAuthorizer(db, 1)
				d := rand.IntN(n) + 1
				if ok, err := a.Allowed(ctx, Subject{UserID: int64(d), Kind: KindPostUser, Domain: fmt.Sprintf("e:%d", d)}, AuditView); err != nil || !ok {
					b.Fatal(ok, err)
				}
			}
		})
	}
}
