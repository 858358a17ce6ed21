package auth

import (
	"container/list"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Cache keeps, per instance, the rows Authenticate reads for a session (its user, session, region path and
// the policy version of the user's enterprise), so that most authenticated requests do not read the
// database. It is bounded (least recently used out) and every entry lives at most TTL.
//
// Revocation stays immediate because every change to what a row holds tells every instance to drop it:
// on PostgreSQL, triggers on users, auth_sessions, rbac_domains and regions call pg_notify in the changing
// transaction (migration 0019), and each instance LISTENs (Listen); on SQLite, which one process owns, the
// commit of a transaction that wrote those tables tells this process directly (database.WatchCommits).
//
// A cache is live only while its invalidations are known to arrive. When it is not (the listening
// connection was lost, or never made) it is empty and bypassed: Authenticate reads the database as it did
// without a cache. Every invalidation and every change of liveness advances a generation; a row read from
// the database is kept only if the generation did not move while it was read, so a row read before a
// revoking transaction committed is never kept after that commit's invalidation.
type Cache struct {
	capacity int
	ttl      time.Duration
	now      func() time.Time

	mu      sync.Mutex
	live    bool
	gen     uint64
	entries map[string]*list.Element
	lru     *list.List
	stats   CacheStats
}

// CacheStats count what the cache did since it was made.
type CacheStats struct {
	Hits, Misses, Bypassed, Invalidations, Flushes uint64
}

type cacheEntry struct {
	session string
	row     principalRow
	stored  time.Time
}

// NewCache returns a cache of at most capacity sessions, each kept at most ttl. It starts not live: call
// SetLive(true) once invalidations are known to arrive.
func NewCache(capacity int, ttl time.Duration, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{capacity: max(capacity, 1), ttl: ttl, now: now, entries: map[string]*list.Element{}, lru: list.New()}
}

// get returns the cached row of a session.
func (c *Cache) get(session string) (principalRow, bool) {
	if c == nil {
		return principalRow{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live {
		c.stats.Bypassed++
		return principalRow{}, false
	}
	el, ok := c.entries[session]
	if !ok {
		c.stats.Misses++
		return principalRow{}, false
	}
	e := el.Value.(*cacheEntry)
	if c.now().Sub(e.stored) >= c.ttl {
		c.remove(el)
		c.stats.Misses++
		return principalRow{}, false
	}
	c.lru.MoveToFront(el)
	c.stats.Hits++
	return e.row, true
}

// begin is called before a row is read from the database; it returns the generation put must see.
func (c *Cache) begin() uint64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps a row read from the database, unless the cache is not live or anything was invalidated since
// begin returned gen.
func (c *Cache) put(session string, row principalRow, gen uint64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live || gen != c.gen {
		return
	}
	if el, ok := c.entries[session]; ok {
		c.remove(el)
	}
	c.entries[session] = c.lru.PushFront(&cacheEntry{session: session, row: row, stored: c.now()})
	for c.lru.Len() > c.capacity {
		c.remove(c.lru.Back())
	}
}

func (c *Cache) remove(el *list.Element) {
	delete(c.entries, el.Value.(*cacheEntry).session)
	c.lru.Remove(el)
}

// SetLive says whether invalidations are known to arrive. Either way the cache is emptied: what changed
// while they did not arrive is unknown, and a row read while the cache was bypassed is not kept.
func (c *Cache) SetLive(live bool) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live = live
	c.flush()
}

// Live reports whether the cache is in use.
func (c *Cache) Live() bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.live
}

// Len is the number of sessions cached.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Stats returns the counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

func (c *Cache) flush() {
	c.gen++
	c.stats.Flushes++
	clear(c.entries)
	c.lru.Init()
}

// CachedTables are the tables whose rows a cached session holds.
var CachedTables = []string{"users", "auth_sessions", "rbac_domains", "regions", "api_keys"}

// Invalidation payloads, as the triggers of migration 0019 send them on NotifyChannel:
//
//	s:<session id>   the session changed or was deleted
//	s:k:<prefix>     the API key changed or was deleted (migration 0021; kept under k:<prefix>)
//	u:<user id>      the user changed or was deleted
//	d:e:<id>         the policy version of an enterprise's domain moved (a grant or role changed)
//	*                anything else (a region's path moved): drop everything
//
// Anything unrecognised drops everything too.
const NotifyChannel = "yqyb_auth"

// Invalidate drops what a payload names.
func (c *Cache) Invalidate(payload string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.stats.Invalidations++
	kind, key, _ := strings.Cut(payload, ":")
	switch kind {
	case "s":
		if el, ok := c.entries[key]; ok {
			c.remove(el)
		}
		return
	case "u":
		if id, err := strconv.ParseInt(key, 10, 64); err == nil {
			c.dropWhere(func(r principalRow) bool { return r.ID == id })
			return
		}
	case "d":
		if ent, ok := strings.CutPrefix(key, "e:"); ok {
			if id, err := strconv.ParseInt(ent, 10, 64); err == nil {
				c.dropWhere(func(r principalRow) bool { return r.EnterpriseID == id })
				return
			}
		}
	}
	c.flush()
}

// dropWhere removes the entries whose row matches; a cache holds at most capacity entries, and a user's
// or an enterprise's change is rare next to the requests it serves.
func (c *Cache) dropWhere(match func(principalRow) bool) {
	for el := c.lru.Front(); el != nil; {
		next := el.Next()
		if match(el.Value.(*cacheEntry).row) {
			c.remove(el)
		}
		el = next
	}
}
