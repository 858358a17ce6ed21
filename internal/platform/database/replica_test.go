package database

import (
	"context"
	"testing"
)

func TestParseLSN(t *testing.T) {
	for in, want := range map[string]uint64{"0/0": 0, "0/3010108": 0x3010108, "16/B374D848": 0x16_B374D848, " 1/0 ": 1 << 32} {
		if got, err := parseLSN(in); err != nil || got != want {
			t.Errorf("parseLSN(%q) = %X, %v; want %X", in, got, err, want)
		}
	}
	for _, in := range []string{"", "3010108", "0/", "/1", "x/1", "1/2/3", "100000000/0"} {
		if got, err := parseLSN(in); err == nil {
			t.Errorf("parseLSN(%q) = %X, want an error", in, got)
		}
	}
}

// A server without a replica reads the primary: a nil guard chooses no database of its own.
func TestNilGuardReadsThePrimary(t *testing.T) {
	var g *ReplicaGuard
	if r := g.Read(context.Background()); r.Replica || r.DB != nil || r.AsOf.IsZero() {
		t.Errorf("nil guard read = %+v, want the primary (nil DB), as of now", r)
	}
}
