package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Guard keeps deliveries away from the service's own network: loopback, link-local (cloud metadata at
// 169.254.169.254), private, shared (100.64/10), unspecified, multicast, benchmarking and reserved addresses
// (internal4), IPv6 addresses carrying one of those (mapped, compatible, NAT64, 6to4) and Teredo are refused
// unless the operator allows them (YQYB_WEBHOOK_ALLOW). The check runs when the connection is dialled, on the address
// DNS returned, so a name that resolves to 127.0.0.1 (localhost, or a name re-pointed after registration) is
// refused as well; redirects are not followed.
type Guard struct {
	nets  []netip.Prefix
	hosts map[string]bool
}

// ParseAllow reads YQYB_WEBHOOK_ALLOW: a comma-separated list of CIDRs (10.0.0.0/8), addresses (127.0.0.1)
// and host names (hooks.internal). A host name allows any address it resolves to.
func ParseAllow(s string) (*Guard, error) {
	g := &Guard{hosts: map[string]bool{}}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			g.nets = append(g.nets, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(f); err == nil {
			g.nets = append(g.nets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		if strings.ContainsAny(f, "/: ") {
			return nil, fmt.Errorf("YQYB_WEBHOOK_ALLOW: %q is neither a CIDR, an address nor a host name", f)
		}
		g.hosts[strings.ToLower(strings.TrimSuffix(f, "."))] = true
	}
	return g, nil
}

// internal4 are the IPv4 ranges a receiver has no business in: "this network", private, shared (carrier-grade
// NAT), loopback, link-local (cloud metadata), IETF protocol assignments, benchmarking, multicast and
// reserved, the limited broadcast included.
var internal4 = prefixes("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
	"192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4")

// IPv6 ranges: those that carry an IPv4 address inside (checked as that address), and those refused as a
// whole: site-local (deprecated, still routed inside some networks) and Teredo, whose embedded server and
// client addresses are obfuscated and lead past any IPv4 check.
var (
	compat6    = netip.MustParsePrefix("::/96")          // IPv4-compatible (deprecated): ::a.b.c.d
	nat64      = netip.MustParsePrefix("64:ff9b::/96")   // well-known NAT64 prefix (RFC 6052)
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48") // local-use NAT64 prefix (RFC 8215), /48 layout of RFC 6052
	sixToFour  = netip.MustParsePrefix("2002::/16")      // 6to4: 2002:aabb:ccdd::/48
	internal6  = prefixes("fec0::/10", "2001::/32")
)

func prefixes(ps ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ps))
	for i, p := range ps {
		out[i] = netip.MustParsePrefix(p)
	}
	return out
}

// embedded4 returns the IPv4 address an address is or carries: itself, IPv4-mapped, IPv4-compatible, NAT64
// (both prefixes) or 6to4.
func embedded4(a netip.Addr) (netip.Addr, bool) {
	if a.Is4() || a.Is4In6() {
		return a.Unmap(), true
	}
	b := a.As16()
	switch {
	case compat6.Contains(a), nat64.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case nat64Local.Contains(a):
		// A /48 prefix puts the first two octets in bits 48–63 and, past the reserved octet, the last two in 72–87.
		return netip.AddrFrom4([4]byte{b[6], b[7], b[9], b[10]}), true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

func inAny(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// errAddress is what a refused dial returns (wrapped by net and http).
var errAddress = errors.New("目标地址属于本机、链路本地或内网，未在 YQYB_WEBHOOK_ALLOW 中放行")

func (g *Guard) hostAllowed(host string) bool {
	return g.hosts[strings.ToLower(strings.TrimSuffix(host, "."))]
}

// addrAllowed says whether a resolved address may be dialled. An IPv6 address carrying an IPv4 one is
// judged by that IPv4 address, since that is where a translator or relay would take the request.
func (g *Guard) addrAllowed(a netip.Addr) bool {
	a = a.WithZone("")
	if inAny(a.Unmap(), g.nets) {
		return true
	}
	if v4, ok := embedded4(a); ok {
		return inAny(v4, g.nets) || !inAny(v4, internal4)
	}
	internal := a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsPrivate() ||
		a.IsUnspecified() || a.IsMulticast() || a.IsInterfaceLocalMulticast() || inAny(a, internal6)
	return !internal
}

// HostAllowedPlain says whether an endpoint's URL may use plain http: only when its host is allowed by the
// operator (a test receiver, a receiver inside the operator's own network). Everything else must be https.
func (g *Guard) HostAllowedPlain(host string) bool {
	if g.hostAllowed(host) {
		return true
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range g.nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// CheckURL is the registration-time check of an endpoint's URL (the dial-time check still applies).
func (g *Guard) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || len(raw) > 2000 {
		return ErrURL
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !g.HostAllowedPlain(u.Hostname()) {
			return ErrURL
		}
	default:
		return ErrURL
	}
	if a, err := netip.ParseAddr(u.Hostname()); err == nil && !g.addrAllowed(a) {
		return ErrAddress
	}
	return nil
}

// Client returns the HTTP client deliveries use: every dial checked, no redirects followed, no proxy from
// the environment (a proxy would dial the address for us, past the check), a timeout per request.
func (g *Guard) Client(timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           g.dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          50,
		IdleConnTimeout:       60 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (g *Guard) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{Timeout: 10 * time.Second}
	if !g.hostAllowed(host) {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return err
			}
			if !g.addrAllowed(ap.Addr()) {
				return errAddress
			}
			return nil
		}
	}
	return d.DialContext(ctx, network, addr)
}
