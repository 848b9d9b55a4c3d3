// Package project holds the use cases of the public livelihood projects
// (民生实事, package project is the domain): the year's projects, their
// lifecycle and milestones updated by the responsible unit, the public
// list (no sign-in, no personal data), residents' suggestions on a project
// registered as tickets linked to it, and the XLSX table reported upward.
package project

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// ObjectProject is the projects' object type in the timeline, the audit
// log and object links.
const ObjectProject = "project"

// Service runs the project use cases.
type Service struct {
	kit     *kit.Kit
	tickets *app.Service
}

// New returns the project use cases over the kit and the ticket engine.
func New(k *kit.Kit, tickets *app.Service) *Service { return &Service{kit: k, tickets: tickets} }

// NewProject is a project as the district commits to it.
type NewProject struct {
	Year       int                 `json:"year"`
	Code       string              `json:"code"`
	Title      string              `json:"title"`
	Category   string              `json:"category"`
	Area       string              `json:"area"`
	Summary    string              `json:"summary"`
	BudgetYuan int64               `json:"budget_yuan"`
	UnitID     int64               `json:"unit_id,string"`
	Leader     string              `json:"leader"`
	Milestones []project.Milestone `json:"milestones"`
	// Parent is the code of the project this one is a part of: its
	// progress then rolls up into the parent's.
	Parent string `json:"parent"`
}

// Create adds a project of the year. District admins only.
func (s *Service) Create(ctx context.Context, actor *org.User, in NewProject) (*project.Project, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	in.Title, in.Code = strings.TrimSpace(in.Title), strings.TrimSpace(in.Code)
	switch {
	case in.Year < 2000 || in.Year > 2100:
		return nil, minsheng.FieldError("year", "year is required")
	case in.Code == "" || len(in.Code) > 20:
		return nil, minsheng.FieldError("code", "a code of at most 20 characters is required")
	case in.Title == "" || len([]rune(in.Title)) > 100:
		return nil, minsheng.FieldError("title", "a title of at most 100 characters is required")
	case in.BudgetYuan < 0:
		return nil, minsheng.FieldError("budget_yuan", "the budget cannot be negative")
	}
	for i := range in.Milestones {
		in.Milestones[i].Seq, in.Milestones[i].Title = i+1, strings.TrimSpace(in.Milestones[i].Title)
		if !in.Milestones[i].Planned.IsZero() {
			in.Milestones[i].Planned = project.Day(in.Milestones[i].Planned)
		}
	}
	if err := project.CheckMilestones(in.Milestones); err != nil {
		return nil, err
	}
	var p *project.Project
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		u, err := store.GetUnit(ctx, tx, in.UnitID)
		if err != nil {
			return minsheng.FieldError("unit_id", "no such unit")
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		p = &project.Project{ID: id, Year: in.Year, Code: in.Code, Title: in.Title, Category: in.Category, Area: in.Area,
			Summary: in.Summary, BudgetYuan: in.BudgetYuan, UnitID: u.ID, UnitName: u.Name, UnitPath: u.Path, Leader: in.Leader,
			Status: project.StatusPlanned, Milestones: in.Milestones, UpdatedAt: s.kit.Now(), Version: 1}
		if p.Milestones == nil {
			p.Milestones = []project.Milestone{}
		}
		data := map[string]string{"code": p.Code, "unit_id": strconv.FormatInt(u.ID, 10), "milestones": strconv.Itoa(len(p.Milestones))}
		if in.Parent = strings.TrimSpace(in.Parent); in.Parent != "" {
			parent, err := store.GetProject(ctx, tx, in.Parent)
			if minsheng.IsCode(err, minsheng.ENOTFOUND) {
				return minsheng.FieldError("parent", "no project %s", in.Parent).Because("parent_unknown")
			}
			if err != nil {
				return err
			}
			if parent.ParentID != 0 || parent.Year != in.Year || parent.Status == project.StatusCompleted {
				return minsheng.FieldError("parent", "a part belongs to an open project of the same year that is no part itself").Because("parent_invalid")
			}
			p.ParentID, p.Parent, data["parent"] = parent.ID, parent.Code, parent.Code
		}
		if err := store.InsertProject(ctx, tx, p); err != nil {
			return err
		}
		if _, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectProject, ObjectID: id, Action: "create", Data: data}); err != nil {
			return err
		}
		if p.ParentID != 0 {
			return s.rollUpTx(ctx, tx, actor, p.ParentID)
		}
		return nil
	})
	return p, err
}

// change loads a project, checks the actor, lets fn change it, writes it
// with its version, and records the change.
func (s *Service) change(ctx context.Context, actor *org.User, code, action string, fn func(p *project.Project, parts []*project.Project) (note string, data map[string]string, err error)) (*project.Project, error) {
	var p *project.Project
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = store.GetProject(ctx, tx, strings.TrimSpace(code)); err != nil {
			return err
		}
		if !kit.IsSystem(actor) {
			if err := project.CheckActor(actor, p.UnitPath); err != nil {
				return err
			}
		}
		parts, err := store.ListProjectParts(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		note, data, err := fn(p, parts)
		if err != nil {
			return err
		}
		p.UpdatedAt, p.Version = s.kit.Now(), p.Version+1
		if err := store.UpdateProject(ctx, tx, p); err != nil {
			return err
		}
		msgs, err := s.followerNoticesTx(ctx, tx, p, action, data)
		if err != nil {
			return err
		}
		if len(msgs) > 0 {
			data["followers"] = strconv.Itoa(len(msgs))
		}
		if _, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectProject, ObjectID: p.ID, Action: action, Note: note, Data: data,
			Messages: msgs}); err != nil {
			return err
		}
		if p.ParentID != 0 {
			return s.rollUpTx(ctx, tx, actor, p.ParentID)
		}
		return nil
	})
	return p, err
}

// rollUpTx sets a parent's progress from its parts' (project.RollUp),
// with a rollup event when it changes. A completed parent keeps its 100.
func (s *Service) rollUpTx(ctx context.Context, tx *store.Tx, actor *org.User, parentID int64) error {
	parent, err := store.GetProject(ctx, tx, strconv.FormatInt(parentID, 10))
	if err != nil {
		return err
	}
	parts, err := store.ListProjectParts(ctx, tx, parent.ID)
	if err != nil {
		return err
	}
	n := project.RollUp(parts)
	if n == parent.Progress || parent.Status == project.StatusCompleted {
		return nil
	}
	data := map[string]string{"progress": strconv.Itoa(parent.Progress) + " → " + strconv.Itoa(n), "parts": strconv.Itoa(len(parts))}
	parent.Progress, parent.UpdatedAt, parent.Version = n, s.kit.Now(), parent.Version+1
	if err := store.UpdateProject(ctx, tx, parent); err != nil {
		return err
	}
	_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectProject, ObjectID: parent.ID, Action: "rollup", Data: data})
	return err
}

// Act moves a project: start, delay (with its explanation, shown on the
// public page), resume, complete (every milestone reached, progress 100).
func (s *Service) Act(ctx context.Context, actor *org.User, code string, a project.Action, note string) (*project.Project, error) {
	return s.change(ctx, actor, code, string(a), func(p *project.Project, parts []*project.Project) (string, map[string]string, error) {
		to, err := project.Next(p.Status, a)
		if err != nil {
			return "", nil, err
		}
		note = strings.TrimSpace(note)
		if project.NeedsNote(a) && note == "" {
			return "", nil, minsheng.FieldError("explanation", "a delay must carry its explanation")
		}
		if len([]rune(note)) > 500 {
			return "", nil, minsheng.FieldError("explanation", "at most 500 characters")
		}
		if a == project.ActionComplete && p.Done() < len(p.Milestones) {
			return "", nil, minsheng.FieldError("milestones", "every milestone must be reached first")
		}
		if a == project.ActionComplete {
			if err := project.CheckPartsDone(parts); err != nil {
				return "", nil, err
			}
		}
		data := map[string]string{"from": string(p.Status), "to": string(to)}
		p.Status = to
		switch a {
		case project.ActionDelay:
			p.Explanation = note
		case project.ActionResume:
			p.Explanation = ""
		case project.ActionComplete:
			p.Progress, p.Explanation = 100, ""
		}
		return note, data, nil
	})
}

// Update is what the responsible unit reports: the progress, and a
// milestone reached (its day and evidence).
type Update struct {
	Progress  *int       `json:"progress"`
	Milestone int        `json:"milestone"` // its number; 0: none
	Actual    *time.Time `json:"actual"`
	Evidence  string     `json:"evidence"`
}

// Report records the responsible unit's update of a project.
func (s *Service) Report(ctx context.Context, actor *org.User, code string, in Update) (*project.Project, error) {
	return s.change(ctx, actor, code, "report", func(p *project.Project, parts []*project.Project) (string, map[string]string, error) {
		data := map[string]string{}
		if p.Status == project.StatusCompleted {
			return "", nil, minsheng.Errorf(minsheng.ECONFLICT, "the project is completed")
		}
		if in.Progress != nil && len(parts) > 0 {
			return "", nil, minsheng.FieldError("progress", "the progress of a project with parts is theirs rolled up").Because("progress_rolled_up")
		}
		if in.Progress != nil {
			if err := project.CheckProgress(*in.Progress); err != nil {
				return "", nil, err
			}
			data["progress"] = strconv.Itoa(p.Progress) + " → " + strconv.Itoa(*in.Progress)
			p.Progress = *in.Progress
		}
		if in.Milestone != 0 {
			if in.Milestone < 1 || in.Milestone > len(p.Milestones) {
				return "", nil, minsheng.FieldError("milestone", "no milestone %d", in.Milestone)
			}
			m := &p.Milestones[in.Milestone-1]
			if in.Actual == nil {
				return "", nil, minsheng.FieldError("actual", "the day the milestone was reached is required")
			}
			if in.Milestone > 1 && p.Milestones[in.Milestone-2].Actual == nil {
				return "", nil, minsheng.FieldError("milestone", "the milestones are reached in order")
			}
			if in.Actual.After(s.kit.Now().Add(24 * time.Hour)) {
				return "", nil, minsheng.FieldError("actual", "a milestone cannot be reached in the future")
			}
			a := project.Day(*in.Actual)
			m.Actual, m.Evidence = &a, strings.TrimSpace(in.Evidence)
			if err := project.CheckMilestones(p.Milestones); err != nil {
				return "", nil, err
			}
			data["milestone"] = strconv.Itoa(in.Milestone)
		}
		if len(data) == 0 {
			return "", nil, minsheng.FieldError("progress", "nothing to report")
		}
		if p.Status == project.StatusPlanned {
			p.Status = project.StatusInProgress
			data["to"] = string(project.StatusInProgress)
		}
		return "", data, nil
	})
}

// View is a project as shown: its health at now (a parent's as late as
// its latest part), and the codes of its parts.
type View struct {
	*project.Project
	Health project.RAG `json:"health"`
	Parts  []string    `json:"parts,omitempty"`
}

// PublicView is a project on the public page: no leader's name, no
// internal ids beyond the code.
type PublicView struct {
	Code        string              `json:"code"`
	Title       string              `json:"title"`
	Category    string              `json:"category"`
	Area        string              `json:"area"`
	Summary     string              `json:"summary"`
	BudgetYuan  int64               `json:"budget_yuan"`
	UnitName    string              `json:"unit_name"`
	Status      project.Status      `json:"status"`
	Progress    int                 `json:"progress"`
	Explanation string              `json:"explanation,omitempty"`
	Milestones  []project.Milestone `json:"milestones"`
	Health      project.RAG         `json:"health"`
	Parent      string              `json:"parent,omitempty"` // the code of the project it is a part of
	Parts       []string            `json:"parts,omitempty"`  // the codes of its parts
	Photos      []project.Photo     `json:"photos"`
	Rating      project.Rating      `json:"rating"` // residents' acceptance ratings, once completed
}

// healths computes each project's health at now, a parent's as late as
// its latest part, and each parent's parts.
func healths(ps []*project.Project, now time.Time) (map[int64]project.RAG, map[int64][]string) {
	h, parts := map[int64]project.RAG{}, map[int64][]string{}
	for _, p := range ps {
		h[p.ID] = p.Health(now)
	}
	for _, p := range ps {
		if p.ParentID != 0 {
			h[p.ParentID] = project.Worst(h[p.ParentID], h[p.ID])
			parts[p.ParentID] = append(parts[p.ParentID], p.Code)
		}
	}
	return h, parts
}

// List returns the year's projects for staff.
func (s *Service) List(ctx context.Context, actor *org.User, year int) ([]View, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	ps, now, err := s.load(ctx, year)
	h, parts := healths(ps, now)
	out := make([]View, len(ps))
	for i, p := range ps {
		out[i] = View{Project: p, Health: h[p.ID], Parts: parts[p.ID]}
	}
	return out, err
}

// Public returns the year's projects as anyone may see them.
func (s *Service) Public(ctx context.Context, year int) ([]PublicView, error) {
	ps, now, err := s.load(ctx, year)
	if err != nil {
		return nil, err
	}
	var ratings map[int64]project.Rating
	if err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		ratings, err = store.ProjectRatings(ctx, tx, year)
		return err
	}); err != nil {
		return nil, err
	}
	h, parts := healths(ps, now)
	out := make([]PublicView, len(ps))
	for i, p := range ps {
		ms := make([]project.Milestone, len(p.Milestones))
		copy(ms, p.Milestones)
		out[i] = PublicView{Code: p.Code, Title: p.Title, Category: p.Category, Area: p.Area, Summary: p.Summary,
			BudgetYuan: p.BudgetYuan, UnitName: p.UnitName, Status: p.Status, Progress: p.Progress, Explanation: p.Explanation,
			Milestones: ms, Health: h[p.ID], Parent: p.Parent, Parts: parts[p.ID], Photos: p.Photos, Rating: ratings[p.ID]}
	}
	return out, err
}

// load reads the year's projects and the time their health is computed at.
func (s *Service) load(ctx context.Context, year int) ([]*project.Project, time.Time, error) {
	var ps []*project.Project
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		if ps, err = store.ListProjects(ctx, tx, year); err != nil {
			return err
		}
		photos, err := store.ListProjectPhotos(ctx, tx, year)
		for _, p := range ps {
			p.Photos = photos[p.ID]
		}
		return err
	})
	for _, p := range ps {
		if p.Photos == nil {
			p.Photos = []project.Photo{}
		}
	}
	return ps, s.kit.Now(), err
}

// Get returns a project with its timeline for staff.
func (s *Service) Get(ctx context.Context, actor *org.User, code string) (*View, []store.TimelineEvent, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, nil, err
	}
	var v *View
	var tl []store.TimelineEvent
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		p, err := store.GetProject(ctx, tx, code)
		if err != nil {
			return err
		}
		ps, err := store.ListProjectParts(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		photos, err := store.ListProjectPhotos(ctx, tx, p.Year)
		if err != nil {
			return err
		}
		p.Photos = photos[p.ID]
		if p.Photos == nil {
			p.Photos = []project.Photo{}
		}
		h, parts := healths(append(ps, p), s.kit.Now())
		v = &View{Project: p, Health: h[p.ID], Parts: parts[p.ID]}
		tl, err = store.ListTimeline(ctx, tx, ObjectProject, p.ID)
		return err
	})
	return v, tl, err
}

// Suggestion is a resident's comment or suggestion on a project.
type Suggestion struct {
	Text  string `json:"text"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// Suggest registers a resident's suggestion on a project as a ticket (a
// suggestion, taken in by the district, routed as any ticket) linked to
// the project in the ticket's own transaction; the resident gets the
// ticket's number and tracking token.
func (s *Service) Suggest(ctx context.Context, code string, in Suggestion, key string) (*app.Receipt, error) {
	var p *project.Project
	if err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		p, err = store.GetProject(ctx, tx, strings.TrimSpace(code))
		return err
	}); err != nil {
		return nil, err
	}
	text := strings.TrimSpace(in.Text)
	if text == "" {
		return nil, minsheng.FieldError("text", "write your suggestion")
	}
	t := ticket.NewTicket{Title: ticket.TitleFrom("民生实事「" + p.Title + "」：" + text), Description: text, Kind: ticket.KindSuggestion,
		CallerName: in.Name, CallerPhone: in.Phone, Address: p.Area}
	rc, _, err := s.tickets.CreatePublicTicket(ctx, t, app.PublicIntake{Channel: ticket.ChannelWeb, Client: "project", Key: key,
		Within: func(ctx context.Context, tx *store.Tx, tk *ticket.Ticket) error {
			if err := s.tickets.LinkTx(ctx, tx, kit.System(), tk, ObjectProject, p.ID, "suggestion"); err != nil {
				return err
			}
			_, err := s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectProject, ObjectID: p.ID, Action: "suggestion",
				Data: map[string]string{"ticket": tk.Number}})
			return err
		}})
	return rc, err
}
