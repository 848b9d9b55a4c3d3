package ui_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// localHrefRE finds the local links of a page.
var localHrefRE = regexp.MustCompile(`href="(/[^"#]*)"`)

// links returns the local links of a page worth opening: not the assets,
// the language switch or files.
func links(body string) []string {
	var out []string
	for _, m := range localHrefRE.FindAllStringSubmatch(body, -1) {
		h := strings.ReplaceAll(m[1], "&amp;", "&")
		if strings.HasPrefix(h, "/static/") || strings.HasPrefix(h, "/lang/") || strings.Contains(h, "/files/") || slices.Contains(out, h) {
			continue
		}
		out = append(out, h)
	}
	return out
}

// TestStreetAdminSeesNoForbiddenLink: an admin of a street is not shown
// the district-wide setup (categories, knowledge base, dispatch settings,
// routing, calendar, webhooks, Open311 clients) nor the whole audit log,
// which the district admin's navigation holds; every link of the street admin's pages, and of the
// pages they lead to, opens (no 403).
func TestStreetAdminSeesNoForbiddenLink(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		districtOnly := []string{"/admin/categories", "/admin/kb", "/admin/dispatch", "/admin/routing", "/admin/calendar",
			"/admin/webhooks", "/admin/clients", "/admin/audit"}
		nav := func(b *browser) []string {
			t.Helper()
			r := b.get("/admin/users")
			if r.status != http.StatusOK {
				t.Fatalf("users page: %d", r.status)
			}
			return navLinks(t, r)
		}
		district := nav(e.signedIn(t, "admin"))
		for _, p := range districtOnly {
			if !slices.Contains(district, p) {
				t.Errorf("the district admin's navigation lacks %s: %v", p, district)
			}
		}

		sa := e.streetAdmin(t)
		street := nav(sa)
		for _, p := range districtOnly {
			if slices.Contains(street, p) {
				t.Errorf("the street admin's navigation shows %s", p)
			}
		}
		if !slices.Contains(street, "/admin/users") || !slices.Contains(street, "/admin/units") {
			t.Errorf("the street admin's navigation lacks their own pages: %v", street)
		}
		seen := map[string]bool{}
		for _, p := range street {
			seen[p] = true
		}
		for _, p := range street {
			r := sa.get(p)
			if r.status != http.StatusOK {
				t.Errorf("nav link %s: %d", p, r.status)
				continue
			}
			for _, l := range links(r.body) {
				if seen[l] {
					continue
				}
				seen[l] = true
				if r := sa.get(l); r.status == http.StatusForbidden {
					t.Errorf("%s links to %s, which answers 403 to the street admin", p, l)
				}
			}
		}
		t.Logf("street admin: %d nav entries, %d links opened", len(street), len(seen))
	})
}

// placeholderRE finds the placeholders of a page's inputs.
var placeholderRE = regexp.MustCompile(`placeholder="([^"]*)"`)

// On English pages, the examples that inputs show before anything is typed
// (placeholders) are in English too: every page of each role's
// navigation, and the pages those link to, is opened in English. Two
// examples are of data that is Chinese in either language: a licence
// plate, and an Open311 attribute's values, which carry their Chinese and
// English names.
func TestEnglishPlaceholdersOnEnglishPages(t *testing.T) {
	data := []string{"青A12345", "stopped=停运|Stopped&#10;noisy=异响|Noisy"}
	eachEnv(t, func(t *testing.T, e *env) {
		opened := 0
		for _, user := range []string{"admin", "agent", "dispatcher", "leader", "handler", "grid_worker"} {
			b := e.signedIn(t, user)
			b.get("/lang/en")
			seen := map[string]bool{}
			var queue []string
			for _, l := range navLinks(t, b.get("/")) {
				if !seen[l] {
					seen[l] = true
					queue = append(queue, l)
				}
			}
			for depth := 0; depth < 2; depth++ {
				var next []string
				for _, p := range queue {
					r := b.get(p)
					if r.status != http.StatusOK || !strings.Contains(r.body, `<html lang="en"`) {
						continue
					}
					opened++
					for _, m := range placeholderRE.FindAllStringSubmatch(r.body, -1) {
						if hasHan(m[1]) && !slices.Contains(data, m[1]) {
							t.Errorf("%s, as %s: the placeholder %q is Chinese on an English page", p, user, m[1])
						}
					}
					for _, l := range links(r.body) {
						if !seen[l] {
							seen[l] = true
							next = append(next, l)
						}
					}
				}
				queue = next
			}
		}
		if opened < 40 {
			t.Errorf("only %d English pages opened", opened)
		}
	})
}
