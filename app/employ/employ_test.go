package employ_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	appemploy "github.com/minsheng/minsheng/app/employ"
	apphousehold "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/employ"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

var ctx = context.Background()

type fixture struct {
	*apptest.Fixture
	svc       *appemploy.Service
	boss      *org.User // an employer's account
	otherBoss *org.User
	worker    *org.User // a seeker's own account
	staff     *org.User // the district's employment staff (handler)
	cw        *org.User // a caseworker (grid worker)
}

func newFixture(t testing.TB, db *store.DB, cfg appemploy.Config) *fixture {
	t.Helper()
	f := &fixture{Fixture: apptest.New(t, db)}
	f.svc = appemploy.New(f.Svc.Kit(), f.Svc, cfg)
	hash, _ := org.HashPassword(apptest.Password)
	for name, role := range map[string]org.Role{"boss": org.RoleEmployer, "boss2": org.RoleEmployer, "worker": org.RoleWorker} {
		u, err := f.Svc.CreateUserWithHash(ctx, app.NewUser{Username: name, Name: name + "姓名", Role: role, UnitID: f.District.ID}, hash)
		if err != nil {
			t.Fatal(err)
		}
		f.Users[name] = u
	}
	f.boss, f.otherBoss, f.worker = f.Users["boss"], f.Users["boss2"], f.Users["worker"]
	f.staff, f.cw = f.Users["street_handler"], f.Users["grid_worker"]
	return f
}

const creditCode = "91350100M000100Y43"

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantErr(t *testing.T, err error, code, field, reason string) {
	t.Helper()
	e, ok := err.(*minsheng.Error)
	if !ok || e.Code != code || (field != "" && e.Field != field) || e.Reason != reason {
		t.Fatalf("got %v (%#v), want %s %s %s", err, err, code, field, reason)
	}
}

func (f *fixture) employer(t *testing.T) *employ.Employer {
	t.Helper()
	return must[*employ.Employer](t)(f.svc.RegisterEmployer(ctx, f.boss, appemploy.EmployerInput{Name: "西宁城西惠民超市有限公司",
		CreditCode: creditCode, ContactName: "王经理", ContactPhone: "13897001234", Area: "兴海路街道"}))
}

func clerk(employerID int64) appemploy.PostInput {
	return appemploy.PostInput{EmployerID: employerID, Title: "超市理货员", Occupation: "4-01-02", Kind: employ.KindFullTime,
		SalaryMin: 3000, SalaryMax: 4000, Hours: "8:00-17:00，做六休一", Area: "兴海路街道", Place: "海湖路18号", Openings: 1}
}

func (f *fixture) smsTo(t *testing.T, object string, id int64, phone string) []string {
	t.Helper()
	var out []string
	err := f.DB.Read(ctx, func(tx *store.Tx) error {
		ds, err := store.ListDeliveries(ctx, tx, store.DeliveryFilter{Object: object, ObjectID: id})
		for _, d := range ds {
			if d.Recipient == phone {
				out = append(out, d.Body)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The main loop of the issue: a seeker subscribes, a new post is reviewed
// and published, the matching seeker gets the push and the others do not,
// the seeker applies and is hired, the 1-month follow-up comes due and is
// recorded; the figures count the placement and the retention.
func TestPostToPlacement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, appemploy.Config{})
		// Bad input changes nothing.
		_, err := f.svc.RegisterEmployer(ctx, f.boss, appemploy.EmployerInput{Name: "某公司", CreditCode: "91350100M000100Y44",
			ContactName: "王经理", ContactPhone: "13897001234"})
		wantErr(t, err, minsheng.EINVALID, "credit_code", "credit_code_invalid")
		e := f.employer(t)
		// The employer's own account sees its contact in full, staff masked.
		if e.ContactPhone != "13897001234" || e.UserID != f.boss.ID {
			t.Errorf("employer not shown in full to its own account or not bound: %+v", e)
		}
		if es := must[[]employ.Employer](t)(f.svc.Employers(ctx, f.staff)); len(es) != 1 || es[0].ContactPhone != "138****1234" || es[0].ContactName != "王**" {
			t.Errorf("the employer not masked to staff: %+v", es)
		}
		_, err = f.svc.RegisterEmployer(ctx, f.otherBoss, appemploy.EmployerInput{Name: "另一家", CreditCode: strings.ToLower(creditCode),
			ContactName: "李", ContactPhone: "13897001235"})
		wantErr(t, err, minsheng.EINVALID, "credit_code", "credit_code_taken")

		// An assisted seeker registered by the caseworker, subscribed; one
		// subscribed seeker who wants other work; one who did not consent.
		hard := must[*employ.Seeker](t)(f.svc.RegisterSeeker(ctx, f.cw, appemploy.SeekerInput{Name: "马小花", Phone: "13997001234",
			Skills: []string{"4-01"}, Kinds: []employ.Kind{employ.KindFullTime}, Area: "兴海路街道", Hard: true, Consent: true, Subscribed: true}))
		must[*employ.Seeker](t)(f.svc.RegisterSeeker(ctx, f.cw, appemploy.SeekerInput{Name: "韩师傅", Phone: "13997001235",
			Skills: []string{"6-29"}, Kinds: []employ.Kind{employ.KindGig}, Area: "虎台街道", Consent: true, Subscribed: true}))
		_, err = f.svc.RegisterSeeker(ctx, f.cw, appemploy.SeekerInput{Name: "冶大姐", Phone: "13997001236",
			Skills: []string{"4-01"}, Kinds: []employ.Kind{employ.KindFullTime}, Area: "兴海路街道", Subscribed: true})
		wantErr(t, err, minsheng.EINVALID, "consent", "push_consent_required")
		self := must[*employ.Seeker](t)(f.svc.RegisterSeeker(ctx, f.worker, appemploy.SeekerInput{Name: "祁小军", Phone: "13997001237",
			Skills: []string{"4-01-02"}, Kinds: []employ.Kind{employ.KindFullTime}, Area: "兴海路街道", Hard: true, Consent: true}))
		if self.Hard {
			t.Error("a seeker set their own 就业困难 flag")
		}

		// The post: salary min above max is refused; the draft goes to review.
		bad := clerk(e.ID)
		bad.SalaryMin = 5000
		_, err = f.svc.CreatePost(ctx, f.boss, bad)
		wantErr(t, err, minsheng.EINVALID, "salary_max", "salary_range")
		_, err = f.svc.CreatePost(ctx, f.otherBoss, clerk(e.ID))
		wantErr(t, err, minsheng.EINVALID, "employer_id", "")
		p := must[*employ.Post](t)(f.svc.CreatePost(ctx, f.boss, clerk(e.ID)))
		must[*employ.Post](t)(f.svc.ActPost(ctx, f.boss, p.ID, employ.PostSubmit, ""))
		_, err = f.svc.ActPost(ctx, f.boss, p.ID, employ.PostApprove, "")
		wantErr(t, err, minsheng.EFORBIDDEN, "", "")
		_, err = f.svc.ActPost(ctx, f.staff, p.ID, employ.PostApprove, "")
		wantErr(t, err, minsheng.ECONFLICT, "", "employer_unverified")
		must[*employ.Employer](t)(f.svc.VerifyEmployer(ctx, f.staff, e.ID))
		p = must[*employ.Post](t)(f.svc.ActPost(ctx, f.staff, p.ID, employ.PostApprove, ""))
		if p.Status != employ.PostPublished || p.ExpiresAt == nil ||
			!p.ExpiresAt.Equal(time.Date(2026, 4, 2, 0, 0, 0, 0, employ.China)) {
			t.Fatalf("published %+v, expires %v", p, p.ExpiresAt)
		}
		// The push went to the matching subscribed seeker only.
		if got := f.smsTo(t, appemploy.ObjectPost, p.ID, "13997001234"); len(got) != 1 || !strings.Contains(got[0], "超市理货员") {
			t.Errorf("push to the matching seeker: %q", got)
		}
		for _, phone := range []string{"13997001235", "13997001237"} {
			if got := f.smsTo(t, appemploy.ObjectPost, p.ID, phone); len(got) != 0 {
				t.Errorf("push to %s: %q", phone, got)
			}
		}

		// The score is shown both ways.
		v := must[*appemploy.SeekerView](t)(f.svc.Me(ctx, f.worker))
		if len(v.Openings) != 1 || v.Openings[0].Match.Score != 100 || len(v.Openings[0].Match.Reasons) != 4 {
			t.Fatalf("the seeker's openings: %+v", v.Openings)
		}
		a := must[*employ.Application](t)(f.svc.Apply(ctx, f.worker, p.ID, 0, "有超市工作经验"))
		_, err = f.svc.Apply(ctx, f.worker, p.ID, 0, "")
		wantErr(t, err, minsheng.ECONFLICT, "", "applied_already")
		ha := must[*employ.Application](t)(f.svc.Apply(ctx, f.cw, p.ID, hard.ID, ""))
		pv := must[*appemploy.PostView](t)(f.svc.Post(ctx, f.boss, p.ID))
		if len(pv.Applicants) != 2 || pv.Applicants[0].Match.Score != 100 || strings.Contains(pv.Applicants[0].Seeker.Phone, "13997001234") {
			t.Fatalf("the employer's applicants: %+v", pv.Applicants)
		}
		// The seeker withdraws one; the employer cannot; the other moves to hired.
		_, err = f.svc.ActApplication(ctx, f.boss, a.ID, employ.AppWithdraw, "")
		wantErr(t, err, minsheng.EFORBIDDEN, "", "")
		must[*employ.Application](t)(f.svc.ActApplication(ctx, f.worker, a.ID, employ.AppWithdraw, "已找到工作"))
		for _, act := range []employ.AppAction{employ.AppView, employ.AppInvite, employ.AppMakeOffer} {
			must[*employ.Application](t)(f.svc.ActApplication(ctx, f.boss, ha.ID, act, ""))
		}
		// The employer sees the applicant's phone through an audited reveal;
		// another employer may not.
		_, err = f.svc.RevealSeeker(ctx, f.otherBoss, hard.ID, "面试通知", "")
		wantErr(t, err, minsheng.EFORBIDDEN, "", "")
		c := must[*appemploy.Contact](t)(f.svc.RevealSeeker(ctx, f.boss, hard.ID, "电话通知面试", ""))
		if c.Phone != "13997001234" {
			t.Errorf("revealed %+v", c)
		}
		must[*employ.Application](t)(f.svc.ActApplication(ctx, f.boss, ha.ID, employ.AppHire, "下周一到岗"))
		if got := f.smsTo(t, appemploy.ObjectApplication, ha.ID, "13997001234"); len(got) != 3 {
			t.Errorf("the seeker's SMS about the application: %q", got)
		}
		// One opening: the post is filled.
		if pv := must[*appemploy.PostView](t)(f.svc.Post(ctx, f.staff, p.ID)); pv.Status != employ.PostFilled {
			t.Errorf("post %s after the hire", pv.Status)
		}

		// Not hired into two full-time posts at once.
		p2 := must[*employ.Post](t)(f.svc.CreatePost(ctx, f.boss, clerk(e.ID)))
		must[*employ.Post](t)(f.svc.ActPost(ctx, f.boss, p2.ID, employ.PostSubmit, ""))
		must[*employ.Post](t)(f.svc.ActPost(ctx, f.staff, p2.ID, employ.PostApprove, ""))
		a2 := must[*employ.Application](t)(f.svc.Apply(ctx, f.cw, p2.ID, hard.ID, ""))
		must[*employ.Application](t)(f.svc.ActApplication(ctx, f.boss, a2.ID, employ.AppMakeOffer, ""))
		_, err = f.svc.ActApplication(ctx, f.boss, a2.ID, employ.AppHire, "")
		wantErr(t, err, minsheng.ECONFLICT, "", "hired_elsewhere")
		// Once the first job ends, the second full-time hire goes through.
		_, err = f.svc.ActApplication(ctx, f.worker, ha.ID, employ.AppEnd, "")
		wantErr(t, err, minsheng.ENOTFOUND, "", "")
		must[*employ.Application](t)(f.svc.ActApplication(ctx, f.boss, ha.ID, employ.AppEnd, "合同到期"))
		must[*employ.Application](t)(f.svc.ActApplication(ctx, f.boss, a2.ID, employ.AppHire, ""))
		// A placed seeker gets no more pushes.
		if got := f.smsTo(t, appemploy.ObjectPost, p2.ID, "13997001234"); len(got) != 0 {
			t.Errorf("push to a placed seeker: %q", got)
		}

		// 就业援助: the caseworker's follow-ups at 1, 3 and 6 months; the
		// first is not recorded before it is due, and is due a month on. The
		// first job's follow-ups were closed when it ended.
		fs := must[[]appemploy.FollowUpView](t)(f.svc.FollowUps(ctx, f.cw, false))
		if len(fs) != 3 || fs[0].Month != 1 || fs[2].Month != 6 || fs[0].Overdue || fs[0].ApplicationID != a2.ID {
			t.Fatalf("follow-ups %+v", fs)
		}
		_, err = f.svc.RecordFollowUp(ctx, f.cw, a2.ID, 1, appemploy.FollowUpInput{Outcome: employ.OutcomeEmployed})
		wantErr(t, err, minsheng.ECONFLICT, "", "followup_early")
		f.Clock.Advance(31 * 24 * time.Hour)
		must[*employ.FollowUp](t)(f.svc.RecordFollowUp(ctx, f.cw, a2.ID, 1, appemploy.FollowUpInput{Outcome: employ.OutcomeEmployed, Note: "在岗，适应良好"}))
		_, err = f.svc.RecordFollowUp(ctx, f.cw, a2.ID, 1, appemploy.FollowUpInput{Outcome: employ.OutcomeEmployed})
		wantErr(t, err, minsheng.ECONFLICT, "", "followup_done")

		fig := must[*appemploy.Figures](t)(f.svc.Figures(ctx, f.Users["leader"]))
		if fig.Placements != 2 || fig.HardPlaced != 2 || fig.Retention[0].Done != 2 || fig.Retention[0].Retained != 1 ||
			fig.DaysToPlacement == nil || fig.Seekers != 3 || fig.Posts[employ.PostFilled] != 2 {
			t.Errorf("figures %+v", fig)
		}
	})
}

// Flagged employers cannot post, and their published posts are closed.
func TestArrearsFlag(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, appemploy.Config{})
		e := f.employer(t)
		must[*employ.Employer](t)(f.svc.VerifyEmployer(ctx, f.staff, e.ID))
		p := must[*employ.Post](t)(f.svc.CreatePost(ctx, f.boss, clerk(e.ID)))
		must[*employ.Post](t)(f.svc.ActPost(ctx, f.boss, p.ID, employ.PostSubmit, ""))
		must[*employ.Post](t)(f.svc.ActPost(ctx, f.staff, p.ID, employ.PostApprove, ""))
		_, err := f.svc.FlagArrears(ctx, f.staff, e.ID, true, "")
		wantErr(t, err, minsheng.EINVALID, "note", "employ_note_required")
		_, err = f.svc.FlagArrears(ctx, f.boss, e.ID, true, "拖欠工资")
		wantErr(t, err, minsheng.EFORBIDDEN, "", "")
		must[*employ.Employer](t)(f.svc.FlagArrears(ctx, f.staff, e.ID, true, "劳动监察认定拖欠3名员工工资"))
		if pv := must[*appemploy.PostView](t)(f.svc.Post(ctx, f.staff, p.ID)); pv.Status != employ.PostClosed {
			t.Errorf("the flagged employer's post is %s", pv.Status)
		}
		_, err = f.svc.CreatePost(ctx, f.boss, clerk(e.ID))
		wantErr(t, err, minsheng.EFORBIDDEN, "", "employer_arrears")
		_, err = f.svc.ActPost(ctx, f.boss, p.ID, employ.PostRepost, "")
		wantErr(t, err, minsheng.EFORBIDDEN, "", "employer_arrears")
		must[*employ.Employer](t)(f.svc.FlagArrears(ctx, f.staff, e.ID, false, "已结清"))
		if p = must[*employ.Post](t)(f.svc.ActPost(ctx, f.boss, p.ID, employ.PostRepost, "")); p.Status != employ.PostPublished {
			t.Errorf("reposted: %s", p.Status)
		}
	})
}

// The daily job reminds the employer three days before a post expires,
// once, and expires it after its 30 days; one step reposts it for another
// 30. A gig expires at the end of its day.
func TestExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, appemploy.Config{})
		e := f.employer(t)
		must[*employ.Employer](t)(f.svc.VerifyEmployer(ctx, f.staff, e.ID))
		publish := func(in appemploy.PostInput) *employ.Post {
			t.Helper()
			p := must[*employ.Post](t)(f.svc.CreatePost(ctx, f.boss, in))
			must[*employ.Post](t)(f.svc.ActPost(ctx, f.boss, p.ID, employ.PostSubmit, ""))
			return must[*employ.Post](t)(f.svc.ActPost(ctx, f.staff, p.ID, employ.PostApprove, ""))
		}
		p := publish(clerk(e.ID)) // 2 March, 09:00
		gig := clerk(e.ID)
		today := f.Clock.Now()
		gig.Title, gig.Kind, gig.WorkDay, gig.SalaryMin, gig.SalaryMax = "搬家帮工（当天）", employ.KindGig, &today, 200, 300
		g := publish(gig)
		run := func() {
			t.Helper()
			h := f.svc.Jobs()[appemploy.JobExpiry]
			if err := db.Write(ctx, func(tx *store.Tx) error { return h(ctx, tx, nil) }); err != nil {
				t.Fatal(err)
			}
		}
		status := func(id int64) employ.PostStatus {
			return must[*appemploy.PostView](t)(f.svc.Post(ctx, f.staff, id)).Status
		}
		run()
		if status(p.ID) != employ.PostPublished || status(g.ID) != employ.PostPublished {
			t.Fatal("expired too early")
		}
		f.Clock.Advance(24 * time.Hour) // 3 March: the gig's day is over
		run()
		if status(g.ID) != employ.PostExpired {
			t.Errorf("the gig is %s the next day", status(g.ID))
		}
		_, err := f.svc.ActPost(ctx, f.boss, g.ID, employ.PostRepost, "")
		wantErr(t, err, minsheng.ECONFLICT, "", "gig_repost")
		f.Clock.Set(time.Date(2026, 3, 29, 7, 0, 0, 0, employ.China)) // 3 days before the end of 1 April
		run()
		run()
		if got := f.smsTo(t, appemploy.ObjectPost, p.ID, "13897001234"); len(got) != 1 || !strings.Contains(got[0], "4月1日后到期") {
			t.Errorf("reminders %q", got)
		}
		if status(p.ID) != employ.PostPublished {
			t.Error("expired at the reminder")
		}
		f.Clock.Set(time.Date(2026, 4, 2, 7, 0, 0, 0, employ.China))
		run()
		if status(p.ID) != employ.PostExpired {
			t.Fatalf("post %s after 30 days", status(p.ID))
		}
		p = must[*employ.Post](t)(f.svc.ActPost(ctx, f.boss, p.ID, employ.PostRepost, ""))
		if p.Status != employ.PostPublished || !p.ExpiresAt.Equal(time.Date(2026, 5, 3, 0, 0, 0, 0, employ.China)) || p.Reminded {
			t.Errorf("reposted %+v expires %v", p, p.ExpiresAt)
		}
	})
}

// Pushes are limited per seeker and 24 hours; pushes need consent.
func TestPushLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, appemploy.Config{PushPerDay: 2})
		e := f.employer(t)
		must[*employ.Employer](t)(f.svc.VerifyEmployer(ctx, f.staff, e.ID))
		must[*employ.Seeker](t)(f.svc.RegisterSeeker(ctx, f.cw, appemploy.SeekerInput{Name: "马小花", Phone: "13997001234",
			Skills: []string{"4-01"}, Kinds: []employ.Kind{employ.KindFullTime}, Area: "兴海路街道", Consent: true, Subscribed: true}))
		sent := 0
		for i := range 3 {
			in := clerk(e.ID)
			in.Title = []string{"理货员", "收银员", "导购"}[i]
			p := must[*employ.Post](t)(f.svc.CreatePost(ctx, f.boss, in))
			must[*employ.Post](t)(f.svc.ActPost(ctx, f.boss, p.ID, employ.PostSubmit, ""))
			must[*employ.Post](t)(f.svc.ActPost(ctx, f.staff, p.ID, employ.PostApprove, ""))
			sent += len(f.smsTo(t, appemploy.ObjectPost, p.ID, "13997001234"))
		}
		if sent != 2 {
			t.Errorf("%d pushes in a day, want 2", sent)
		}
	})
}

// A new post goes to the best matching seekers up to the cap, the best
// first; a seeker matching by area, kind and salary alone (60) is one of
// them.
func TestPushCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, appemploy.Config{PushPerPost: 2})
		e := f.employer(t)
		must[*employ.Employer](t)(f.svc.VerifyEmployer(ctx, f.staff, e.ID))
		for i, s := range []struct {
			skill, area string
		}{{"4-01", "兴海路街道"}, {"6-29", "兴海路街道"}, {"4-01", "虎台街道"}, {"6-29", "虎台街道"}} {
			must[*employ.Seeker](t)(f.svc.RegisterSeeker(ctx, f.cw, appemploy.SeekerInput{Name: "求职者", Phone: fmt.Sprintf("1399700120%d", i),
				Skills: []string{s.skill}, Kinds: []employ.Kind{employ.KindFullTime}, Area: s.area, Consent: true, Subscribed: true}))
		}
		p := must[*employ.Post](t)(f.svc.CreatePost(ctx, f.boss, clerk(e.ID)))
		must[*employ.Post](t)(f.svc.ActPost(ctx, f.boss, p.ID, employ.PostSubmit, ""))
		must[*employ.Post](t)(f.svc.ActPost(ctx, f.staff, p.ID, employ.PostApprove, ""))
		// Scores: 100, 60, 75, 35 (not pushed); the cap keeps 100 and 75.
		for i, want := range []int{1, 0, 1, 0} {
			if got := len(f.smsTo(t, appemploy.ObjectPost, p.ID, fmt.Sprintf("1399700120%d", i))); got != want {
				t.Errorf("seeker %d got %d pushes, want %d", i, got, want)
			}
		}
		f2 := appemploy.New(f.Svc.Kit(), f.Svc, appemploy.Config{})
		p2 := must[*employ.Post](t)(f2.CreatePost(ctx, f.boss, clerk(e.ID)))
		must[*employ.Post](t)(f2.ActPost(ctx, f.boss, p2.ID, employ.PostSubmit, ""))
		must[*employ.Post](t)(f2.ActPost(ctx, f.staff, p2.ID, employ.PostApprove, ""))
		if got := len(f.smsTo(t, appemploy.ObjectPost, p2.ID, "13997001201")); got != 1 {
			t.Errorf("the seeker matching by area, kind and salary alone got %d pushes", got)
		}
	})
}

// A seeker whose ID number the household registry holds with a 低保 tag
// is 就业困难 without anyone setting the flag; a bad ID number is refused;
// the number is masked.
func TestHardFromRegistry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, appemploy.Config{})
		hh := apphousehold.New(f.Svc.Kit(), f.Svc)
		now := f.Clock.Now()
		const idNumber = "11010519491231002X"
		if _, err := hh.Register(ctx, kit.System(), household.NewHousehold{GridID: f.Grid.ID, Address: "海湖路18号3号楼502", Consent: true,
			Members: []household.NewMember{{Name: "祁小军", IDNumber: idNumber, Phone: "13997001237", Relation: household.RelationHead}},
			Tags:    []household.NewTag{{Tag: household.TagSubsistence, Source: "民政低保名册", Since: now.AddDate(-1, 0, 0), RecheckBy: now.AddDate(0, 6, 0)}}}); err != nil {
			t.Fatal(err)
		}
		in := appemploy.SeekerInput{Name: "祁小军", Phone: "13997001237", IDNumber: "110105194912310021", Skills: []string{"4-01"},
			Kinds: []employ.Kind{employ.KindFullTime}, Area: "兴海路街道", Consent: true}
		_, err := f.svc.RegisterSeeker(ctx, f.worker, in)
		wantErr(t, err, minsheng.EINVALID, "id_number", "")
		in.IDNumber = strings.ToLower(idNumber)
		k := must[*employ.Seeker](t)(f.svc.RegisterSeeker(ctx, f.worker, in))
		if !k.Hard || k.IDNumber != idNumber {
			t.Errorf("the seeker from the registry, as they see themselves: hard %v, id %q", k.Hard, k.IDNumber)
		}
		if ks := must[[]employ.Seeker](t)(f.svc.Seekers(ctx, f.cw, false)); len(ks) != 1 || ks[0].IDNumber != "110105********002X" || ks[0].Phone != "139****1237" {
			t.Errorf("the seeker not masked to a caseworker: %+v", ks)
		}
		// Registered by themselves, they have no caseworker until staff assign one.
		if mine := must[[]employ.Seeker](t)(f.svc.Seekers(ctx, f.cw, true)); len(mine) != 0 {
			t.Errorf("the caseworker's seekers before the assignment: %+v", mine)
		}
		_, err = f.svc.AssignCaseworker(ctx, f.staff, k.ID, f.worker.ID)
		wantErr(t, err, minsheng.EINVALID, "user_id", "caseworker_unknown")
		_, err = f.svc.AssignCaseworker(ctx, f.cw, k.ID, f.staff.ID)
		wantErr(t, err, minsheng.EFORBIDDEN, "", "")
		must[*employ.Seeker](t)(f.svc.AssignCaseworker(ctx, f.staff, k.ID, f.cw.ID))
		if mine := must[[]employ.Seeker](t)(f.svc.Seekers(ctx, f.cw, true)); len(mine) != 1 || mine[0].ID != k.ID {
			t.Errorf("the caseworker's seekers after the assignment: %+v", mine)
		}
		other := must[*employ.Seeker](t)(f.svc.RegisterSeeker(ctx, f.cw, appemploy.SeekerInput{Name: "马小花", Phone: "13997001234",
			Skills: []string{"4-01"}, Kinds: []employ.Kind{employ.KindFullTime}, Area: "兴海路街道"}))
		if other.Hard {
			t.Error("a seeker outside the registry is 就业困难")
		}
	})
}
