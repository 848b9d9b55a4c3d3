package grids

import (
	"context"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// DiaryView is a grid worker's diary of a day: the stored one, or, before
// they save anything, the draft the system writes from the day's work
// (ID 0, Status draft). Timeline holds its comments and changes.
type DiaryView struct {
	*store.FieldDiary
	Timeline []store.TimelineEvent `json:"timeline"`
	Facts    grid.DayFacts         `json:"-"`
	Actions  []grid.DiaryAction    `json:"actions"`
}

// dayFacts gathers what the system knows of a grid worker's day: the
// reports they filed, the checks they made, the households they visited
// (read from the registry), the requests they took at micro-stations, the
// other tickets they registered, the ledger items they found, ticked off
// or re-inspected.
func dayFacts(ctx context.Context, tx *store.Tx, authorID int64, day time.Time) (grid.DayFacts, error) {
	from, to, _ := dayBounds(day)
	f := grid.DayFacts{Day: from.In(china)}
	reports, err := store.ListGridReports(ctx, tx, store.GridReportFilter{ReporterID: authorID, From: from, To: to, Limit: 1000})
	if err != nil {
		return f, err
	}
	for i := len(reports) - 1; i >= 0; i-- { // oldest first
		r := reports[i]
		f.Reports = append(f.Reports, grid.FactReport{Category: r.Category, Title: r.Title, Address: r.Address, Ticket: r.Ticket})
	}
	checks, err := store.GridChecks(ctx, tx, authorID, from, to)
	if err != nil {
		return f, err
	}
	for _, r := range checks {
		f.Checks = append(f.Checks, grid.FactCheck{Title: r.Title, Ticket: r.Ticket, Passed: r.CheckPassed != nil && *r.CheckPassed})
	}
	tks, err := store.TicketsCreatedBy(ctx, tx, authorID, from, to)
	if err != nil {
		return f, err
	}
	for _, t := range tks {
		f.Tickets = append(f.Tickets, grid.FactTicket{Number: t.Number, Title: t.Title})
	}
	visits, err := store.VisitsBy(ctx, tx, authorID, from, to)
	if err != nil {
		return f, err
	}
	for _, v := range visits {
		f.Visits = append(f.Visits, grid.FactVisit{Address: v.Address, Visited: v.Outcome == "visited", Met: v.Met, Note: v.Note,
			Concerns: v.Concerns})
	}
	reqs, err := store.ListStationRequests(ctx, tx, store.StationRequestFilter{TakenBy: authorID, From: from, To: to, Limit: 1000})
	if err != nil {
		return f, err
	}
	for i := len(reqs) - 1; i >= 0; i-- { // oldest first
		q := reqs[i]
		f.Stations = append(f.Stations, grid.FactStation{Station: q.StationName, Title: q.Title, Ticket: q.Ticket, Answered: q.Answered})
	}
	found, checked, err := store.LedgerItemsTouched(ctx, tx, authorID, from, to)
	if err != nil {
		return f, err
	}
	titles := map[int64]string{}
	title := func(id int64) string {
		if t, ok := titles[id]; ok {
			return t
		}
		c, err := store.GetCampaign(ctx, tx, id)
		if err == nil {
			titles[id] = c.Title
		}
		return titles[id]
	}
	for _, it := range found {
		f.Findings = append(f.Findings, grid.FactItem{Campaign: title(it.CampaignID), Problem: it.Problem, Place: it.Place})
	}
	for _, it := range checked {
		f.TickOffs = append(f.TickOffs, grid.FactItem{Campaign: title(it.CampaignID), Problem: it.Problem, Place: it.Place})
	}
	return f, nil
}

// notesMark starts the part of a diary that only the worker writes; a
// redraft keeps what follows it.
const notesMark = "民情记事："

// Diary returns the actor's diary of the day (YYYY-MM-DD in China; ""
// today): the saved one, or the draft the system writes from the day's
// work, not yet saved.
func (s *Service) Diary(ctx context.Context, actor *org.User, day string) (*DiaryView, error) {
	if err := kit.Require(actor, org.RoleGridWorker); err != nil {
		return nil, err
	}
	t, err := s.parseDay(day)
	if err != nil {
		return nil, err
	}
	_, _, key := dayBounds(t)
	var out *DiaryView
	err = s.kit.Read(ctx, func(tx *store.Tx) error {
		d, err := store.GetDiaryOfDay(ctx, tx, actor.ID, key)
		if err == nil {
			out, err = s.diaryView(ctx, tx, actor, d)
			return err
		}
		if !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return err
		}
		g, err := gridOf(ctx, tx, actor, 0)
		if err != nil {
			return err
		}
		f, err := dayFacts(ctx, tx, actor.ID, t)
		if err != nil {
			return err
		}
		now := s.now()
		out = &DiaryView{FieldDiary: &store.FieldDiary{AuthorID: actor.ID, AuthorName: actor.Name, GridID: g.ID, GridPath: g.Path,
			GridName: g.Name, Day: key, Text: grid.Draft(f), Status: grid.DiaryDraft, CreatedAt: now, UpdatedAt: now},
			Facts: f, Actions: []grid.DiaryAction{grid.DiaryEdit, grid.DiarySubmit}}
		return nil
	})
	return out, err
}

// diaryView adds a stored diary's timeline and the actor's actions.
func (s *Service) diaryView(ctx context.Context, tx *store.Tx, actor *org.User, d *store.FieldDiary) (*DiaryView, error) {
	v := &DiaryView{FieldDiary: d}
	var err error
	if v.Timeline, err = store.ListTimeline(ctx, tx, ObjectDiary, d.ID); err != nil {
		return nil, err
	}
	for _, a := range grid.DiaryActions {
		if _, err := grid.NextDiary(d.Status, a); err != nil {
			continue
		}
		if grid.CheckDiaryActor(actor, d.AuthorID, a) == nil && (actor.ID == d.AuthorID || seesAs(actor, d.GridPath, grid.Readers...)) {
			v.Actions = append(v.Actions, a)
		}
	}
	return v, nil
}

// DiaryInput is the worker's text of a day's diary.
type DiaryInput struct {
	Day    string `json:"day"` // YYYY-MM-DD; "": today
	Text   string `json:"text"`
	Submit bool   `json:"submit"` // hand it in after saving
	// Redraft rewrites the system's part from the day's work, keeping what
	// the worker wrote after 民情记事; Text is then ignored.
	Redraft bool `json:"redraft"`
}

// SaveDiary saves the actor's diary of a day (creating it from the draft
// the first time), and submits it when asked. A submitted diary is no
// longer edited: ECONFLICT.
func (s *Service) SaveDiary(ctx context.Context, actor *org.User, in DiaryInput) (*DiaryView, error) {
	if err := kit.Require(actor, org.RoleGridWorker); err != nil {
		return nil, err
	}
	t, err := s.parseDay(in.Day)
	if err != nil {
		return nil, err
	}
	if !in.Redraft {
		if err := grid.CheckDiaryText(in.Text); err != nil {
			return nil, err
		}
	}
	_, _, key := dayBounds(t)
	var out *DiaryView
	err = s.kit.Write(ctx, func(tx *store.Tx) error {
		now := s.now()
		d, err := store.GetDiaryOfDay(ctx, tx, actor.ID, key)
		created := false
		switch {
		case minsheng.IsCode(err, minsheng.ENOTFOUND):
			g, err := gridOf(ctx, tx, actor, 0)
			if err != nil {
				return err
			}
			id, err := tx.NextID(ctx)
			if err != nil {
				return err
			}
			d = &store.FieldDiary{ID: id, AuthorID: actor.ID, GridID: g.ID, GridPath: g.Path, Day: key, Status: grid.DiaryDraft,
				CreatedAt: now, UpdatedAt: now}
			created = true
		case err != nil:
			return err
		}
		if _, err := grid.NextDiary(d.Status, grid.DiaryEdit); err != nil {
			return err
		}
		if in.Redraft {
			f, err := dayFacts(ctx, tx, actor.ID, t)
			if err != nil {
				return err
			}
			in.Text = grid.Draft(f)
			if _, notes, ok := strings.Cut(d.Text, notesMark); ok {
				in.Text += strings.TrimLeft(notes, "\n")
			}
		}
		d.Text, d.UpdatedAt = in.Text, now
		action := "edit"
		if created {
			action = "create"
			if err := store.InsertDiary(ctx, tx, d); err != nil {
				return err
			}
		}
		if in.Submit {
			d.Status, d.SubmittedAt, action = grid.DiarySubmitted, &now, "submit"
		}
		if !created || in.Submit {
			if err := store.UpdateDiary(ctx, tx, d); err != nil {
				return err
			}
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectDiary, ObjectID: d.ID, Action: action,
			Data: map[string]string{"day": key}}); err != nil {
			return err
		}
		if d, err = store.GetDiary(ctx, tx, d.ID); err != nil {
			return err
		}
		out, err = s.diaryView(ctx, tx, actor, d)
		return err
	})
	return out, err
}

// loadDiary returns a diary the actor may read: their own, or a submitted
// one of a grid whose work they see. ENOTFOUND otherwise (a draft is the
// author's alone).
func loadDiary(ctx context.Context, tx *store.Tx, actor *org.User, id int64) (*store.FieldDiary, error) {
	d, err := store.GetDiary(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if d.AuthorID == actor.ID || (d.Status != grid.DiaryDraft && seesWork(actor, d.GridPath)) {
		return d, nil
	}
	return nil, minsheng.Errorf(minsheng.ENOTFOUND, "diary %d not found", id)
}

// GetDiary returns a diary with its comments.
func (s *Service) GetDiary(ctx context.Context, actor *org.User, id int64) (*DiaryView, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	var out *DiaryView
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		d, err := loadDiary(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		out, err = s.diaryView(ctx, tx, actor, d)
		return err
	})
	return out, err
}

// ListDiaries returns the submitted diaries of the grids the actor sees
// and the actor's own, newest day first.
func (s *Service) ListDiaries(ctx context.Context, actor *org.User) ([]*store.FieldDiary, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	var out []*store.FieldDiary
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		others, err := store.ListDiaries(ctx, tx, store.DiaryFilter{Paths: scopes(actor), Submitted: true})
		if err != nil {
			return err
		}
		mine, err := store.ListDiaries(ctx, tx, store.DiaryFilter{AuthorID: actor.ID, Limit: 30})
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, d := range append(mine, others...) {
			if !seen[d.ID] {
				seen[d.ID] = true
				out = append(out, d)
			}
		}
		return nil
	})
	return out, err
}

// DiaryActInput is the community's action on a diary.
type DiaryActInput struct {
	Action grid.DiaryAction `json:"action"` // read or comment
	Note   string           `json:"note"`   // the comment
}

// ActOnDiary marks a submitted diary read or comments on it; comments go
// on its timeline.
func (s *Service) ActOnDiary(ctx context.Context, actor *org.User, id int64, in DiaryActInput) (*DiaryView, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	if in.Action != grid.DiaryMark && in.Action != grid.DiaryComment {
		return nil, minsheng.FieldError("action", "action must be read or comment")
	}
	if err := grid.CheckNote("note", in.Note, in.Action == grid.DiaryComment); err != nil {
		return nil, err
	}
	var out *DiaryView
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		d, err := loadDiary(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		next, err := grid.NextDiary(d.Status, in.Action)
		if err != nil {
			return err
		}
		if err := grid.CheckDiaryActor(actor, d.AuthorID, in.Action); err != nil {
			return err
		}
		if actor.ID != d.AuthorID && !seesAs(actor, d.GridPath, grid.Readers...) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "the diary's grid is outside the units of your role")
		}
		now := s.now()
		if next != d.Status {
			d.Status, d.ReadBy, d.ReadAt, d.UpdatedAt = next, actor.ID, &now, now
			if err := store.UpdateDiary(ctx, tx, d); err != nil {
				return err
			}
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectDiary, ObjectID: d.ID, Action: string(in.Action),
			Note: in.Note}); err != nil {
			return err
		}
		if d, err = store.GetDiary(ctx, tx, d.ID); err != nil {
			return err
		}
		out, err = s.diaryView(ctx, tx, actor, d)
		return err
	})
	return out, err
}
