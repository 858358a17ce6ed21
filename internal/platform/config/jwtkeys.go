package config

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// JWTKey is one access-token signing key and the id (kid) that names it in a token's header.
type JWTKey struct {
	ID     string
	Secret string
}

// DefaultJWTKeyID names the single key given as YQYB_JWT_SECRET (or generated in development).
const DefaultJWTKeyID = "default"

// validKeyID is what a kid in YQYB_JWT_KEYS may look like.
var validKeyID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// SigningKeys returns the access-token keys, the signing one first: JWTKeys, or, when only JWTSecret is set
// (a Config built in code), that secret under the id "default".
func (c Config) SigningKeys() []JWTKey {
	if len(c.JWTKeys) > 0 {
		return c.JWTKeys
	}
	if c.JWTSecret != "" {
		return []JWTKey{{ID: DefaultJWTKeyID, Secret: c.JWTSecret}}
	}
	return nil
}

// loadJWTKeys fills JWTKeys from YQYB_JWT_KEYS, or from YQYB_JWT_SECRET (already in c.JWTSecret) as the key
// "default"; in development without either it generates a secret and keeps it in the data directory. In
// production every key must be strong.
func (c *Config) loadJWTKeys(lookup Lookup, prod bool) error {
	raw, _ := lookup("YQYB_JWT_KEYS")
	if strings.TrimSpace(raw) != "" {
		if c.JWTSecret != "" {
			return fmt.Errorf("不能同时设置 YQYB_JWT_KEYS 和 YQYB_JWT_SECRET：请只保留 YQYB_JWT_KEYS（把原密钥写成其中一项，如 default:原密钥）")
		}
		keys, err := ParseJWTKeys(raw)
		if err != nil {
			return err
		}
		c.JWTKeys = keys
	} else {
		if c.JWTSecret == "" && !prod {
			var err error
			if c.JWTSecret, c.SecretGenerated, err = loadOrCreateSecret(filepath.Join(c.DataDir, "secret")); err != nil {
				return err
			}
		}
		if prod && c.JWTSecret == "" {
			return fmt.Errorf("%w：YQYB_JWT_KEYS（或 YQYB_JWT_SECRET）未设置", ErrWeakSecret)
		}
		c.JWTKeys = []JWTKey{{ID: DefaultJWTKeyID, Secret: c.JWTSecret}}
	}
	if prod {
		for _, k := range c.JWTKeys {
			name := "YQYB_JWT_SECRET"
			if c.JWTSecret == "" {
				name = fmt.Sprintf("YQYB_JWT_KEYS 的密钥 %s", k.ID)
			}
			if err := checkSecret(name, k.Secret); err != nil {
				return err
			}
		}
	}
	return nil
}

// ParseJWTKeys reads "kid1:secret1,kid2:secret2": the first key signs, all verify. Ids are 1 to 32 of
// A-Z a-z 0-9 . _ - and unique; spaces around an item are ignored, a secret is otherwise taken as written
// (it cannot contain a comma) and must not be empty.
func ParseJWTKeys(raw string) ([]JWTKey, error) {
	var keys []JWTKey
	seen := map[string]bool{}
	for i, item := range strings.Split(raw, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("YQYB_JWT_KEYS 第 %d 项为空：格式为 kid1:密钥1,kid2:密钥2", i+1)
		}
		id, secret, ok := strings.Cut(item, ":")
		id = strings.TrimSpace(id)
		switch {
		case !ok:
			return nil, fmt.Errorf("YQYB_JWT_KEYS 第 %d 项缺少冒号：格式为 kid1:密钥1,kid2:密钥2", i+1)
		case !validKeyID.MatchString(id):
			return nil, fmt.Errorf("YQYB_JWT_KEYS 第 %d 项的 kid %q 无效：须为 1 到 32 个字母、数字、点、下划线或连字符", i+1, id)
		case seen[id]:
			return nil, fmt.Errorf("YQYB_JWT_KEYS 中 kid %q 重复：每个密钥的 kid 必须不同", id)
		case secret == "":
			return nil, fmt.Errorf("YQYB_JWT_KEYS 中 kid %s 的密钥为空", id)
		}
		seen[id] = true
		keys = append(keys, JWTKey{ID: id, Secret: secret})
	}
	return keys, nil
}
