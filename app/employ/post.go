package employ

import (
	"cmp"
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

// PostInput is what an employer writes in a post.
type PostInput struct {
	EmployerID int64       `json:"employer_id,string"`
	Title      string      `json:"title"`
	Occupation string      `json:"occupation"`
	Kind       employ.Kind `json:"kind"`
	SalaryMin  int         `json:"salary_min"`
	SalaryMax  int         `json:"salary_max"`
	Hours      string      `json:"hours"`
	Area       string      `json:"area"`
	Place      string      `json:"place"`
	Openings   int         `json:"openings"`
	Needs      string      `json:"requirements"`
	WorkDay    *time.Time  `json:"work_day"` // a gig's day
}

func (in PostInput) apply(p *employ.Post) {
	p.Title, p.Occupation, p.Kind = strings.TrimSpace(in.Title), strings.TrimSpace(in.Occupation), in.Kind
	p.SalaryMin, p.SalaryMax, p.Hours = in.SalaryMin, in.SalaryMax, strings.TrimSpace(in.Hours)
	p.Area, p.Place, p.Openings, p.Needs = strings.TrimSpace(in.Area), strings.TrimSpace(in.Place), in.Openings, strings.TrimSpace(in.Needs)
	p.WorkDay = nil
	if in.WorkDay != nil {
		d := employ.Day(*in.WorkDay)
		p.WorkDay = &d
	}
	if p.Kind == "" {
		p.Kind = employ.KindFullTime
	}
	if p.Openings == 0 {
		p.Openings = 1
	}
}

// refuseFlagged returns the error of an employer that may not post: owing
// wages (欠薪).
func refuseFlagged(e *employ.Employer) error {
	if e.Arrears {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "the employer is flagged for owing wages and cannot post").Because("employer_arrears")
	}
	return nil
}

// CreatePost writes a draft post of an employer the actor acts for. A
// flagged employer cannot post.
func (s *Service) CreatePost(ctx context.Context, actor *org.User, in PostInput) (*employ.Post, error) {
	if err := kit.Require(actor, append([]org.Role{org.RoleEmployer}, StaffRoles...)...); err != nil {
		return nil, err
	}
	now := s.now()
	p := &employ.Post{EmployerID: in.EmployerID, Status: employ.PostDraft, CreatedAt: now, UpdatedAt: now, Version: 1}
	in.apply(p)
	if err := employ.CheckPost(p, now); err != nil {
		return nil, err
	}
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		e, _, err := ownEmployerTx(ctx, tx, actor, in.EmployerID)
		if err != nil {
			if minsheng.IsCode(err, minsheng.ENOTFOUND) {
				return minsheng.FieldError("employer_id", "no such employer of yours")
			}
			return err
		}
		if err := refuseFlagged(e); err != nil {
			return err
		}
		if p.ID, err = tx.NextID(ctx); err != nil {
			return err
		}
		p.Employer = e.Name
		if err := store.InsertPost(ctx, tx, p); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectPost, ObjectID: p.ID, Action: "create",
			Data: map[string]string{"employer": id(e.ID), "kind": string(p.Kind), "occupation": p.Occupation}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// EditPost rewrites a draft (one sent back by review, say).
func (s *Service) EditPost(ctx context.Context, actor *org.User, postID int64, in PostInput) (*employ.Post, error) {
	var p *employ.Post
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		var err error
		if p, _, err = s.loadPostTx(ctx, tx, actor, postID); err != nil {
			return err
		}
		if p.Status != employ.PostDraft {
			return minsheng.Errorf(minsheng.ECONFLICT, "only a draft is edited").Because("post_state")
		}
		in.EmployerID = p.EmployerID
		in.apply(p)
		if err := employ.CheckPost(p, s.now()); err != nil {
			return err
		}
		p.UpdatedAt, p.Version = s.now(), p.Version+1
		if err := store.UpdatePost(ctx, tx, p); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectPost, ObjectID: p.ID, Action: "edit"})
		return err
	})
	return p, err
}

// loadPostTx loads a post the actor acts on, and as whom: staff any post,
// an employer account its own (ENOTFOUND otherwise).
func (s *Service) loadPostTx(ctx context.Context, tx *store.Tx, actor *org.User, postID int64) (*employ.Post, employ.Party, error) {
	if err := kit.Require(actor, append([]org.Role{org.RoleEmployer}, StaffRoles...)...); err != nil {
		return nil, "", err
	}
	p, err := store.GetPost(ctx, tx, postID)
	if err != nil {
		return nil, "", err
	}
	if _, by, err := ownEmployerTx(ctx, tx, actor, p.EmployerID); err != nil {
		return nil, "", minsheng.Errorf(minsheng.ENOTFOUND, "post %d not found", postID)
	} else {
		return p, by, nil
	}
}

// ActPost moves a post: submit (employer), approve or reject (staff; a
// rejection needs its reason), fill, close, repost (back to published for
// another period in one step). Approving needs a verified employer;
// submitting, approving and reposting refuse an employer flagged for
// owing wages. A post that is published goes out to the subscribed
// seekers it matches.
func (s *Service) ActPost(ctx context.Context, actor *org.User, postID int64, a employ.PostAction, note string) (*employ.Post, error) {
	var p *employ.Post
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		var by employ.Party
		var err error
		if p, by, err = s.loadPostTx(ctx, tx, actor, postID); err != nil {
			return err
		}
		if a == employ.PostExpire {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "posts expire by themselves")
		}
		if _, err := employ.NextPost(p.Status, a, by); err != nil {
			return err
		}
		return s.movePostTx(ctx, tx, actor, p, a, note, nil)
	})
	return p, err
}

// movePostTx applies a post action in tx: the checks that need the
// employer, the new status and dates, the record, and the push when the
// post is published.
func (s *Service) movePostTx(ctx context.Context, tx *store.Tx, actor *org.User, p *employ.Post, a employ.PostAction, note string, msgs []notify.Message) error {
	by := employ.BySystem
	if !kit.IsSystem(actor) {
		by = employ.ByStaff
		if !actor.HasAny(StaffRoles...) {
			by = employ.ByEmployer
		}
	}
	to, err := employ.NextPost(p.Status, a, by)
	if err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if employ.PostNeedsNote(a) && note == "" {
		return minsheng.FieldError("note", "say why the post is sent back").Because("employ_note_required")
	}
	if len([]rune(note)) > 500 {
		return minsheng.FieldError("note", "at most 500 characters")
	}
	now := s.now()
	if a == employ.PostSubmit || a == employ.PostApprove || a == employ.PostRepost {
		e, err := store.GetEmployer(ctx, tx, p.EmployerID)
		if err != nil {
			return err
		}
		if err := refuseFlagged(e); err != nil {
			return err
		}
		if a == employ.PostApprove && !e.Verified() {
			return minsheng.Errorf(minsheng.ECONFLICT, "verify the employer before publishing its posts").Because("employer_unverified")
		}
		if a == employ.PostRepost && p.Kind == employ.KindGig {
			return minsheng.Errorf(minsheng.ECONFLICT, "a gig is for its day: post a new one").Because("gig_repost")
		}
	}
	data := map[string]string{"from": string(p.Status), "to": string(to)}
	p.Status, p.UpdatedAt, p.Version = to, now, p.Version+1
	switch a {
	case employ.PostReject:
		p.Note = note
	case employ.PostApprove, employ.PostRepost:
		exp := employ.ExpiresAt(p.Kind, p.WorkDay, now)
		p.Note, p.Published, p.ExpiresAt, p.Reminded = "", &now, &exp, false
		data["expires"] = exp.In(employ.China).Format("2006-01-02")
	}
	if err := store.UpdatePost(ctx, tx, p); err != nil {
		return err
	}
	if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectPost, ObjectID: p.ID, Action: string(a), Note: note,
		Data: data, Messages: msgs}); err != nil {
		return err
	}
	if p.Status == employ.PostPublished {
		return s.pushTx(ctx, tx, p)
	}
	return nil
}

// PostFilter selects posts.
type PostFilter struct {
	Status employ.PostStatus `json:"status"`
	Limit  int               `json:"limit"`
}

// Posts lists posts: staff see every post, an employer its own, anyone
// else (a seeker, a caseworker) the published ones.
func (s *Service) Posts(ctx context.Context, actor *org.User, f PostFilter) ([]*employ.Post, error) {
	if err := kit.Require(actor, org.AllRoles...); err != nil {
		return nil, err
	}
	sf := store.PostFilter{Status: f.Status, Limit: f.Limit}
	switch {
	case isStaff(actor):
	case actor.Has(org.RoleEmployer):
		sf.UserID = actor.ID
	default:
		sf.Status = employ.PostPublished
	}
	var ps []*employ.Post
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) { ps, err = store.ListPosts(ctx, tx, sf); return })
	return ps, err
}

// Applicant is an application to a post as its employer sees it: the
// seeker masked, the match with its reasons.
type Applicant struct {
	*employ.Application
	Seeker  employ.Seeker      `json:"seeker"`
	Match   employ.Match       `json:"match"`
	Actions []employ.AppAction `json:"actions"`
}

// Candidate is a seeker who matches a post, masked.
type Candidate struct {
	Seeker employ.Seeker `json:"seeker"`
	Match  employ.Match  `json:"match"`
}

// PostView is a post with what its reader may do and see.
type PostView struct {
	*employ.Post
	Actions    []employ.PostAction   `json:"actions"`
	Applicants []Applicant           `json:"applicants"`
	Candidates []Candidate           `json:"candidates"` // the best matching seekers (staff and employer)
	Timeline   []store.TimelineEvent `json:"timeline"`
}

// Post returns a post: for its employer and staff with its applicants,
// the best matching seekers and its timeline; for anyone else a published
// post alone.
func (s *Service) Post(ctx context.Context, actor *org.User, postID int64) (*PostView, error) {
	if err := kit.Require(actor, org.AllRoles...); err != nil {
		return nil, err
	}
	var v *PostView
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		p, by, err := s.loadPostTx(ctx, tx, actor, postID)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) || minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			if p, err = store.GetPost(ctx, tx, postID); err != nil {
				return err
			}
			if p.Status != employ.PostPublished {
				return minsheng.Errorf(minsheng.ENOTFOUND, "post %d not found", postID)
			}
			v = &PostView{Post: p, Actions: []employ.PostAction{}, Applicants: []Applicant{}, Candidates: []Candidate{},
				Timeline: []store.TimelineEvent{}}
			return nil
		}
		if err != nil {
			return err
		}
		v = &PostView{Post: p, Actions: employ.PostActionsFor(p.Status, by), Applicants: []Applicant{}, Candidates: []Candidate{}}
		as, err := store.ListApplications(ctx, tx, p.ID, 0)
		if err != nil {
			return err
		}
		applied := map[int64]bool{}
		for _, a := range as {
			k, err := store.GetSeeker(ctx, tx, a.SeekerID)
			if err != nil {
				return err
			}
			applied[k.ID] = true
			v.Applicants = append(v.Applicants, Applicant{Application: a, Seeker: seekerFor(actor, k), Match: employ.Score(p, k),
				Actions: employ.AppActionsFor(a.Status, by)})
		}
		ks, err := store.ListSeekers(ctx, tx, store.SeekerFilter{})
		if err != nil {
			return err
		}
		for _, c := range Best(p, ks, 10) {
			if !applied[c.Seeker.ID] && c.Seeker.Consent {
				v.Candidates = append(v.Candidates, c)
			}
		}
		v.Timeline, err = store.ListTimeline(ctx, tx, ObjectPost, p.ID)
		return err
	})
	return v, err
}

// Best returns the n seekers who match the post best (score at least
// employ.PushScore), masked, best first; equal scores by id. It scores
// every seeker without allocating, and builds the reasons and masks of the
// n it keeps only.
func Best(p *employ.Post, ks []*employ.Seeker, n int) []Candidate {
	type hit struct {
		points int
		i      int
	}
	var hits []hit
	for i, k := range ks {
		if pts := employ.Points(p, k); pts >= employ.PushScore {
			hits = append(hits, hit{pts, i})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if a.points != b.points {
			return b.points - a.points
		}
		return cmp.Compare(ks[a.i].ID, ks[b.i].ID)
	})
	out := []Candidate{}
	for _, h := range hits[:min(n, len(hits))] {
		k := ks[h.i]
		out = append(out, Candidate{Seeker: k.Masked(), Match: employ.Score(p, k)})
	}
	return out
}

// expiryJob runs daily: it reminds the employers of posts that expire
// within employ.RemindDays (once a post) and expires the posts whose day
// has passed.
func (s *Service) expiryJob(ctx context.Context, tx *store.Tx) error {
	now := s.now()
	due, err := store.ListPostsExpiring(ctx, tx, employ.RemindFrom(now), true)
	if err != nil {
		return err
	}
	for _, p := range due {
		if !p.ExpiresAt.After(now) {
			continue // expires now: no reminder
		}
		e, err := store.GetEmployer(ctx, tx, p.EmployerID)
		if err != nil {
			return err
		}
		p.Reminded, p.UpdatedAt, p.Version = true, now, p.Version+1
		if err := store.UpdatePost(ctx, tx, p); err != nil {
			return err
		}
		last := p.ExpiresAt.Add(-time.Second).In(employ.China).Format("1月2日")
		msg := notify.Message{Channel: notify.ChannelSMS, To: e.ContactPhone, Template: "employ.expiring", Lang: "zh", UserID: e.UserID,
			Body: fmt.Sprintf("【城西e就业】您发布的岗位「%s」将于%s后到期下架。如仍在招聘，到期后可在用人单位页面一键重新发布，无需重新审核。", p.Title, last)}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectPost, ObjectID: p.ID, Action: "remind_expiry",
			Data: map[string]string{"expires": p.ExpiresAt.In(employ.China).Format("2006-01-02")}, Messages: []notify.Message{msg}}); err != nil {
			return err
		}
	}
	gone, err := store.ListPostsExpiring(ctx, tx, now, false)
	if err != nil {
		return err
	}
	for _, p := range gone {
		if err := s.movePostTx(ctx, tx, kit.System(), p, employ.PostExpire, "", nil); err != nil {
			return err
		}
	}
	return nil
}
