package api

import (
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestRequestID: the request id ends up in the response, the request log and the audit log, so a client
// must not choose it. Only a trusted reverse proxy's id is taken over, and only when it is a short token;
// anything else is replaced by a generated one.
func TestRequestID(t *testing.T) {
	generated := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	proxyID := "5f2b9c0e4a1d4e7f9b3c2a1d0e9f8a7b" // nginx's $request_id
	tests := []struct {
		name    string
		trusted []string
		sent    string
		kept    bool
	}{
		{"well-formed, from a trusted proxy", []string{"192.0.2.0/24"}, proxyID, true},
		{"a UUID from a trusted proxy", []string{"192.0.2.0/24"}, "0f8fad5b-d9cb-469f-a165-70867728950e", true},
		{"well-formed, from a client", nil, proxyID, false},
		{"well-formed, from a peer outside the trusted ranges", []string{"10.0.0.0/8"}, proxyID, false},
		{"oversized, from a trusted proxy", []string{"192.0.2.0/24"}, strings.Repeat("a", 65), false},
		{"markup, from a trusted proxy", []string{"192.0.2.0/24"}, "<script>alert(1)</script>", false},
		{"spaces and quotes, from a trusted proxy", []string{"192.0.2.0/24"}, `x" injected="1`, false},
		{"non-ASCII, from a trusted proxy", []string{"192.0.2.0/24"}, "请求号12345678", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _ := seeded(t, func(d *Deps) { d.Config.TrustedProxies = tt.trusted })
			r := env.loginAttempt("personal", "不存在的账号", "x", echo.HeaderXRequestID, tt.sent)
			got := r.Header.Get(echo.HeaderXRequestID)
			if tt.kept && got != tt.sent || !tt.kept && !generated.MatchString(got) {
				t.Fatalf("X-Request-ID = %q for %q sent", got, tt.sent)
			}
			// The audit entry of the failed login and the request log carry the same id, never the refused one.
			var stored []string
			if err := env.db.Table("audit_logs").Where("action = 'login_failed'").Pluck("request_id", &stored).Error; err != nil {
				t.Fatal(err)
			}
			if len(stored) != 1 || stored[0] != got {
				t.Errorf("audit request ids = %q, want %q", stored, got)
			}
			if lines := env.logs.Grep(`"request_id":"` + got + `"`); len(lines) == 0 {
				t.Errorf("the request log lacks id %s", got)
			}
			if !tt.kept && strings.Contains(env.logs.String(), tt.sent) {
				t.Errorf("the refused id %q reached the log", tt.sent)
			}
		})
	}
}
