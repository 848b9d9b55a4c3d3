package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/grid"
)

// This file holds what grid management and the screening ledger keep
// (docs/grids.md): grid reports and the state of their loop, screening
// campaigns and their items, and field diaries.

// GridReport is a grid worker's report and where its loop stands. Ticket
// and TicketStatus are read with it from its work order.
type GridReport struct {
	ID           int64             `json:"id"`
	GridID       int64             `json:"grid_id"`
	GridPath     string            `json:"-"`
	GridName     string            `json:"grid_name"`
	ReporterID   int64             `json:"reporter_id"`
	ReporterName string            `json:"reporter_name"`
	Class        grid.Class        `json:"class"`
	Category     string            `json:"category"`
	Title        string            `json:"title"`
	Description  string            `json:"description"`
	Address      string            `json:"address"`
	Lat          *float64          `json:"lat,omitempty"`
	Lng          *float64          `json:"lng,omitempty"`
	TicketID     int64             `json:"-"`
	Ticket       string            `json:"ticket"` // the work order's number
	TicketStatus string            `json:"ticket_status"`
	Status       grid.ReportStatus `json:"status"`
	ReportedAt   time.Time         `json:"reported_at"`
	UpdatedAt    time.Time         `json:"updated_at"`
	CheckedAt    *time.Time        `json:"checked_at,omitempty"`
	CheckedBy    int64             `json:"checked_by,omitempty"`
	CheckPassed  *bool             `json:"check_passed,omitempty"`
	CheckNote    string            `json:"check_note,omitempty"`
	Checks       int               `json:"checks"`
	FailedChecks int               `json:"failed_checks"`
	ClosedAt     *time.Time        `json:"closed_at,omitempty"`
}

const gridReportColumns = `r.id, r.grid_id, r.grid_path, g.name, r.reporter_id, u.name, r.class, r.category, r.title, r.description,
	r.address, r.lat, r.lng, r.ticket_id, t.number, t.status, r.status, r.reported_at, r.updated_at, r.checked_at, r.checked_by,
	r.check_passed, r.check_note, r.checks, r.failed_checks, r.closed_at`

const gridReportFrom = ` FROM grid_reports r JOIN units g ON g.id = r.grid_id JOIN users u ON u.id = r.reporter_id
	JOIN tickets t ON t.id = r.ticket_id`

func scanGridReport(s scanner) (*GridReport, error) {
	var r GridReport
	var lat, lng sql.NullFloat64
	var checked, closed sql.NullTime
	var checkedBy sql.NullInt64
	var passed sql.NullBool
	if err := s.Scan(&r.ID, &r.GridID, &r.GridPath, &r.GridName, &r.ReporterID, &r.ReporterName, &r.Class, &r.Category, &r.Title,
		&r.Description, &r.Address, &lat, &lng, &r.TicketID, &r.Ticket, &r.TicketStatus, &r.Status, &r.ReportedAt, &r.UpdatedAt,
		&checked, &checkedBy, &passed, &r.CheckNote, &r.Checks, &r.FailedChecks, &closed); err != nil {
		return nil, err
	}
	if lat.Valid && lng.Valid {
		r.Lat, r.Lng = &lat.Float64, &lng.Float64
	}
	if passed.Valid {
		r.CheckPassed = &passed.Bool
	}
	r.ReportedAt, r.UpdatedAt = r.ReportedAt.UTC(), r.UpdatedAt.UTC()
	r.CheckedAt, r.ClosedAt, r.CheckedBy = timePtr(checked), timePtr(closed), checkedBy.Int64
	return &r, nil
}

// InsertGridReport writes a new report.
func InsertGridReport(ctx context.Context, tx *Tx, r *GridReport) error {
	_, err := tx.Exec(ctx, `INSERT INTO grid_reports (id, grid_id, grid_path, reporter_id, class, category, title, description, address,
		lat, lng, ticket_id, status, reported_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.GridID, r.GridPath, r.ReporterID, r.Class, r.Category, r.Title, r.Description, r.Address, nullFloat(r.Lat),
		nullFloat(r.Lng), r.TicketID, r.Status, r.ReportedAt.UTC(), r.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert grid report: %w", err)
	}
	return nil
}

// UpdateGridReport writes a report's status and its 核查.
func UpdateGridReport(ctx context.Context, tx *Tx, r *GridReport) error {
	return changeOne(ctx, tx, "update grid report", notFound("grid report", r.ID),
		`UPDATE grid_reports SET status = ?, updated_at = ?, checked_at = ?, checked_by = ?, check_passed = ?,
		check_note = ?, checks = ?, failed_checks = ?, closed_at = ? WHERE id = ?`,
		r.Status, r.UpdatedAt.UTC(), nullTime(r.CheckedAt), nullID(r.CheckedBy), nullBool(r.CheckPassed), r.CheckNote, r.Checks,
		r.FailedChecks, nullTime(r.ClosedAt), r.ID)
}

// GetGridReport returns a report, or ENOTFOUND.
func GetGridReport(ctx context.Context, tx *Tx, id int64) (*GridReport, error) {
	return getGridReport(ctx, tx, "r.id = ?", id)
}

// GetGridReportByTicket returns the report a ticket carries, or ENOTFOUND.
func GetGridReportByTicket(ctx context.Context, tx *Tx, ticketID int64) (*GridReport, error) {
	return getGridReport(ctx, tx, "r.ticket_id = ?", ticketID)
}

func getGridReport(ctx context.Context, tx *Tx, cond string, arg any) (*GridReport, error) {
	return getOne(ctx, tx, scanGridReport, "grid report", arg, `SELECT `+gridReportColumns+gridReportFrom+` WHERE `+cond, arg)
}

// GridReportFilter selects reports; zero fields select all.
type GridReportFilter struct {
	Paths      []string // grids at or below one of them
	ReporterID int64
	Statuses   []grid.ReportStatus
	From, To   time.Time // reported_at in [From, To)
	Limit      int       // 0: 200
}

// ListGridReports returns reports, newest first.
func ListGridReports(ctx context.Context, tx *Tx, f GridReportFilter) ([]*GridReport, error) {
	where, args := gridReportWhere(f)
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	out, err := queryAll(ctx, tx, scanGridReport, `SELECT `+gridReportColumns+gridReportFrom+where+
		fmt.Sprintf(` ORDER BY r.reported_at DESC, r.id DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list grid reports: %w", err)
	}
	return out, nil
}

func gridReportWhere(f GridReportFilter) (string, []any) {
	var w where
	w.paths(f.Paths, "r.grid_path")
	w.addIf(f.ReporterID != 0, "r.reporter_id = ?", f.ReporterID)
	whereIn(&w, "r.status", f.Statuses)
	w.addIf(!f.From.IsZero(), "r.reported_at >= ?", f.From.UTC())
	w.addIf(!f.To.IsZero(), "r.reported_at < ?", f.To.UTC())
	return w.String(), w.args
}

// GridChecks returns the reports a user checked (核查) in [from, to), for
// their diary.
func GridChecks(ctx context.Context, tx *Tx, checkedBy int64, from, to time.Time) ([]*GridReport, error) {
	out, err := queryAll(ctx, tx, scanGridReport, `SELECT `+gridReportColumns+gridReportFrom+
		` WHERE r.checked_by = ? AND r.checked_at >= ? AND r.checked_at < ? ORDER BY r.checked_at`, checkedBy, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("grid checks: %w", err)
	}
	return out, nil
}

// GridCount is a count of reports by one key (a category, a grid).
type GridCount struct {
	Key   string `json:"key"`
	Name  string `json:"name,omitempty"`
	Count int    `json:"count"`
}

// GridReportFigures are the figures of grid reports: counts by category
// and by grid, and the outcome of the 核查.
type GridReportFigures struct {
	Total        int         `json:"total"`
	ByCategory   []GridCount `json:"by_category"`
	ByGrid       []GridCount `json:"by_grid"`
	Checked      int         `json:"checked"`       // reports checked at least once
	PassedFirst  int         `json:"passed_first"`  // checked and never failed
	FailedChecks int         `json:"failed_checks"` // failed checks in all
}

// CountGridReports returns the figures of the reports the filter selects
// (Limit and Statuses are ignored).
func CountGridReports(ctx context.Context, tx *Tx, f GridReportFilter) (*GridReportFigures, error) {
	f.Statuses = nil
	where, args := gridReportWhere(f)
	var out GridReportFigures
	err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.checks > 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.checks > 0 AND r.failed_checks = 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(r.failed_checks), 0)
		FROM grid_reports r`+where, args...).Scan(&out.Total, &out.Checked, &out.PassedFirst, &out.FailedChecks)
	if err != nil {
		return nil, fmt.Errorf("count grid reports: %w", err)
	}
	scanCount := func(s scanner) (GridCount, error) {
		var c GridCount
		return c, s.Scan(&c.Key, &c.Name, &c.Count)
	}
	if out.ByCategory, err = queryAll(ctx, tx, scanCount, `SELECT r.category, '', COUNT(*) FROM grid_reports r`+where+
		` GROUP BY r.category ORDER BY r.category`, args...); err != nil {
		return nil, fmt.Errorf("count grid reports by category: %w", err)
	}
	if out.ByGrid, err = queryAll(ctx, tx, scanCount, `SELECT g.code, g.name, COUNT(*) FROM grid_reports r JOIN units g ON g.id = r.grid_id`+
		where+` GROUP BY g.code, g.name ORDER BY COUNT(*) DESC, g.code`, args...); err != nil {
		return nil, fmt.Errorf("count grid reports by grid: %w", err)
	}
	return &out, nil
}

// DayTicket is a work order a user registered, for their diary.
type DayTicket struct {
	Number, Title string
}

// TicketsCreatedBy returns the tickets a user registered in [from, to)
// that no grid report, station request or visit's concern carries (those
// are in the diary as such).
func TicketsCreatedBy(ctx context.Context, tx *Tx, userID int64, from, to time.Time) ([]DayTicket, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (DayTicket, error) {
		var d DayTicket
		return d, s.Scan(&d.Number, &d.Title)
	}, `SELECT t.number, t.title FROM tickets t WHERE t.created_by = ? AND t.created_at >= ? AND t.created_at < ?
		AND NOT EXISTS (SELECT 1 FROM grid_reports r WHERE r.ticket_id = t.id)
		AND NOT EXISTS (SELECT 1 FROM grid_station_requests q WHERE q.ticket_id = t.id)
		AND NOT EXISTS (SELECT 1 FROM household_concerns c WHERE c.ticket_id = t.id) ORDER BY t.created_at`, userID, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("tickets created by: %w", err)
	}
	return out, nil
}

// Inspection is a place checked against a campaign's checklist.
type Inspection struct {
	ID          int64         `json:"id"`
	CampaignID  int64         `json:"campaign_id"`
	UnitID      int64         `json:"unit_id"`
	UnitPath    string        `json:"-"`
	Place       string        `json:"place"`
	Answers     []grid.Answer `json:"answers"`
	Found       int           `json:"found"` // ledger items it made
	InspectedBy int64         `json:"inspected_by"`
	InspectedAt time.Time     `json:"inspected_at"`
}

// InsertInspection writes an inspection.
func InsertInspection(ctx context.Context, tx *Tx, in *Inspection) error {
	b, err := json.Marshal(in.Answers)
	if err != nil {
		return fmt.Errorf("insert inspection: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO ledger_inspections (id, campaign_id, unit_id, unit_path, place, answers, found, inspected_by,
		inspected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.ID, in.CampaignID, in.UnitID, in.UnitPath, in.Place, string(b), in.Found,
		nullID(in.InspectedBy), in.InspectedAt.UTC()); err != nil {
		return fmt.Errorf("insert inspection: %w", err)
	}
	return nil
}

// CountInspections returns how many places a campaign's checklist was
// answered at in the paths (all when empty).
func CountInspections(ctx context.Context, tx *Tx, campaignID int64, paths []string) (int, error) {
	where, args := " WHERE campaign_id = ?", []any{campaignID}
	if c, a := pathsCond(paths, "unit_path"); c != "" {
		where, args = where+" AND "+c, append(args, a...)
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_inspections`+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count inspections: %w", err)
	}
	return n, nil
}

// DayVisit is a household visit a user made, for their diary: read from
// the households' registry, never written here.
type DayVisit struct {
	Address  string
	Outcome  string
	Met      string
	Note     string
	Concerns int
}

// VisitsBy returns the household visits a user made in [from, to), oldest
// first.
func VisitsBy(ctx context.Context, tx *Tx, userID int64, from, to time.Time) ([]DayVisit, error) {
	out, err := queryAll(ctx, tx, func(s scanner) (DayVisit, error) {
		var d DayVisit
		return d, s.Scan(&d.Address, &d.Outcome, &d.Met, &d.Note, &d.Concerns)
	}, `SELECT h.address, v.outcome, v.met, v.note, (SELECT COUNT(*) FROM household_concerns c WHERE c.visit_id = v.id)
		FROM household_visits v JOIN households h ON h.id = v.household_id
		WHERE v.cadre_id = ? AND v.at >= ? AND v.at < ? ORDER BY v.at, v.id`, userID, from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("visits by: %w", err)
	}
	return out, nil
}

// LedgerCampaign is a screening campaign (大排查).
type LedgerCampaign struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	UnitID    int64     `json:"unit_id"`
	UnitPath  string    `json:"-"`
	UnitName  string    `json:"unit_name"`
	Deadline  time.Time `json:"deadline"`
	Note      string    `json:"note,omitempty"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// Checklist is what its finders check at each place (none: findings
	// are recorded one by one).
	Checklist []grid.Check `json:"checklist"`
}

const campaignColumns = `c.id, c.title, c.unit_id, c.unit_path, n.name, c.deadline, c.note, c.created_by, c.created_at, c.checklist`

func scanCampaign(s scanner) (*LedgerCampaign, error) {
	c := LedgerCampaign{Checklist: []grid.Check{}}
	var by sql.NullInt64
	var checklist string
	if err := s.Scan(&c.ID, &c.Title, &c.UnitID, &c.UnitPath, &c.UnitName, &c.Deadline, &c.Note, &by, &c.CreatedAt, &checklist); err != nil {
		return nil, err
	}
	if checklist != "" {
		if err := json.Unmarshal([]byte(checklist), &c.Checklist); err != nil {
			return nil, fmt.Errorf("campaign %d checklist: %w", c.ID, err)
		}
	}
	c.Deadline, c.CreatedAt, c.CreatedBy = c.Deadline.UTC(), c.CreatedAt.UTC(), by.Int64
	return &c, nil
}

// InsertCampaign writes a new campaign.
func InsertCampaign(ctx context.Context, tx *Tx, c *LedgerCampaign) error {
	checklist := ""
	if len(c.Checklist) > 0 {
		b, err := json.Marshal(c.Checklist)
		if err != nil {
			return fmt.Errorf("insert campaign: %w", err)
		}
		checklist = string(b)
	}
	_, err := tx.Exec(ctx, `INSERT INTO ledger_campaigns (id, title, unit_id, unit_path, deadline, note, created_by, created_at, checklist)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.Title, c.UnitID, c.UnitPath, c.Deadline.UTC(), c.Note, nullID(c.CreatedBy), c.CreatedAt.UTC(),
		checklist)
	if err != nil {
		return fmt.Errorf("insert campaign: %w", err)
	}
	return nil
}

// GetCampaign returns a campaign, or ENOTFOUND.
func GetCampaign(ctx context.Context, tx *Tx, id int64) (*LedgerCampaign, error) {
	return getOne(ctx, tx, scanCampaign, "campaign", id,
		`SELECT `+campaignColumns+` FROM ledger_campaigns c JOIN units n ON n.id = c.unit_id WHERE c.id = ?`, id)
}

// ListCampaigns returns the campaigns whose scope lies at or below one of
// the paths, or above one of them (a district campaign is seen by a
// street); all when paths is empty. Newest first.
func ListCampaigns(ctx context.Context, tx *Tx, paths []string) ([]*LedgerCampaign, error) {
	where, args := "", []any(nil)
	if len(paths) > 0 {
		c, a := pathsCond(paths, "c.unit_path")
		arms := []string{c}
		args = a
		for _, p := range paths {
			arms = append(arms, "? >= c.unit_path AND ? < c.unit_path || '~'")
			args = append(args, p, p)
		}
		where = " WHERE " + strings.Join(arms, " OR ")
	}
	out, err := queryAll(ctx, tx, scanCampaign, `SELECT `+campaignColumns+` FROM ledger_campaigns c JOIN units n ON n.id = c.unit_id`+
		where+` ORDER BY c.created_at DESC, c.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	return out, nil
}

// LedgerItem is one problem a campaign found, and its rectification.
type LedgerItem struct {
	ID              int64           `json:"id"`
	CampaignID      int64           `json:"campaign_id"`
	Seq             int             `json:"seq"` // its number in the campaign's ledger
	Problem         string          `json:"problem"`
	Category        string          `json:"category,omitempty"`
	Severity        grid.Severity   `json:"severity"`
	Place           string          `json:"place"`
	UnitID          int64           `json:"unit_id"`
	UnitPath        string          `json:"-"`
	UnitName        string          `json:"unit_name"`
	ResponsibleID   int64           `json:"responsible_unit_id,omitempty"`
	ResponsiblePath string          `json:"-"`
	ResponsibleName string          `json:"responsible_unit_name,omitempty"`
	Deadline        *time.Time      `json:"deadline,omitempty"`
	Lat             *float64        `json:"lat,omitempty"`
	Lng             *float64        `json:"lng,omitempty"`
	Status          grid.ItemStatus `json:"status"`
	FoundBy         int64           `json:"found_by,omitempty"`
	FoundAt         time.Time       `json:"found_at"`
	SubmittedBy     int64           `json:"submitted_by,omitempty"`
	SubmittedAt     *time.Time      `json:"submitted_at,omitempty"`
	Evidence        string          `json:"evidence,omitempty"`
	TickedOffBy     int64           `json:"ticked_off_by,omitempty"`
	TickedOffName   string          `json:"ticked_off_by_name,omitempty"`
	TickedOffAt     *time.Time      `json:"ticked_off_at,omitempty"`
	TickOffNote     string          `json:"tick_off_note,omitempty"`
	RecheckedAt     *time.Time      `json:"rechecked_at,omitempty"`
	Relapses        int             `json:"relapses"`
	UpdatedAt       time.Time       `json:"updated_at"`
	Version         int             `json:"version"`
	TicketID        int64           `json:"-"`
	Ticket          string          `json:"ticket,omitempty"` // the work order it opened, by number
	TicketStatus    string          `json:"ticket_status,omitempty"`
}

// Overdue reports whether the item is not ticked off and past its deadline.
func (it *LedgerItem) Overdue(now time.Time) bool {
	return it.Status != grid.ItemTickedOff && it.Deadline != nil && now.After(*it.Deadline)
}

const ledgerItemColumns = `i.id, i.campaign_id, i.seq, i.problem, i.category, i.severity, i.place, i.unit_id, i.unit_path, n.name,
	i.responsible_unit_id, i.responsible_path, COALESCE(ru.name, ''), i.deadline, i.lat, i.lng, i.status, i.found_by, i.found_at,
	i.submitted_by, i.submitted_at, i.evidence, i.ticked_off_by, COALESCE(tu.name, ''), i.ticked_off_at, i.tick_off_note,
	i.rechecked_at, i.relapses, i.updated_at, i.version, i.ticket_id, COALESCE(tk.number, ''), COALESCE(tk.status, '')`

const ledgerItemFrom = ` FROM ledger_items i JOIN units n ON n.id = i.unit_id LEFT JOIN units ru ON ru.id = i.responsible_unit_id
	LEFT JOIN users tu ON tu.id = i.ticked_off_by LEFT JOIN tickets tk ON tk.id = i.ticket_id`

func scanLedgerItem(s scanner) (*LedgerItem, error) {
	var it LedgerItem
	var resp, foundBy, subBy, tickBy, ticketID sql.NullInt64
	var deadline, subAt, tickAt, recheck sql.NullTime
	var lat, lng sql.NullFloat64
	if err := s.Scan(&it.ID, &it.CampaignID, &it.Seq, &it.Problem, &it.Category, &it.Severity, &it.Place, &it.UnitID, &it.UnitPath,
		&it.UnitName, &resp, &it.ResponsiblePath, &it.ResponsibleName, &deadline, &lat, &lng, &it.Status, &foundBy, &it.FoundAt,
		&subBy, &subAt, &it.Evidence, &tickBy, &it.TickedOffName, &tickAt, &it.TickOffNote, &recheck, &it.Relapses, &it.UpdatedAt,
		&it.Version, &ticketID, &it.Ticket, &it.TicketStatus); err != nil {
		return nil, err
	}
	if lat.Valid && lng.Valid {
		it.Lat, it.Lng = &lat.Float64, &lng.Float64
	}
	it.ResponsibleID, it.FoundBy, it.SubmittedBy, it.TickedOffBy, it.TicketID = resp.Int64, foundBy.Int64, subBy.Int64, tickBy.Int64, ticketID.Int64
	it.Deadline, it.SubmittedAt, it.TickedOffAt, it.RecheckedAt = timePtr(deadline), timePtr(subAt), timePtr(tickAt), timePtr(recheck)
	it.FoundAt, it.UpdatedAt = it.FoundAt.UTC(), it.UpdatedAt.UTC()
	return &it, nil
}

// InsertLedgerItem writes a new item as the next of its campaign's ledger
// (setting Seq).
func InsertLedgerItem(ctx context.Context, tx *Tx, it *LedgerItem) error {
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger_items WHERE campaign_id = ?`, it.CampaignID).Scan(&it.Seq); err != nil {
		return fmt.Errorf("insert ledger item: %w", err)
	}
	it.Version = 1
	_, err := tx.Exec(ctx, `INSERT INTO ledger_items (id, campaign_id, seq, problem, category, severity, place, unit_id, unit_path,
		responsible_unit_id, responsible_path, deadline, lat, lng, status, found_by, found_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.ID, it.CampaignID, it.Seq, it.Problem, it.Category, it.Severity, it.Place, it.UnitID, it.UnitPath, nullID(it.ResponsibleID),
		it.ResponsiblePath, nullTime(it.Deadline), nullFloat(it.Lat), nullFloat(it.Lng), it.Status, nullID(it.FoundBy),
		it.FoundAt.UTC(), it.UpdatedAt.UTC(), it.Version)
	if err != nil {
		return fmt.Errorf("insert ledger item: %w", err)
	}
	return countLedgerItem(ctx, tx, countKeyOf(it), 1)
}

// ledgerCountKey is what an item's place in ledger_counts depends on.
type ledgerCountKey struct {
	campaign, unit, responsible int64
	unitPath, responsiblePath   string
	status                      grid.ItemStatus
	dueDay                      int64
}

func countKeyOf(it *LedgerItem) ledgerCountKey {
	return ledgerCountKey{it.CampaignID, it.UnitID, it.ResponsibleID, it.UnitPath, it.ResponsiblePath, it.Status, countDay(it.Status, it.Deadline)}
}

// countDay is the deadline day an item is counted under: none (0) once it
// is ticked off, as it is never overdue then.
func countDay(s grid.ItemStatus, deadline *time.Time) int64 {
	if s == grid.ItemTickedOff {
		return 0
	}
	return DueDay(deadline)
}

// DueDay is the day of a deadline as ledger_counts keeps it: days since
// 1970-01-01 in China (UTC+8); 0 without a deadline.
func DueDay(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	s := t.Unix() + 8*3600
	d := s / 86400
	if s < 0 && s%86400 != 0 {
		d--
	}
	return d
}

// countLedgerItem moves delta items in and out of a count.
func countLedgerItem(ctx context.Context, tx *Tx, k ledgerCountKey, delta int) error {
	if _, err := tx.Exec(ctx, `INSERT INTO ledger_counts (campaign_id, unit_id, unit_path, responsible_unit_id, responsible_path, status,
		due_day, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, unit_id, responsible_unit_id, status, due_day)
		DO UPDATE SET n = ledger_counts.n + excluded.n`, k.campaign, k.unit, k.unitPath, k.responsible, k.responsiblePath, k.status,
		k.dueDay, delta); err != nil {
		return fmt.Errorf("count ledger item: %w", err)
	}
	if delta < 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM ledger_counts WHERE campaign_id = ? AND unit_id = ? AND responsible_unit_id = ?
			AND status = ? AND due_day = ? AND n <= 0`, k.campaign, k.unit, k.responsible, k.status, k.dueDay); err != nil {
			return fmt.Errorf("count ledger item: %w", err)
		}
	}
	return nil
}

// RebuildLedgerCounts counts a campaign's items again from the items
// themselves: for items written around the use cases (a bulk load).
func RebuildLedgerCounts(ctx context.Context, tx *Tx, campaignID int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM ledger_counts WHERE campaign_id = ?`, campaignID); err != nil {
		return fmt.Errorf("rebuild ledger counts: %w", err)
	}
	type row struct {
		k ledgerCountKey
		n int
	}
	rows, err := queryAll(ctx, tx, func(sc scanner) (row, error) {
		var r row
		var resp sql.NullInt64
		var deadline sql.NullTime
		err := sc.Scan(&r.k.unit, &r.k.unitPath, &resp, &r.k.responsiblePath, &r.k.status, &deadline)
		r.k.campaign, r.k.responsible, r.k.dueDay, r.n = campaignID, resp.Int64, countDay(r.k.status, timePtr(deadline)), 1
		return r, err
	}, `SELECT unit_id, unit_path, responsible_unit_id, responsible_path, status, deadline FROM ledger_items WHERE campaign_id = ?`, campaignID)
	if err != nil {
		return fmt.Errorf("rebuild ledger counts: %w", err)
	}
	counts := map[ledgerCountKey]int{}
	for _, r := range rows {
		counts[r.k]++
	}
	for k, n := range counts {
		if err := countLedgerItem(ctx, tx, k, n); err != nil {
			return err
		}
	}
	return nil
}

// UpdateLedgerItem writes an item's state, guarded by its version: a
// change made meanwhile by someone else is ECONFLICT. It bumps Version.
func UpdateLedgerItem(ctx context.Context, tx *Tx, it *LedgerItem) error {
	was := ledgerCountKey{campaign: it.CampaignID}
	var resp sql.NullInt64
	var deadline sql.NullTime
	err := tx.QueryRow(ctx, `SELECT unit_id, unit_path, responsible_unit_id, responsible_path, status, deadline FROM ledger_items
		WHERE id = ? AND version = ?`, it.ID, it.Version).Scan(&was.unit, &was.unitPath, &resp, &was.responsiblePath, &was.status, &deadline)
	if errors.Is(err, sql.ErrNoRows) {
		return minsheng.Errorf(minsheng.ECONFLICT, "ledger item %d was changed meanwhile; reload it", it.ID)
	}
	if err != nil {
		return fmt.Errorf("update ledger item: %w", err)
	}
	was.responsible, was.dueDay = resp.Int64, countDay(was.status, timePtr(deadline))
	err = changeOne(ctx, tx, "update ledger item", minsheng.Errorf(minsheng.ECONFLICT, "ledger item %d was changed meanwhile; reload it", it.ID),
		`UPDATE ledger_items SET responsible_unit_id = ?, responsible_path = ?, deadline = ?, status = ?,
		submitted_by = ?, submitted_at = ?, evidence = ?, ticked_off_by = ?, ticked_off_at = ?, tick_off_note = ?, rechecked_at = ?,
		relapses = ?, updated_at = ?, ticket_id = ?, version = version + 1 WHERE id = ? AND version = ?`,
		nullID(it.ResponsibleID), it.ResponsiblePath, nullTime(it.Deadline), it.Status, nullID(it.SubmittedBy), nullTime(it.SubmittedAt),
		it.Evidence, nullID(it.TickedOffBy), nullTime(it.TickedOffAt), it.TickOffNote, nullTime(it.RecheckedAt), it.Relapses,
		it.UpdatedAt.UTC(), nullID(it.TicketID), it.ID, it.Version)
	if err != nil {
		return err
	}
	it.Version++
	if now := countKeyOf(it); now != was {
		if err := countLedgerItem(ctx, tx, was, -1); err != nil {
			return err
		}
		return countLedgerItem(ctx, tx, now, 1)
	}
	return nil
}

// GetLedgerItemByTicket returns the item that opened a ticket, or
// ENOTFOUND.
func GetLedgerItemByTicket(ctx context.Context, tx *Tx, ticketID int64) (*LedgerItem, error) {
	return getOne(ctx, tx, scanLedgerItem, "ledger item of ticket", ticketID,
		`SELECT `+ledgerItemColumns+ledgerItemFrom+` WHERE i.ticket_id = ?`, ticketID)
}

// GetLedgerItem returns an item, or ENOTFOUND.
func GetLedgerItem(ctx context.Context, tx *Tx, id int64) (*LedgerItem, error) {
	return getOne(ctx, tx, scanLedgerItem, "ledger item", id, `SELECT `+ledgerItemColumns+ledgerItemFrom+` WHERE i.id = ?`, id)
}

// LedgerFilter selects a campaign's items.
type LedgerFilter struct {
	CampaignID    int64
	Paths         []string // found in, or the responsibility of, a unit at or below one of them
	Status        grid.ItemStatus
	ResponsibleID int64
	OverdueAt     *time.Time // only items not ticked off and past their deadline at this time
	Limit         int        // 0: all
}

func ledgerWhere(f LedgerFilter) (string, []any) {
	var w where
	w.add("i.campaign_id = ?", f.CampaignID)
	w.paths(f.Paths, "i.unit_path", "i.responsible_path")
	w.addIf(f.Status != "", "i.status = ?", f.Status)
	w.addIf(f.ResponsibleID != 0, "i.responsible_unit_id = ?", f.ResponsibleID)
	if f.OverdueAt != nil {
		w.add("i.status <> ? AND i.deadline < ?", grid.ItemTickedOff, f.OverdueAt.UTC())
	}
	return w.String(), w.args
}

// ListLedgerItems returns a campaign's items in ledger order.
func ListLedgerItems(ctx context.Context, tx *Tx, f LedgerFilter) ([]*LedgerItem, error) {
	where, args := ledgerWhere(f)
	limit := ""
	if f.Limit > 0 {
		limit = fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	out, err := queryAll(ctx, tx, scanLedgerItem, `SELECT `+ledgerItemColumns+ledgerItemFrom+where+` ORDER BY i.seq`+limit, args...)
	if err != nil {
		return nil, fmt.Errorf("list ledger items: %w", err)
	}
	return out, nil
}

// UnitProgress is a ledger's progress for one responsible unit (0: not
// yet assigned).
type UnitProgress struct {
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	grid.Progress
}

// LedgerProgress returns a campaign's counts per responsible unit and in
// all, overdue counted at now. It reads ledger_counts (a few rows per unit
// and deadline day, kept by every item's change), not the items: only the
// items whose deadline falls today, before now, are read to count them
// overdue to the second.
func LedgerProgress(ctx context.Context, tx *Tx, f LedgerFilter, now time.Time) (grid.Progress, []UnitProgress, error) {
	where, args := " WHERE c.campaign_id = ?", []any{f.CampaignID}
	if c, a := pathsCond(f.Paths, "c.unit_path", "c.responsible_path"); c != "" {
		where, args = where+" AND "+c, append(args, a...)
	}
	today := DueDay(&now)
	type row struct {
		unit    int64
		name    string
		status  grid.ItemStatus
		n, late int
	}
	rows, err := queryAll(ctx, tx, func(s scanner) (row, error) {
		var r row
		err := s.Scan(&r.unit, &r.name, &r.status, &r.n, &r.late)
		return r, err
	}, `SELECT g.rid, COALESCE(ru.name, ''), g.status, g.n, g.late FROM (
		SELECT c.responsible_unit_id AS rid, c.status AS status, SUM(c.n) AS n,
			SUM(CASE WHEN c.due_day > 0 AND c.due_day < ? THEN c.n ELSE 0 END) AS late
		FROM ledger_counts c`+where+` GROUP BY c.responsible_unit_id, c.status) g
		LEFT JOIN units ru ON ru.id = g.rid ORDER BY g.rid, g.status`, append([]any{today}, args...)...)
	if err != nil {
		return grid.Progress{}, nil, fmt.Errorf("ledger progress: %w", err)
	}
	// Today's deadlines already past.
	dayStart := time.Unix(today*86400-8*3600, 0).UTC()
	f.Status, f.ResponsibleID = "", 0
	f.OverdueAt = &now
	iwhere, iargs := ledgerWhere(f)
	type lateRow struct {
		unit   int64
		status grid.ItemStatus
		n      int
	}
	lates, err := queryAll(ctx, tx, func(s scanner) (lateRow, error) {
		var r lateRow
		var unit sql.NullInt64
		err := s.Scan(&unit, &r.status, &r.n)
		r.unit = unit.Int64
		return r, err
	}, `SELECT i.responsible_unit_id, i.status, COUNT(*) FROM ledger_items i`+iwhere+` AND i.deadline >= ?
		GROUP BY i.responsible_unit_id, i.status`, append(iargs, dayStart)...)
	if err != nil {
		return grid.Progress{}, nil, fmt.Errorf("ledger progress today: %w", err)
	}
	var total grid.Progress
	var units []UnitProgress
	for _, r := range rows {
		if len(units) == 0 || units[len(units)-1].UnitID != r.unit {
			units = append(units, UnitProgress{UnitID: r.unit, UnitName: r.name})
		}
		u := &units[len(units)-1]
		u.Add(r.status, r.n)
		total.Add(r.status, r.n)
		if r.status == grid.ItemTickedOff {
			continue
		}
		for _, l := range lates {
			if l.unit == r.unit && l.status == r.status {
				r.late += l.n
			}
		}
		u.Overdue += r.late
		total.Overdue += r.late
	}
	return total, units, nil
}

// LedgerItemsTouched returns the items a user found, or ticked off or
// re-inspected, in [from, to): for their diary. found tells which.
func LedgerItemsTouched(ctx context.Context, tx *Tx, userID int64, from, to time.Time) (found, checked []*LedgerItem, err error) {
	found, err = queryAll(ctx, tx, scanLedgerItem, `SELECT `+ledgerItemColumns+ledgerItemFrom+
		` WHERE i.found_by = ? AND i.found_at >= ? AND i.found_at < ? ORDER BY i.found_at`, userID, from.UTC(), to.UTC())
	if err != nil {
		return nil, nil, fmt.Errorf("ledger items found: %w", err)
	}
	checked, err = queryAll(ctx, tx, scanLedgerItem, `SELECT `+ledgerItemColumns+ledgerItemFrom+
		` WHERE i.ticked_off_by = ? AND ((i.ticked_off_at >= ? AND i.ticked_off_at < ?) OR (i.rechecked_at >= ? AND i.rechecked_at < ?))
		ORDER BY i.seq`, userID, from.UTC(), to.UTC(), from.UTC(), to.UTC())
	if err != nil {
		return nil, nil, fmt.Errorf("ledger items checked: %w", err)
	}
	return found, checked, nil
}

// FieldDiary is a grid worker's diary of one day.
type FieldDiary struct {
	ID          int64            `json:"id"`
	AuthorID    int64            `json:"author_id"`
	AuthorName  string           `json:"author_name"`
	GridID      int64            `json:"grid_id"`
	GridPath    string           `json:"-"`
	GridName    string           `json:"grid_name"`
	Day         string           `json:"day"` // YYYY-MM-DD, in the district's time zone
	Text        string           `json:"text"`
	Status      grid.DiaryStatus `json:"status"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
	SubmittedAt *time.Time       `json:"submitted_at,omitempty"`
	ReadBy      int64            `json:"read_by,omitempty"`
	ReadAt      *time.Time       `json:"read_at,omitempty"`
}

const diaryColumns = `d.id, d.author_id, u.name, d.grid_id, d.grid_path, g.name, d.day, d.text, d.status, d.created_at, d.updated_at,
	d.submitted_at, d.read_by, d.read_at`

const diaryFrom = ` FROM field_diaries d JOIN users u ON u.id = d.author_id JOIN units g ON g.id = d.grid_id`

func scanDiary(s scanner) (*FieldDiary, error) {
	var d FieldDiary
	var sub, read sql.NullTime
	var by sql.NullInt64
	if err := s.Scan(&d.ID, &d.AuthorID, &d.AuthorName, &d.GridID, &d.GridPath, &d.GridName, &d.Day, &d.Text, &d.Status,
		&d.CreatedAt, &d.UpdatedAt, &sub, &by, &read); err != nil {
		return nil, err
	}
	d.CreatedAt, d.UpdatedAt, d.SubmittedAt, d.ReadAt, d.ReadBy = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), timePtr(sub), timePtr(read), by.Int64
	return &d, nil
}

// InsertDiary writes a new diary; a second diary of the author's day is
// ECONFLICT.
func InsertDiary(ctx context.Context, tx *Tx, d *FieldDiary) error {
	_, err := tx.Exec(ctx, `INSERT INTO field_diaries (id, author_id, grid_id, grid_path, day, text, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.AuthorID, d.GridID, d.GridPath, d.Day, d.Text, d.Status, d.CreatedAt.UTC(), d.UpdatedAt.UTC())
	if IsUnique(err) {
		return minsheng.Errorf(minsheng.ECONFLICT, "a diary of %s exists already", d.Day)
	}
	if err != nil {
		return fmt.Errorf("insert diary: %w", err)
	}
	return nil
}

// UpdateDiary writes a diary's text and status.
func UpdateDiary(ctx context.Context, tx *Tx, d *FieldDiary) error {
	return changeOne(ctx, tx, "update diary", notFound("diary", d.ID),
		`UPDATE field_diaries SET text = ?, status = ?, updated_at = ?, submitted_at = ?, read_by = ?, read_at = ?
		WHERE id = ?`, d.Text, d.Status, d.UpdatedAt.UTC(), nullTime(d.SubmittedAt), nullID(d.ReadBy), nullTime(d.ReadAt), d.ID)
}

// GetDiary returns a diary, or ENOTFOUND.
func GetDiary(ctx context.Context, tx *Tx, id int64) (*FieldDiary, error) {
	return getDiary(ctx, tx, "d.id = ?", id)
}

// GetDiaryOfDay returns the author's diary of the day, or ENOTFOUND.
func GetDiaryOfDay(ctx context.Context, tx *Tx, authorID int64, day string) (*FieldDiary, error) {
	return getDiary(ctx, tx, "d.author_id = ? AND d.day = ?", authorID, day)
}

func getDiary(ctx context.Context, tx *Tx, cond string, args ...any) (*FieldDiary, error) {
	return getOne(ctx, tx, scanDiary, "diary", args[len(args)-1], `SELECT `+diaryColumns+diaryFrom+` WHERE `+cond, args...)
}

// DiaryFilter selects diaries.
type DiaryFilter struct {
	Paths     []string // grids at or below one of them
	AuthorID  int64
	Submitted bool // only submitted (or read) ones
	Limit     int  // 0: 100
}

// ListDiaries returns diaries, newest day first.
func ListDiaries(ctx context.Context, tx *Tx, f DiaryFilter) ([]*FieldDiary, error) {
	var w where
	w.paths(f.Paths, "d.grid_path")
	w.addIf(f.AuthorID != 0, "d.author_id = ?", f.AuthorID)
	w.addIf(f.Submitted, "d.status <> ?", grid.DiaryDraft)
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	out, err := queryAll(ctx, tx, scanDiary, `SELECT `+diaryColumns+diaryFrom+w.String()+fmt.Sprintf(` ORDER BY d.day DESC, d.id DESC LIMIT %d`, limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("list diaries: %w", err)
	}
	return out, nil
}

// HasTickets reports whether any ticket exists: the demo's grid reports
// (which are tickets) are left out of a demo seeded without tickets.
func HasTickets(ctx context.Context, tx *Tx) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM tickets LIMIT 1) t`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("has tickets: %w", err)
	}
	return n > 0, nil
}
