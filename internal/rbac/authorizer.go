package rbac

import (
	"container/list"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"gorm.io/gorm"
)

// casbinModel is RBAC with domains: a subject holds a code in a domain directly (user grant) or through a
// role assigned to it in that domain (role grant).
const casbinModel = `
[request_definition]
r = sub, dom, obj

[policy_definition]
p = sub, dom, obj, eft

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = (r.sub == p.sub || g(r.sub, p.sub, r.dom)) && r.dom == p.dom && r.obj == p.obj
`

// Subject is the user whose permission is checked, as authentication loaded it.
type Subject struct {
	UserID int64
	Kind   string
	Domain string // e:<enterprise id> for enterprise accounts
	// PolicyVersion is the domain's policy version read with the user; a cached domain older than it is
	// reloaded, so a grant made on any instance is seen by the next request on every instance.
	PolicyVersion int64
	// CityWide is true for a regulator whose region is the whole city (the top of the region tree).
	CityWide bool
}

// EnterpriseDomain names the Casbin domain of an enterprise.
func EnterpriseDomain(enterpriseID int64) string { return "e:" + strconv.FormatInt(enterpriseID, 10) }

func userSub(id int64) string { return "u:" + strconv.FormatInt(id, 10) }
func roleSub(id int64) string { return "r:" + strconv.FormatInt(id, 10) }

// Authorizer answers permission checks. It keeps a bounded number of domains' enforcers in memory (least
// recently used out), so the cost of a check depends on the size of one enterprise's policy, never on the
// number of enterprises.
type Authorizer struct {
	db       *gorm.DB
	capacity int

	mu      sync.Mutex
	entries map[string]*list.Element
	lru     *list.List
	loading map[string]*sync.Mutex
}

type domainEntry struct {
	domain  string
	version int64
	e       *casbin.SyncedEnforcer
}

// NewAuthorizer returns an authorizer over db keeping at most capacity domains cached.
func NewAuthorizer(db *gorm.DB, capacity int) *Authorizer {
	return &Authorizer{db: db, capacity: max(capacity, 1), entries: map[string]*list.Element{}, lru: list.New(), loading: map[string]*sync.Mutex{}}
}

// Allowed reports whether the subject holds code.
func (a *Authorizer) Allowed(ctx context.Context, s Subject, code string) (bool, error) {
	if holdsImplicitly(s, code) {
		return true, nil
	}
	if s.Kind != KindPostUser || s.Domain == "" {
		return false, nil
	}
	e, err := a.enforcer(ctx, s.Domain, s.PolicyVersion)
	if err != nil {
		return false, err
	}
	return e.Enforce(userSub(s.UserID), s.Domain, code)
}

// Codes returns every code the subject holds: its kind's own codes plus those its grants give.
func (a *Authorizer) Codes(ctx context.Context, s Subject) ([]string, error) {
	set := map[string]bool{}
	for c := range implicit[s.Kind] {
		if holdsImplicitly(s, c) {
			set[c] = true
		}
	}
	if s.Kind == KindPostUser && s.Domain != "" {
		e, err := a.enforcer(ctx, s.Domain, s.PolicyVersion)
		if err != nil {
			return nil, err
		}
		perms, err := e.GetImplicitPermissionsForUser(userSub(s.UserID), s.Domain)
		if err != nil {
			return nil, err
		}
		for _, p := range perms {
			// Codes that left the catalogue in an upgrade confer nothing.
			if len(p) >= 3 && Known(p[2]) {
				set[p[2]] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	slices.Sort(out)
	return out, nil
}

// enforcer returns the domain's enforcer at least as new as minVersion.
func (a *Authorizer) enforcer(ctx context.Context, domain string, minVersion int64) (*casbin.SyncedEnforcer, error) {
	if e := a.cached(domain, minVersion); e != nil {
		return e, nil
	}
	// One load per domain at a time: concurrent requests for a cold domain wait for the first.
	a.mu.Lock()
	l, ok := a.loading[domain]
	if !ok {
		l = &sync.Mutex{}
		a.loading[domain] = l
	}
	a.mu.Unlock()
	l.Lock()
	defer l.Unlock()
	if e := a.cached(domain, minVersion); e != nil {
		return e, nil
	}
	version, e, err := a.load(ctx, domain)
	if err != nil {
		return nil, err
	}
	a.store(&domainEntry{domain: domain, version: version, e: e})
	return e, nil
}

func (a *Authorizer) cached(domain string, minVersion int64) *casbin.SyncedEnforcer {
	a.mu.Lock()
	defer a.mu.Unlock()
	el, ok := a.entries[domain]
	if !ok {
		return nil
	}
	ent := el.Value.(*domainEntry)
	if ent.version < minVersion {
		return nil
	}
	a.lru.MoveToFront(el)
	return ent.e
}

func (a *Authorizer) store(ent *domainEntry) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if el, ok := a.entries[ent.domain]; ok {
		el.Value = ent
		a.lru.MoveToFront(el)
		return
	}
	a.entries[ent.domain] = a.lru.PushFront(ent)
	for a.lru.Len() > a.capacity {
		old := a.lru.Back()
		a.lru.Remove(old)
		d := old.Value.(*domainEntry).domain
		delete(a.entries, d)
		delete(a.loading, d)
	}
}

// Cached reports how many domains are in memory (for tests and metrics).
func (a *Authorizer) Cached() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lru.Len()
}

type ruleRow struct {
	Ptype, V0, V1, V2, V3, V4, V5 string
}

func (ruleRow) TableName() string { return "casbin_rule" }

// load reads a domain's version, then its policy lines. Reading the version first means a change racing
// the load can only make the cached copy newer than its label, which a later check corrects, never older.
func (a *Authorizer) load(ctx context.Context, domain string) (int64, *casbin.SyncedEnforcer, error) {
	version, err := domainVersion(ctx, a.db, domain)
	if err != nil {
		return 0, nil, err
	}
	var rows []ruleRow
	if err := a.db.WithContext(ctx).Where("(ptype = 'p' AND v1 = ?) OR (ptype = 'g' AND v2 = ?)", domain, domain).Find(&rows).Error; err != nil {
		return 0, nil, err
	}
	m, err := model.NewModelFromString(casbinModel)
	if err != nil {
		return 0, nil, err
	}
	e, err := casbin.NewSyncedEnforcer(m)
	if err != nil {
		return 0, nil, err
	}
	for _, r := range rows {
		rule := []string{r.Ptype, r.V0, r.V1, r.V2}
		if r.Ptype == "p" {
			rule = append(rule, r.V3)
		}
		if err := persist.LoadPolicyArray(rule, e.GetModel()); err != nil {
			return 0, nil, fmt.Errorf("rbac: bad policy line %v: %w", rule, err)
		}
	}
	if err := e.BuildRoleLinks(); err != nil {
		return 0, nil, err
	}
	return version, e, nil
}

func domainVersion(ctx context.Context, db *gorm.DB, domain string) (int64, error) {
	var v []int64
	if err := db.WithContext(ctx).Table("rbac_domains").Where("domain = ?", domain).Pluck("version", &v).Error; err != nil {
		return 0, err
	}
	if len(v) == 0 {
		return 0, nil
	}
	return v[0], nil
}
