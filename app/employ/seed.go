package employ

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/creditcode"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/employ"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// The demo's employers, posts and seekers: Chengxi's supermarkets,
// property companies, restaurants, a logistics park, a care home and a
// clinic, hiring the district's residents.
var (
	seedEmployers = []struct{ name, body, contact, area string }{
		{"西宁市城西区惠民万家超市有限公司", "91630104MA7LKQ1T0", "王海燕", "兴海路街道"},
		{"青海西城物业服务有限公司", "91630104MA752D8R3", "李德明", "虎台街道"},
		{"西宁海湖颐养院", "52630104MJY1234K5", "马秀兰", "海湖新区街道"},
		{"城西区麒麟湾餐饮管理有限公司", "91630104MA75QW9X2", "韩永红", "胜利路街道"},
		{"青海通达物流园有限公司", "91630100MA7XN2T45", "祁国庆", "彭家寨镇"},
		{"西宁城西仁和口腔诊所", "92630104MA7C1B2D3", "赵丽华", "古城台街道"},
		{"西宁捷安家政服务有限公司", "91630104MA7E5F6G7", "冶春梅", "虎台街道"},
	}
	seedPosts = []struct {
		employer          int
		title, occupation string
		kind              employ.Kind
		min, max          int
		hours, area       string
	}{
		{0, "超市理货员", "4-01-02", employ.KindFullTime, 3000, 3800, "8:00-17:00，做六休一", "兴海路街道"},
		{0, "收银员", "4-01-02", employ.KindFullTime, 3200, 4000, "早晚两班倒", "兴海路街道"},
		{1, "小区保安", "4-03-03", employ.KindFullTime, 3000, 3500, "12小时轮班", "虎台街道"},
		{1, "保洁员", "4-10-05", employ.KindPartTime, 1800, 2200, "每天上午4小时", "虎台街道"},
		{2, "养老护理员", "4-10-01", employ.KindFullTime, 4000, 5200, "三班倒，包食宿", "海湖新区街道"},
		{3, "厨房帮工", "4-03-02", employ.KindFullTime, 3200, 3800, "10:00-21:00，月休4天", "胜利路街道"},
		{3, "服务员（周末）", "4-03-02", employ.KindPartTime, 100, 150, "周六、周日", "胜利路街道"},
		{4, "仓库分拣员", "4-02-06", employ.KindFullTime, 3800, 4800, "夜班，有补贴", "彭家寨镇"},
		{4, "叉车司机", "6-29-03", employ.KindFullTime, 5000, 6500, "白班", "彭家寨镇"},
		{5, "口腔诊所前台", "3-01-02", employ.KindFullTime, 3000, 3600, "9:00-18:00，周一休", "古城台街道"},
		{6, "家政服务员", "4-10-04", employ.KindFullTime, 3500, 5000, "住家或白班可选", "虎台街道"},
	}
	seedSeekers = []struct {
		name, phone, skills string
		kind                employ.Kind
		area                string
		hard                bool
	}{
		{"马小花", "13997011201", "4-01", employ.KindFullTime, "兴海路街道", true},
		{"韩国栋", "13997011202", "4-03", employ.KindFullTime, "虎台街道", true},
		{"冶秀英", "13997011203", "4-10", employ.KindFullTime, "海湖新区街道", true},
		{"李志强", "13997011204", "4-02", employ.KindFullTime, "彭家寨镇", false},
		{"祁桂兰", "13997011205", "4-10", employ.KindPartTime, "虎台街道", true},
		{"张德明", "13997011206", "6-29", employ.KindFullTime, "彭家寨镇", false},
		{"鲁海燕", "13997011207", "3-01", employ.KindFullTime, "古城台街道", false},
		{"朱文军", "13997011208", "4-03", employ.KindFullTime, "胜利路街道", true},
		{"何玉珍", "13997011209", "4-01", employ.KindFullTime, "兴海路街道", false},
		{"高永红", "13997011210", "4-03", employ.KindGig, "虎台街道", true},
		{"罗春梅", "13997011211", "4-10", employ.KindFullTime, "虎台街道", false},
		{"林卫东", "13997011212", "4-02", employ.KindFullTime, "彭家寨镇", true},
	}
)

// Seed adds the demo's job matching after the core's demo: the
// capability's seed, lived through the use cases on a clock of its own
// over the 90 days before now. Employers register and are verified, one
// is flagged for owing wages; posts are written, reviewed, published,
// pushed, applied to, hired from, expired and reposted; the grid worker
// registers seekers (most of them 就业困难) and records their follow-ups.
// It leaves a post in review, open posts for the seekers, and follow-ups
// due. The demo logins "employer" and "worker" are an employer's account
// and a seeker's own. It does nothing on a database that has employers
// already, or without the demo district's users.
func (s *Service) Seed(ctx context.Context) error {
	var staff, cw *org.User
	var district int64
	done := false
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		es, err := store.ListEmployers(ctx, tx, 0)
		if err != nil {
			return err
		}
		if done = len(es) > 0; done {
			return nil
		}
		if staff, err = store.GetUserByUsername(ctx, tx, "handler"); err != nil {
			return err
		}
		if cw, err = store.GetUserByUsername(ctx, tx, "grid_worker"); err != nil {
			return err
		}
		admin, err := store.GetUserByUsername(ctx, tx, "admin")
		if err != nil {
			return err
		}
		district = admin.UnitID
		return nil
	})
	if done || minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.now()
	start := employ.Day(now).AddDate(0, 0, -90).Add(9 * time.Hour)
	clock := minsheng.NewFakeClock(start)
	quiet := slog.New(slog.DiscardHandler)
	tickets := app.New(app.Config{DB: s.kit.DB(), Clock: clock, Logger: quiet})
	w := New(kit.New(s.kit.DB(), clock, quiet), tickets, s.cfg)
	return w.seedDemo(ctx, clock, now, staff, cw, district)
}

func (s *Service) seedDemo(ctx context.Context, clock *minsheng.FakeClock, now time.Time, staff, cw *org.User, district int64) error {
	hash, err := org.HashPassword(demo.Password)
	if err != nil {
		return err
	}
	boss, err := s.tickets.CreateUserWithHash(ctx, app.NewUser{Username: "employer", Name: "王海燕", Role: org.RoleEmployer, UnitID: district}, hash)
	if err != nil {
		return fmt.Errorf("demo employer login: %w", err)
	}
	worker, err := s.tickets.CreateUserWithHash(ctx, app.NewUser{Username: "worker", Name: "才让东智", Role: org.RoleWorker, UnitID: district}, hash)
	if err != nil {
		return fmt.Errorf("demo worker login: %w", err)
	}
	day := func(d int) { clock.Set(employ.Day(clock.Now()).AddDate(0, 0, d).Add(9 * time.Hour)) }
	expire := func() error {
		return s.kit.Write(ctx, func(tx *store.Tx) error { return s.expiryJob(ctx, tx) })
	}
	// Employers: the first is the "employer" login's, registered by itself.
	var emps []*employ.Employer
	for i, e := range seedEmployers {
		in := EmployerInput{Name: e.name, CreditCode: creditcode.WithCheck(e.body), ContactName: e.contact,
			ContactPhone: fmt.Sprintf("1389700%04d", 3101+i), Area: e.area}
		actor := staff
		if i == 0 {
			actor = boss
		}
		x, err := s.RegisterEmployer(ctx, actor, in)
		if err != nil {
			return fmt.Errorf("demo employer %s: %w", e.name, err)
		}
		if _, err := s.VerifyEmployer(ctx, staff, x.ID); err != nil {
			return err
		}
		emps = append(emps, x)
	}
	if _, err := s.FlagArrears(ctx, staff, emps[6].ID, true, "劳动保障监察大队认定拖欠3名家政员2个月工资，整改中"); err != nil {
		return err
	}
	// Seekers registered by the grid worker, subscribed with consent.
	var seekers []*employ.Seeker
	for _, k := range seedSeekers {
		x, err := s.RegisterSeeker(ctx, cw, SeekerInput{Name: k.name, Phone: k.phone, Skills: []string{k.skills},
			Kinds: []employ.Kind{k.kind}, Area: k.area, Hard: k.hard, Consent: true, Subscribed: true})
		if err != nil {
			return fmt.Errorf("demo seeker %s: %w", k.name, err)
		}
		seekers = append(seekers, x)
	}
	day(1)
	// The first wave of posts, published; matching seekers apply over the
	// next days and some are hired.
	publish := func(i int) (*employ.Post, error) {
		sp := seedPosts[i]
		actor := staff
		if sp.employer == 0 {
			actor = boss
		}
		p, err := s.CreatePost(ctx, actor, PostInput{EmployerID: emps[sp.employer].ID, Title: sp.title, Occupation: sp.occupation,
			Kind: sp.kind, SalaryMin: sp.min, SalaryMax: sp.max, Hours: sp.hours, Area: sp.area, Place: sp.area, Openings: 1 + i%3})
		if err != nil {
			return nil, fmt.Errorf("demo post %s: %w", sp.title, err)
		}
		if _, err := s.ActPost(ctx, actor, p.ID, employ.PostSubmit, ""); err != nil {
			return nil, err
		}
		return s.ActPost(ctx, staff, p.ID, employ.PostApprove, "")
	}
	var posts []*employ.Post
	for i := range 8 {
		p, err := publish(i)
		if err != nil {
			return err
		}
		posts = append(posts, p)
	}
	day(2)
	hires := 0
	for _, p := range posts {
		for _, k := range seekers {
			if employ.Score(p, k).Score < employ.PushScore {
				continue
			}
			a, err := s.Apply(ctx, cw, p.ID, k.ID, "")
			if err != nil {
				continue // placed, or the post filled
			}
			steps := []employ.AppAction{employ.AppView, employ.AppInvite, employ.AppMakeOffer, employ.AppHire}
			if (k.ID+p.ID)%4 == 0 {
				steps = []employ.AppAction{employ.AppView, employ.AppReject}
			}
			for _, st := range steps {
				if _, err := s.ActApplication(ctx, staff, a.ID, st, ""); err != nil {
					break
				}
				if st == employ.AppHire {
					hires++
				}
			}
		}
		day(1)
	}
	// A month on: the first follow-ups; posts of the first wave expire and
	// some are reposted in one step.
	day(32)
	if err := expire(); err != nil {
		return err
	}
	if err := s.followUpDue(ctx, cw, []employ.Outcome{employ.OutcomeEmployed, employ.OutcomeEmployed, employ.OutcomeChanged, employ.OutcomeLeft}); err != nil {
		return err
	}
	for _, p := range posts[:3] {
		if _, err := s.ActPost(ctx, staff, p.ID, employ.PostRepost, ""); err != nil && !minsheng.IsCode(err, minsheng.ECONFLICT) {
			return err
		}
	}
	// The rest of the demo runs up to now: the second wave, the expiry job
	// each day, the gig of today.
	for clock.Now().Before(now.AddDate(0, 0, -3)) {
		day(1)
		if err := expire(); err != nil {
			return err
		}
	}
	for i := 8; i < 10; i++ {
		if _, err := publish(i); err != nil {
			return err
		}
	}
	clock.Set(now.Add(-time.Hour))
	if err := expire(); err != nil {
		return err
	}
	today := now
	g, err := s.CreatePost(ctx, staff, PostInput{EmployerID: emps[1].ID, Title: "搬家帮工（今日）", Occupation: "4-02-06", Kind: employ.KindGig,
		SalaryMin: 200, SalaryMax: 260, Hours: "13:00-18:00", Area: "虎台街道", Place: "虎台街道杨家庄小区", Openings: 2, WorkDay: &today})
	if err != nil {
		return err
	}
	if _, err := s.ActPost(ctx, staff, g.ID, employ.PostSubmit, ""); err != nil {
		return err
	}
	if _, err := s.ActPost(ctx, staff, g.ID, employ.PostApprove, ""); err != nil {
		return err
	}
	// The "employer" login's new post waits for review; the "worker" login
	// has registered itself and sees the posts that match.
	p, err := s.CreatePost(ctx, boss, PostInput{EmployerID: emps[0].ID, Title: "生鲜区营业员", Occupation: "4-01-02", Kind: employ.KindFullTime,
		SalaryMin: 3300, SalaryMax: 4200, Hours: "7:00-16:00", Area: "兴海路街道", Place: "海湖路店", Openings: 2, Needs: "身体健康，能吃苦"})
	if err != nil {
		return err
	}
	if _, err := s.ActPost(ctx, boss, p.ID, employ.PostSubmit, ""); err != nil {
		return err
	}
	_, err = s.RegisterSeeker(ctx, worker, SeekerInput{Name: "才让东智", Phone: "13997011299", Skills: []string{"4-01", "4-02"},
		Kinds: []employ.Kind{employ.KindFullTime, employ.KindGig}, Area: "兴海路街道", SalaryMin: 3000, Consent: true, Subscribed: true})
	if err != nil {
		return err
	}
	s.kit.Log().Info("demo job matching", "employers", len(emps), "seekers", len(seekers)+1, "hires", hires)
	return nil
}

// followUpDue records the follow-ups due by now, with the outcomes in turn.
func (s *Service) followUpDue(ctx context.Context, cw *org.User, outcomes []employ.Outcome) error {
	fs, err := s.FollowUps(ctx, cw, false)
	if err != nil {
		return err
	}
	n := 0
	for _, f := range fs {
		if f.Due.After(s.now()) {
			continue
		}
		o := outcomes[n%len(outcomes)]
		n++
		if _, err := s.RecordFollowUp(ctx, cw, f.ApplicationID, f.Month, FollowUpInput{Outcome: o, Note: followUpNotes[o]}); err != nil {
			return err
		}
	}
	return nil
}

var followUpNotes = map[employ.Outcome]string{
	employ.OutcomeEmployed: "电话回访，本人在岗，单位评价良好",
	employ.OutcomeChanged:  "已换到附近超市工作，收入稳定",
	employ.OutcomeLeft:     "因照顾家人离职，已重新登记求职",
	employ.OutcomeNoReach:  "两次电话未接通",
}
