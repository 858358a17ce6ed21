package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/account"
	"yqyb/internal/apikey"
	"yqyb/internal/audit"
	"yqyb/internal/auth"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/rbac"
	"yqyb/internal/tools/demo"
)

// keyRefusedWithin checks that an API key is refused with want within a second.
func keyRefusedWithin(t *testing.T, svc *auth.Service, key string, want error, what string) {
	t.Helper()
	failsWithin(t, want, what, func() error {
		_, err := svc.AuthenticateKey(context.Background(), key)
		return err
	})
}

// TestAPIKeyCache: on both engines a key is served from the session cache and acts as its creator;
// revoking it, a plain statement that revokes it, or disabling its creator reaches the cache at once; its
// last use (written at each use) does not empty the cache on PostgreSQL.
func TestAPIKeyCache(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			ctx := context.Background()
			clk := clock.NewFixed(time.Date(2026, 12, 7, 10, 0, 0, 0, clock.Business))
			db := engine.Open(t, clk)
			sc, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false)
			if err != nil {
				t.Fatal(err)
			}
			svc, accounts, c, _ := cachedService(t, db, clk, 50*time.Millisecond)
			keys := apikey.NewService(db, clk)
			owner := apikey.Owner{UserID: sc.MallAdminID, Kind: rbac.KindEnterpriseAdmin, EnterpriseID: sc.MallID,
				Actor: audit.Actor{ID: sc.MallAdminID, Name: demo.MallName, EnterpriseID: sc.MallID}}
			newKey := func() apikey.Created {
				t.Helper()
				k, err := keys.Create(ctx, owner, apikey.CreateInput{Name: "对接", Scopes: []string{apikey.ScopeListsRead}})
				if err != nil {
					t.Fatal(err)
				}
				return k
			}
			cached := func(key string) auth.Principal {
				t.Helper()
				before := c.Stats().Hits
				var p auth.Principal
				for range 2 {
					if p, err = svc.AuthenticateKey(ctx, key); err != nil {
						t.Fatal(err)
					}
				}
				if c.Stats().Hits != before+1 {
					t.Fatalf("the second use was not served from the cache: %+v", c.Stats())
				}
				return p
			}

			k := newKey()
			p := cached(k.Key)
			if p.UserID != sc.MallAdminID || p.EnterpriseID != sc.MallID || p.APIKeyID != k.APIKey.ID || p.APIKey != k.APIKey.Prefix ||
				len(p.APIKeyScopes) != 1 || p.SessionID != "" {
				t.Fatalf("principal %+v", p)
			}
			if _, err := keys.Revoke(ctx, owner, k.APIKey.ID); err != nil {
				t.Fatal(err)
			}
			keyRefusedWithin(t, svc, k.Key, auth.ErrKeyRevoked, "revoke")

			k = newKey()
			cached(k.Key)
			if err := db.Exec("UPDATE api_keys SET revoked_at = ? WHERE id = ?", clk.Now(), k.APIKey.ID).Error; err != nil {
				t.Fatal(err)
			}
			keyRefusedWithin(t, svc, k.Key, auth.ErrKeyRevoked, "revoked by a statement")

			// Disabling the creator: the electrician's key (made directly, as a service would for it).
			post := sc.Users[demo.MallElectrician]
			k, err = keys.Create(ctx, apikey.Owner{UserID: post, Kind: rbac.KindPostUser, EnterpriseID: sc.MallID, Actor: audit.Actor{ID: post}},
				apikey.CreateInput{Name: "电工", Scopes: []string{apikey.ScopeListsRead}})
			if err != nil {
				t.Fatal(err)
			}
			cached(k.Key)
			if err := db.Exec("UPDATE users SET status = 'disabled' WHERE id = ?", post).Error; err != nil {
				t.Fatal(err)
			}
			keyRefusedWithin(t, svc, k.Key, auth.ErrKeyRevoked, "creator disabled")

			// A wrong secret under a cached prefix is refused like an unknown key.
			k = newKey()
			cached(k.Key)
			wrong := k.Key[:len(k.Key)-1] + map[bool]string{true: "b", false: "a"}[k.Key[len(k.Key)-1] == 'a']
			if _, err := svc.AuthenticateKey(ctx, wrong); !errors.Is(err, auth.ErrKeyInvalid) {
				t.Fatalf("wrong secret: %v", err)
			}
			// Recording a use does not drop the key from the cache on PostgreSQL (the trigger ignores it).
			if engine.Name == "postgres" {
				if err := keys.Admit(ctx, apikey.Use{KeyID: k.APIKey.ID, Prefix: k.APIKey.Prefix[len(apikey.Marker):], RateLimit: 10,
					Actor: audit.Actor{ID: sc.MallAdminID, IP: "198.51.100.1"}, Method: "GET", Path: "/api/v1/posts"}); err != nil {
					t.Fatal(err)
				}
				time.Sleep(100 * time.Millisecond)
				before := c.Stats().Hits
				if _, err := svc.AuthenticateKey(ctx, k.Key); err != nil || c.Stats().Hits != before+1 {
					t.Fatalf("after a recorded use: %v, %+v", err, c.Stats())
				}
			}
			// Expiry is decided at each use, cached or not.
			exp := clk.Now().Add(time.Hour)
			k, err = keys.Create(ctx, owner, apikey.CreateInput{Name: "一小时", Scopes: []string{apikey.ScopeListsRead}, ExpiresAt: &exp})
			if err != nil {
				t.Fatal(err)
			}
			cached(k.Key)
			clk.Advance(time.Hour)
			if _, err := svc.AuthenticateKey(ctx, k.Key); !errors.Is(err, auth.ErrKeyExpired) {
				t.Fatalf("expired: %v", err)
			}

			// Resetting the creator's password revokes every key it made, at once, on both engines.
			k = newKey()
			cached(k.Key)
			admin, err := accounts.ByID(ctx, sc.MallAdminID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := accounts.ResetPassword(ctx, audit.Actor{Name: "监管"}, admin, "测试"); err != nil {
				t.Fatal(err)
			}
			keyRefusedWithin(t, svc, k.Key, auth.ErrKeyRevoked, "creator's password reset")
		})
	}
}

// TestAPIKeyCreateNeedsLiveCreator: a key is created only while its creator's access lasts. A request
// authenticated just before a password reset (or a disable) commits must not leave a key the reset's
// revocation did not see: creation re-reads, under a lock on the account's row, that the account is active
// and the request's session live.
func TestAPIKeyCreateNeedsLiveCreator(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			ctx := context.Background()
			clk := clock.NewFixed(time.Date(2026, 12, 8, 10, 0, 0, 0, clock.Business))
			db := engine.Open(t, clk)
			sc, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false)
			if err != nil {
				t.Fatal(err)
			}
			now := clk.Now().UTC()
			for _, s := range []struct {
				id      string
				revoked any
			}{{"live-session", nil}, {"ended-session", now}} {
				if err := db.Exec(`INSERT INTO auth_sessions (id, user_id, created_at, expires_at, last_used_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)`,
					s.id, sc.MallAdminID, now, now.Add(time.Hour), now, s.revoked).Error; err != nil {
					t.Fatal(err)
				}
			}
			keys := apikey.NewService(db, clk)
			create := func(session string) error {
				owner := apikey.Owner{UserID: sc.MallAdminID, Kind: rbac.KindEnterpriseAdmin, EnterpriseID: sc.MallID, SessionID: session,
					Actor: audit.Actor{ID: sc.MallAdminID, Name: demo.MallName, EnterpriseID: sc.MallID}}
				_, err := keys.Create(ctx, owner, apikey.CreateInput{Name: "对接", Scopes: []string{apikey.ScopeListsRead}})
				return err
			}
			if err := create("live-session"); err != nil {
				t.Fatalf("a live session could not create a key: %v", err)
			}
			if err := create("ended-session"); !errors.Is(err, apikey.ErrCreatorAccessEnded) {
				t.Fatalf("a session ended by a reset created a key: %v", err)
			}
			if err := db.Exec(`UPDATE users SET status = 'disabled' WHERE id = ?`, sc.MallAdminID).Error; err != nil {
				t.Fatal(err)
			}
			if err := create("live-session"); !errors.Is(err, apikey.ErrCreatorAccessEnded) {
				t.Fatalf("a disabled account created a key: %v", err)
			}
			var n int64
			if err := db.Table("api_keys").Where("user_id = ?", sc.MallAdminID).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Fatalf("%d keys stored, want only the first", n)
			}
		})
	}
}
