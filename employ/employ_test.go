package employ

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
)

func TestValidOccupation(t *testing.T) {
	for code, ok := range map[string]bool{"4": true, "4-03": true, "4-03-02": true, "6-01-02-01": true,
		"9": false, "0": false, "4-3": false, "4-03-02-01-01": false, "": false, "x": false} {
		if ValidOccupation(code) != ok {
			t.Errorf("ValidOccupation(%q) != %v", code, ok)
		}
	}
}

var day = time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC) // 10:00 in China

func goodPost() *Post {
	return &Post{Title: "超市理货员", Occupation: "4-01-02", Kind: KindFullTime, SalaryMin: 3000, SalaryMax: 4000, Area: "兴海路街道", Openings: 2}
}

func TestCheckPost(t *testing.T) {
	yesterday := day.AddDate(0, 0, -1)
	for _, c := range []struct {
		name   string
		change func(p *Post)
		field  string
		reason string
	}{
		{"good", func(p *Post) {}, "", ""},
		{"no title", func(p *Post) { p.Title = " " }, "title", ""},
		{"bad occupation", func(p *Post) { p.Occupation = "9" }, "occupation", "occupation_invalid"},
		{"no salary", func(p *Post) { p.SalaryMin, p.SalaryMax = 0, 0 }, "salary_min", "salary_required"},
		{"salary min above max", func(p *Post) { p.SalaryMin = 5000 }, "salary_max", "salary_range"},
		{"unknown kind", func(p *Post) { p.Kind = "intern" }, "kind", ""},
		{"no area", func(p *Post) { p.Area = "" }, "area", ""},
		{"no openings", func(p *Post) { p.Openings = 0 }, "openings", ""},
		{"gig without day", func(p *Post) { p.Kind = KindGig }, "work_day", "gig_day"},
		{"gig yesterday", func(p *Post) { p.Kind, p.WorkDay = KindGig, &yesterday }, "work_day", "gig_day"},
		{"gig today", func(p *Post) { p.Kind, p.WorkDay = KindGig, &day }, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := goodPost()
			c.change(p)
			err := CheckPost(p, day)
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e, ok := err.(*minsheng.Error)
			if !ok || e.Code != minsheng.EINVALID || e.Field != c.field || e.Reason != c.reason {
				t.Fatalf("got %#v, want field %s reason %q", err, c.field, c.reason)
			}
		})
	}
}

func TestCheckEmployerAndSeeker(t *testing.T) {
	e := &Employer{Name: "西宁市城西区某某超市有限公司", CreditCode: "91350100M000100Y43", ContactName: "王经理", ContactPhone: "13897001234"}
	if err := CheckEmployer(e); err != nil {
		t.Fatal(err)
	}
	e.CreditCode = "91350100M000100Y44"
	if err := CheckEmployer(e); !minsheng.IsCode(err, minsheng.EINVALID) || err.(*minsheng.Error).Reason != "credit_code_invalid" {
		t.Errorf("bad check digit: %v", err)
	}
	s := &Seeker{Name: "马小花", Phone: "13997001234", Skills: []string{"4-01"}, Kinds: []Kind{KindFullTime}, Area: "兴海路街道"}
	if err := CheckSeeker(s); err != nil {
		t.Fatal(err)
	}
	s.Subscribed = true
	if err := CheckSeeker(s); err == nil || err.(*minsheng.Error).Field != "consent" {
		t.Errorf("subscribed without consent: %v", err)
	}
	s.Consent, s.Skills = true, []string{"4-01", "abc"}
	if err := CheckSeeker(s); err == nil || err.(*minsheng.Error).Field != "skills" {
		t.Errorf("bad skill: %v", err)
	}
	if m := s.Masked(); m.Name == s.Name || m.Phone == s.Phone {
		t.Errorf("not masked: %+v", m)
	}
}

func TestPostLifecycle(t *testing.T) {
	for _, c := range []struct {
		from PostStatus
		a    PostAction
		by   Party
		to   PostStatus
		code string
	}{
		{PostDraft, PostSubmit, ByEmployer, PostInReview, ""},
		{PostInReview, PostApprove, ByStaff, PostPublished, ""},
		{PostInReview, PostApprove, ByEmployer, "", minsheng.EFORBIDDEN},
		{PostInReview, PostReject, ByStaff, PostDraft, ""},
		{PostDraft, PostApprove, ByStaff, "", minsheng.ECONFLICT},
		{PostPublished, PostExpire, BySystem, PostExpired, ""},
		{PostPublished, PostExpire, ByEmployer, "", minsheng.EFORBIDDEN},
		{PostExpired, PostRepost, ByEmployer, PostPublished, ""},
		{PostPublished, PostRepost, ByEmployer, "", minsheng.ECONFLICT},
		{PostPublished, PostFill, ByEmployer, PostFilled, ""},
		{PostFilled, PostClose, ByStaff, "", minsheng.ECONFLICT},
		{PostDraft, "fly", ByStaff, "", minsheng.EINVALID},
	} {
		to, err := NextPost(c.from, c.a, c.by)
		if c.code != "" {
			if !minsheng.IsCode(err, c.code) {
				t.Errorf("%s %s by %s: %v, want %s", c.from, c.a, c.by, err, c.code)
			}
			continue
		}
		if err != nil || to != c.to {
			t.Errorf("%s %s by %s: %s %v, want %s", c.from, c.a, c.by, to, err, c.to)
		}
	}
	if got := PostActionsFor(PostInReview, ByStaff); len(got) != 3 || got[0] != PostApprove {
		t.Errorf("staff on review: %v", got)
	}
	if !PostNeedsNote(PostReject) || PostNeedsNote(PostApprove) {
		t.Error("needs note")
	}
}

func TestApplicationLifecycle(t *testing.T) {
	for _, c := range []struct {
		from AppStatus
		a    AppAction
		by   Party
		to   AppStatus
		code string
	}{
		{AppApplied, AppView, ByEmployer, AppViewed, ""},
		{AppViewed, AppInvite, ByEmployer, AppInterview, ""},
		{AppInterview, AppMakeOffer, ByEmployer, AppOffer, ""},
		{AppOffer, AppHire, ByEmployer, AppHired, ""},
		{AppApplied, AppHire, ByEmployer, "", minsheng.ECONFLICT},
		{AppInterview, AppWithdraw, BySeeker, AppWithdrawn, ""},
		{AppInterview, AppWithdraw, ByEmployer, "", minsheng.EFORBIDDEN},
		{AppApplied, AppView, BySeeker, "", minsheng.EFORBIDDEN},
		{AppHired, AppReject, ByEmployer, "", minsheng.ECONFLICT},
		{AppOffer, AppReject, ByStaff, AppRejected, ""},
		{AppHired, AppEnd, BySeeker, AppLeft, ""},
		{AppOffer, AppEnd, ByEmployer, "", minsheng.ECONFLICT},
	} {
		to, err := NextApp(c.from, c.a, c.by)
		if c.code != "" {
			if !minsheng.IsCode(err, c.code) {
				t.Errorf("%s %s by %s: %v, want %s", c.from, c.a, c.by, err, c.code)
			}
			continue
		}
		if err != nil || to != c.to {
			t.Errorf("%s %s by %s: %s %v, want %s", c.from, c.a, c.by, to, err, c.to)
		}
	}
	if AppHired.Open() || !AppOffer.Open() {
		t.Error("open")
	}
}

func TestExpiry(t *testing.T) {
	// Published at 10:00 on 7 Dec (China): expires at the end of 6 Jan, reminded 3 days before.
	exp := ExpiresAt(KindFullTime, nil, day)
	want := time.Date(2027, 1, 7, 0, 0, 0, 0, China)
	if !exp.Equal(want) {
		t.Errorf("expires %s, want %s", exp.In(China), want)
	}
	if r := RemindAt(exp); !r.Equal(time.Date(2027, 1, 3, 0, 0, 0, 0, China)) {
		t.Errorf("remind %s", r.In(China))
	}
	if f := RemindFrom(time.Date(2027, 1, 3, 7, 0, 0, 0, China)); f.Before(exp) {
		t.Errorf("not reminded on 3 Jan: %s", f)
	}
	if f := RemindFrom(time.Date(2027, 1, 2, 23, 0, 0, 0, China)); !f.Before(exp) {
		t.Errorf("reminded on 2 Jan: %s", f)
	}
	// A gig expires at the end of its day.
	late := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC) // 23:00 in China, still 7 Dec
	if g := ExpiresAt(KindGig, &late, day); !g.Equal(time.Date(2026, 12, 8, 0, 0, 0, 0, China)) {
		t.Errorf("gig expires %s", g.In(China))
	}
	if f := FollowUpDue(day, 3); !f.Equal(time.Date(2027, 3, 7, 0, 0, 0, 0, China)) {
		t.Errorf("3-month follow-up due %s", f.In(China))
	}
}

func TestScore(t *testing.T) {
	p := goodPost() // 4-01-02, full time, 3000–4000, 兴海路街道
	for _, c := range []struct {
		name    string
		seeker  Seeker
		score   int
		reasons []string
	}{
		{"everything", Seeker{Skills: []string{"4-01-02"}, Kinds: []Kind{KindFullTime}, Area: "兴海路街道", SalaryMin: 3500}, 100,
			[]string{"occupation", "area", "kind", "salary"}},
		{"broader skill holds the post's code", Seeker{Skills: []string{"4-01"}, Kinds: []Kind{KindFullTime}, Area: "兴海路街道"}, 100, nil},
		{"same major group only", Seeker{Skills: []string{"4-07"}, Kinds: []Kind{KindFullTime}, Area: "兴海路街道"}, 80,
			[]string{"occupation_group", "area", "kind", "salary"}},
		{"asks more than the post pays", Seeker{Skills: []string{"4-01-02"}, Kinds: []Kind{KindFullTime}, Area: "兴海路街道", SalaryMin: 5000}, 85, nil},
		{"other area, wants gigs", Seeker{Skills: []string{"4-01-02"}, Kinds: []Kind{KindGig}, Area: "虎台街道"}, 55,
			[]string{"occupation", "salary"}},
		{"nothing but salary", Seeker{Skills: []string{"6-01"}, Kinds: []Kind{KindGig}, Area: "虎台街道"}, 15, []string{"salary"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := Score(p, &c.seeker)
			if m.Score != c.score {
				t.Errorf("score %d, want %d (%v)", m.Score, c.score, m.Reasons)
			}
			if c.reasons != nil {
				var got []string
				for _, r := range m.Reasons {
					got = append(got, r.Code)
				}
				if len(got) != len(c.reasons) {
					t.Fatalf("reasons %v, want %v", got, c.reasons)
				}
				for i := range got {
					if got[i] != c.reasons[i] {
						t.Errorf("reasons %v, want %v", got, c.reasons)
					}
				}
			}
		})
	}
}

func TestPointsIsScore(t *testing.T) {
	p := goodPost()
	for _, s := range []Seeker{{Skills: []string{"4-01"}, Kinds: []Kind{KindFullTime}, Area: "兴海路街道"}, {Skills: []string{"6"}, SalaryMin: 9000},
		{Skills: []string{"4-07", "4-01-02-01"}, Kinds: []Kind{KindGig, KindFullTime}}} {
		if Points(p, &s) != Score(p, &s).Score {
			t.Errorf("%+v: points %d, score %d", s, Points(p, &s), Score(p, &s).Score)
		}
	}
}

// Every way to reach PushScore has the area, or the occupation's group and
// the kind: store.ListPushCandidates narrows the seekers on that.
func TestPushScoreNeedsAreaOrGroupAndKind(t *testing.T) {
	p := goodPost()
	for _, skill := range []string{"4-01-02", "4-07", "6-01"} {
		for _, area := range []string{p.Area, "虎台街道"} {
			for _, kind := range Kinds {
				for _, min := range []int{0, 9000} {
					s := Seeker{Skills: []string{skill}, Area: area, Kinds: []Kind{kind}, SalaryMin: min}
					if Points(p, &s) >= PushScore && area != p.Area && (kind != p.Kind || MajorGroup(skill) != MajorGroup(p.Occupation)) {
						t.Errorf("%+v scores %d without the area, the group and the kind", s, Points(p, &s))
					}
				}
			}
		}
	}
}
