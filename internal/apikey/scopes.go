package apikey

import (
	"net/http"
	"slices"
	"strings"

	"yqyb/internal/rbac"
)

// Scope is what a key may be used for: a set of permission codes, and whether it may write with them. A
// request with a key passes only if one of the key's scopes covers the route's code (and, for a read
// scope, the request only reads), and then only if the key's creator holds the code as well.
type Scope struct {
	Name  string   `json:"name" example:"stats:read"`
	Title string   `json:"title" example:"统计数据（只读）"`
	Write bool     `json:"write"`
	Codes []string `json:"codes"`
} // @name APIKeyScope

// Scope names. Read scopes allow GET and HEAD only, whatever their codes guard.
const (
	ScopeStatsRead        = "stats:read"
	ScopeFeedRead         = "feed:read"
	ScopeListsRead        = "lists:read"
	ScopeHazardsWrite     = "hazards:write"
	ScopeSuperviseWrite   = "supervise:write"
	ScopeEnterprisesWrite = "enterprises:write"
)

// anySignedIn stands for the routes any signed-in account may call (who am I, regions, catalogues,
// templates, files): a key reaches their reads through lists:read and never their writes.
const anySignedIn = "@logged-in"

// Catalogue lists every scope. Enterprise and regulator codes share a scope where they mean the same thing
// (the feed, statistics, lists); which half a key can use is decided by its creator's kind.
var Catalogue = []Scope{
	{Name: ScopeStatsRead, Title: "统计数据（只读）", Codes: []string{rbac.StatsView, rbac.UsageView, rbac.RegDashboard}},
	{Name: ScopeFeedRead, Title: "数据同步接口（变更流，只读）", Codes: []string{rbac.FeedRead, rbac.RegFeed}},
	{Name: ScopeListsRead, Title: "列表与详情（只读）", Codes: []string{anySignedIn, rbac.DeptList, rbac.PostList, rbac.StandardView,
		rbac.ChecklistView, rbac.HazardLedger, rbac.InspectHistory, rbac.RegEnterpriseView, rbac.RegHazardView}},
	{Name: ScopeHazardsWrite, Title: "隐患登记与整改（写）", Write: true,
		Codes: []string{rbac.HazardRegister, rbac.HazardAssign, rbac.HazardFix, rbac.HazardAccept}},
	{Name: ScopeSuperviseWrite, Title: "重大隐患督办（写）", Write: true, Codes: []string{rbac.RegSupervise}},
	{Name: ScopeEnterprisesWrite, Title: "企业登记与导入（写）", Write: true, Codes: []string{rbac.RegEnterpriseCreate, rbac.RegEnterpriseImport}},
}

func scopeNamed(name string) (Scope, bool) {
	for _, s := range Catalogue {
		if s.Name == name {
			return s, true
		}
	}
	return Scope{}, false
}

// ScopesFor lists the scopes an account of the kind can give a key: those with at least one code the kind
// can hold.
func ScopesFor(kind string) []Scope {
	var out []Scope
	for _, s := range Catalogue {
		if usableBy(s, kind) {
			out = append(out, s)
		}
	}
	return out
}

func usableBy(s Scope, kind string) bool {
	for _, c := range s.Codes {
		if c != anySignedIn && slices.Contains(rbac.Kinds(c), kind) {
			return true
		}
	}
	return false
}

// Permits reports whether a key with these scopes may call a route guarded by code (loggedIn: the
// routes any signed-in account may call) with method. It says nothing of the creator: the caller checks
// that too.
func Permits(scopes []string, method, code string, loggedIn bool) bool {
	if loggedIn {
		code = anySignedIn
	}
	read := method == http.MethodGet || method == http.MethodHead
	for _, name := range scopes {
		s, ok := scopeNamed(name)
		if ok && (s.Write || read) && slices.Contains(s.Codes, code) {
			return true
		}
	}
	return false
}

// joinScopes and splitScopes store a key's scopes as one space-separated column.
func joinScopes(s []string) string { return strings.Join(s, " ") }

// SplitScopes reads the stored column.
func SplitScopes(s string) []string { return strings.Fields(s) }
