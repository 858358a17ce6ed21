package apikey

import (
	"net/http"
	"strings"
	"testing"

	"yqyb/internal/rbac"
)

func TestKeyShape(t *testing.T) {
	key, prefix, hash, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	p, secret, ok := Parse(key)
	if !ok || p != prefix || !Matches(secret, hash) || !IsKey(key) {
		t.Fatalf("a new key does not parse back: %q → %q %q %v", key, p, secret, ok)
	}
	if strings.Contains(hash, secret) || Matches(secret+"x", hash) {
		t.Fatal("the hash gives the secret away or accepts another")
	}
	for _, bad := range []string{"", "yqyb_", key + "a", key[:len(key)-1], strings.Replace(key, "_", "-", 2), "eyJhbGciOi", "yqyb_ABCDEFGH_" + secret} {
		if _, _, ok := Parse(bad); ok {
			t.Errorf("%q parses", bad)
		}
	}
	other, _, _, _ := generate()
	if other == key {
		t.Fatal("two keys alike")
	}
}

func TestPermits(t *testing.T) {
	tests := []struct {
		scopes   []string
		method   string
		code     string
		loggedIn bool
		want     bool
	}{
		{[]string{ScopeStatsRead}, http.MethodGet, rbac.StatsView, false, true},
		{[]string{ScopeStatsRead}, http.MethodPost, rbac.StatsView, false, false},
		{[]string{ScopeStatsRead}, http.MethodGet, rbac.PostList, false, false},
		{[]string{ScopeListsRead}, http.MethodGet, "", true, true},
		{[]string{ScopeListsRead}, http.MethodPost, "", true, false},
		{[]string{ScopeFeedRead}, http.MethodGet, "", true, false},
		{[]string{ScopeHazardsWrite}, http.MethodPost, rbac.HazardFix, false, true},
		{[]string{ScopeHazardsWrite}, http.MethodGet, rbac.HazardLedger, false, false},
		{[]string{"nonsense"}, http.MethodGet, rbac.StatsView, false, false},
		{nil, http.MethodGet, rbac.StatsView, false, false},
	}
	for _, tt := range tests {
		if got := Permits(tt.scopes, tt.method, tt.code, tt.loggedIn); got != tt.want {
			t.Errorf("Permits(%v, %s, %q, %v) = %v", tt.scopes, tt.method, tt.code, tt.loggedIn, got)
		}
	}
}

func TestScopesFor(t *testing.T) {
	names := func(ss []Scope) string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Name)
		}
		return strings.Join(out, " ")
	}
	if got := names(ScopesFor(rbac.KindEnterpriseAdmin)); got != "stats:read feed:read lists:read hazards:write" {
		t.Errorf("enterprise admin: %s", got)
	}
	if got := names(ScopesFor(rbac.KindRegulator)); got != "stats:read feed:read lists:read supervise:write enterprises:write" {
		t.Errorf("regulator: %s", got)
	}
	// Every code a scope names exists: a renamed code must not silently empty a scope.
	for _, s := range Catalogue {
		for _, c := range s.Codes {
			if c != anySignedIn && !rbac.Known(c) {
				t.Errorf("scope %s names unknown code %s", s.Name, c)
			}
		}
	}
}
