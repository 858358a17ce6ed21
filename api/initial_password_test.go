package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"yqyb/internal/platform/sheet"
	"yqyb/internal/tools/demo"
)

// registerCatering registers 北京朝阳餐饮有限公司 through the Chaoyang regulator and returns its id, credit
// code and derived initial password (FAQ 23).
func registerCatering(t *testing.T, env *testEnv, regToken string) (id int64, creditCode, initial string, body map[string]any) {
	t.Helper()
	creditCode = code(t, "91110105MA0CY0001")
	in := map[string]any{
		"name": "北京朝阳餐饮有限公司", "credit_code": creditCode, "legal_rep": "刘芳", "legal_phone": "13512345678",
		"region_id": regionID(t, env, "110105"), "address": "北京市朝阳区三里屯路1号", "industry": "H",
		"main_business_id": mainBusiness(t, env, "catering"), "scale": "small",
	}
	r := env.as(regToken, http.MethodPost, "/api/v1/regulator/enterprises", in)
	if r.Code != http.StatusCreated {
		t.Fatalf("register = %d %s", r.Code, r.Body)
	}
	r.decode(t, &body)
	id = int64(body["enterprise"].(map[string]any)["id"].(float64))
	return id, creditCode, "BJCYC" + creditCode[12:] + "5678", body
}

// listInitial lists the regulator's enterprises with a filter on the initial password and returns the
// names found with each one's initial_password state.
func listInitial(t *testing.T, env *testEnv, token, filter string) map[string]map[string]any {
	t.Helper()
	path := "/api/v1/regulator/enterprises?page_size=100"
	if filter != "" {
		path += "&initial_password=" + url.QueryEscape(filter)
	}
	r := env.as(token, http.MethodGet, path, nil)
	if r.Code != http.StatusOK {
		t.Fatalf("list %s = %d %s", filter, r.Code, r.Body)
	}
	var page struct {
		Items []map[string]any `json:"items"`
	}
	r.decode(t, &page)
	out := map[string]map[string]any{}
	for _, it := range page.Items {
		st, _ := it["initial_password"].(map[string]any)
		out[it["name"].(string)] = st
	}
	return out
}

// TestInitialPasswordExpires: a derived initial password (guessable from public facts and 10,000 phone
// endings) works for YQYB_INITIAL_PASSWORD_TTL (30 days by default) after it was issued and only until it is
// changed; the regulator sees which enterprises still have one, and whether it expired, and re-issues it.
func TestInitialPasswordExpires(t *testing.T) {
	env, sc := seeded(t)
	reg := env.login("personal", demo.ChaoyangReg, pw)
	id, creditCode, initial, created := registerCatering(t, env, reg.AccessToken)
	const name = "北京朝阳餐饮有限公司"
	expires := testNow.Add(30 * 24 * time.Hour)
	for _, a := range created["accounts"].([]any) {
		at, err := time.Parse(time.RFC3339, fmt.Sprint(a.(map[string]any)["expires_at"]))
		if err != nil || !at.Equal(expires) {
			t.Fatalf("registered account %v: expires_at should be %v", a, expires)
		}
	}

	// Unused: listed under 未使用 with its expiry, not under 已过期; the demo enterprises changed theirs.
	unused := listInitial(t, env, reg.AccessToken, "unused")
	if st, ok := unused[name]; !ok || st["status"] != "unused" || len(unused) != 1 {
		t.Fatalf("unused filter = %v", unused)
	}
	if got := listInitial(t, env, reg.AccessToken, "expired"); len(got) != 0 {
		t.Fatalf("expired filter before the TTL = %v", got)
	}
	if got := listInitial(t, env, reg.AccessToken, "changed"); got[demo.MallName] == nil || got[demo.MallName]["status"] != "changed" || got[name] != nil {
		t.Fatalf("changed filter = %v", got)
	}
	if r := env.as(reg.AccessToken, http.MethodGet, "/api/v1/regulator/enterprises?initial_password=soon", nil); r.Code != 400 || r.errBody(t).Code != "validation_failed" {
		t.Errorf("bad filter = %d %s", r.Code, r.Body)
	}

	// A minute before the TTL it still works (and must be changed); a minute after, it is refused with a
	// code of its own — but only to the right password: a wrong one is told nothing more than usual.
	env.clk.Advance(30*24*time.Hour - time.Minute)
	if tok := env.login("enterprise", creditCode, initial); !tok.MustChangePassword {
		t.Fatal("initial password not forced to change")
	}
	env.clk.Advance(2 * time.Minute)
	if r := env.loginAttempt("personal", name, "Wrong@1234"); r.Code != 401 || r.errBody(t).Code != "invalid_credentials" {
		t.Fatalf("wrong password after the TTL = %d %s", r.Code, r.Body)
	}
	r := env.loginAttempt("personal", name, initial)
	if b := r.errBody(t); r.Code != 401 || b.Code != "initial_password_expired" || !strings.Contains(b.Message, "属地安监科") {
		t.Fatalf("expired initial password = %d %s", r.Code, r.Body)
	}
	// The refusal costs the attempt (it counts as a failure), so the expiry gives no free guesses.
	if r := env.loginAttempt("enterprise", name, "Wrong@1234"); r.Code != 401 || r.errBody(t).Details["remaining_attempts"] != float64(2) {
		t.Fatalf("after two failures and the expired password = %d %s", r.Code, r.Body)
	}

	// The regulator sees it under 已过期; another district sees nothing of it.
	reg = env.login("personal", demo.ChaoyangReg, pw)
	if got := listInitial(t, env, reg.AccessToken, "expired"); got[name] == nil || got[name]["status"] != "expired" || len(got) != 1 {
		t.Fatalf("expired filter = %v", got)
	}
	if got := listInitial(t, env, reg.AccessToken, "unused"); len(got) != 0 {
		t.Fatalf("unused filter after the TTL = %v", got)
	}
	haidian := env.login("personal", demo.HaidianReg, pw)
	for _, f := range []string{"", "expired", "unused"} {
		if got := listInitial(t, env, haidian.AccessToken, f); got[name] != nil || got[demo.MallName] != nil {
			t.Errorf("Haidian's list (%q) shows Chaoyang's enterprises: %v", f, got)
		}
	}
	if r := env.as(haidian.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/regulator/enterprises/%d/reissue-initial-password", id), nil); r.Code != 404 {
		t.Errorf("Haidian re-issues Chaoyang's initial password: %d %s", r.Code, r.Body)
	}

	// Re-issued, it works again for another 30 days, and the lock the failures built up is lifted.
	r = env.as(reg.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/regulator/enterprises/%d/reissue-initial-password", id), nil)
	var re struct {
		Accounts []struct {
			Kind            string    `json:"kind"`
			InitialPassword string    `json:"initial_password"`
			ExpiresAt       time.Time `json:"expires_at"`
		} `json:"accounts"`
	}
	r.decode(t, &re)
	if r.Code != 200 || len(re.Accounts) != 2 || re.Accounts[0].InitialPassword != initial || !re.Accounts[0].ExpiresAt.Equal(env.clk.Now().Add(30*24*time.Hour)) {
		t.Fatalf("re-issue = %d %s", r.Code, r.Body)
	}
	admin := env.login("personal", name, initial)
	if got := listInitial(t, env, reg.AccessToken, "unused"); got[name] == nil {
		t.Fatalf("unused filter after the re-issue = %v", got)
	}

	// Once changed, the initial password no longer works for that account; the other keeps its own.
	if r := env.as(admin.AccessToken, http.MethodPost, "/api/v1/me/password", map[string]string{"old_password": initial, "new_password": "Canyin#2026"}); r.Code != 200 {
		t.Fatalf("change = %d %s", r.Code, r.Body)
	}
	if r := env.loginAttempt("personal", name, initial); r.Code != 401 || r.errBody(t).Code != "invalid_credentials" {
		t.Fatalf("changed admin with the initial password = %d %s", r.Code, r.Body)
	}
	got := listInitial(t, env, reg.AccessToken, "unused")
	if st := got[name]; st == nil || len(st["accounts"].([]any)) != 1 || st["accounts"].([]any)[0].(map[string]any)["kind"] != "enterprise_user" {
		t.Fatalf("after the admin changed its password = %v", got)
	}
	// The export says until when each initial password works.
	r = env.as(reg.AccessToken, http.MethodGet, fmt.Sprintf("/api/v1/regulator/initial-passwords?ids=%d", id), nil)
	rows, err := sheet.Read(bytes.NewReader(r.Body), []string{"企业名称", "账号", "初始密码", "有效期至"}, 100)
	if err != nil {
		t.Fatal(err)
	}
	wantUntil := env.clk.Now().Add(30 * 24 * time.Hour).In(testNow.Location()).Format("2006-01-02 15:04")
	if len(rows) != 1 || rows[0].Get("账号") != "企业用户" || rows[0].Get("有效期至") != wantUntil {
		t.Errorf("export rows = %+v, want 企业用户 until %s", rows, wantUntil)
	}

	// Re-issuing when no account has its initial password any more is refused: that is what a reset is for.
	user := env.login("enterprise", creditCode, initial)
	env.as(user.AccessToken, http.MethodPost, "/api/v1/me/password", map[string]string{"old_password": initial, "new_password": "Canyin#2027"})
	r = env.as(reg.AccessToken, http.MethodPost, fmt.Sprintf("/api/v1/regulator/enterprises/%d/reissue-initial-password", id), nil)
	if r.Code != http.StatusConflict || r.errBody(t).Code != "initial_password_changed" {
		t.Errorf("re-issue after both changed = %d %s", r.Code, r.Body)
	}
	_ = sc
}

// TestInitialPasswordTTLConfigurable: the TTL comes from the configuration.
func TestInitialPasswordTTLConfigurable(t *testing.T) {
	env, _ := seeded(t, func(d *Deps) { d.Config.InitialPasswordTTL = 72 * time.Hour })
	reg := env.login("personal", demo.ChaoyangReg, pw)
	_, creditCode, initial, _ := registerCatering(t, env, reg.AccessToken)
	env.clk.Advance(72*time.Hour + time.Second)
	if r := env.loginAttempt("enterprise", creditCode, initial); r.Code != 401 || r.errBody(t).Code != "initial_password_expired" {
		t.Fatalf("after 72 h = %d %s", r.Code, r.Body)
	}
}
