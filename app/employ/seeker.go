package employ

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/employ"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/jobs"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/store"
)

// SeekerInput registers a seeker or changes their profile.
type SeekerInput struct {
	Name       string        `json:"name"`
	Phone      string        `json:"phone"`
	IDNumber   string        `json:"id_number"` // optional: looked up in the household registry
	Skills     []string      `json:"skills"`
	Kinds      []employ.Kind `json:"kinds"`
	Area       string        `json:"area"`
	SalaryMin  int           `json:"salary_min"`
	Hard       bool          `json:"hard"`
	Consent    bool          `json:"consent"`
	Subscribed bool          `json:"subscribed"`
}

func (in SeekerInput) apply(k *employ.Seeker) {
	k.Name, k.Phone, k.Area = strings.TrimSpace(in.Name), personal.NormalizePhone(in.Phone), strings.TrimSpace(in.Area)
	if !strings.Contains(in.IDNumber, "*") { // a masked number sent back unchanged keeps the one on file
		k.IDNumber = personal.NormalizeIDNumber(in.IDNumber)
	}
	k.Skills = k.Skills[:0]
	for _, c := range in.Skills {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(k.Skills, c) {
			k.Skills = append(k.Skills, c)
		}
	}
	k.Kinds = nil
	for _, kd := range in.Kinds {
		if !slices.Contains(k.Kinds, kd) {
			k.Kinds = append(k.Kinds, kd)
		}
	}
	k.SalaryMin, k.Hard, k.Consent, k.Subscribed = in.SalaryMin, in.Hard, in.Consent, in.Subscribed
}

// RegisterSeeker registers a seeker: a worker account registers itself
// (once), a caseworker registers a resident and becomes their caseworker.
// Only a caseworker sets the 就业困难 flag. Subscribing to pushes needs the
// consent to be contacted.
func (s *Service) RegisterSeeker(ctx context.Context, actor *org.User, in SeekerInput) (*employ.Seeker, error) {
	if err := kit.Require(actor, append([]org.Role{org.RoleWorker}, CaseworkerRoles...)...); err != nil {
		return nil, err
	}
	k := &employ.Seeker{Skills: []string{}, CreatedAt: s.now(), Version: 1}
	in.apply(k)
	if isCaseworker(actor) {
		if !kit.IsSystem(actor) {
			k.Caseworker = actor.ID
		}
	} else {
		k.UserID, k.Hard = actor.ID, false
	}
	if err := employ.CheckSeeker(k); err != nil {
		return nil, err
	}
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		from, err := hardFromRegistry(ctx, tx, k)
		if err != nil {
			return err
		}
		if k.UserID != 0 {
			if ks, err := store.ListSeekers(ctx, tx, store.SeekerFilter{UserID: k.UserID, Limit: 1}); err != nil {
				return err
			} else if len(ks) > 0 {
				return minsheng.Errorf(minsheng.ECONFLICT, "you are registered already").Because("seeker_registered")
			}
		}
		if k.ID, err = tx.NextID(ctx); err != nil {
			return err
		}
		if err := store.InsertSeeker(ctx, tx, k); err != nil {
			return err
		}
		data := map[string]string{"skills": strings.Join(k.Skills, ","), "hard": fmt.Sprint(k.Hard), "consent": fmt.Sprint(k.Consent),
			"subscribed": fmt.Sprint(k.Subscribed)}
		if from != "" {
			data["hard_from"] = from
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectSeeker, ObjectID: k.ID, Action: "register", Data: data})
		return err
	})
	if err != nil {
		return nil, err
	}
	m := seekerFor(actor, k)
	return &m, nil
}

// HardTags are the household registry's tags that make a person
// 就业困难 (entitled to employment assistance): members of a 低保 or 特困
// household, and people with a disability.
var HardTags = []household.Tag{household.TagSubsistence, household.TagExtremePoverty, household.TagDisability}

// hardFromRegistry sets the seeker's 就业困难 flag when their ID number is
// in the household registry with one of HardTags, on the person or on
// their household, and returns the tag ("" when not found). The registry
// is read by the ID number only; nothing of it is copied to the seeker.
func hardFromRegistry(ctx context.Context, tx *store.Tx, k *employ.Seeker) (string, error) {
	if k.IDNumber == "" {
		return "", nil
	}
	p, err := store.FindPersonByIDNumber(ctx, tx, k.IDNumber)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	h, err := store.GetHousehold(ctx, tx, p.HouseholdID)
	if err != nil {
		return "", err
	}
	for _, t := range h.Tags {
		if (t.PersonID == 0 || t.PersonID == p.ID) && slices.Contains(HardTags, t.Tag) {
			k.Hard = true
			return string(t.Tag), nil
		}
	}
	return "", nil
}

// loadSeekerTx loads a seeker the actor acts for, and as whom: a
// caseworker any seeker (as staff), a worker account its own profile (as
// the seeker); ENOTFOUND otherwise.
func loadSeekerTx(ctx context.Context, tx *store.Tx, actor *org.User, seekerID int64) (*employ.Seeker, employ.Party, error) {
	if err := kit.Require(actor, append([]org.Role{org.RoleWorker}, CaseworkerRoles...)...); err != nil {
		return nil, "", err
	}
	k, err := store.GetSeeker(ctx, tx, seekerID)
	if err != nil {
		return nil, "", err
	}
	switch {
	case isCaseworker(actor):
		return k, employ.ByStaff, nil
	case k.UserID == actor.ID:
		return k, employ.BySeeker, nil
	}
	return nil, "", minsheng.Errorf(minsheng.ENOTFOUND, "seeker %d not found", seekerID)
}

// UpdateSeeker changes a seeker's profile: skills, kinds, area, salary,
// consent and subscription (a caseworker also the 就业困难 flag).
func (s *Service) UpdateSeeker(ctx context.Context, actor *org.User, seekerID int64, in SeekerInput) (*employ.Seeker, error) {
	var k *employ.Seeker
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		var by employ.Party
		var err error
		if k, by, err = loadSeekerTx(ctx, tx, actor, seekerID); err != nil {
			return err
		}
		hard := k.Hard
		in.apply(k)
		if by == employ.BySeeker {
			k.Hard = hard
		}
		if err := employ.CheckSeeker(k); err != nil {
			return err
		}
		if _, err := hardFromRegistry(ctx, tx, k); err != nil {
			return err
		}
		k.Version++
		if err := store.UpdateSeeker(ctx, tx, k); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectSeeker, ObjectID: k.ID, Action: "update",
			Data: map[string]string{"skills": strings.Join(k.Skills, ","), "hard": fmt.Sprint(k.Hard), "consent": fmt.Sprint(k.Consent),
				"subscribed": fmt.Sprint(k.Subscribed)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	m := seekerFor(actor, k)
	return &m, nil
}

// Subscribe sets a seeker's consent to be contacted and their
// subscription to pushes (the seeker or a caseworker); subscribing needs
// the consent.
func (s *Service) Subscribe(ctx context.Context, actor *org.User, seekerID int64, consent, subscribed bool) error {
	return s.kit.Write(ctx, func(tx *store.Tx) error {
		k, _, err := loadSeekerTx(ctx, tx, actor, seekerID)
		if err != nil {
			return err
		}
		k.Consent, k.Subscribed = consent, subscribed
		if err := employ.CheckSeeker(k); err != nil {
			return err
		}
		k.Version++
		if err := store.UpdateSeeker(ctx, tx, k); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectSeeker, ObjectID: k.ID, Action: "subscription",
			Data: map[string]string{"consent": fmt.Sprint(consent), "subscribed": fmt.Sprint(subscribed)}})
		return err
	})
}

// AssignCaseworker makes a user the seeker's caseworker (就业援助): staff
// assign anyone holding a caseworker role; a caseworker takes a seeker
// (userID 0: the actor). The caseworker follows up the seeker's
// placements.
func (s *Service) AssignCaseworker(ctx context.Context, actor *org.User, seekerID, userID int64) (*employ.Seeker, error) {
	if err := kit.Require(actor, CaseworkerRoles...); err != nil {
		return nil, err
	}
	if userID == 0 {
		userID = actor.ID
	}
	if userID != actor.ID && !isStaff(actor) {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "only staff assign a seeker to someone else")
	}
	var k *employ.Seeker
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		var err error
		if k, _, err = loadSeekerTx(ctx, tx, actor, seekerID); err != nil {
			return err
		}
		u, err := store.GetUser(ctx, tx, userID)
		if err != nil || !u.Active || !u.HasAny(CaseworkerRoles...) {
			return minsheng.FieldError("user_id", "no such caseworker").Because("caseworker_unknown")
		}
		if k.Caseworker == u.ID {
			return minsheng.Errorf(minsheng.ECONFLICT, "this is the seeker's caseworker already").Because("caseworker_same")
		}
		data := map[string]string{"caseworker": id(u.ID), "before": id(k.Caseworker)}
		k.Caseworker, k.Version = u.ID, k.Version+1
		if err := store.UpdateSeeker(ctx, tx, k); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectSeeker, ObjectID: k.ID, Action: "caseworker", Data: data})
		return err
	})
	if err != nil {
		return nil, err
	}
	m := seekerFor(actor, k)
	return &m, nil
}

// Seekers lists the seekers, masked: for caseworkers all (with mine, only
// their own), for a worker account its own profile.
func (s *Service) Seekers(ctx context.Context, actor *org.User, mine bool) ([]employ.Seeker, error) {
	if err := kit.Require(actor, append([]org.Role{org.RoleWorker}, CaseworkerRoles...)...); err != nil {
		return nil, err
	}
	f := store.SeekerFilter{}
	switch {
	case !isCaseworker(actor):
		f.UserID = actor.ID
	case mine:
		f.Caseworker = actor.ID
	}
	var ks []*employ.Seeker
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) { ks, err = store.ListSeekers(ctx, tx, f); return })
	out := make([]employ.Seeker, len(ks))
	for i, k := range ks {
		out[i] = seekerFor(actor, k)
	}
	return out, err
}

// Opening is a published post as a seeker sees it: the match, and the
// application if there is one.
type Opening struct {
	Post        *employ.Post        `json:"post"`
	Match       employ.Match        `json:"match"`
	Application *employ.Application `json:"application,omitempty"`
}

// SeekerView is a seeker, masked, with the published posts that match
// them best, their applications and their follow-ups.
type SeekerView struct {
	Seeker       employ.Seeker                `json:"seeker"`
	Openings     []Opening                    `json:"openings"`
	Applications []Opening                    `json:"applications"`
	FollowUps    []*employ.FollowUp           `json:"follow_ups"`
	Timeline     []store.TimelineEvent        `json:"timeline"`
	AppActions   map[int64][]employ.AppAction `json:"app_actions"`
}

// Me returns the seeker profile of a worker account: ENOTFOUND when it
// has none yet.
func (s *Service) Me(ctx context.Context, actor *org.User) (*SeekerView, error) {
	if err := kit.Require(actor, org.RoleWorker); err != nil {
		return nil, err
	}
	var sid int64
	if err := s.kit.Read(ctx, func(tx *store.Tx) error {
		ks, err := store.ListSeekers(ctx, tx, store.SeekerFilter{UserID: actor.ID, Limit: 1})
		if err == nil && len(ks) == 0 {
			return minsheng.Errorf(minsheng.ENOTFOUND, "no seeker profile yet")
		}
		if err == nil {
			sid = ks[0].ID
		}
		return err
	}); err != nil {
		return nil, err
	}
	return s.Seeker(ctx, actor, sid)
}

// Seeker returns a seeker the actor acts for, with the published posts
// matching them (score at least employ.PushScore, best first, at most 20).
func (s *Service) Seeker(ctx context.Context, actor *org.User, seekerID int64) (*SeekerView, error) {
	var v *SeekerView
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		k, by, err := loadSeekerTx(ctx, tx, actor, seekerID)
		if err != nil {
			return err
		}
		v = &SeekerView{Seeker: seekerFor(actor, k), Openings: []Opening{}, Applications: []Opening{}, AppActions: map[int64][]employ.AppAction{},
			Timeline: []store.TimelineEvent{}}
		as, err := store.ListApplications(ctx, tx, 0, k.ID)
		if err != nil {
			return err
		}
		applied := map[int64]bool{}
		for _, a := range as {
			p, err := store.GetPost(ctx, tx, a.PostID)
			if err != nil {
				return err
			}
			applied[p.ID] = true
			v.Applications = append(v.Applications, Opening{Post: p, Match: employ.Score(p, k), Application: a})
			v.AppActions[a.ID] = employ.AppActionsFor(a.Status, by)
		}
		ps, err := store.ListPosts(ctx, tx, store.PostFilter{Status: employ.PostPublished})
		if err != nil {
			return err
		}
		for _, p := range ps {
			if m := employ.Score(p, k); m.Score >= employ.PushScore && !applied[p.ID] {
				v.Openings = append(v.Openings, Opening{Post: p, Match: m})
			}
		}
		slices.SortStableFunc(v.Openings, func(a, b Opening) int { return b.Match.Score - a.Match.Score })
		if len(v.Openings) > 20 {
			v.Openings = v.Openings[:20]
		}
		if v.FollowUps, err = store.ListFollowUps(ctx, tx, store.FollowUpFilter{SeekerID: k.ID}); err != nil {
			return err
		}
		if by == employ.ByStaff {
			v.Timeline, err = store.ListTimeline(ctx, tx, ObjectSeeker, k.ID)
		}
		return err
	})
	return v, err
}

// Contact is a seeker's unmasked name and phone.
type Contact struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// RevealSeeker returns a seeker's name and phone to a caseworker, or to
// the employer of a post the seeker applied to (to call them for an
// interview), with the reason; audited and limited by app.RevealTx.
func (s *Service) RevealSeeker(ctx context.Context, actor *org.User, seekerID int64, reason, ip string) (*Contact, error) {
	if err := kit.Require(actor, append([]org.Role{org.RoleEmployer}, CaseworkerRoles...)...); err != nil {
		return nil, err
	}
	var c *Contact
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		k, err := store.GetSeeker(ctx, tx, seekerID)
		if err != nil {
			return err
		}
		if !isCaseworker(actor) {
			ok, err := appliedToEmployerOf(ctx, tx, actor.ID, k.ID)
			if err != nil {
				return err
			}
			if !ok {
				return minsheng.Errorf(minsheng.EFORBIDDEN, "only the employers the seeker applied to see their contact")
			}
		}
		if err := s.tickets.RevealTx(ctx, tx, actor, app.Reveal{Object: ObjectSeeker, ObjectID: k.ID, Reason: reason, IP: ip}); err != nil {
			return err
		}
		c = &Contact{Name: k.Name, Phone: k.Phone}
		return nil
	})
	return c, err
}

// appliedToEmployerOf reports whether the seeker applied to a post of an
// employer of the account.
func appliedToEmployerOf(ctx context.Context, tx *store.Tx, userID, seekerID int64) (bool, error) {
	as, err := store.ListApplications(ctx, tx, 0, seekerID)
	if err != nil {
		return false, err
	}
	for _, a := range as {
		p, err := store.GetPost(ctx, tx, a.PostID)
		if err != nil {
			return false, err
		}
		e, err := store.GetEmployer(ctx, tx, p.EmployerID)
		if err != nil {
			return false, err
		}
		if e.UserID == userID {
			return true, nil
		}
	}
	return false, nil
}

// pushTx sends a post just published to the subscribed, consenting
// seekers it matches (score at least employ.PushScore) who are not placed
// in a full-time job, by SMS through the outbox: the best
// Config.PushPerPost of them, once a post and seeker, and at most
// Config.PushPerDay posts a seeker in 24 hours. The post's timeline
// records how many went out, how many the daily limit held back and how
// many were left beyond the best.
func (s *Service) pushTx(ctx context.Context, tx *store.Tx, p *employ.Post) error {
	ks, err := store.ListPushCandidates(ctx, tx, employ.MajorGroup(p.Occupation), p.Area, string(p.Kind))
	if err != nil {
		return err
	}
	now := s.now()
	counts, err := store.CountPushes(ctx, tx, now.AddDate(0, 0, -1))
	if err != nil {
		return err
	}
	limited := 0
	var fit []*employ.Seeker
	for _, k := range ks {
		if employ.Points(p, k) < employ.PushScore {
			continue
		}
		if counts[k.ID] >= s.cfg.PushPerDay {
			limited++
			continue
		}
		fit = append(fit, k)
	}
	slices.SortStableFunc(fit, func(a, b *employ.Seeker) int { return employ.Points(p, b) - employ.Points(p, a) })
	beyond := max(0, len(fit)-s.cfg.PushPerPost)
	fit = fit[:len(fit)-beyond]
	var msgs []notify.Message
	for _, k := range fit {
		pts := employ.Points(p, k)
		if k, err = store.GetSeeker(ctx, tx, k.ID); err != nil {
			return err
		}
		fresh, err := store.InsertPush(ctx, tx, k.ID, p.ID, now)
		if err != nil {
			return err
		}
		if !fresh {
			continue
		}
		msgs = append(msgs, notify.Message{Channel: notify.ChannelSMS, To: k.Phone, Template: "employ.push", Lang: "zh", UserID: k.UserID,
			Body: fmt.Sprintf("【城西e就业】有新岗位与您匹配（%d分）：%s，%s，%d-%d元，%s。登录城西e就业查看并报名；不想再收到请在页面取消订阅。",
				pts, p.Employer, p.Title, p.SalaryMin, p.SalaryMax, p.Area)})
	}
	if len(msgs) == 0 && limited == 0 {
		return nil
	}
	_, err = s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectPost, ObjectID: p.ID, Action: "push",
		Data: map[string]string{"sent": fmt.Sprint(len(msgs)), "limited": fmt.Sprint(limited), "beyond": fmt.Sprint(beyond)}, Messages: msgs})
	return err
}

// Job kinds.
const JobExpiry = "employ.expiry"

// Jobs returns the handlers of the capability's job kinds: the daily
// expiry of posts with its reminders.
func (s *Service) Jobs() map[string]jobs.Handler {
	return map[string]jobs.Handler{JobExpiry: func(ctx context.Context, tx *store.Tx, _ *jobs.Job) error { return s.expiryJob(ctx, tx) }}
}
