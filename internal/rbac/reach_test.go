package rbac

import "testing"

// An enterprise admin holds every code a post user can be given, so the rule "act only on accounts whose
// codes you hold" never stands in its way.
func TestAdminCoversEveryGrantableCode(t *testing.T) {
	admin := Grantor{Held: Implicit(KindEnterpriseAdmin)}
	if err := admin.Covers(PostDefaultCodes()); err != nil {
		t.Fatalf("default role: %v", err)
	}
	var grantable []string
	for _, c := range codesWhere(func(n *Node) bool { return true }) {
		if Grantable(c) {
			grantable = append(grantable, c)
		}
	}
	if err := admin.Covers(grantable); err != nil {
		t.Fatalf("grantable codes: %v", err)
	}
	post := Grantor{Held: []string{UserCreate}}
	if err := post.Covers(PostDefaultCodes()); err == nil {
		t.Fatal("a post user holding only sys:user:create covers the default role")
	}
}
