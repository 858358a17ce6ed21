// Package apikey owns the API keys integrators' programs authenticate with: their form and hashing, the
// scopes a key is narrowed to, and creating, listing and revoking keys. A key acts as the account that
// created it, narrowed to its scopes: authentication (internal/auth) loads the creator with the key at each
// use, so a key never reaches beyond what its creator holds now, nor outside its creator's enterprise or
// region, and a creator disabled or stripped of a permission takes its keys down with it.
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"strings"
)

// A key reads yqyb_<prefix>_<secret>. The prefix (8 characters) is stored in clear and names the key in
// logs and in the audit log; the secret (256 random bits) is stored only as its SHA-256, which suffices for
// a secret of that entropy (nothing to guess, so no slow hash is needed, and authentication stays cheap).
const (
	Marker     = "yqyb_"
	prefixLen  = 8
	secretLen  = 52 // 32 bytes in unpadded base32
	secretSize = 32
)

// lowercase base32 without padding: letters and digits only, so a key survives any copy and paste and
// never contains the separator.
var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// IsKey reports whether a bearer token is an API key rather than an access token (a JWT starts with eyJ).
func IsKey(token string) bool { return strings.HasPrefix(token, Marker) }

// generate returns a new key, its prefix and the hash of its secret.
func generate() (key, prefix, hash string, err error) {
	b := make([]byte, 5+secretSize)
	if _, err := rand.Read(b); err != nil {
		return "", "", "", err
	}
	prefix = encoding.EncodeToString(b[:5])
	secret := encoding.EncodeToString(b[5:])
	return Marker + prefix + "_" + secret, prefix, Hash(secret), nil
}

// Parse splits a key into its prefix and secret; ok is false for anything not shaped like a key.
func Parse(key string) (prefix, secret string, ok bool) {
	rest, found := strings.CutPrefix(key, Marker)
	if !found || len(rest) != prefixLen+1+secretLen || rest[prefixLen] != '_' {
		return "", "", false
	}
	prefix, secret = rest[:prefixLen], rest[prefixLen+1:]
	if _, err := encoding.DecodeString(prefix); err != nil {
		return "", "", false
	}
	if _, err := encoding.DecodeString(secret); err != nil {
		return "", "", false
	}
	return prefix, secret, true
}

// Hash is what is stored of a secret.
func Hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// Matches compares a secret with a stored hash in constant time.
func Matches(secret, hash string) bool {
	return subtle.ConstantTimeCompare([]byte(Hash(secret)), []byte(hash)) == 1
}

// Label is how logs and the audit log name a key: its marker and prefix, never its secret.
func Label(prefix string) string { return Marker + prefix }
