package api

import (
	"yqyb/internal/auth"
	"yqyb/internal/platform/config"
)

// signingKeys turns the configured access-token keys (the signing one first) into the auth service's.
func signingKeys(c config.Config) []auth.Key {
	var keys []auth.Key
	for _, k := range c.SigningKeys() {
		keys = append(keys, auth.Key{ID: k.ID, Secret: []byte(k.Secret)})
	}
	return keys
}
