package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestBrowserEmployLoop drives Chromium through job matching's main loop:
// the employer registers its company (a wrong credit code first, refused
// in Chinese with the input kept), staff verify it; the employer writes a
// post and sends it to review; staff approve it; a seeker, on a phone,
// registers, sees the post with its score and reasons and applies; the
// employer offers and hires, and the post is filled. The pages are saved
// in testdata/artifacts.
func TestBrowserEmployLoop(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	for _, u := range []app.NewUser{
		{Username: "boss", Name: "王海燕", Role: org.RoleEmployer, UnitID: f.District.ID, Password: apptest.Password},
		{Username: "worker", Name: "祁小军", Role: org.RoleWorker, UnitID: f.District.ID, Password: apptest.Password},
	} {
		if _, err := f.Svc.CreateUser(ctx, kit.System(), u); err != nil {
			t.Fatal(err)
		}
	}
	r := newBrowserRun(t, f, "employ", 1366)
	// fits checks the page at phone width: nothing wider than the screen,
	// nothing cut off, every card line labelled.
	fits := func(c context.Context, what string) {
		t.Helper()
		r, err := chromedp.Run(c, chromedp.Evaluate[phoneResult](phoneCheck))
		if err != nil {
			t.Fatalf("measure %s: %v", what, err)
		}
		if r.Width > r.Inner || len(r.Cut) > 0 || len(r.Unlabelled) > 0 {
			t.Errorf("%s at %d px: the page is %d px wide; cut off: %v; cards: %v", what, r.Inner, r.Width, r.Cut, r.Unlabelled)
		}
	}

	// 1. The employer registers its company; a mistyped code is refused.
	boss := r.person()
	r.signIn(boss, "boss")
	r.do(boss, "the employers' page", chromedp.Navigate(r.base+"/jobs/employers"), chromedp.WaitVisible(chromedp.CSS("#employers")))
	register := func(code string) {
		r.do(boss, "register the company",
			chromedp.Click(chromedp.CSS("#new-employer summary")), chromedp.WaitVisible(chromedp.CSS("#form-employer")),
			chromedp.SetValue(chromedp.CSS(`#form-employer input[name="name"]`), "西宁城西惠民万家超市有限公司"),
			chromedp.SetValue(chromedp.CSS(`#form-employer input[name="credit_code"]`), code),
			chromedp.SetValue(chromedp.CSS(`#form-employer input[name="contact_name"]`), "王海燕"),
			chromedp.SetValue(chromedp.CSS(`#form-employer input[name="contact_phone"]`), "13897001234"),
			chromedp.SetValue(chromedp.CSS(`#form-employer input[name="area"]`), "兴海路街道"),
			chromedp.Submit(chromedp.CSS("#form-employer")))
	}
	register("91350100M000100Y44")
	r.do(boss, "the refusal", chromedp.WaitVisible(chromedp.CSS("#new-employer .form-error, #new-employer [role=alert]")))
	if got := r.text(boss, "#new-employer"); !strings.Contains(got, "统一社会信用代码不正确") {
		t.Errorf("the refusal reads %q", got)
	}
	r.shot(boss, "credit-code-refused")
	r.do(boss, "set the right code", chromedp.SetValue(chromedp.CSS(`#form-employer input[name="credit_code"]`), "91350100M000100Y43"),
		chromedp.Submit(chromedp.CSS("#form-employer")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if got := r.text(boss, "#employers"); !strings.Contains(got, "待核验") || !strings.Contains(got, "13897001234") {
		t.Errorf("the registered employer, its own contact in full: %q", got)
	}

	// 2. Staff verify it.
	staff := r.person()
	r.signIn(staff, "admin")
	r.do(staff, "verify", chromedp.Navigate(r.base+"/jobs/employers"), chromedp.WaitVisible(chromedp.CSS(`form[action$="/verify"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/verify"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))

	// 3. The employer writes a post and sends it to review.
	r.do(boss, "write a post", chromedp.Navigate(r.base+"/jobs/employers"), chromedp.WaitVisible(chromedp.CSS("#form-post")),
		chromedp.SetValue(chromedp.CSS(`#form-post input[name="title"]`), "超市理货员"),
		chromedp.SetValue(chromedp.CSS(`#form-post input[name="occupation"]`), "4-01-02"),
		chromedp.SetValue(chromedp.CSS(`#form-post input[name="salary_min"]`), "3200"),
		chromedp.SetValue(chromedp.CSS(`#form-post input[name="salary_max"]`), "4000"),
		chromedp.SetValue(chromedp.CSS(`#form-post input[name="hours"]`), "8:00-17:00，做六休一"),
		chromedp.SetValue(chromedp.CSS(`#form-post input[name="area"]`), "兴海路街道"),
		chromedp.SetValue(chromedp.CSS(`#form-post input[name="place"]`), "海湖路18号"),
		chromedp.Click(chromedp.CSS(`#form-post button[value="1"]`)), chromedp.WaitVisible(chromedp.CSS("#post-status")))
	if got := r.text(boss, "#post-status"); got != "待审核" {
		t.Errorf("after sending to review: %q", got)
	}
	postURL, err := chromedp.Run(boss, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	postURL, _, _ = strings.Cut(postURL, "?")

	// 4. Staff review and publish it.
	r.do(staff, "the review queue", chromedp.Navigate(r.base+"/jobs/employers"), chromedp.WaitVisible(chromedp.CSS("#review a")),
		chromedp.Click(chromedp.CSS("#review a")), chromedp.WaitVisible(chromedp.CSS("#do-approve")))
	r.shot(staff, "review")
	r.do(staff, "approve", chromedp.Click(chromedp.CSS("#do-approve")), chromedp.WaitNotPresent(chromedp.CSS("#do-approve")),
		chromedp.WaitVisible(chromedp.CSS("#post-status")))
	if got := r.text(staff, "#post-status"); got != "招聘中" {
		t.Errorf("after approval: %q", got)
	}

	// 5. A seeker, on a phone, registers and applies.
	seeker := r.person()
	r.do(seeker, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	r.signIn(seeker, "worker")
	r.do(seeker, "register", chromedp.Navigate(r.base+"/jobs/me"), chromedp.WaitVisible(chromedp.CSS("#form-seeker")),
		chromedp.SetValue(chromedp.CSS(`#form-seeker input[name="name"]`), "祁小军"),
		chromedp.SetValue(chromedp.CSS(`#form-seeker input[name="phone"]`), "13997001237"),
		chromedp.SetValue(chromedp.CSS(`#form-seeker input[name="skills"]`), "4-01"),
		chromedp.Click(chromedp.CSS(`#form-seeker input[value="full_time"]`)),
		chromedp.SetValue(chromedp.CSS(`#form-seeker input[name="area"]`), "兴海路街道"),
		chromedp.Click(chromedp.CSS(`#form-seeker input[name="consent"]`)),
		chromedp.Click(chromedp.CSS(`#form-seeker input[name="subscribed"]`)),
		chromedp.Submit(chromedp.CSS("#form-seeker")), chromedp.WaitVisible(chromedp.CSS("#openings .opening a")))
	r.shot(seeker, "openings-phone")
	fits(seeker, "the seeker's page")
	r.do(seeker, "open the post", chromedp.Click(chromedp.CSS("#openings .opening a")), chromedp.WaitVisible(chromedp.CSS("#my-score")))
	if got := r.text(seeker, "#my-score"); got != "100" {
		t.Errorf("the seeker's score: %q", got)
	}
	if got := r.text(seeker, "#my-match"); !strings.Contains(got, "职业对口") || !strings.Contains(got, "同一区域") {
		t.Errorf("the reasons: %q", got)
	}
	r.do(seeker, "apply", chromedp.SetValue(chromedp.CSS(`#form-apply input[name="note"]`), "做过两年理货"),
		chromedp.Click(chromedp.CSS("#apply")), chromedp.WaitVisible(chromedp.CSS("#my-applications li")))
	r.shot(seeker, "applied-phone")
	fits(seeker, "the seeker's page after applying")

	// 6. The employer sees the applicant with the score, offers and hires.
	r.do(boss, "the applicants", chromedp.Navigate(postURL), chromedp.WaitVisible(chromedp.CSS(".applicant")))
	if got := r.text(boss, ".applicant"); !strings.Contains(got, "祁**") || strings.Contains(got, "13997001237") || !strings.Contains(got, "100") {
		t.Errorf("the applicant as the employer sees it: %q", got)
	}
	r.do(boss, "offer", chromedp.Click(chromedp.CSS(`.applicant button[id$="-offer"]`)), chromedp.WaitVisible(chromedp.CSS(`.applicant button[id$="-hire"]`)))
	r.do(boss, "hire", chromedp.Click(chromedp.CSS(`.applicant button[id$="-hire"]`)),
		// The page before has a flash too: wait for the hire button to go with it.
		chromedp.WaitNotPresent(chromedp.CSS(`.applicant button[id$="-hire"]`)), chromedp.WaitVisible(chromedp.CSS("#post-status")))
	if got := r.text(boss, "#post-status"); got != "已招满" {
		t.Errorf("after the hire: %q", got)
	}
	r.shot(boss, "hired")
	r.do(seeker, "the seeker's page", chromedp.Navigate(r.base+"/jobs/me"), chromedp.WaitVisible(chromedp.CSS("#my-applications li")))
	if got := r.text(seeker, "#my-applications"); !strings.Contains(got, "已录用") {
		t.Errorf("the seeker's application: %q", got)
	}

	// 7. The caseworker, on a phone: registers a 就业困难 seeker, applies
	// for them (the post is filled now: refused, in Chinese), and sees the
	// pages fit the screen.
	cw := r.person()
	r.do(cw, "phone", chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	r.signIn(cw, "grid_worker")
	r.do(cw, "the caseworker's page", chromedp.Navigate(r.base+"/jobs/seekers"), chromedp.WaitVisible(chromedp.CSS("#form-seeker")))
	fits(cw, "the caseworker's page")
	r.do(cw, "register a seeker",
		chromedp.SetValue(chromedp.CSS(`#form-seeker input[name="name"]`), "马小花"),
		chromedp.SetValue(chromedp.CSS(`#form-seeker input[name="phone"]`), "13997001234"),
		chromedp.SetValue(chromedp.CSS(`#form-seeker input[name="skills"]`), "4-01"),
		chromedp.Click(chromedp.CSS(`#form-seeker input[value="full_time"]`)),
		chromedp.SetValue(chromedp.CSS(`#form-seeker input[name="area"]`), "兴海路街道"),
		chromedp.Click(chromedp.CSS(`#form-seeker input[name="hard"]`)),
		chromedp.Click(chromedp.CSS(`#form-seeker input[name="consent"]`)),
		chromedp.Submit(chromedp.CSS("#form-seeker")), chromedp.WaitVisible(chromedp.CSS("#applications")))
	fits(cw, "a seeker's page")
	r.shot(cw, "seeker-phone")
	r.do(cw, "back to the list", chromedp.Navigate(r.base+"/jobs/seekers"), chromedp.WaitVisible(chromedp.CSS("#seekers a")))
	fits(cw, "the caseworker's list")
	r.do(boss, "phone", chromedp.EmulateViewport(phoneWidth, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(postURL), chromedp.WaitVisible(chromedp.CSS("#post-status")))
	fits(boss, "the post's page for its employer")
	r.do(boss, "the employers' page", chromedp.Navigate(r.base+"/jobs/employers"), chromedp.WaitVisible(chromedp.CSS("#posts")))
	fits(boss, "the employers' page")
}
