package employ

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/employ"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// Apply sends a seeker's application to a published post: a worker
// account for itself, a caseworker for a seeker of theirs. The match is
// kept with the application.
func (s *Service) Apply(ctx context.Context, actor *org.User, postID, seekerID int64, note string) (*employ.Application, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 500 {
		return nil, minsheng.FieldError("note", "at most 500 characters")
	}
	var a *employ.Application
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		if seekerID == 0 && actor != nil && actor.Has(org.RoleWorker) {
			ks, err := store.ListSeekers(ctx, tx, store.SeekerFilter{UserID: actor.ID, Limit: 1})
			if err != nil {
				return err
			}
			if len(ks) == 0 {
				return minsheng.Errorf(minsheng.ECONFLICT, "register as a seeker first").Because("seeker_unregistered")
			}
			seekerID = ks[0].ID
		}
		k, _, err := loadSeekerTx(ctx, tx, actor, seekerID)
		if err != nil {
			if minsheng.IsCode(err, minsheng.ENOTFOUND) {
				return minsheng.FieldError("seeker_id", "no such seeker")
			}
			return err
		}
		p, err := store.GetPost(ctx, tx, postID)
		if err != nil {
			return err
		}
		if p.Status != employ.PostPublished {
			return minsheng.Errorf(minsheng.ECONFLICT, "the post is not open for applications").Because("post_closed")
		}
		now := s.now()
		a = &employ.Application{PostID: p.ID, SeekerID: k.ID, Status: employ.AppApplied, Score: employ.Score(p, k).Score, Note: note,
			AppliedAt: now, UpdatedAt: now, Version: 1}
		if a.ID, err = tx.NextID(ctx); err != nil {
			return err
		}
		if err := store.InsertApplication(ctx, tx, a); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectApplication, ObjectID: a.ID, Action: "apply", Note: note,
			Data: map[string]string{"post": id(p.ID), "seeker": id(k.ID), "score": fmt.Sprint(a.Score)}})
		return err
	})
	return a, err
}

// ActApplication moves an application: the post's employer (or staff)
// views, invites to interview, offers, hires or rejects; the seeker (or
// their caseworker) withdraws; either side ends a job (the person is then
// free for another full-time post). Hiring into a full-time post refuses a
// seeker placed in another full-time post; it places the seeker, plans
// the follow-ups of a 就业困难 seeker at 1, 3 and 6 months, tells the
// seeker by SMS when they consented, and fills the post when its openings
// are taken.
func (s *Service) ActApplication(ctx context.Context, actor *org.User, appID int64, act employ.AppAction, note string) (*employ.Application, error) {
	if err := kit.Require(actor, org.AllRoles...); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 500 {
		return nil, minsheng.FieldError("note", "at most 500 characters")
	}
	var a *employ.Application
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		var err error
		if a, err = store.GetApplication(ctx, tx, appID); err != nil {
			return err
		}
		p, err := store.GetPost(ctx, tx, a.PostID)
		if err != nil {
			return err
		}
		k, err := store.GetSeeker(ctx, tx, a.SeekerID)
		if err != nil {
			return err
		}
		by, err := s.partyOf(ctx, tx, actor, p, k)
		if err != nil {
			return err
		}
		to, err := employ.NextApp(a.Status, act, by)
		if err != nil {
			return err
		}
		now := s.now()
		data := map[string]string{"from": string(a.Status), "to": string(to), "post": id(p.ID)}
		var msgs []notify.Message
		if act == employ.AppHire {
			if p.Kind == employ.KindFullTime {
				if k.PlacedAt != nil {
					return minsheng.Errorf(minsheng.ECONFLICT, "the seeker is placed in another full-time job").Because("hired_elsewhere")
				}
				k.PlacedAt = &now
			}
			k.Version++
			if err := store.UpdateSeeker(ctx, tx, k); err != nil { // the seeker's version guards two hires at once
				return err
			}
			a.HiredAt = &now
			if k.Hard {
				for _, m := range employ.FollowUpMonths {
					if err := store.InsertFollowUp(ctx, tx, &employ.FollowUp{ApplicationID: a.ID, SeekerID: k.ID, Month: m,
						Due: employ.FollowUpDue(now, m)}); err != nil {
						return err
					}
				}
				data["follow_ups"] = "1,3,6"
			}
		}
		if act == employ.AppEnd {
			if p.Kind == employ.KindFullTime && k.PlacedAt != nil {
				k.PlacedAt, k.Version = nil, k.Version+1 // free for another full-time post
				if err := store.UpdateSeeker(ctx, tx, k); err != nil {
					return err
				}
			}
			// The follow-ups still to come find the person gone from this job.
			fs, err := store.ListFollowUps(ctx, tx, store.FollowUpFilter{SeekerID: k.ID, Open: true})
			if err != nil {
				return err
			}
			for _, f := range fs {
				if f.ApplicationID == a.ID {
					f.DoneAt, f.Outcome, f.Note = &now, employ.OutcomeLeft, "任职已结束"
					if err := store.RecordFollowUp(ctx, tx, f); err != nil {
						return err
					}
				}
			}
		}
		if (act == employ.AppInvite || act == employ.AppMakeOffer || act == employ.AppHire) && k.Consent {
			msgs = append(msgs, notify.Message{Channel: notify.ChannelSMS, To: k.Phone, Template: "employ.application", Lang: "zh",
				Body: fmt.Sprintf("【城西e就业】您应聘的「%s（%s）」有新进展：%s。详情请登录城西e就业查看。", p.Title, p.Employer, appStepText[act])})
		}
		a.Status, a.UpdatedAt, a.Version = to, now, a.Version+1
		if note != "" {
			a.Note = note
		}
		if err := store.UpdateApplication(ctx, tx, a); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectApplication, ObjectID: a.ID, Action: string(act),
			Note: note, Data: data, Messages: msgs}); err != nil {
			return err
		}
		if act == employ.AppHire && p.Status == employ.PostPublished {
			as, err := store.ListApplications(ctx, tx, p.ID, 0)
			if err != nil {
				return err
			}
			hired := 0
			for _, x := range as {
				if x.Status == employ.AppHired {
					hired++
				}
			}
			if hired >= p.Openings {
				return s.movePostTx(ctx, tx, kit.System(), p, employ.PostFill, "招满", nil)
			}
		}
		return nil
	})
	return a, err
}

var appStepText = map[employ.AppAction]string{employ.AppInvite: "邀请面试", employ.AppMakeOffer: "发出录用意向", employ.AppHire: "已录用"}

// partyOf says as whom the actor acts on an application: staff, the
// post's employer, or the seeker (their own account, or their
// caseworker); ENOTFOUND for anyone else.
func (s *Service) partyOf(ctx context.Context, tx *store.Tx, actor *org.User, p *employ.Post, k *employ.Seeker) (employ.Party, error) {
	switch {
	case kit.IsSystem(actor):
		return employ.BySystem, nil
	case actor.HasAny(StaffRoles...):
		return employ.ByStaff, nil
	case actor.Has(org.RoleEmployer):
		e, err := store.GetEmployer(ctx, tx, p.EmployerID)
		if err != nil {
			return "", err
		}
		if e.UserID == actor.ID {
			return employ.ByEmployer, nil
		}
	}
	if (actor.Has(org.RoleWorker) && k.UserID == actor.ID) || (k.Caseworker == actor.ID && actor.HasAny(CaseworkerRoles...)) {
		return employ.BySeeker, nil
	}
	return "", minsheng.Errorf(minsheng.ENOTFOUND, "application not found")
}

// FollowUpView is a follow-up with its seeker (masked) and post.
type FollowUpView struct {
	*employ.FollowUp
	Seeker  employ.Seeker `json:"seeker"`
	Post    string        `json:"post"`
	Overdue bool          `json:"overdue"`
}

// FollowUps lists the follow-ups of assisted placements: a caseworker's
// own seekers' (staff: all), open ones only unless all.
func (s *Service) FollowUps(ctx context.Context, actor *org.User, all bool) ([]FollowUpView, error) {
	if err := kit.Require(actor, CaseworkerRoles...); err != nil {
		return nil, err
	}
	f := store.FollowUpFilter{Open: !all}
	if !isStaff(actor) {
		f.Caseworker = actor.ID
	}
	var out []FollowUpView
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		fs, err := store.ListFollowUps(ctx, tx, f)
		if err != nil {
			return err
		}
		now := s.now()
		for _, fu := range fs {
			k, err := store.GetSeeker(ctx, tx, fu.SeekerID)
			if err != nil {
				return err
			}
			a, err := store.GetApplication(ctx, tx, fu.ApplicationID)
			if err != nil {
				return err
			}
			p, err := store.GetPost(ctx, tx, a.PostID)
			if err != nil {
				return err
			}
			out = append(out, FollowUpView{FollowUp: fu, Seeker: seekerFor(actor, k), Post: p.Employer + " · " + p.Title,
				Overdue: fu.DoneAt == nil && now.After(fu.Due.AddDate(0, 0, 7))})
		}
		return nil
	})
	return out, err
}

// FollowUpInput is what a caseworker found.
type FollowUpInput struct {
	Outcome employ.Outcome `json:"outcome"`
	Note    string         `json:"note"`
}

// RecordFollowUp records a follow-up's outcome, once, from its due day
// on. A seeker who left the job is no longer placed.
func (s *Service) RecordFollowUp(ctx context.Context, actor *org.User, appID int64, month int, in FollowUpInput) (*employ.FollowUp, error) {
	if err := kit.Require(actor, CaseworkerRoles...); err != nil {
		return nil, err
	}
	if !in.Outcome.Valid() {
		return nil, minsheng.FieldError("outcome", "the outcome is employed, changed, left or no_reach")
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > 500 {
		return nil, minsheng.FieldError("note", "at most 500 characters")
	}
	var out *employ.FollowUp
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		fs, err := store.ListFollowUps(ctx, tx, store.FollowUpFilter{})
		if err != nil {
			return err
		}
		i := slices.IndexFunc(fs, func(f *employ.FollowUp) bool { return f.ApplicationID == appID && f.Month == month })
		if i < 0 {
			return minsheng.Errorf(minsheng.ENOTFOUND, "follow-up %d/%d not found", appID, month)
		}
		out = fs[i]
		k, err := store.GetSeeker(ctx, tx, out.SeekerID)
		if err != nil {
			return err
		}
		if !isStaff(actor) && k.Caseworker != actor.ID {
			return minsheng.Errorf(minsheng.ENOTFOUND, "follow-up %d/%d not found", appID, month)
		}
		now := s.now()
		if now.Before(out.Due.AddDate(0, 0, -7)) {
			return minsheng.Errorf(minsheng.ECONFLICT, "the follow-up is not due yet").Because("followup_early")
		}
		out.DoneAt, out.Outcome, out.Note = &now, in.Outcome, in.Note
		if err := store.RecordFollowUp(ctx, tx, out); err != nil {
			return err
		}
		if in.Outcome == employ.OutcomeLeft && k.PlacedAt != nil {
			k.PlacedAt, k.Version = nil, k.Version+1
			if err := store.UpdateSeeker(ctx, tx, k); err != nil {
				return err
			}
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectSeeker, ObjectID: k.ID, Action: "follow_up", Note: in.Note,
			Data: map[string]string{"application": id(appID), "month": fmt.Sprint(month), "outcome": string(in.Outcome)}})
		return err
	})
	return out, err
}

// Figures are the counts of job matching, with what each rate counts.
type Figures struct {
	Posts        map[employ.PostStatus]int `json:"posts"`
	Employers    int                       `json:"employers"`
	Flagged      int                       `json:"flagged"` // owing wages
	Seekers      int                       `json:"seekers"`
	Hard         int                       `json:"hard"` // 就业困难
	Subscribed   int                       `json:"subscribed"`
	Applications int                       `json:"applications"`
	Placements   int                       `json:"placements"`      // applications that led to a hire
	HardPlaced   int                       `json:"hard_placements"` // of 就业困难 seekers
	// DaysToPlacement is the median of the days from a seeker's
	// registration to their first hire (nil without placements).
	DaysToPlacement *float64 `json:"days_to_placement,omitempty"`
	// Retention at 1, 3 and 6 months: follow-ups finding the person
	// working ÷ follow-ups recorded.
	Retention []Retention `json:"retention"`
	Overdue   int         `json:"overdue_follow_ups"`
}

// Retention is one follow-up month's retention, with its counts.
type Retention struct {
	Month    int      `json:"month"`
	Retained int      `json:"retained"`
	Done     int      `json:"done"`
	Rate     *float64 `json:"rate,omitempty"`
}

// Figures returns the figures of job matching.
func (s *Service) Figures(ctx context.Context, actor *org.User) (*Figures, error) {
	if err := kit.Require(actor, ReaderRoles...); err != nil {
		return nil, err
	}
	f := &Figures{Posts: map[employ.PostStatus]int{}}
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		var err error
		if f.Posts, err = store.CountPosts(ctx, tx); err != nil {
			return err
		}
		es, err := store.ListEmployers(ctx, tx, 0)
		if err != nil {
			return err
		}
		for _, e := range es {
			f.Employers++
			if e.Arrears {
				f.Flagged++
			}
		}
		ks, err := store.ListSeekers(ctx, tx, store.SeekerFilter{})
		if err != nil {
			return err
		}
		var days []float64
		for _, k := range ks {
			f.Seekers++
			if k.Hard {
				f.Hard++
			}
			if k.Subscribed && k.Consent {
				f.Subscribed++
			}
			as, err := store.ListApplications(ctx, tx, 0, k.ID)
			if err != nil {
				return err
			}
			var first *time.Time
			for _, a := range as {
				f.Applications++
				if a.HiredAt != nil { // hired, whether the job goes on or ended
					f.Placements++
					if k.Hard {
						f.HardPlaced++
					}
					if a.HiredAt != nil && (first == nil || a.HiredAt.Before(*first)) {
						first = a.HiredAt
					}
				}
			}
			if first != nil {
				days = append(days, first.Sub(k.CreatedAt).Hours()/24)
			}
		}
		if len(days) > 0 {
			slices.Sort(days)
			m := days[len(days)/2]
			if len(days)%2 == 0 {
				m = (days[len(days)/2-1] + days[len(days)/2]) / 2
			}
			m = float64(int(m*10+0.5)) / 10
			f.DaysToPlacement = &m
		}
		fs, err := store.ListFollowUps(ctx, tx, store.FollowUpFilter{})
		if err != nil {
			return err
		}
		now := s.now()
		for _, month := range employ.FollowUpMonths {
			r := Retention{Month: month}
			for _, fu := range fs {
				if fu.Month != month {
					continue
				}
				if fu.DoneAt != nil && fu.Outcome != employ.OutcomeNoReach {
					r.Done++
					if fu.Outcome.Retained() {
						r.Retained++
					}
				}
			}
			if r.Done > 0 {
				v := float64(r.Retained) / float64(r.Done)
				r.Rate = &v
			}
			f.Retention = append(f.Retention, r)
		}
		for _, fu := range fs {
			if fu.DoneAt == nil && now.After(fu.Due.AddDate(0, 0, 7)) {
				f.Overdue++
			}
		}
		return nil
	})
	return f, err
}
