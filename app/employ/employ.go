// Package employ holds the use cases of job matching (城西e就业, package
// employ is the domain): employers registered and verified by staff, and
// flagged when they owe wages; job posts reviewed by staff, published for
// 30 days with a reminder before they expire and a one-step repost;
// same-day gigs; seekers, registered by themselves or by a caseworker,
// whose name and phone are masked but for an audited reveal; the matching
// score with its reasons, both ways; pushes of new posts to subscribed
// seekers by SMS through the outbox, limited per seeker and day;
// applications from applied to hired, never hired into two full-time
// posts at once; the follow-ups of assisted placements (就业援助) at 1, 3
// and 6 months; and the figures.
//
// It reaches the core only through the kit and the seam of package app
// (RevealTx).
package employ

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/creditcode"
	"github.com/minsheng/minsheng/employ"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/store"
)

// Object types of the timeline, the audit log and the outbox.
const (
	ObjectEmployer    = "employ_employer"
	ObjectPost        = "employ_post"
	ObjectSeeker      = "employ_seeker"
	ObjectApplication = "employ_application"
)

// Who does what.
var (
	// StaffRoles are the district's employment staff: they verify and
	// flag employers, review posts, and act for employers and seekers.
	StaffRoles = []org.Role{org.RoleAdmin, org.RoleHandler}
	// CaseworkerRoles register seekers and follow up placements
	// (就业援助): staff and the community's grid workers.
	CaseworkerRoles = []org.Role{org.RoleAdmin, org.RoleHandler, org.RoleGridWorker}
	// ReaderRoles see the figures.
	ReaderRoles = []org.Role{org.RoleAdmin, org.RoleHandler, org.RoleLeader, org.RoleGridWorker}
)

// Config tunes the service; zero fields take the defaults.
type Config struct {
	// PushPerDay is how many new posts at most are pushed to one seeker
	// in 24 hours (default 3).
	PushPerDay int
	// PushPerPost is how many seekers at most a new post is pushed to,
	// the best matching first (default 100): a post with a few openings
	// is not sent to the whole district.
	PushPerPost int
}

// Service runs the job matching use cases.
type Service struct {
	kit     *kit.Kit
	tickets *app.Service
	cfg     Config
}

// New returns the use cases over the kit and the ticket engine (for the
// audited reveal).
func New(k *kit.Kit, tickets *app.Service, cfg Config) *Service {
	if cfg.PushPerDay <= 0 {
		cfg.PushPerDay = 3
	}
	if cfg.PushPerPost <= 0 {
		cfg.PushPerPost = 100
	}
	return &Service{kit: k, tickets: tickets, cfg: cfg}
}

func (s *Service) now() time.Time { return s.kit.Now() }

// isStaff reports whether the actor acts as the employment staff.
func isStaff(u *org.User) bool { return kit.IsSystem(u) || u.HasAny(StaffRoles...) }

// isCaseworker reports whether the actor may register and follow seekers.
func isCaseworker(u *org.User) bool { return kit.IsSystem(u) || u.HasAny(CaseworkerRoles...) }

// id formats an id for a change's data.
func id(n int64) string { return strconv.FormatInt(n, 10) }

// --- employers ---

// EmployerInput registers an employer.
type EmployerInput struct {
	Name         string `json:"name"`
	CreditCode   string `json:"credit_code"`
	ContactName  string `json:"contact_name"`
	ContactPhone string `json:"contact_phone"`
	Area         string `json:"area"`
	// UserID is the employer's account, set by staff registering it; an
	// employer registering itself is bound to its own account.
	UserID int64 `json:"user_id,string"`
}

// RegisterEmployer registers an employer, unverified: by its own account
// (employer role) or by staff. The credit code is checked (GB 32100) and
// registered once.
func (s *Service) RegisterEmployer(ctx context.Context, actor *org.User, in EmployerInput) (*employ.Employer, error) {
	if err := kit.Require(actor, append([]org.Role{org.RoleEmployer}, StaffRoles...)...); err != nil {
		return nil, err
	}
	e := &employ.Employer{Name: strings.TrimSpace(in.Name), CreditCode: creditcode.Normalize(in.CreditCode),
		ContactName: strings.TrimSpace(in.ContactName), ContactPhone: personal.NormalizePhone(in.ContactPhone), Area: strings.TrimSpace(in.Area),
		UserID: in.UserID, CreatedAt: s.now(), Version: 1}
	if !isStaff(actor) {
		e.UserID = actor.ID
	}
	if err := employ.CheckEmployer(e); err != nil {
		return nil, err
	}
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		if e.UserID != 0 {
			if _, err := store.GetUser(ctx, tx, e.UserID); err != nil {
				return minsheng.FieldError("user_id", "no such user")
			}
		}
		var err error
		if e.ID, err = tx.NextID(ctx); err != nil {
			return err
		}
		if err := store.InsertEmployer(ctx, tx, e); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectEmployer, ObjectID: e.ID, Action: "register",
			Data: map[string]string{"credit_code": e.CreditCode}})
		return err
	})
	if err != nil {
		return nil, err
	}
	m := employerFor(actor, e)
	return &m, nil
}

// VerifyEmployer records that staff checked the employer's credit code
// and contact.
func (s *Service) VerifyEmployer(ctx context.Context, actor *org.User, employerID int64) (*employ.Employer, error) {
	return s.changeEmployer(ctx, actor, employerID, "verify", func(e *employ.Employer) (string, error) {
		if e.Verified() {
			return "", minsheng.Errorf(minsheng.ECONFLICT, "the employer is verified already").Because("verified_already")
		}
		now := s.now()
		e.VerifiedAt = &now
		return "", nil
	})
}

// FlagArrears flags (or clears) an employer that owes wages (欠薪): a
// flagged employer cannot post, submit or repost, and its published posts
// are closed in the same transaction. Flagging needs its note.
func (s *Service) FlagArrears(ctx context.Context, actor *org.User, employerID int64, arrears bool, note string) (*employ.Employer, error) {
	note = strings.TrimSpace(note)
	action := "flag_arrears"
	if !arrears {
		action = "clear_arrears"
	}
	return s.changeEmployerTx(ctx, actor, employerID, action, func(tx *store.Tx, e *employ.Employer) (string, error) {
		if e.Arrears == arrears {
			return "", minsheng.Errorf(minsheng.ECONFLICT, "the employer's flag is so already").Because("arrears_same")
		}
		if arrears && note == "" {
			return "", minsheng.FieldError("note", "say why the employer is flagged").Because("employ_note_required")
		}
		if len([]rune(note)) > 500 {
			return "", minsheng.FieldError("note", "at most 500 characters")
		}
		e.Arrears, e.ArrearsNote = arrears, note
		if !arrears {
			e.ArrearsNote = ""
			return note, nil
		}
		ps, err := store.ListPosts(ctx, tx, store.PostFilter{EmployerID: e.ID, Status: employ.PostPublished})
		if err != nil {
			return "", err
		}
		for _, p := range ps {
			if err := s.movePostTx(ctx, tx, actor, p, employ.PostClose, "用人单位被标记欠薪，岗位下架", nil); err != nil {
				return "", err
			}
		}
		return note, nil
	})
}

func (s *Service) changeEmployer(ctx context.Context, actor *org.User, employerID int64, action string, fn func(e *employ.Employer) (string, error)) (*employ.Employer, error) {
	return s.changeEmployerTx(ctx, actor, employerID, action, func(_ *store.Tx, e *employ.Employer) (string, error) { return fn(e) })
}

// changeEmployerTx is a staff change of an employer in one transaction,
// recorded with its note.
func (s *Service) changeEmployerTx(ctx context.Context, actor *org.User, employerID int64, action string, fn func(tx *store.Tx, e *employ.Employer) (string, error)) (*employ.Employer, error) {
	if err := kit.Require(actor, StaffRoles...); err != nil {
		return nil, err
	}
	var e *employ.Employer
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		var err error
		if e, err = store.GetEmployer(ctx, tx, employerID); err != nil {
			return err
		}
		note, err := fn(tx, e)
		if err != nil {
			return err
		}
		e.Version++
		if err := store.UpdateEmployer(ctx, tx, e); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectEmployer, ObjectID: e.ID, Action: action, Note: note})
		return err
	})
	if err != nil {
		return nil, err
	}
	m := employerFor(actor, e)
	return &m, nil
}

// Employers lists the employers: all of them for staff, an employer
// account's own otherwise. Contacts are masked.
func (s *Service) Employers(ctx context.Context, actor *org.User) ([]employ.Employer, error) {
	if err := kit.Require(actor, append([]org.Role{org.RoleEmployer}, StaffRoles...)...); err != nil {
		return nil, err
	}
	var uid int64
	if !isStaff(actor) {
		uid = actor.ID
	}
	var es []*employ.Employer
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) { es, err = store.ListEmployers(ctx, tx, uid); return })
	out := make([]employ.Employer, len(es))
	for i, e := range es {
		out[i] = employerFor(actor, e)
	}
	return out, err
}

// ownEmployerTx loads an employer the actor acts for: staff any, an
// employer account its own (ENOTFOUND otherwise).
func ownEmployerTx(ctx context.Context, tx *store.Tx, actor *org.User, employerID int64) (*employ.Employer, employ.Party, error) {
	e, err := store.GetEmployer(ctx, tx, employerID)
	if err != nil {
		return nil, "", err
	}
	if isStaff(actor) {
		if kit.IsSystem(actor) {
			return e, employ.BySystem, nil
		}
		return e, employ.ByStaff, nil
	}
	if actor.Has(org.RoleEmployer) && e.UserID == actor.ID {
		return e, employ.ByEmployer, nil
	}
	return nil, "", minsheng.Errorf(minsheng.ENOTFOUND, "employer %d not found", employerID)
}

// seekerFor returns a seeker as the actor sees them: masked, unless it is
// the actor's own profile (kit.MaskedFor).
func seekerFor(actor *org.User, k *employ.Seeker) employ.Seeker {
	return kit.MaskedFor(actor, k.UserID, *k, employ.Seeker.Masked)
}

// employerFor returns an employer as the actor sees it: its contact
// masked, unless it is the actor's own employer account (kit.MaskedFor).
func employerFor(actor *org.User, e *employ.Employer) employ.Employer {
	return kit.MaskedFor(actor, e.UserID, *e, employ.Employer.Masked)
}
