package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// tokenRE finds an API token's secret.
var tokenRE = regexp.MustCompile(`mst_[A-Za-z0-9_-]{20,}`)

// streetAdmin makes an admin of the fixture's street and signs them in.
func (e *env) streetAdmin(t *testing.T) *browser {
	t.Helper()
	if _, err := e.f.Svc.CreateUser(context.Background(), kit.System(), app.NewUser{Username: "street_admin", Name: "街道管理员",
		Grants: []org.Grant{{Role: org.RoleAdmin}}, UnitID: e.f.Street.ID, Password: apptest.Password}); err != nil {
		t.Fatal(err)
	}
	return e.signedIn(t, "street_admin")
}

// apiStatus calls GET path of the JSON API with a bearer token.
func (e *env) apiStatus(t *testing.T, path, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// tokenAudit lists the audit entries of an API token, oldest first.
func (e *env) tokenAudit(t *testing.T, id int64) []store.AuditEntry {
	t.Helper()
	var out []store.AuditEntry
	if err := e.f.DB.Read(context.Background(), func(tx *store.Tx) error {
		var err error
		out, err = store.ListAudit(context.Background(), tx, "api_token", id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAPITokensPage: a user makes a token on their page (its secret shown
// once, and it works), sees its label, times and state but never its
// secret again, and revokes it (it stops working); bad input is refused in
// the page's language and makes nothing. An admin opens a user's tokens
// from the users page and revokes one; others may not. Every creation and
// revocation is audited with its actor.
func TestAPITokensPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		agent := e.signedIn(t, "agent")
		list := func(username string) []*store.APIToken {
			t.Helper()
			toks, err := e.f.Svc.ListAPITokens(ctx, kit.System(), username)
			if err != nil {
				t.Fatal(err)
			}
			return toks
		}

		r := agent.get("/account/tokens")
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="my-tokens"`) || !strings.Contains(r.body, "没有接口令牌") {
			t.Fatalf("own tokens page: %d\n%s", r.status, r.body)
		}

		// Made: the secret shown once, with its warning; it works.
		r = agent.post("/account/tokens", url.Values{"name": {"派单统计脚本"}, "expires_days": {"30"}})
		secrets := tokenRE.FindAllString(r.body, -1)
		if r.status != http.StatusOK || len(secrets) != 1 || !strings.Contains(r.body, `id="api-token"`) || !strings.Contains(r.body, "只显示这一次") ||
			r.hdr.Get("Cache-Control") != "no-store" {
			t.Fatalf("made: %d, %d secrets shown\n%s", r.status, len(secrets), r.body)
		}
		secret := secrets[0]
		if st := e.apiStatus(t, "/api/v1/tickets", secret); st != http.StatusOK {
			t.Fatalf("the new token: %d", st)
		}
		toks := list("agent")
		if len(toks) != 1 || toks[0].Name != "派单统计脚本" || toks[0].ExpiresAt == nil || toks[0].LastUsedAt == nil {
			t.Fatalf("tokens %+v", toks)
		}
		tok := toks[0]
		if !tok.LastUsedAt.Equal(e.f.Clock.Now()) {
			t.Errorf("last used %v, want %v", tok.LastUsedAt, e.f.Clock.Now())
		}
		// The last use is kept to the minute: one write a minute per token.
		first := *tok.LastUsedAt
		e.f.Clock.Advance(30 * time.Second)
		e.apiStatus(t, "/api/v1/tickets", secret)
		if got := list("agent")[0].LastUsedAt; !got.Equal(first) {
			t.Errorf("a use within the minute was written: %v", got)
		}
		e.f.Clock.Advance(31 * time.Second)
		e.apiStatus(t, "/api/v1/tickets", secret)
		if got := list("agent")[0].LastUsedAt; !got.Equal(e.f.Clock.Now()) {
			t.Errorf("a use a minute later: last used %v, want %v", got, e.f.Clock.Now())
		}

		// Listed: label, state, times; never the secret.
		r = agent.get("/account/tokens")
		if tokenRE.MatchString(r.body) || strings.Contains(r.body, `id="api-token"`) {
			t.Fatal("the list shows the secret again")
		}
		for _, want := range []string{"派单统计脚本", `<span class="ok">有效</span>`, `action="/account/tokens/` + itoa(tok.ID) + `/revoke"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the list lacks %s\n%s", want, r.body)
			}
		}
		if strings.Contains(r.body, "从未使用") {
			t.Error("a used token is shown as never used")
		}

		// Refused in Chinese (and English), nothing made.
		for _, tc := range []struct {
			name string
			form url.Values
			want string
		}{
			{"no label", url.Values{"name": {"  "}}, "请填写用途"},
			{"label too long", url.Values{"name": {strings.Repeat("长", 101)}}, "请填写用途"},
			{"bad expiry", url.Values{"name": {"x"}, "expires_days": {"永远"}}, "请选择有效期"},
		} {
			r := agent.post("/account/tokens", tc.form)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, tc.want) || !strings.Contains(r.body, `<label class="bad">`) ||
				tokenRE.MatchString(r.body) {
				t.Errorf("%s: %d\n%s", tc.name, r.status, r.body)
			}
		}
		if r := agent.post("/account/tokens?lang=en", url.Values{"name": {""}}, "Cookie", "lang=en"); !strings.Contains(r.body, "Give the token a label") {
			t.Errorf("the English page words the error otherwise:\n%s", r.body)
		}
		if n := len(list("agent")); n != 1 {
			t.Fatalf("refused forms made tokens: %d", n)
		}

		// Revoked: it stops working and shows as revoked.
		r = agent.post("/account/tokens/"+itoa(tok.ID)+"/revoke", url.Values{})
		if r.status != http.StatusOK || !strings.Contains(r.url, "/account/tokens?ok=token_revoked") || !strings.Contains(r.body, "已吊销") {
			t.Fatalf("revoke: %d %s", r.status, r.url)
		}
		if st := e.apiStatus(t, "/api/v1/tickets", secret); st != http.StatusUnauthorized {
			t.Errorf("the revoked token: %d; want 401", st)
		}
		if a := e.tokenAudit(t, tok.ID); len(a) != 2 || a[0].Action != "create" || a[1].Action != "revoke" ||
			a[0].ActorID != e.f.Users["agent"].ID || a[1].ActorID != e.f.Users["agent"].ID {
			t.Errorf("audit of the token: %+v", a)
		}

		// An admin, from the users page, sees and revokes a user's token.
		other, _, err := e.f.Svc.CreateAPITokenUntil(ctx, kit.System(), "street_handler", "巡查同步", nil)
		if err != nil {
			t.Fatal(err)
		}
		otherTok := list("street_handler")[0]
		admin := e.signedIn(t, "admin")
		if r := admin.get("/admin/users"); !strings.Contains(r.body, `href="/admin/users/street_handler/tokens"`) {
			t.Fatal("the users page has no link to a user's tokens")
		}
		r = admin.get("/admin/users/street_handler/tokens")
		if r.status != http.StatusOK || !strings.Contains(r.body, "巡查同步") || strings.Contains(r.body, other) ||
			strings.Contains(r.body, `id="make-token"`) {
			t.Fatalf("admin's view: %d\n%s", r.status, r.body)
		}
		r = admin.post("/admin/users/street_handler/tokens/"+itoa(otherTok.ID)+"/revoke", url.Values{})
		if r.status != http.StatusOK || !strings.Contains(r.url, "/admin/users/street_handler/tokens?ok=token_revoked") {
			t.Fatalf("admin's revoke: %d %s", r.status, r.url)
		}
		if st := e.apiStatus(t, "/api/v1/tickets", other); st != http.StatusUnauthorized {
			t.Errorf("the token revoked by the admin: %d; want 401", st)
		}
		if a := e.tokenAudit(t, otherTok.ID); len(a) != 2 || a[1].Action != "revoke" || a[1].ActorID != e.f.Users["admin"].ID {
			t.Errorf("audit of the admin's revocation: %+v", a)
		}

		// Others may not: a non-admin (403), a street admin for a user
		// outside the street (404), nor revoke another user's token
		// through their own page (404).
		if r := agent.get("/admin/users/street_handler/tokens"); r.status != http.StatusForbidden {
			t.Errorf("an agent on another user's tokens: %d", r.status)
		}
		sa := e.streetAdmin(t)
		if r := sa.get("/admin/users/other_handler/tokens"); r.status != http.StatusNotFound {
			t.Errorf("a street admin on another street's user: %d", r.status)
		}
		if r := sa.get("/admin/users/street_handler/tokens"); r.status != http.StatusOK {
			t.Errorf("a street admin on their street's user: %d", r.status)
		}
		mine, _, err := e.f.Svc.CreateAPITokenUntil(ctx, kit.System(), "dispatcher", "大屏", nil)
		if err != nil {
			t.Fatal(err)
		}
		if r := agent.post("/account/tokens/"+itoa(list("dispatcher")[0].ID)+"/revoke", url.Values{}); r.status != http.StatusNotFound {
			t.Errorf("revoking another user's token from one's own page: %d", r.status)
		}
		if st := e.apiStatus(t, "/api/v1/tickets", mine); st != http.StatusOK {
			t.Errorf("the dispatcher's token after the agent's attempt: %d", st)
		}
	})
}
