package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/household"
)

// This file holds the household registry (issue 14): households placed in
// a grid, their members and tags, the cadres paired with them, visits, the
// tickets their concerns opened, and change requests. The due list and the
// coverage read the visit plan kept on each household row.

// householdColumnsOf lists the columns scanHousehold reads, of the table
// with the alias ("" or "h.").
func householdColumnsOf(a string) string {
	return a + `id, ` + a + `unit_id, ` + a + `unit_path, ` + a + `address, ` + a + `consent_at, COALESCE(` + a + `consent_by, 0), ` +
		a + `interval_days, ` + a + `last_visit_at, ` + a + `rescheduled_to, ` + a + `next_due_at, ` + a + `created_at, ` +
		a + `updated_at, ` + a + `dissolved_at`
}

var householdColumns = householdColumnsOf("")

func scanHousehold(s scanner) (*household.Household, error) {
	var h household.Household
	var last, resched, dissolved sql.NullTime
	if err := s.Scan(&h.ID, &h.UnitID, &h.UnitPath, &h.Address, &h.ConsentAt, &h.ConsentBy, &h.IntervalDays, &last, &resched,
		&h.NextDueAt, &h.CreatedAt, &h.UpdatedAt, &dissolved); err != nil {
		return nil, err
	}
	h.ConsentAt, h.NextDueAt, h.CreatedAt, h.UpdatedAt = h.ConsentAt.UTC(), h.NextDueAt.UTC(), h.CreatedAt.UTC(), h.UpdatedAt.UTC()
	h.LastVisitAt, h.RescheduledTo, h.DissolvedAt = timePtr(last), timePtr(resched), timePtr(dissolved)
	return &h, nil
}

// InsertHousehold writes a new household (not its members nor tags).
func InsertHousehold(ctx context.Context, tx *Tx, h *household.Household) error {
	_, err := tx.Exec(ctx, `INSERT INTO households (`+strings.Replace(householdColumns, "COALESCE(consent_by, 0)", "consent_by", 1)+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		h.ID, h.UnitID, h.UnitPath, h.Address, h.ConsentAt.UTC(), nullID(h.ConsentBy), h.IntervalDays, nullTime(h.LastVisitAt),
		nullTime(h.RescheduledTo), h.NextDueAt.UTC(), h.CreatedAt.UTC(), h.UpdatedAt.UTC(), nullTime(h.DissolvedAt))
	if err != nil {
		return fmt.Errorf("insert household: %w", err)
	}
	return countHousehold(ctx, tx, h, 1)
}

// countHousehold adds delta to the day counts of a household that is not
// dissolved: its due day and its last visit's day, in its grid.
func countHousehold(ctx context.Context, tx *Tx, h *household.Household, delta int) error {
	return applyDayCounts(ctx, tx, dayCounts(nil, h, delta))
}

// A dayCount is one row of household_day_counts a change moves.
type dayCount struct {
	kind     string
	day      time.Time
	unitID   int64
	unitPath string
}

// dayCounts adds to m the counts of a household that is not dissolved.
func dayCounts(m map[dayCount]int, h *household.Household, delta int) map[dayCount]int {
	if m == nil {
		m = map[dayCount]int{}
	}
	if h.DissolvedAt != nil {
		return m
	}
	m[dayCount{"due", household.Day(h.NextDueAt).UTC(), h.UnitID, h.UnitPath}] += delta
	if h.LastVisitAt != nil {
		m[dayCount{"visit", household.Day(*h.LastVisitAt).UTC(), h.UnitID, h.UnitPath}] += delta
	}
	return m
}

// applyDayCounts writes the changes of the counts, each grid row followed
// by its street's row, in the order of kind, day and unit that every
// transaction follows: two visits in one street move the same rows, and
// taking them in different orders would deadlock on PostgreSQL.
func applyDayCounts(ctx context.Context, tx *Tx, m map[dayCount]int) error {
	keys := make([]dayCount, 0, len(m))
	for k, n := range m {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b dayCount) int {
		return cmp.Or(strings.Compare(a.kind, b.kind), a.day.Compare(b.day), cmp.Compare(a.unitID, b.unitID))
	})
	for _, k := range keys {
		if err := bumpDayCount(ctx, tx, k, m[k]); err != nil {
			return err
		}
	}
	return nil
}

func bumpDayCount(ctx context.Context, tx *Tx, k dayCount, delta int) error {
	if _, err := tx.Exec(ctx, `INSERT INTO household_day_counts (unit_id, unit_path, kind, day, n) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (unit_id, kind, day) DO UPDATE SET n = household_day_counts.n + excluded.n`, k.unitID, k.unitPath, k.kind, k.day, delta); err != nil {
		return fmt.Errorf("count household: %w", err)
	}
	if err := bumpStreetCount(ctx, tx, k.unitPath, k.kind, k.day, delta); err != nil {
		return err
	}
	if delta < 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM household_day_counts WHERE unit_id = ? AND kind = ? AND day = ? AND n <= 0`,
			k.unitID, k.kind, k.day); err != nil {
			return fmt.Errorf("count household: %w", err)
		}
	}
	return nil
}

// countKey is what a household's day counts depend on.
func countKey(h *household.Household) string {
	k := fmt.Sprint(h.UnitID, h.UnitPath, household.Day(h.NextDueAt).Unix(), h.DissolvedAt != nil)
	if h.LastVisitAt != nil {
		k += fmt.Sprint(household.Day(*h.LastVisitAt).Unix())
	}
	return k
}

// UpdateHousehold writes a household's place, address, visit plan and
// dissolution, and moves it in the day counts of the coverage.
func UpdateHousehold(ctx context.Context, tx *Tx, h *household.Household) error {
	old, err := getOne(ctx, tx, scanHousehold, "household", h.ID, `SELECT `+householdColumns+` FROM households WHERE id = ?`, h.ID)
	if err != nil {
		return err
	}
	moved := countKey(old) != countKey(h)
	err = changeOne(ctx, tx, "update household", notFound("household", h.ID),
		`UPDATE households SET unit_id = ?, unit_path = ?, address = ?, interval_days = ?, last_visit_at = ?,
		rescheduled_to = ?, next_due_at = ?, updated_at = ?, dissolved_at = ? WHERE id = ?`,
		h.UnitID, h.UnitPath, h.Address, h.IntervalDays, nullTime(h.LastVisitAt), nullTime(h.RescheduledTo), h.NextDueAt.UTC(),
		h.UpdatedAt.UTC(), nullTime(h.DissolvedAt), h.ID)
	if err != nil {
		return err
	}
	if moved {
		// One set of changes, in the one order: the old days out, the
		// new ones in, what stays the same not touched.
		return applyDayCounts(ctx, tx, dayCounts(dayCounts(nil, old, -1), h, 1))
	}
	return nil
}

// GetHousehold returns a household with its members and tags, or
// ENOTFOUND.
func GetHousehold(ctx context.Context, tx *Tx, id int64) (*household.Household, error) {
	h, err := scanHousehold(tx.QueryRow(ctx, `SELECT `+householdColumns+` FROM households WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("household", id)
	}
	if err != nil {
		return nil, fmt.Errorf("get household: %w", err)
	}
	if err := LoadHouseholdMembers(ctx, tx, []*household.Household{h}); err != nil {
		return nil, err
	}
	return h, nil
}

// HouseholdFilter selects households for a list.
type HouseholdFilter struct {
	Paths  []string // at or below one of these units; nil: everywhere
	UnitID int64    // in this grid
	Limit  int
	Offset int
}

// ListHouseholds returns the households that are not dissolved, by
// address, with their members and tags.
func ListHouseholds(ctx context.Context, tx *Tx, f HouseholdFilter) ([]*household.Household, error) {
	where, args := []string{"dissolved_at IS NULL"}, []any{}
	if c, a := pathsCond(f.Paths, "unit_path"); c != "" {
		where, args = append(where, c), append(args, a...)
	}
	if f.UnitID != 0 {
		where, args = append(where, "unit_id = ?"), append(args, f.UnitID)
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	args = append(args, f.Limit, f.Offset)
	out, err := queryAll(ctx, tx, scanHousehold, `SELECT `+householdColumns+` FROM households WHERE `+strings.Join(where, " AND ")+
		` ORDER BY address, id LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list households: %w", err)
	}
	return out, LoadHouseholdMembers(ctx, tx, out)
}

// DueHouseholds returns the households paired with the cadre whose next
// visit is due before the time, the most overdue first.
func DueHouseholds(ctx context.Context, tx *Tx, cadreID int64, before time.Time, limit int) ([]*household.Household, error) {
	out, err := queryAll(ctx, tx, scanHousehold, `SELECT `+householdColumnsOf("h.")+` FROM household_pairings p
		JOIN households h ON h.id = p.household_id
		WHERE p.cadre_id = ? AND p.to_at IS NULL AND h.dissolved_at IS NULL AND h.next_due_at < ?
		ORDER BY h.next_due_at, h.id LIMIT ?`, cadreID, before.UTC(), limit)
	if err != nil {
		return nil, fmt.Errorf("due households: %w", err)
	}
	return out, LoadHouseholdMembers(ctx, tx, out)
}

// LoadHouseholdMembers fills in the members and tags of households.
func LoadHouseholdMembers(ctx context.Context, tx *Tx, hs []*household.Household) error {
	if len(hs) == 0 {
		return nil
	}
	byID := make(map[int64]*household.Household, len(hs))
	marks := make([]string, 0, len(hs))
	args := make([]any, 0, len(hs))
	for _, h := range hs {
		byID[h.ID] = h
		h.Members, h.Tags = nil, nil
		marks, args = append(marks, "?"), append(args, h.ID)
	}
	in := "(" + strings.Join(marks, ", ") + ")"
	people, err := queryAll(ctx, tx, scanPerson, `SELECT `+personColumns+` FROM household_people WHERE household_id IN `+in+
		` ORDER BY household_id, CASE relation WHEN 'head' THEN 0 ELSE 1 END, id`, args...)
	if err != nil {
		return fmt.Errorf("household members: %w", err)
	}
	for _, p := range people {
		h := byID[p.HouseholdID]
		h.Members = append(h.Members, p)
	}
	tags, err := queryAll(ctx, tx, scanTag, `SELECT `+tagColumns+` FROM household_tags WHERE household_id IN `+in+
		` ORDER BY household_id, person_id, tag`, args...)
	if err != nil {
		return fmt.Errorf("household tags: %w", err)
	}
	for _, t := range tags {
		h := byID[t.HouseholdID]
		h.Tags = append(h.Tags, t)
	}
	return nil
}

const personColumns = `id, household_id, name, id_number, phone, relation, created_at`

func scanPerson(s scanner) (*household.Person, error) {
	var p household.Person
	err := s.Scan(&p.ID, &p.HouseholdID, &p.Name, &p.IDNumber, &p.Phone, &p.Relation, &p.CreatedAt)
	p.CreatedAt = p.CreatedAt.UTC()
	return &p, err
}

// ErrPersonRegistered is the error of a person whose ID number is already
// in a household of the registry.
var ErrPersonRegistered = minsheng.FieldError("id_number", "this person is already a member of a household")

// InsertPerson writes a member. A person already in a household (by ID
// number) is refused with ErrPersonRegistered.
func InsertPerson(ctx context.Context, tx *Tx, p *household.Person) error {
	_, err := tx.Exec(ctx, `INSERT INTO household_people (`+personColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.HouseholdID, p.Name, p.IDNumber, p.Phone, p.Relation, p.CreatedAt.UTC())
	if IsUnique(err) {
		return ErrPersonRegistered
	}
	if err != nil {
		return fmt.Errorf("insert person: %w", err)
	}
	return nil
}

// UpdatePerson writes a member's household and relation.
func UpdatePerson(ctx context.Context, tx *Tx, p *household.Person) error {
	return changeOne(ctx, tx, "update person", notFound("person", p.ID),
		`UPDATE household_people SET household_id = ?, relation = ? WHERE id = ?`, p.HouseholdID, p.Relation, p.ID)
}

// DeletePerson removes a member who left the registry, with their tags.
func DeletePerson(ctx context.Context, tx *Tx, p *household.Person) error {
	if _, err := tx.Exec(ctx, `DELETE FROM household_tags WHERE household_id = ? AND person_id = ?`, p.HouseholdID, p.ID); err != nil {
		return fmt.Errorf("delete person's tags: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM household_people WHERE id = ?`, p.ID); err != nil {
		return fmt.Errorf("delete person: %w", err)
	}
	return nil
}

// FindPersonByIDNumber returns the member with the ID number, or
// ENOTFOUND.
func FindPersonByIDNumber(ctx context.Context, tx *Tx, idNumber string) (*household.Person, error) {
	return getOne(ctx, tx, scanPerson, "person", "", `SELECT `+personColumns+` FROM household_people WHERE id_number = ?`, idNumber)
}

// GetPerson returns a member by id, or ENOTFOUND.
func GetPerson(ctx context.Context, tx *Tx, id int64) (*household.Person, error) {
	return getOne(ctx, tx, scanPerson, "person", id, `SELECT `+personColumns+` FROM household_people WHERE id = ?`, id)
}

const tagColumns = `household_id, person_id, tag, source, since, recheck_by, created_at`

func scanTag(s scanner) (*household.TagRecord, error) {
	var t household.TagRecord
	err := s.Scan(&t.HouseholdID, &t.PersonID, &t.Tag, &t.Source, &t.Since, &t.RecheckBy, &t.CreatedAt)
	t.Since, t.RecheckBy, t.CreatedAt = t.Since.UTC(), t.RecheckBy.UTC(), t.CreatedAt.UTC()
	return &t, err
}

// InsertTag writes a tag; the same tag of the same person twice is
// written once.
func InsertTag(ctx context.Context, tx *Tx, t *household.TagRecord) error {
	_, err := tx.Exec(ctx, `INSERT INTO household_tags (`+tagColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		t.HouseholdID, t.PersonID, t.Tag, t.Source, t.Since.UTC(), t.RecheckBy.UTC(), t.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert tag: %w", err)
	}
	return nil
}

// MoveTags moves a person's tags to another household.
func MoveTags(ctx context.Context, tx *Tx, personID, from, to int64) error {
	_, err := tx.Exec(ctx, `UPDATE household_tags SET household_id = ? WHERE household_id = ? AND person_id = ?`, to, from, personID)
	if err != nil {
		return fmt.Errorf("move tags: %w", err)
	}
	return nil
}

// MoveHouseholdTags moves every tag of a household (merged into another)
// to the other; a tag the other holds already is dropped.
func MoveHouseholdTags(ctx context.Context, tx *Tx, from, to int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM household_tags WHERE household_id = ? AND EXISTS (SELECT 1 FROM household_tags o
		WHERE o.household_id = ? AND o.person_id = household_tags.person_id AND o.tag = household_tags.tag)`, from, to); err != nil {
		return fmt.Errorf("move household tags: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE household_tags SET household_id = ? WHERE household_id = ?`, to, from); err != nil {
		return fmt.Errorf("move household tags: %w", err)
	}
	return nil
}

const pairingColumns = `p.id, p.household_id, p.cadre_id, COALESCE(u.name, ''), p.from_at, p.to_at, COALESCE(p.created_by, 0)`

func scanPairing(s scanner) (*household.Pairing, error) {
	var p household.Pairing
	var to sql.NullTime
	err := s.Scan(&p.ID, &p.HouseholdID, &p.CadreID, &p.CadreName, &p.From, &to, &p.CreatedBy)
	p.From, p.To = p.From.UTC(), timePtr(to)
	return &p, err
}

// InsertPairing writes a new pairing. A household paired already is
// refused (ECONFLICT): end its pairing first.
func InsertPairing(ctx context.Context, tx *Tx, p *household.Pairing) error {
	_, err := tx.Exec(ctx, `INSERT INTO household_pairings (id, household_id, cadre_id, from_at, to_at, created_by) VALUES (?, ?, ?, ?, ?, ?)`,
		p.ID, p.HouseholdID, p.CadreID, p.From.UTC(), nullTime(p.To), nullID(p.CreatedBy))
	if IsUnique(err) {
		return minsheng.Errorf(minsheng.ECONFLICT, "household %d is paired with a cadre already", p.HouseholdID)
	}
	if err != nil {
		return fmt.Errorf("insert pairing: %w", err)
	}
	return nil
}

// EndPairing ends a pairing at the time.
func EndPairing(ctx context.Context, tx *Tx, id int64, at time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE household_pairings SET to_at = ? WHERE id = ? AND to_at IS NULL`, at.UTC(), id); err != nil {
		return fmt.Errorf("end pairing: %w", err)
	}
	return nil
}

// ListPairings returns a household's pairings, the current one last.
func ListPairings(ctx context.Context, tx *Tx, householdID int64) ([]*household.Pairing, error) {
	out, err := queryAll(ctx, tx, scanPairing, `SELECT `+pairingColumns+` FROM household_pairings p LEFT JOIN users u ON u.id = p.cadre_id
		WHERE p.household_id = ? ORDER BY p.from_at, p.id`, householdID)
	if err != nil {
		return nil, fmt.Errorf("list pairings: %w", err)
	}
	return out, nil
}

// CurrentPairings returns the pairings in force of a cadre, or of the
// households given (cadreID 0).
func CurrentPairings(ctx context.Context, tx *Tx, cadreID int64, householdIDs []int64) ([]*household.Pairing, error) {
	q := `SELECT ` + pairingColumns + ` FROM household_pairings p LEFT JOIN users u ON u.id = p.cadre_id WHERE p.to_at IS NULL`
	var args []any
	if cadreID != 0 {
		q, args = q+" AND p.cadre_id = ?", append(args, cadreID)
	}
	if householdIDs != nil {
		if len(householdIDs) == 0 {
			return nil, nil
		}
		marks := make([]string, len(householdIDs))
		for i, id := range householdIDs {
			marks[i], args = "?", append(args, id)
		}
		q += " AND p.household_id IN (" + strings.Join(marks, ", ") + ")"
	}
	out, err := queryAll(ctx, tx, scanPairing, q+" ORDER BY p.household_id", args...)
	if err != nil {
		return nil, fmt.Errorf("current pairings: %w", err)
	}
	return out, nil
}

const visitColumns = `v.id, v.household_id, COALESCE(v.cadre_id, 0), COALESCE(u.name, ''), v.at, v.outcome, v.met, v.note, v.lat, v.lng,
	v.rescheduled_to, v.created_at`

func scanVisit(s scanner) (*household.Visit, error) {
	var v household.Visit
	var lat, lng sql.NullFloat64
	var resched sql.NullTime
	err := s.Scan(&v.ID, &v.HouseholdID, &v.CadreID, &v.CadreName, &v.At, &v.Outcome, &v.Met, &v.Note, &lat, &lng, &resched, &v.CreatedAt)
	if lat.Valid && lng.Valid {
		v.Lat, v.Lng = &lat.Float64, &lng.Float64
	}
	v.At, v.CreatedAt, v.RescheduledTo = v.At.UTC(), v.CreatedAt.UTC(), timePtr(resched)
	return &v, err
}

// InsertVisit writes a visit or a missed visit.
func InsertVisit(ctx context.Context, tx *Tx, v *household.Visit) error {
	_, err := tx.Exec(ctx, `INSERT INTO household_visits (id, household_id, cadre_id, at, outcome, met, note, lat, lng, rescheduled_to, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, v.HouseholdID, nullID(v.CadreID), v.At.UTC(), v.Outcome, v.Met, v.Note,
		nullFloat(v.Lat), nullFloat(v.Lng), nullTime(v.RescheduledTo), v.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert visit: %w", err)
	}
	return nil
}

// ListVisits returns a household's visits, the latest first.
func ListVisits(ctx context.Context, tx *Tx, householdID int64, limit int) ([]*household.Visit, error) {
	out, err := queryAll(ctx, tx, scanVisit, `SELECT `+visitColumns+` FROM household_visits v LEFT JOIN users u ON u.id = v.cadre_id
		WHERE v.household_id = ? ORDER BY v.at DESC, v.id DESC LIMIT ?`, householdID, limit)
	if err != nil {
		return nil, fmt.Errorf("list visits: %w", err)
	}
	return out, nil
}

// InsertConcern records the ticket a concern of a visit opened.
func InsertConcern(ctx context.Context, tx *Tx, c *household.Concern) error {
	_, err := tx.Exec(ctx, `INSERT INTO household_concerns (visit_id, ticket_id, household_id, cadre_id, answered_at, returned_at)
		VALUES (?, ?, ?, ?, ?, ?)`, c.VisitID, c.TicketID, c.HouseholdID, nullID(c.CadreID), nullTime(c.AnsweredAt), nullTime(c.ReturnedAt))
	if err != nil {
		return fmt.Errorf("insert concern: %w", err)
	}
	return nil
}

const concernColumns = `c.visit_id, c.ticket_id, t.number, t.title, t.status, c.household_id, COALESCE(c.cadre_id, 0), c.answered_at, c.returned_at`

func scanConcern(s scanner) (*household.Concern, error) {
	var c household.Concern
	var answered, returned sql.NullTime
	err := s.Scan(&c.VisitID, &c.TicketID, &c.TicketNumber, &c.TicketTitle, &c.TicketStatus, &c.HouseholdID, &c.CadreID, &answered, &returned)
	c.AnsweredAt, c.ReturnedAt = timePtr(answered), timePtr(returned)
	return &c, err
}

// ConcernFilter selects concerns.
type ConcernFilter struct {
	HouseholdID int64
	TicketID    int64
	CadreID     int64
	// ToReturn selects concerns answered and not yet taken back to the
	// household.
	ToReturn bool
}

// ListConcerns returns concerns with their tickets' numbers and statuses,
// oldest first.
func ListConcerns(ctx context.Context, tx *Tx, f ConcernFilter) ([]*household.Concern, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.HouseholdID != 0 {
		where, args = append(where, "c.household_id = ?"), append(args, f.HouseholdID)
	}
	if f.TicketID != 0 {
		where, args = append(where, "c.ticket_id = ?"), append(args, f.TicketID)
	}
	if f.CadreID != 0 {
		where, args = append(where, "c.cadre_id = ?"), append(args, f.CadreID)
	}
	if f.ToReturn {
		where = append(where, "c.answered_at IS NOT NULL AND c.returned_at IS NULL")
	}
	out, err := queryAll(ctx, tx, scanConcern, `SELECT `+concernColumns+` FROM household_concerns c JOIN tickets t ON t.id = c.ticket_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY c.visit_id, c.ticket_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list concerns: %w", err)
	}
	return out, nil
}

// AnswerConcerns marks the concerns that opened the ticket answered (the
// first answer counts).
func AnswerConcerns(ctx context.Context, tx *Tx, ticketID int64, at time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE household_concerns SET answered_at = ? WHERE ticket_id = ? AND answered_at IS NULL`, at.UTC(), ticketID)
	if err != nil {
		return fmt.Errorf("answer concerns: %w", err)
	}
	return nil
}

// ReturnConcerns marks the answered concerns of a household taken back to
// it, and returns how many.
func ReturnConcerns(ctx context.Context, tx *Tx, householdID int64, at time.Time) (int, error) {
	res, err := tx.Exec(ctx, `UPDATE household_concerns SET returned_at = ? WHERE household_id = ? AND answered_at IS NOT NULL
		AND returned_at IS NULL`, at.UTC(), householdID)
	if err != nil {
		return 0, fmt.Errorf("return concerns: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

const changeColumns = `id, household_id, unit_path, kind, status, input, COALESCE(requested_by, 0), requested_at, COALESCE(decided_by, 0),
	decided_at, decision_note`

func scanChange(s scanner) (*household.Change, error) {
	var c household.Change
	var input string
	var decided sql.NullTime
	if err := s.Scan(&c.ID, &c.HouseholdID, &c.UnitPath, &c.Kind, &c.Status, &input, &c.RequestedBy, &c.RequestedAt, &c.DecidedBy,
		&decided, &c.DecisionNote); err != nil {
		return nil, err
	}
	c.RequestedAt, c.DecidedAt = c.RequestedAt.UTC(), timePtr(decided)
	if err := json.Unmarshal([]byte(input), &c.Input); err != nil {
		return nil, fmt.Errorf("change %d input: %w", c.ID, err)
	}
	return &c, nil
}

// InsertChange writes a change request.
func InsertChange(ctx context.Context, tx *Tx, c *household.Change) error {
	input, err := json.Marshal(c.Input)
	if err != nil {
		return fmt.Errorf("change input: %w", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO household_changes (id, household_id, unit_path, kind, status, input, requested_by, requested_at,
		decided_by, decided_at, decision_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.HouseholdID, c.UnitPath, c.Kind, c.Status, string(input), nullID(c.RequestedBy), c.RequestedAt.UTC(), nullID(c.DecidedBy),
		nullTime(c.DecidedAt), c.DecisionNote)
	if err != nil {
		return fmt.Errorf("insert change: %w", err)
	}
	return nil
}

// DecideChange writes a change request's decision, if it is still in the
// status from (ECONFLICT otherwise: someone decided first).
func DecideChange(ctx context.Context, tx *Tx, c *household.Change, from household.ChangeStatus) error {
	res, err := tx.Exec(ctx, `UPDATE household_changes SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?
		WHERE id = ? AND status = ?`, c.Status, nullID(c.DecidedBy), nullTime(c.DecidedAt), c.DecisionNote, c.ID, from)
	if err != nil {
		return fmt.Errorf("decide change: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &minsheng.Error{Code: minsheng.ECONFLICT, Message: "the change request was decided already"}
	}
	return nil
}

// GetChange returns a change request, or ENOTFOUND.
func GetChange(ctx context.Context, tx *Tx, id int64) (*household.Change, error) {
	return getOne(ctx, tx, scanChange, "change request", id, `SELECT `+changeColumns+` FROM household_changes WHERE id = ?`, id)
}

// ChangeFilter selects change requests.
type ChangeFilter struct {
	Paths       []string
	Status      household.ChangeStatus
	HouseholdID int64
	Limit       int
}

// ListChanges returns change requests, the oldest first.
func ListChanges(ctx context.Context, tx *Tx, f ChangeFilter) ([]*household.Change, error) {
	where, args := []string{"1 = 1"}, []any{}
	if c, a := pathsCond(f.Paths, "unit_path"); c != "" {
		where, args = append(where, c), append(args, a...)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.HouseholdID != 0 {
		where, args = append(where, "household_id = ?"), append(args, f.HouseholdID)
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	out, err := queryAll(ctx, tx, scanChange, `SELECT `+changeColumns+` FROM household_changes WHERE `+strings.Join(where, " AND ")+
		` ORDER BY requested_at, id LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list changes: %w", err)
	}
	return out, nil
}

// HouseholdCoverage counts, per grid at or below the paths, the households
// that are not dissolved, those last visited on or after the day of
// visitedSince, those due from today to before soon and those overdue
// (due before today), from the day counts. today and soon are days
// (household.Day).
func HouseholdCoverage(ctx context.Context, tx *Tx, paths []string, visitedSince, today, soon time.Time) ([]household.Coverage, error) {
	where, args := "1 = 1", []any{household.Day(visitedSince).UTC(), today.UTC(), soon.UTC(), today.UTC()}
	if c, a := pathsCond(paths, "unit_path"); c != "" {
		where, args = c, append(args, a...)
	}
	out, err := queryAll(ctx, tx, func(s scanner) (household.Coverage, error) {
		var c household.Coverage
		err := s.Scan(&c.UnitID, &c.UnitName, &c.Households, &c.Visited, &c.Due, &c.Overdue)
		return c, err
	}, `SELECT g.unit_id, COALESCE(u.name, ''), g.n, g.visited, g.due, g.overdue FROM (
		SELECT unit_id,
			SUM(CASE WHEN kind = 'due' THEN n ELSE 0 END) AS n,
			SUM(CASE WHEN kind = 'visit' AND day >= ? THEN n ELSE 0 END) AS visited,
			SUM(CASE WHEN kind = 'due' AND day >= ? AND day < ? THEN n ELSE 0 END) AS due,
			SUM(CASE WHEN kind = 'due' AND day < ? THEN n ELSE 0 END) AS overdue
		FROM household_day_counts WHERE `+where+` GROUP BY unit_path, unit_id) g LEFT JOIN units u ON u.id = g.unit_id
		WHERE g.n > 0 ORDER BY u.path, g.unit_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("household coverage: %w", err)
	}
	return out, nil
}
