package grids

import (
	"context"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// ReportInput is a grid report as the phone page sends it.
type ReportInput struct {
	grid.NewReport
	GridID int64 `json:"grid_id,omitempty"` // for a worker of several grids; 0: their first
}

// Report files a grid worker's report (收集) and registers its work order
// (立案) in the same transaction, linked both ways; photos go on the work
// order's timeline. Routing rules may dispatch it at once (派遣).
func (s *Service) Report(ctx context.Context, actor *org.User, in ReportInput, files ...app.Upload) (*store.GridReport, error) {
	if err := kit.Require(actor, org.RoleGridWorker); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	cat, _ := grid.CategoryByCode(in.Category)
	ids, err := s.tickets.UploadIDs(ctx, files)
	if err != nil {
		return nil, err
	}
	var out *store.GridReport
	err = s.kit.Write(ctx, func(tx *store.Tx) error {
		g, err := gridOf(ctx, tx, actor, in.GridID)
		if err != nil {
			return err
		}
		catID, err := districtCategory(ctx, tx, cat.District)
		if err != nil {
			return err
		}
		title := in.Title
		if title == "" {
			title = ticket.TitleFrom(in.Description)
		}
		t, err := s.tickets.OpenTicketTx(ctx, tx, actor, ticket.NewTicket{Title: title,
			Description: "【网格上报·" + cat.Name + "】" + in.Description, Kind: ticket.KindReport, Channel: ticket.ChannelGrid,
			Address: in.Address, CategoryID: catID, Lat: in.Lat, Lng: in.Lng})
		if err != nil {
			return err
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		status, err := grid.Follow(grid.ReportRegistered, ticket.ActionRegister, t.Status)
		if err != nil {
			return err
		}
		now := s.now()
		r := &store.GridReport{ID: id, GridID: g.ID, GridPath: g.Path, ReporterID: actor.ID, Class: in.Class, Category: in.Category,
			Title: title, Description: in.Description, Address: in.Address, Lat: in.Lat, Lng: in.Lng, TicketID: t.ID, Status: status,
			ReportedAt: now, UpdatedAt: now}
		if err := store.InsertGridReport(ctx, tx, r); err != nil {
			return err
		}
		if err := s.tickets.LinkTx(ctx, tx, actor, t, ObjectReport, id, "opened"); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectReport, ObjectID: id, Action: "report",
			Data: map[string]string{"ticket": t.Number, "category": in.Category, "status": string(status)}}); err != nil {
			return err
		}
		if len(files) > 0 {
			if err := s.tickets.ActTx(ctx, tx, t, actor.ID, ticket.ActionAttach, "网格员现场照片", files, ids, nil); err != nil {
				return err
			}
		}
		out, err = store.GetGridReport(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.kit.Log().InfoContext(ctx, "grid report", "report", out.ID, "ticket", out.Ticket, "actor", actor.ID)
	return out, nil
}

// districtCategory returns the id of the district's category with the
// code; 0 when there is none (the classifier and the dispatcher choose).
func districtCategory(ctx context.Context, tx *store.Tx, code string) (int64, error) {
	if code == "" {
		return 0, nil
	}
	cats, err := store.ListCategories(ctx, tx)
	if err != nil {
		return 0, err
	}
	for _, c := range cats {
		if c.Code == code && c.Active {
			return c.ID, nil
		}
	}
	return 0, nil
}

// followTicket is the hook on every ticket's events: a ledger item follows
// the work order it opened (followItemTicket); a grid report follows its
// work order through the loop, and its ticket is not closed before the
// grid worker's 核查 passed (the hook's error rolls the close back).
func (s *Service) followTicket(ctx context.Context, tx *store.Tx, t *ticket.Ticket, e *ticket.Event) error {
	if err := s.followItemTicket(ctx, tx, t, e); err != nil {
		return err
	}
	if t.Channel != ticket.ChannelGrid {
		return nil
	}
	r, err := store.GetGridReportByTicket(ctx, tx, t.ID)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		return nil // a grid ticket registered at the desk, not a report
	}
	if err != nil {
		return err
	}
	next, err := grid.Follow(r.Status, e.Action, e.ToStatus)
	if err != nil {
		return err
	}
	if next == r.Status {
		return nil
	}
	from := r.Status
	r.Status, r.UpdatedAt = next, e.At
	if next == grid.ReportClosed {
		at := e.At
		r.ClosedAt = &at
	} else {
		r.ClosedAt = nil
	}
	if err := store.UpdateGridReport(ctx, tx, r); err != nil {
		return err
	}
	actor, err := actorOf(ctx, tx, e.ActorID)
	if err != nil {
		return err
	}
	_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectReport, ObjectID: r.ID, Action: "follow_ticket",
		Data: map[string]string{"ticket": t.Number, "ticket_action": string(e.Action), "from": string(from), "to": string(next)}})
	return err
}

// CheckInput is a grid worker's 核查 of a reply.
type CheckInput struct {
	Result grid.CheckResult `json:"result"`
	Note   string           `json:"note"`
}

// Check records a grid worker's on-the-spot check (核查) of the handling
// unit's reply. Passed, the work order is closed (结案) in the same
// transaction; failed, the finding goes on the work order's timeline and
// the centre reopens it (重办), after which the report waits for the next
// reply. A failed check needs a note saying what is still wrong.
func (s *Service) Check(ctx context.Context, actor *org.User, reportID int64, in CheckInput, files ...app.Upload) (*store.GridReport, error) {
	if err := kit.Require(actor, grid.CheckRoles...); err != nil {
		return nil, err
	}
	if err := grid.CheckNote("note", in.Note, in.Result == grid.CheckFail); err != nil {
		return nil, err
	}
	ids, err := s.tickets.UploadIDs(ctx, files)
	if err != nil {
		return nil, err
	}
	var out *store.GridReport
	err = s.kit.Write(ctx, func(tx *store.Tx) error {
		r, err := s.loadReport(ctx, tx, actor, reportID)
		if err != nil {
			return err
		}
		if !seesAs(actor, r.GridPath, grid.CheckRoles...) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "the report is outside your grid")
		}
		next, err := grid.NextCheck(r.Status, in.Result)
		if err != nil {
			return err
		}
		t, err := s.tickets.LoadVisibleTx(ctx, tx, kit.System(), r.Ticket)
		if err != nil {
			return err
		}
		now := s.now()
		passed := in.Result == grid.CheckPass
		r.Status, r.UpdatedAt, r.CheckedAt, r.CheckedBy, r.CheckPassed, r.CheckNote = next, now, &now, actor.ID, &passed, in.Note
		r.Checks++
		if !passed {
			r.FailedChecks++
		}
		if err := store.UpdateGridReport(ctx, tx, r); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectReport, ObjectID: r.ID, Action: "check",
			Note: in.Note, Data: map[string]string{"result": string(in.Result), "ticket": r.Ticket}}); err != nil {
			return err
		}
		if passed {
			note := "网格员现场核查通过"
			if in.Note != "" {
				note += "：" + in.Note
			}
			err = s.tickets.ActTx(ctx, tx, t, actor.ID, ticket.ActionClose, note, files, ids,
				func(_ context.Context, _ *store.Tx, t *ticket.Ticket, e *ticket.Event, now time.Time) error {
					t.ClosedAt = &now
					e.Data = map[string]string{"grid_check": "pass", "grid_report": strconv.FormatInt(r.ID, 10)}
					return nil
				})
		} else {
			err = s.tickets.ActTx(ctx, tx, t, actor.ID, ticket.ActionAttach, "网格员现场核查未通过："+in.Note, files, ids,
				func(_ context.Context, _ *store.Tx, _ *ticket.Ticket, e *ticket.Event, _ time.Time) error {
					e.Data = map[string]string{"grid_check": "fail", "grid_report": strconv.FormatInt(r.ID, 10)}
					return nil
				})
		}
		if err != nil {
			return err
		}
		out, err = store.GetGridReport(ctx, tx, r.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// loadReport returns a report the actor may see (its grid's work), or
// ENOTFOUND.
func (s *Service) loadReport(ctx context.Context, tx *store.Tx, actor *org.User, id int64) (*store.GridReport, error) {
	r, err := store.GetGridReport(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !seesWork(actor, r.GridPath) && r.ReporterID != actor.ID {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "grid report %d not found", id)
	}
	return r, nil
}

// ReportView is a report with its timeline.
type ReportView struct {
	*store.GridReport
	Timeline []store.TimelineEvent `json:"timeline"`
	// MayCheck: the actor may make the 核查 now.
	MayCheck bool `json:"may_check"`
}

// GetReport returns a report the actor sees, with its timeline.
func (s *Service) GetReport(ctx context.Context, actor *org.User, id int64) (*ReportView, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	var out ReportView
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		if out.GridReport, err = s.loadReport(ctx, tx, actor, id); err != nil {
			return err
		}
		out.Timeline, err = store.ListTimeline(ctx, tx, ObjectReport, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	_, err = grid.NextCheck(out.Status, grid.CheckPass)
	out.MayCheck = err == nil && seesAs(actor, out.GridPath, grid.CheckRoles...)
	return &out, nil
}

// ReportQuery selects reports for a list.
type ReportQuery struct {
	Mine     bool                // only the actor's own
	Statuses []grid.ReportStatus // any status when empty
	Limit    int
}

// ListReports returns the reports of the grids the actor sees, newest first.
func (s *Service) ListReports(ctx context.Context, actor *org.User, q ReportQuery) ([]*store.GridReport, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	f := store.GridReportFilter{Paths: scopes(actor), Statuses: q.Statuses, Limit: q.Limit}
	if q.Mine {
		f.ReporterID, f.Paths = actor.ID, nil
	}
	var out []*store.GridReport
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = store.ListGridReports(ctx, tx, f)
		return err
	})
	return out, err
}

// AwaitingCheck returns the reports in the actor's grids whose reply waits
// for their 核查 (or whose check failed and may be made again).
func (s *Service) AwaitingCheck(ctx context.Context, actor *org.User) ([]*store.GridReport, error) {
	if err := kit.Require(actor, grid.CheckRoles...); err != nil {
		return nil, err
	}
	f := store.GridReportFilter{Paths: actor.ScopesAs(grid.CheckRoles...), Statuses: []grid.ReportStatus{grid.ReportAwaitingCheck, grid.ReportCheckFailed}}
	if kit.IsSystem(actor) {
		f.Paths = nil
	}
	var out []*store.GridReport
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = store.ListGridReports(ctx, tx, f)
		return err
	})
	return out, err
}

// ReportFigures are the figures of the grid reports the actor sees: by
// category and grid, and the 核查 pass rate (checked and never failed ÷
// checked, with the counts beside it).
func (s *Service) ReportFigures(ctx context.Context, actor *org.User) (*store.GridReportFigures, error) {
	if err := kit.Require(actor, org.Roles...); err != nil {
		return nil, err
	}
	var out *store.GridReportFigures
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		out, err = store.CountGridReports(ctx, tx, store.GridReportFilter{Paths: scopes(actor)})
		return err
	})
	if err != nil {
		return nil, err
	}
	for i := range out.ByCategory {
		if c, ok := grid.CategoryByCode(out.ByCategory[i].Key); ok {
			out.ByCategory[i].Name = c.Name
		}
	}
	return out, nil
}
