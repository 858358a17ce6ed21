package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"yqyb/internal/feed"
	"yqyb/internal/tools/apiclient"
	"yqyb/internal/tools/demo"
)

// TestGeneratedClient uses the Go client oapi-codegen generated from openapi.yaml (internal/tools/apiclient)
// as an integrator would: it logs in, lists, and reads the change feed to its end, and gets what the same
// requests get without it.
func TestGeneratedClient(t *testing.T) {
	env, _ := seeded(t)
	srv := httptest.NewServer(env.srv.Handler())
	defer srv.Close()
	ctx := context.Background()

	anon, err := apiclient.NewClientWithResponses(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	login, err := anon.LoginWithResponse(ctx, nil, apiclient.LoginJSONRequestBody{
		Mode: apiclient.LoginInputMode("personal"), Username: demo.MallName, Password: demo.DemoPassword})
	if err != nil {
		t.Fatal(err)
	}
	if login.JSON200 == nil || login.JSON200.AccessToken == "" {
		t.Fatalf("login = %d %s", login.StatusCode(), login.Body)
	}
	token := login.JSON200.AccessToken
	c, err := apiclient.NewClientWithResponses(srv.URL, apiclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}

	// A wrong password answers the documented error shape, decoded by the client.
	bad, err := anon.LoginWithResponse(ctx, nil, apiclient.LoginJSONRequestBody{
		Mode: apiclient.LoginInputMode("personal"), Username: demo.MallName, Password: "wrong-password"})
	if err != nil {
		t.Fatal(err)
	}
	if bad.JSON401 == nil || bad.JSON401.Code != "invalid_credentials" {
		t.Fatalf("wrong password = %d %s", bad.StatusCode(), bad.Body)
	}

	depts, err := c.ListDepartmentsWithResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var direct []map[string]any
	env.as(token, http.MethodGet, "/api/v1/departments", nil).decode(t, &direct)
	if depts.JSON200 == nil || len(*depts.JSON200) == 0 || len(*depts.JSON200) != len(direct) {
		t.Fatalf("departments = %d %s, want %d", depts.StatusCode(), depts.Body, len(direct))
	}
	size := 2
	users, err := c.ListUsersWithResponse(ctx, &apiclient.ListUsersParams{PageSize: &size})
	if err != nil {
		t.Fatal(err)
	}
	if users.JSON200 == nil || len(users.JSON200.Items) != 2 || users.JSON200.Total <= 2 || users.JSON200.Items[0].LoginName == "" {
		t.Fatalf("users = %d %s", users.StatusCode(), users.Body)
	}

	// Hazards reported through the client are entries of the feed.
	for i, subject := range []string{"货架松动", "消防通道堆物", "灭火器过期", "应急灯损坏"} {
		key := fmt.Sprintf("integrator-report-%d", i) // a retry of the same report would send the same key
		r, err := c.ReportHazardWithResponse(ctx, &apiclient.ReportHazardParams{IdempotencyKey: &key}, apiclient.ReportHazardJSONRequestBody{
			Subject: subject, Description: subject + "（对接系统登记）", GradeCode: "D"})
		if err != nil {
			t.Fatal(err)
		}
		if r.JSON201 == nil || r.JSON201.Subject != subject {
			t.Fatalf("report = %d %s", r.StatusCode(), r.Body)
		}
	}

	// The feed, batch by batch from the start until it says there is no more, is what a plain reader gets.
	var got []apiclient.FeedEntry
	var cursor *string
	limit := 3
	for range 600 {
		page, err := c.GetEnterpriseFeedWithResponse(ctx, &apiclient.GetEnterpriseFeedParams{Cursor: cursor, Limit: &limit})
		if err != nil {
			t.Fatal(err)
		}
		if page.JSON200 == nil {
			t.Fatalf("feed = %d %s", page.StatusCode(), page.Body)
		}
		got = append(got, page.JSON200.Entries...)
		cursor = &page.JSON200.Cursor
		if !page.JSON200.More && len(got) >= 4 {
			break
		}
		// The feed shows an entry once no older transaction can still add one before it (another
		// test's open transaction on the same cluster holds it back for a moment): read on.
		if !page.JSON200.More {
			time.Sleep(50 * time.Millisecond)
		}
	}
	var all feed.Page
	env.as(token, http.MethodGet, "/api/v1/feed?limit=1000", nil).decode(t, &all)
	if len(got) < 4 || len(got) != len(all.Entries) {
		t.Fatalf("the client read %d feed entries, a plain reader %d", len(got), len(all.Entries))
	}
	// Each entry is typed by its action: the client reads the data of a registration as such.
	registered := map[string]bool{}
	for i := range got {
		action, err := got[i].Discriminator()
		if err != nil || action != all.Entries[i].Action {
			t.Fatalf("entry %d: action %q (%v), a plain reader %q", i, action, err, all.Entries[i].Action)
		}
		v, err := got[i].ValueByDiscriminator()
		if err != nil {
			t.Fatalf("entry %d (%s): %v", i, action, err)
		}
		id := 0
		switch e := v.(type) {
		case apiclient.FeedEntryHazardRegister:
			id = e.Id
			registered[e.Data.Subject] = e.Data.ToStatus == apiclient.FeedDataHazardRegisterToStatusRegistered && e.Data.Data == nil
		case apiclient.FeedEntryInspectionSubmitted:
			id = e.Id
		default:
			b, _ := json.Marshal(v)
			var plain struct {
				ID int `json:"id"`
			}
			_ = json.Unmarshal(b, &plain)
			id = plain.ID
		}
		if int64(id) != all.Entries[i].Seq || (i > 0 && all.Entries[i].Seq <= all.Entries[i-1].Seq) {
			t.Fatalf("entry %d: the client read id %d, a plain reader %d", i, id, all.Entries[i].Seq)
		}
	}
	for _, subject := range []string{"货架松动", "消防通道堆物", "灭火器过期", "应急灯损坏"} {
		if !registered[subject] {
			t.Errorf("the client did not read the registration of %s as a hazard.register entry: %v", subject, registered)
		}
	}
	t.Logf("read %d feed entries through the generated client", len(got))
}
