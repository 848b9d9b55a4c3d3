package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
)

var (
	// hiddenRE finds what a reader does not read as the page's sentences:
	// scripts, styles, code (usernames, ids, the entries' key=value
	// details), then any tag with its attributes.
	hiddenRE = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<code>.*?</code>|<[^>]*>`)
	// sentenceRE finds three Latin words in a row: an English sentence or
	// the start of one.
	sentenceRE = regexp.MustCompile(`[A-Za-z]+(?:[ ,'’]+[A-Za-z]+){2,}`)
)

// englishIn returns the English sentences a reader sees on a page.
func englishIn(page string) []string {
	return sentenceRE.FindAllString(hiddenRE.ReplaceAllString(page, " "), -1)
}

// The audit log page shows admins who changed what, in Chinese (the
// system actor as 系统) or English, filters it, pages through it with
// "more", and is closed to other roles.
func TestAdminAuditPage(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.f.Users["admin"]
		// 40 articles: with the fixture's entries, more than one page.
		for i := range 40 {
			if _, err := e.f.Svc.CreateArticle(ctx, admin, app.ArticleInput{Title: "文章" + strconv.Itoa(i), Body: "内容", Active: true}); err != nil {
				t.Fatal(err)
			}
		}
		b := e.signedIn(t, "admin")
		if r := b.post("/admin/users/agent", url.Values{"name": {"坐席"}, "role": {"dispatcher"}, "unit_id": {strconv.FormatInt(e.f.District.ID, 10)},
			"active": {"1"}}); r.status != http.StatusOK {
			t.Fatalf("change a user: %d", r.status)
		}

		r := b.get("/admin/audit")
		if r.status != http.StatusOK {
			t.Fatalf("GET /admin/audit: %d %s", r.status, r.body)
		}
		for _, want := range []string{"<h1>审计日志</h1>", `href="/admin/audit"`, `id="audit-log"`, "修改", "用户", "role=agent → dispatcher", `id="audit-more"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if en := englishIn(r.body); len(en) > 0 {
			t.Errorf("the Chinese page shows English: %q", en)
		}
		// The first page is full; "more" leads to the rest, the system
		// actor's setup of the fixture among them.
		more := regexp.MustCompile(`href="(/admin/audit\?[^"]+)" class="button" id="audit-more"`).FindStringSubmatch(r.body)
		if len(more) < 2 || more[1] == "" {
			t.Fatalf("no link to more entries")
		}
		if got := strings.Count(r.body, `<tr id="audit-`); got != 50 {
			t.Errorf("first page: %d rows, want 50", got)
		}
		next := b.get(strings.ReplaceAll(more[1], "&amp;", "&"))
		if next.status != http.StatusOK || strings.Contains(next.body, `id="audit-more"`) {
			t.Fatalf("second page: %d, more link %v", next.status, strings.Contains(next.body, `id="audit-more"`))
		}
		if !strings.Contains(next.body, "系统") || !strings.Contains(next.body, "新建") {
			t.Error("the second page does not show the system actor's entries")
		}
		if en := englishIn(next.body); len(en) > 0 {
			t.Errorf("the Chinese page shows English: %q", en)
		}

		// Filters: the admin's change of users only.
		f := b.get("/admin/audit?object=user&actor=admin&from=2026-03-02&to=2026-03-02")
		if f.status != http.StatusOK || strings.Count(f.body, `<tr id="audit-`) != 1 || !strings.Contains(f.body, "role=agent → dispatcher") {
			t.Errorf("filtered page: %d, %d rows", f.status, strings.Count(f.body, `<tr id="audit-`))
		}
		// A bad filter is shown beside the form, in Chinese.
		bad := b.get("/admin/audit?from=yesterday")
		if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, `class="ferr" role="alert"`) || !strings.Contains(bad.body, "起始日期") {
			t.Errorf("bad filter: %d", bad.status)
		}
		if en := englishIn(bad.body); len(en) > 0 {
			t.Errorf("the refused filter shows English: %q", en)
		}

		// In English.
		b.get("/lang/en")
		en := b.get("/admin/audit?actor=system")
		if en.status != http.StatusOK {
			t.Fatalf("English page: %d", en.status)
		}
		for _, want := range []string{"<h1>Audit log</h1>", "System", "Created", "Unit"} {
			if !strings.Contains(en.body, want) {
				t.Errorf("the English page lacks %q", want)
			}
		}
		if len(englishIn(en.body)) == 0 {
			t.Error("the check for English finds none on the English page")
		}

		// Other roles may not open it; without a session one is asked to
		// sign in.
		for _, who := range []string{"dispatcher", "agent", "leader", "handler"} {
			if r := e.signedIn(t, who).get("/admin/audit"); r.status != http.StatusForbidden {
				t.Errorf("%s: %d; want 403", who, r.status)
			}
		}
		if r := e.browser(t).get("/admin/audit"); !strings.Contains(r.url, "/login") {
			t.Errorf("without a session: %d at %s; want the sign-in page", r.status, r.url)
		}
	})
}
