package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// employSetup adds an employer's account and a seeker's account.
func employSetup(t *testing.T, e *env) {
	t.Helper()
	for _, u := range []app.NewUser{
		{Username: "boss", Name: "王海燕", Role: org.RoleEmployer, UnitID: e.f.District.ID, Password: apptest.Password},
		{Username: "worker", Name: "祁小军", Role: org.RoleWorker, UnitID: e.f.District.ID, Password: apptest.Password},
	} {
		if _, err := e.f.Svc.CreateUser(context.Background(), kit.System(), u); err != nil {
			t.Fatal(err)
		}
	}
}

var postIDRE = regexp.MustCompile(`/jobs/posts/(\d+)`)

// The job matching pages through their forms, in Chinese with the refused
// input kept: the employer registers (a bad credit code refused), staff
// verify; a post with its salary range upside down is refused, then
// submitted, approved; the seeker registers on the phone page, sees the
// post with its score and applies; the employer hires; a caseworker's
// page lists the seekers.
func TestEmployPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		employSetup(t, e)
		boss := e.signedIn(t, "boss")
		form := url.Values{"name": {"惠民超市"}, "credit_code": {"91350100M000100Y44"}, "contact_name": {"王海燕"}, "contact_phone": {"13897001234"}}
		r := boss.post("/jobs/employers", form)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "统一社会信用代码不正确") || !strings.Contains(r.body, `value="惠民超市"`) {
			t.Fatalf("a bad credit code: %d %s", r.status, r.body)
		}
		form.Set("credit_code", "91350100m000100y43")
		if r := boss.post("/jobs/employers", form); r.status != http.StatusOK || !strings.Contains(r.url, "ok=emp_registered") {
			t.Fatalf("register: %d %s", r.status, r.body)
		}
		admin := e.signedIn(t, "admin")
		r = admin.get("/jobs/employers")
		m := regexp.MustCompile(`action="/jobs/employers/(\d+)/verify"`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no verify form for staff: %s", r.body)
		}
		employer := m[1]
		if r := admin.post("/jobs/employers/"+employer+"/verify", nil); !strings.Contains(r.url, "ok=emp_verified") {
			t.Fatalf("verify: %d %s", r.status, r.body)
		}
		post := url.Values{"employer_id": {employer}, "title": {"超市理货员"}, "occupation": {"4-01-02"}, "kind": {"full_time"},
			"salary_min": {"4000"}, "salary_max": {"3000"}, "area": {"兴海路街道"}, "openings": {"1"}, "submit": {"1"}}
		r = boss.post("/jobs/posts", post)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "最高不能低于最低") || !strings.Contains(r.body, `value="超市理货员"`) {
			t.Fatalf("salary min above max: %d %s", r.status, r.body)
		}
		post.Set("salary_min", "3000")
		post.Set("salary_max", "4000")
		r = boss.post("/jobs/posts", post)
		pm := postIDRE.FindStringSubmatch(r.url)
		if pm == nil || !strings.Contains(r.body, "待审核") {
			t.Fatalf("post: %s %s", r.url, r.body)
		}
		id := pm[1]
		if r := admin.post("/jobs/posts/"+id+"/act/reject", nil); r.status != http.StatusBadRequest || !strings.Contains(r.body, "请写明原因") {
			t.Errorf("reject without a reason: %d", r.status)
		}
		if r := admin.post("/jobs/posts/"+id+"/act/reject", url.Values{"note": {"请写明工作时间"}}); !strings.Contains(r.url, "ok=emp_post_reject") {
			t.Fatalf("reject: %d %s", r.status, r.body)
		}
		r = boss.get("/jobs/posts/" + id)
		if !strings.Contains(r.body, "请写明工作时间") || !strings.Contains(r.body, `id="form-edit"`) {
			t.Fatalf("the draft sent back: %s", r.body)
		}
		edit := url.Values{"title": {"超市理货员"}, "occupation": {"4-01-02"}, "kind": {"full_time"}, "salary_min": {"3000"}, "salary_max": {"2000"},
			"hours": {"8:00-17:00，做六休一"}, "area": {"兴海路街道"}, "openings": {"1"}, "submit": {"1"}}
		if r := boss.post("/jobs/posts/"+id+"/edit", edit); r.status != http.StatusBadRequest || !strings.Contains(r.body, "最高不能低于最低") ||
			!strings.Contains(r.body, `value="8:00-17:00，做六休一"`) {
			t.Errorf("an edit with the salary upside down: %d", r.status)
		}
		edit.Set("salary_max", "4000")
		if r := boss.post("/jobs/posts/"+id+"/edit", edit); !strings.Contains(r.url, "ok=emp_submitted") || !strings.Contains(r.body, "做六休一") {
			t.Fatalf("edit and resubmit: %d %s", r.status, r.body)
		}
		if r := admin.post("/jobs/posts/"+id+"/act/approve", nil); !strings.Contains(r.url, "ok=emp_post_approve") || !strings.Contains(r.body, "招聘中") {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}

		worker := e.signedIn(t, "worker")
		r = worker.post("/jobs/me", url.Values{"name": {"祁小军"}, "phone": {"13997001237"}, "skills": {"4-01，6-29"}, "kinds": {"full_time"},
			"area": {"兴海路街道"}, "subscribed": {"1"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "订阅推送需要本人同意联系") {
			t.Errorf("subscribed without consent: %d", r.status)
		}
		r = worker.post("/jobs/me", url.Values{"name": {"祁小军"}, "phone": {"13997001237"}, "skills": {"4-01，6-29"}, "kinds": {"full_time"},
			"area": {"兴海路街道"}, "consent": {"1"}, "subscribed": {"1"}})
		if !strings.Contains(r.url, "ok=emp_seeker_registered") || !strings.Contains(r.body, "超市理货员") || !strings.Contains(r.body, "祁小军 · 13997001237") {
			t.Fatalf("the seeker's page: %s %s", r.url, r.body)
		}
		r = worker.get("/jobs/posts/" + id)
		if !strings.Contains(r.body, `id="my-score">100<`) || !strings.Contains(r.body, "职业对口") {
			t.Errorf("the score on the post: %s", r.body)
		}
		if r := worker.post("/jobs/posts/"+id+"/apply", url.Values{"note": {"做过两年理货"}}); !strings.Contains(r.url, "ok=emp_applied") {
			t.Fatalf("apply: %d %s", r.status, r.body)
		}
		r = boss.get("/jobs/posts/" + id)
		am := regexp.MustCompile(`action="/jobs/applications/(\d+)/act/offer"`).FindStringSubmatch(r.body)
		if am == nil || strings.Contains(r.body, "13997001237") {
			t.Fatalf("the employer's applicants: %s", r.body)
		}
		if r := boss.post("/jobs/applications/"+am[1]+"/act/hire", url.Values{"post_id": {id}}); r.status != http.StatusConflict {
			t.Errorf("hire before the offer: %d", r.status)
		}
		for _, a := range []string{"offer", "hire"} {
			if r := boss.post("/jobs/applications/"+am[1]+"/act/"+a, url.Values{"post_id": {id}}); !strings.Contains(r.url, "ok=emp_app_"+a) {
				t.Fatalf("%s: %d %s", a, r.status, r.body)
			}
		}
		r = boss.get("/jobs/posts/" + id)
		if !strings.Contains(r.body, "已招满") || !strings.Contains(r.body, "已录用") {
			t.Errorf("the filled post: %s", r.body)
		}
		r = boss.post("/jobs/seekers/1/reveal", url.Values{"reason": {"x"}, "post_id": {id}})
		if r.status != http.StatusNotFound && r.status != http.StatusForbidden {
			t.Errorf("reveal of an unknown seeker: %d", r.status)
		}
		gw := e.signedIn(t, "grid_worker")
		if r := gw.get("/jobs/seekers?mine=0"); r.status != http.StatusOK || !strings.Contains(r.body, "祁**") {
			t.Errorf("the caseworker's seekers: %d %s", r.status, r.body)
		}
		r = gw.get("/jobs/seekers?mine=0")
		sm := regexp.MustCompile(`href="/jobs/seekers/(\d+)"`).FindStringSubmatch(r.body)
		if sm == nil {
			t.Fatalf("no seeker on the caseworker's list: %s", r.body)
		}
		if r := gw.post("/jobs/seekers/"+sm[1]+"/caseworker", nil); !strings.Contains(r.url, "ok=emp_taken") || !strings.Contains(r.body, `id="mine"`) {
			t.Errorf("take the seeker: %d %s", r.status, r.url)
		}
		if r := gw.post("/jobs/seekers/"+sm[1]+"/caseworker", nil); r.status != http.StatusConflict {
			t.Errorf("take the seeker twice: %d", r.status)
		}
		if r := e.signedIn(t, "leader").get("/jobs/figures"); r.status != http.StatusOK || !strings.Contains(r.body, `id="fig-placements">1`) {
			t.Errorf("figures: %d %s", r.status, r.body)
		}
		if r := worker.post("/jobs/me/subscription", url.Values{"subscribed": {"1"}}); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, "订阅推送需要本人同意联系") {
			t.Errorf("subscribed without consent: %d", r.status)
		}
		if r := worker.post("/jobs/me/subscription", url.Values{}); !strings.Contains(r.url, "ok=emp_subscription") ||
			strings.Contains(r.body, `name="subscribed" value="1" checked`) {
			t.Errorf("unsubscribe: %d %s", r.status, r.url)
		}
		worker.get("/lang/en")
		if r := worker.get("/jobs/me"); !strings.Contains(r.body, "Posts that match you") || !strings.Contains(r.body, "Hired") {
			t.Errorf("the seeker's page in English: %s", r.body)
		}
	})
}

// A person sees their own personal data in full and nothing is audited for
// it; everyone else's stays masked: the employer's account sees its own
// contact on its page, staff see it masked; the job seeker sees their own
// name and phone on their page, the employer they applied to sees them
// masked.
func TestEmployOwnDataUnmasked(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		employSetup(t, e)
		boss, admin, worker := e.signedIn(t, "boss"), e.signedIn(t, "admin"), e.signedIn(t, "worker")
		if r := boss.post("/jobs/employers", url.Values{"name": {"惠民超市"}, "credit_code": {"91350100M000100Y43"},
			"contact_name": {"王海燕"}, "contact_phone": {"13897001234"}}); !strings.Contains(r.url, "ok=emp_registered") {
			t.Fatalf("register: %d %s", r.status, r.body)
		}
		if r := boss.get("/jobs/employers"); !strings.Contains(r.body, "王海燕 13897001234") {
			t.Errorf("the employer's own contact is not shown in full: %s", r.body)
		}
		r := admin.get("/jobs/employers")
		if !strings.Contains(r.body, "王** 138****1234") || strings.Contains(r.body, "13897001234") {
			t.Errorf("staff see the employer's contact unmasked: %s", r.body)
		}
		employer := regexp.MustCompile(`action="/jobs/employers/(\d+)/verify"`).FindStringSubmatch(r.body)
		if employer == nil {
			t.Fatalf("no verify form: %s", r.body)
		}
		admin.post("/jobs/employers/"+employer[1]+"/verify", nil)
		r = boss.post("/jobs/posts", url.Values{"employer_id": {employer[1]}, "title": {"超市理货员"}, "occupation": {"4-01-02"},
			"kind": {"full_time"}, "salary_min": {"3000"}, "salary_max": {"4000"}, "area": {"兴海路街道"}, "openings": {"1"}, "submit": {"1"}})
		pm := postIDRE.FindStringSubmatch(r.url)
		if pm == nil {
			t.Fatalf("post: %s %s", r.url, r.body)
		}
		admin.post("/jobs/posts/"+pm[1]+"/act/approve", nil)
		worker.post("/jobs/me", url.Values{"name": {"祁小军"}, "phone": {"13997001237"}, "skills": {"4-01"}, "kinds": {"full_time"},
			"area": {"兴海路街道"}, "consent": {"1"}})
		if r := worker.get("/jobs/me"); !strings.Contains(r.body, "祁小军 · 13997001237") {
			t.Errorf("the seeker's own name and phone are not shown in full: %s", r.body)
		}
		if r := worker.post("/jobs/posts/"+pm[1]+"/apply", nil); !strings.Contains(r.url, "ok=emp_applied") {
			t.Fatalf("apply: %d %s", r.status, r.body)
		}
		r = boss.get("/jobs/posts/" + pm[1])
		if !strings.Contains(r.body, "<b>祁**</b> 139****1237") || strings.Contains(r.body, "祁小军") || strings.Contains(r.body, "13997001237") {
			t.Errorf("the employer sees the applicant unmasked: %s", r.body)
		}
		e.f.DB.Read(context.Background(), func(tx *store.Tx) error {
			es, err := store.ListAuditLog(context.Background(), tx, store.AuditFilter{Limit: store.MaxAuditPage})
			for _, a := range es {
				if strings.HasPrefix(a.Action, "reveal") {
					t.Errorf("seeing one's own data was audited as a reveal: %+v", a)
				}
			}
			return err
		})
	})
}
