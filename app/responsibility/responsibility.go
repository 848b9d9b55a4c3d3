// Package responsibility holds the use cases of the leaders' responsibility
// assignments (包保, 三包; package responsibility is the domain): the
// district assigns a leader a petition case, a key project or a key
// enterprise with its goal and milestones; the leader and the responsible
// unit record milestones done, link the work orders of the matter (through
// the ticket engine's seam, LinkTx) and move it from assigned to working,
// resolved and stable (息诉) or reopened — each change one transaction with
// its timeline event (kit.Change). The leaders' board ranks the leaders by
// what is overdue.
package responsibility

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	dom "github.com/minsheng/minsheng/responsibility"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// Object is the assignments' object type in the timeline, the audit log
// and object links.
const Object = "responsibility"

// RelationTicket is the relation of a work order linked to an assignment.
const RelationTicket = "responsibility"

// Service runs the responsibility use cases.
type Service struct {
	kit     *kit.Kit
	tickets *app.Service
}

// New returns the use cases over the kit and the ticket engine.
func New(k *kit.Kit, tickets *app.Service) *Service { return &Service{kit: k, tickets: tickets} }

// Kit returns the shared kit (its clock, for the pages).
func (s *Service) Kit() *kit.Kit { return s.kit }

// mayAssign returns nil if the actor may assign a leader a matter of the
// unit: the district's admins, and leaders whose grant covers the unit.
func mayAssign(actor *org.User, unitPath string) error {
	if err := kit.Require(actor, org.RoleAdmin, org.RoleLeader); err != nil {
		return err
	}
	if kit.IsSystem(actor) || kit.RequireDistrictAdmin(actor) == nil || actor.SeesAs(unitPath, org.RoleLeader) {
		return nil
	}
	return minsheng.Errorf(minsheng.EFORBIDDEN, "only the district's admins and the unit's leaders assign responsibilities")
}

// Create assigns a leader a matter. The leader must be an active user
// holding the leader role; the responsible unit must exist.
func (s *Service) Create(ctx context.Context, actor *org.User, in dom.New) (*dom.Assignment, error) {
	if err := kit.Require(actor, org.RoleAdmin, org.RoleLeader); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var a *dom.Assignment
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		u, err := store.GetUnit(ctx, tx, in.UnitID)
		if err != nil || !u.Active {
			return minsheng.FieldError("unit_id", "no such unit").Because("unit_unknown")
		}
		if err := mayAssign(actor, u.Path); err != nil {
			return err
		}
		leader, err := store.GetUser(ctx, tx, in.LeaderID)
		if err != nil || !leader.Active || !leader.Has(org.RoleLeader) {
			return minsheng.FieldError("leader_id", "the leader in charge must be an active user with the leader role").Because("not_leader")
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		now := s.kit.Now()
		a = &dom.Assignment{ID: id, Kind: in.Kind, Title: in.Title, Summary: in.Summary, Goal: in.Goal, LeaderID: leader.ID,
			LeaderName: leader.Name, UnitID: u.ID, UnitName: u.Name, UnitPath: u.Path, Status: dom.StatusAssigned,
			Milestones: in.Milestones, CreatedAt: now, UpdatedAt: now, Version: 1}
		if a.Milestones == nil {
			a.Milestones = []dom.Milestone{}
		}
		if err := store.InsertResponsibility(ctx, tx, a); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: Object, ObjectID: id, Action: "assign",
			Data: map[string]string{"kind": string(a.Kind), "leader_id": strconv.FormatInt(leader.ID, 10),
				"unit_id": strconv.FormatInt(u.ID, 10), "milestones": strconv.Itoa(len(a.Milestones))}})
		return err
	})
	return a, err
}

// change loads an assignment, checks the actor may work on it, lets fn
// change it, writes its status with its version and records the change.
func (s *Service) change(ctx context.Context, actor *org.User, id int64, action string,
	fn func(tx *store.Tx, a *dom.Assignment) (note string, data map[string]string, err error)) (*dom.Assignment, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	var a *dom.Assignment
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		var err error
		if a, err = store.GetResponsibility(ctx, tx, id); err != nil {
			return err
		}
		if !kit.IsSystem(actor) {
			if !dom.MaySee(actor, a) {
				return minsheng.Errorf(minsheng.ENOTFOUND, "no such assignment")
			}
			if err := dom.CheckActor(actor, a); err != nil {
				return err
			}
		}
		note, data, err := fn(tx, a)
		if err != nil {
			return err
		}
		a.UpdatedAt, a.Version = s.kit.Now(), a.Version+1
		if err := store.UpdateResponsibility(ctx, tx, a); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: Object, ObjectID: a.ID, Action: action, Note: note, Data: data})
		return err
	})
	return a, err
}

// Act moves an assignment: start, resolve (what was done), stabilize (息诉:
// how it was confirmed), reopen (why it came back).
func (s *Service) Act(ctx context.Context, actor *org.User, id int64, a dom.Action, note string) (*dom.Assignment, error) {
	return s.change(ctx, actor, id, string(a), func(_ *store.Tx, as *dom.Assignment) (string, map[string]string, error) {
		to, err := dom.Next(as.Status, a)
		if err != nil {
			return "", nil, err
		}
		note = strings.TrimSpace(note)
		if err := dom.CheckNote(a, note); err != nil {
			return "", nil, err
		}
		data := map[string]string{"from": string(as.Status), "to": string(to)}
		as.Status = to
		return note, data, nil
	})
}

// AddMilestone adds a milestone at the end of an assignment's list. A
// resolved or settled matter takes none: reopen it first.
func (s *Service) AddMilestone(ctx context.Context, actor *org.User, id int64, m dom.Milestone) (*dom.Assignment, error) {
	m.Title = strings.TrimSpace(m.Title)
	if !m.Due.IsZero() {
		m.Due = dom.Day(m.Due)
	}
	if err := dom.CheckMilestone("", m); err != nil {
		return nil, err
	}
	return s.change(ctx, actor, id, "milestone_add", func(tx *store.Tx, a *dom.Assignment) (string, map[string]string, error) {
		if !a.Status.Open() {
			return "", nil, minsheng.Errorf(minsheng.ECONFLICT, "the assignment is %s; reopen it first", a.Status).Because("matter_closed")
		}
		m.Seq, m.DoneAt, m.Note = len(a.Milestones)+1, nil, ""
		if err := store.InsertResponsibilityMilestone(ctx, tx, a.ID, m); err != nil {
			return "", nil, err
		}
		a.Milestones = append(a.Milestones, m)
		return m.Title, map[string]string{"seq": strconv.Itoa(m.Seq), "due": m.Due.In(dom.China).Format("2006-01-02")}, nil
	})
}

// DoneMilestone records a milestone done, with what was done. An
// assigned matter starts working with its first milestone done.
func (s *Service) DoneMilestone(ctx context.Context, actor *org.User, id int64, seq int, note string) (*dom.Assignment, error) {
	note = strings.TrimSpace(note)
	if err := dom.CheckNote(dom.ActionStart, note); err != nil {
		return nil, err
	}
	return s.change(ctx, actor, id, "milestone_done", func(tx *store.Tx, a *dom.Assignment) (string, map[string]string, error) {
		if !a.Status.Open() {
			return "", nil, minsheng.Errorf(minsheng.ECONFLICT, "the assignment is %s", a.Status).Because("matter_closed")
		}
		if seq < 1 || seq > len(a.Milestones) {
			return "", nil, minsheng.FieldError("seq", "no milestone %d", seq).Because("out_of_range")
		}
		m := &a.Milestones[seq-1]
		if m.DoneAt != nil {
			return "", nil, minsheng.Errorf(minsheng.ECONFLICT, "milestone %d is already done", seq).Because("milestone_done")
		}
		now := s.kit.Now()
		late := m.Overdue(now)
		m.DoneAt, m.Note = &now, note
		if err := store.DoneResponsibilityMilestone(ctx, tx, a.ID, *m); err != nil {
			return "", nil, err
		}
		data := map[string]string{"seq": strconv.Itoa(seq)}
		if late {
			data["late"] = "1"
		}
		if a.Status == dom.StatusAssigned || a.Status == dom.StatusReopened {
			data["to"] = string(dom.StatusWorking)
			a.Status = dom.StatusWorking
		}
		return note, data, nil
	})
}

// LinkTicket links a work order of the matter (by number or id, as the
// actor may see it) to the assignment: both ways readable, in one
// transaction with the assignment's timeline event.
func (s *Service) LinkTicket(ctx context.Context, actor *org.User, id int64, ref string) (*dom.Assignment, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, minsheng.FieldError("ticket", "the work order's number is required").Because("number_required")
	}
	return s.change(ctx, actor, id, "link_ticket", func(tx *store.Tx, a *dom.Assignment) (string, map[string]string, error) {
		t, err := s.tickets.LoadVisibleTx(ctx, tx, actor, ref)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return "", nil, minsheng.FieldError("ticket", "no work order %s that you may see", ref).Because("ticket_not_found")
		}
		if err != nil {
			return "", nil, err
		}
		links, err := store.ListLinks(ctx, tx, Object, a.ID)
		if err != nil {
			return "", nil, err
		}
		if slices.ContainsFunc(links, func(l store.Link) bool { return l.ToType == "ticket" && l.ToID == t.ID }) {
			return "", nil, minsheng.FieldError("ticket", "work order %s is linked already", t.Number).Because("linked_already")
		}
		if err := s.tickets.LinkTx(ctx, tx, actor, t, Object, a.ID, RelationTicket); err != nil {
			return "", nil, err
		}
		return "", map[string]string{"ticket": t.Number}, nil
	})
}

// Linked is a work order linked to an assignment, as listed with it.
type Linked struct {
	ID     int64         `json:"id"`
	Number string        `json:"number"`
	Title  string        `json:"title"`
	Status ticket.Status `json:"status"`
}

// View is an assignment as shown: its overdue milestones at now.
type View struct {
	*dom.Assignment
	Overdue int `json:"overdue_milestones"`
}

// Detail is an assignment with its work orders and timeline.
type Detail struct {
	View
	Tickets  []Linked              `json:"tickets"`
	Timeline []store.TimelineEvent `json:"timeline"`
	Actions  []dom.Action          `json:"actions"` // what the reader may do now
	MayWork  bool                  `json:"may_work"`
}

// Get returns an assignment the actor may see, with its linked work
// orders and its timeline: ENOTFOUND otherwise.
func (s *Service) Get(ctx context.Context, actor *org.User, id int64) (*Detail, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	var d *Detail
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		a, err := store.GetResponsibility(ctx, tx, id)
		if err != nil {
			return err
		}
		if !kit.IsSystem(actor) && !dom.MaySee(actor, a) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "no such assignment")
		}
		d = &Detail{View: View{Assignment: a, Overdue: a.OverdueMilestones(s.kit.Now())}, Tickets: []Linked{}}
		links, err := store.ListLinks(ctx, tx, Object, a.ID)
		if err != nil {
			return err
		}
		for _, l := range links {
			if l.ToType != "ticket" {
				continue
			}
			t, err := s.tickets.LoadVisibleTx(ctx, tx, kit.System(), strconv.FormatInt(l.ToID, 10))
			if err != nil {
				return err
			}
			d.Tickets = append(d.Tickets, Linked{ID: t.ID, Number: t.Number, Title: t.Title, Status: t.Status})
		}
		if d.Timeline, err = store.ListTimeline(ctx, tx, Object, a.ID); err != nil {
			return err
		}
		if kit.IsSystem(actor) || dom.CheckActor(actor, a) == nil {
			d.MayWork, d.Actions = true, dom.Allowed(a.Status)
		}
		return nil
	})
	return d, err
}

// Filter narrows the board's list.
type Filter = store.ResponsibilityFilter

// Board is the leaders' board (包保台账): the leaders ranked by what is
// overdue, the figures, and the assignments that match the filter, those
// with overdue milestones first.
type Board struct {
	Leaders []dom.LeaderRow `json:"leaders"`
	Figures dom.Figures     `json:"figures"`
	Items   []View          `json:"items"`
	At      time.Time       `json:"at"`
}

// Board returns the board as the actor may see it: leaders and admins
// see every assignment, other staff the ones they work on.
func (s *Service) Board(ctx context.Context, actor *org.User, f Filter) (*Board, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	if f.Kind != "" && !slices.Contains(dom.Kinds, f.Kind) {
		return nil, minsheng.FieldError("kind", "kind is one of petition, project, enterprise")
	}
	if f.Status != "" && !slices.Contains(dom.Statuses, f.Status) {
		return nil, minsheng.FieldError("status", "unknown status %q", f.Status)
	}
	var all []*dom.Assignment
	if err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		all, err = store.ListResponsibilities(ctx, tx, store.ResponsibilityFilter{})
		return err
	}); err != nil {
		return nil, err
	}
	now := s.kit.Now()
	seen := all[:0]
	for _, a := range all {
		if kit.IsSystem(actor) || dom.MaySee(actor, a) {
			seen = append(seen, a)
		}
	}
	b := &Board{Leaders: dom.Board(seen, now), Figures: dom.Count(seen, now), Items: []View{}, At: now}
	for _, a := range seen {
		if (f.Kind == "" || a.Kind == f.Kind) && (f.Status == "" || a.Status == f.Status) && (f.LeaderID == 0 || a.LeaderID == f.LeaderID) {
			b.Items = append(b.Items, View{Assignment: a, Overdue: a.OverdueMilestones(now)})
		}
	}
	slices.SortStableFunc(b.Items, func(x, y View) int { return y.Overdue - x.Overdue })
	return b, nil
}

// Choice is a leader or unit to choose from when assigning.
type Choice struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Choices returns the active leaders, and the district, streets and
// departments that may be responsible units, for the assignment form.
func (s *Service) Choices(ctx context.Context, actor *org.User) (leaders, units []Choice, err error) {
	if err := kit.Require(actor, org.RoleAdmin, org.RoleLeader); err != nil {
		return nil, nil, err
	}
	err = s.kit.Read(ctx, func(tx *store.Tx) error {
		us, err := store.ListUsers(ctx, tx, nil)
		if err != nil {
			return err
		}
		for _, u := range us {
			if u.Active && u.Has(org.RoleLeader) {
				leaders = append(leaders, Choice{u.ID, u.Name})
			}
		}
		ns, err := store.ListUnits(ctx, tx, "")
		if err != nil {
			return err
		}
		for _, n := range ns {
			if n.Active && (n.Kind == org.KindDistrict || n.Kind == org.KindStreet || n.Kind == org.KindTown || n.Kind == org.KindDepartment) {
				units = append(units, Choice{n.ID, n.Name})
			}
		}
		return nil
	})
	return leaders, units, err
}
