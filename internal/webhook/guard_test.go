package webhook

import (
	"errors"
	"net/netip"
	"testing"
)

// TestAddressTable: every special-purpose IPv4 range a receiver has no business in is refused, and so is
// every IPv6 form that carries such an IPv4 address inside it (mapped, compatible, NAT64, 6to4), and Teredo;
// public addresses, in any of these forms, pass; an operator's allowance is honoured.
func TestAddressTable(t *testing.T) {
	strict, err := ParseAllow("")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		addr string
		ok   bool
	}{
		// IPv4
		{"8.8.8.8", true}, {"203.0.114.1", true}, {"100.63.255.255", true}, {"100.128.0.0", true}, {"192.0.1.255", true},
		{"198.17.255.255", true}, {"198.20.0.0", true}, {"223.255.255.254", true},
		{"0.0.0.0", false}, {"0.1.2.3", false}, {"10.0.0.1", false}, {"127.0.0.1", false}, {"169.254.169.254", false},
		{"172.16.0.1", false}, {"192.168.0.1", false}, {"100.64.0.1", false}, {"100.127.255.255", false},
		{"192.0.0.1", false}, {"192.0.0.170", false}, {"198.18.0.1", false}, {"198.19.255.255", false},
		{"224.0.0.1", false}, {"240.0.0.1", false}, {"250.1.2.3", false}, {"255.255.255.255", false},
		// IPv6 of its own
		{"2001:db8::1", true}, {"2400:3200::1", true},
		{"::", false}, {"::1", false}, {"fe80::1", false}, {"fc00::1", false}, {"fd12:3456::1", false}, {"ff02::1", false},
		{"fec0::1", false},
		// IPv4-mapped ::ffff:0:0/96
		{"::ffff:8.8.8.8", true}, {"::ffff:127.0.0.1", false}, {"::ffff:169.254.169.254", false}, {"::ffff:100.64.0.1", false},
		// IPv4-compatible ::/96
		{"::8.8.8.8", true}, {"::127.0.0.1", false}, {"::10.0.0.1", false}, {"::198.18.0.1", false},
		// NAT64 64:ff9b::/96 and 64:ff9b:1::/48
		{"64:ff9b::8.8.8.8", true}, {"64:ff9b::127.0.0.1", false}, {"64:ff9b::a9fe:a9fe", false}, {"64:ff9b::c000:0001", false},
		{"64:ff9b:1:808:8:800::", true}, {"64:ff9b:1:7f00:0:100::", false}, {"64:ff9b:1:a9fe:a9:fe00::", false},
		// 6to4 2002::/16
		{"2002:0808:0808::1", true}, {"2002:7f00:0001::1", false}, {"2002:a9fe:a9fe::", false}, {"2002:c0a8:0101::1", false},
		{"2002:f000:0001::1", false},
		// Teredo 2001::/32
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", false}, {"2001::1", false},
	} {
		a := netip.MustParseAddr(c.addr)
		if got := strict.addrAllowed(a); got != c.ok {
			t.Errorf("%s: allowed = %v, want %v", c.addr, got, c.ok)
		}
		if !c.ok {
			u := "https://[" + c.addr + "]/h"
			if a.Is4() {
				u = "https://" + c.addr + "/h"
			}
			if err := strict.CheckURL(u); !errors.Is(err, ErrAddress) {
				t.Errorf("%s: %v, want webhook_address_forbidden", u, err)
			}
		}
	}
	// The operator's allowance reaches the forms that embed an allowed IPv4 address too.
	allowed, err := ParseAllow("198.18.0.0/15, 64:ff9b::/96")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"198.18.0.1", "::ffff:198.18.0.1", "64:ff9b::127.0.0.1"} {
		if !allowed.addrAllowed(netip.MustParseAddr(s)) {
			t.Errorf("%s is refused although allowed", s)
		}
	}
}
