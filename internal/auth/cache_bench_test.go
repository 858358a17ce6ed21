package auth_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/account"
	"yqyb/internal/auth"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/tools/demo"
)

// BenchmarkAuthenticate is the session path of every authenticated request on PostgreSQL: reading the
// session from the database each time (no cache, as before) and from a live session cache.
//
//	go test ./internal/auth/ -run '^$' -bench Authenticate
func BenchmarkAuthenticate(b *testing.B) {
	ctx := context.Background()
	clk := clock.NewFixed(time.Now())
	db := testdb.Postgres(b, clk)
	if _, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false); err != nil {
		b.Fatal(err)
	}
	accounts := account.NewService(db, clk, account.Hasher{Cost: bcrypt.MinCost})
	svc, err := auth.NewService(db, clk, auth.DefaultConfig(auth.Key{ID: "test", Secret: []byte("test-secret-0123456789-abcdefghijklmnop")}), accounts)
	if err != nil {
		b.Fatal(err)
	}
	tok, err := svc.Login(ctx, auth.LoginInput{Mode: auth.ModePersonal, Username: demo.MallKeeper, Password: demo.DemoPassword}, auth.Meta{})
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := svc.Authenticate(ctx, tok.AccessToken); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.Run("database", run)

	c := auth.NewCache(1000, time.Hour, nil)
	svc.UseCache(c)
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	live := make(chan bool, 4)
	go (&auth.Listener{URL: testdb.URLFor(testdb.Name(b, db)), Cache: c, OnState: func(l bool) { live <- l }}).Run(lctx)
	if !<-live {
		b.Fatal("the cache did not become live")
	}
	b.Run("cached", run)
	if st := c.Stats(); st.Hits == 0 {
		b.Errorf("no request was served from the cache: %+v", st)
	}
}
