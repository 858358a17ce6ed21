package auth

import (
	"fmt"
	"testing"
	"time"
)

func cachedRow(user, enterprise int64) principalRow {
	return principalRow{ID: user, EnterpriseID: enterprise, Status: "active", TokenVersion: 1}
}

func TestCacheKeepsRowsOnlyWhileLive(t *testing.T) {
	c := NewCache(10, time.Minute, nil)
	c.put("s1", cachedRow(1, 0), c.begin())
	if _, ok := c.get("s1"); ok {
		t.Fatal("a cache that is not live kept a row")
	}
	c.SetLive(true)
	c.put("s1", cachedRow(1, 0), c.begin())
	if r, ok := c.get("s1"); !ok || r.ID != 1 {
		t.Fatalf("get = %+v, %v", r, ok)
	}
	c.SetLive(false)
	if _, ok := c.get("s1"); ok || c.Len() != 0 {
		t.Fatalf("after losing liveness: %d rows, hit %v", c.Len(), ok)
	}
	c.SetLive(true)
	if _, ok := c.get("s1"); ok {
		t.Fatal("a row from before the cache was bypassed came back")
	}
	st := c.Stats()
	if st.Hits != 1 || st.Bypassed != 2 || st.Misses != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestCacheRefusesARowReadAcrossAnInvalidation(t *testing.T) {
	c := NewCache(10, time.Minute, nil)
	c.SetLive(true)
	for _, payload := range []string{"s:other", "u:99", "d:e:99", "*"} {
		gen := c.begin() // the row is being read…
		c.Invalidate(payload)
		c.put("s1", cachedRow(1, 5), gen) // …and arrives after a commit's notification
		if _, ok := c.get("s1"); ok {
			t.Errorf("a row read before %q was kept", payload)
		}
	}
	gen := c.begin()
	c.SetLive(false)
	c.SetLive(true)
	c.put("s1", cachedRow(1, 5), gen)
	if _, ok := c.get("s1"); ok {
		t.Error("a row read while the cache was bypassed was kept")
	}
}

func TestCacheInvalidation(t *testing.T) {
	c := NewCache(100, time.Minute, nil)
	c.SetLive(true)
	fill := func() {
		for _, e := range []struct {
			s         string
			user, ent int64
		}{{"a1", 1, 10}, {"a2", 1, 10}, {"b1", 2, 10}, {"c1", 3, 20}, {"r1", 4, 0}} {
			c.put(e.s, cachedRow(e.user, e.ent), c.begin())
		}
	}
	cached := func() string {
		out := ""
		for _, s := range []string{"a1", "a2", "b1", "c1", "r1"} {
			if _, ok := c.get(s); ok {
				out += s + " "
			}
		}
		return out
	}
	for _, tc := range []struct{ payload, left string }{
		{"s:a1", "a2 b1 c1 r1 "},
		{"u:1", "b1 c1 r1 "},
		{"d:e:10", "c1 r1 "},
		{"d:e:30", "a1 a2 b1 c1 r1 "},
		{"*", ""},
		{"u:not-a-number", ""},
		{"something new", ""},
	} {
		fill()
		c.Invalidate(tc.payload)
		if got := cached(); got != tc.left {
			t.Errorf("after %q cached %q, want %q", tc.payload, got, tc.left)
		}
	}
}

func TestCacheIsBoundedAndExpires(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	c := NewCache(3, time.Minute, func() time.Time { return now })
	c.SetLive(true)
	for i := range 5 {
		c.put(fmt.Sprint("s", i), cachedRow(int64(i), 0), c.begin())
		if i == 2 {
			c.get("s0") // used: s1 is now the least recently used
		}
	}
	if c.Len() != 3 {
		t.Fatalf("len = %d, want 3", c.Len())
	}
	for s, want := range map[string]bool{"s0": true, "s1": false, "s2": false, "s3": true, "s4": true} {
		if _, ok := c.get(s); ok != want {
			t.Errorf("%s cached = %v, want %v", s, ok, want)
		}
	}
	now = now.Add(time.Minute)
	if _, ok := c.get("s4"); ok {
		t.Error("a row older than the TTL was used")
	}
	if c.Len() != 2 {
		t.Errorf("len after expiry = %d, want 2", c.Len())
	}
}
