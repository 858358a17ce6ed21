package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	oldKey = Key{ID: "k202605", Secret: []byte("old-secret-0123456789-abcdefghijklmnop")}
	newKey = Key{ID: "k202611", Secret: []byte("new-secret-0123456789-abcdefghijklmnop")}
)

func ring(t *testing.T, keys ...Key) *Keyring {
	t.Helper()
	r, err := NewKeyring(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func testClaims() jwt.RegisteredClaims {
	return jwt.RegisteredClaims{Issuer: issuer, Subject: "1", ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}
}

// forge signs claims with an arbitrary header, as an attacker or another program would.
func forge(t *testing.T, method jwt.SigningMethod, header map[string]any, key any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, testClaims())
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestKeyringRotation(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signedOld, err := ring(t, oldKey).Sign(testClaims())
	if err != nil {
		t.Fatal(err)
	}
	signedNew, err := ring(t, newKey, oldKey).Sign(testClaims())
	if err != nil {
		t.Fatal(err)
	}
	seg := func(v string) string { return base64.RawURLEncoding.EncodeToString([]byte(v)) }
	payload := strings.Split(signedOld, ".")[1]
	tests := []struct {
		name     string
		token    string
		verifier []Key
		ok       bool
	}{
		{"old key's token, before rotation", signedOld, []Key{oldKey}, true},
		{"old key's token, new key added last", signedOld, []Key{oldKey, newKey}, true},
		{"old key's token, new key first", signedOld, []Key{newKey, oldKey}, true},
		{"old key's token, old key removed", signedOld, []Key{newKey}, false},
		{"new key's token, on an instance that knows only the old key", signedNew, []Key{oldKey}, false},
		{"new key's token, during rotation", signedNew, []Key{oldKey, newKey}, true},
		{"unknown kid", forge(t, jwt.SigningMethodHS256, map[string]any{"kid": "k2099"}, oldKey.Secret), []Key{oldKey, newKey}, false},
		{"kid names another key than the one that signed", forge(t, jwt.SigningMethodHS256, map[string]any{"kid": newKey.ID}, oldKey.Secret), []Key{oldKey, newKey}, false},
		{"missing kid", forge(t, jwt.SigningMethodHS256, nil, oldKey.Secret), []Key{oldKey}, false},
		{"empty kid", forge(t, jwt.SigningMethodHS256, map[string]any{"kid": ""}, oldKey.Secret), []Key{oldKey}, false},
		{"kid not a string", forge(t, jwt.SigningMethodHS256, map[string]any{"kid": 7}, oldKey.Secret), []Key{oldKey}, false},
		{"HS384 with a known kid", forge(t, jwt.SigningMethodHS384, map[string]any{"kid": oldKey.ID}, oldKey.Secret), []Key{oldKey}, false},
		{"RS256 with a known kid", forge(t, jwt.SigningMethodRS256, map[string]any{"kid": oldKey.ID}, rsaKey), []Key{oldKey}, false},
		{"alg none with a known kid", seg(`{"alg":"none","kid":"`+oldKey.ID+`","typ":"JWT"}`) + "." + payload + ".", []Key{oldKey}, false},
		{"RS256 header over an HS256 signature", seg(`{"alg":"RS256","kid":"`+oldKey.ID+`","typ":"JWT"}`) + "." + payload + "." +
			strings.Split(signedOld, ".")[2], []Key{oldKey}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c jwt.RegisteredClaims
			_, err := ring(t, tt.verifier...).Verify(tt.token, &c, jwt.WithIssuer(issuer), jwt.WithExpirationRequired())
			if (err == nil) != tt.ok {
				t.Fatalf("Verify error = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && c.Subject != "1" {
				t.Fatalf("claims not read: %+v", c)
			}
		})
	}
}

func TestKeyringSignsWithFirstKey(t *testing.T) {
	tok, err := ring(t, newKey, oldKey).Sign(testClaims())
	if err != nil {
		t.Fatal(err)
	}
	parsed, _, err := jwt.NewParser().ParseUnverified(tok, &jwt.RegisteredClaims{})
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Header["kid"] != newKey.ID || parsed.Header["alg"] != "HS256" {
		t.Fatalf("header = %v, want kid %s and alg HS256", parsed.Header, newKey.ID)
	}
}

func TestNewKeyringRejects(t *testing.T) {
	tests := []struct {
		name string
		keys []Key
	}{
		{"no key", nil},
		{"empty kid", []Key{{ID: "", Secret: []byte("x")}}},
		{"kid with a colon", []Key{{ID: "a:b", Secret: []byte("x")}}},
		{"kid too long", []Key{{ID: strings.Repeat("k", 33), Secret: []byte("x")}}},
		{"empty secret", []Key{{ID: "k1"}}},
		{"duplicate kid", []Key{oldKey, {ID: oldKey.ID, Secret: []byte("other")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewKeyring(tt.keys...); err == nil {
				t.Fatal("NewKeyring accepted the keys")
			}
		})
	}
}
