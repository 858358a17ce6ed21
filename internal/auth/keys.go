package auth

import (
	"errors"
	"fmt"
	"regexp"

	"github.com/golang-jwt/jwt/v5"
)

// Key is one HS256 signing key and the id (kid) that names it in a token's header.
type Key struct {
	ID     string
	Secret []byte
}

// DefaultKeyID names the single key given as a plain secret (YQYB_JWT_SECRET).
const DefaultKeyID = "default"

// validKeyID is what a kid may look like; it travels in every token's header.
var validKeyID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// ValidKeyID reports whether id may name a signing key.
func ValidKeyID(id string) bool { return validKeyID.MatchString(id) }

// Keyring signs access tokens with its first key and verifies them with whichever of its keys the token's
// kid names. Rotation is a change of the list: a new key is added last (every instance learns to verify
// it), then moved first (it signs), and the old key is removed once the tokens it signed have expired.
type Keyring struct {
	keys []Key
	byID map[string][]byte
}

// Errors of token verification that name the key.
var (
	errNoKeyID      = errors.New("auth: token has no kid")
	errUnknownKeyID = errors.New("auth: token names an unknown kid")
)

// NewKeyring checks the keys (at least one; each with a valid, unique id and a non-empty secret) and
// returns the ring. The first key signs.
func NewKeyring(keys ...Key) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("auth: no signing key")
	}
	r := &Keyring{byID: make(map[string][]byte, len(keys))}
	for _, k := range keys {
		switch {
		case !ValidKeyID(k.ID):
			return nil, fmt.Errorf("auth: invalid key id %q", k.ID)
		case len(k.Secret) == 0:
			return nil, fmt.Errorf("auth: empty secret for key %q", k.ID)
		case r.byID[k.ID] != nil:
			return nil, fmt.Errorf("auth: duplicate key id %q", k.ID)
		}
		secret := append([]byte(nil), k.Secret...)
		r.keys = append(r.keys, Key{ID: k.ID, Secret: secret})
		r.byID[k.ID] = secret
	}
	return r, nil
}

// SigningKeyID is the kid new tokens carry.
func (r *Keyring) SigningKeyID() string { return r.keys[0].ID }

// Sign returns the claims as an HS256 token signed with the first key, its kid in the header.
func (r *Keyring) Sign(c jwt.Claims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	t.Header["kid"] = r.keys[0].ID
	return t.SignedString(r.keys[0].Secret)
}

// Keyfunc supplies the key a token's kid names. Tokens that are not HS256, or have no kid or an unknown
// one, get no key.
func (r *Keyring) Keyfunc(t *jwt.Token) (any, error) {
	if t.Method != jwt.SigningMethodHS256 {
		return nil, fmt.Errorf("auth: unexpected signing method %v", t.Header["alg"])
	}
	kid, _ := t.Header["kid"].(string)
	if kid == "" {
		return nil, errNoKeyID
	}
	secret, ok := r.byID[kid]
	if !ok {
		return nil, errUnknownKeyID
	}
	return secret, nil
}

// Verify parses and verifies a token into c: HS256 only, the key named by its kid, plus the given options
// (issuer, expiry, clock).
func (r *Keyring) Verify(token string, c jwt.Claims, opts ...jwt.ParserOption) (*jwt.Token, error) {
	opts = append([]jwt.ParserOption{jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()})}, opts...)
	return jwt.ParseWithClaims(token, c, r.Keyfunc, opts...)
}
