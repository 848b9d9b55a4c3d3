package store

import (
	"context"
	"fmt"
	"time"

	"github.com/minsheng/minsheng/ticket"
)

// ClassifierSuggestion is the handling unit the dispatch classifier
// predicted for a new ticket, recorded at registration.
type ClassifierSuggestion struct {
	TicketID        int64
	UnitID          int64
	ConfidenceMilli int   // the confidence in thousandths, rounded down
	ModelVersion    int64 // the unit model's version that predicted it
	Auto            bool  // the system dispatched on it
	CreatedAt       time.Time
}

// InsertClassifierSuggestion records a ticket's classifier suggestion.
func InsertClassifierSuggestion(ctx context.Context, tx *Tx, s *ClassifierSuggestion) error {
	if _, err := tx.Exec(ctx, `INSERT INTO classifier_suggestions (ticket_id, unit_id, confidence_milli, model_version, auto, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, s.TicketID, s.UnitID, s.ConfidenceMilli, s.ModelVersion, s.Auto, s.CreatedAt.UTC()); err != nil {
		return fmt.Errorf("insert classifier suggestion %d: %w", s.TicketID, err)
	}
	return nil
}

// Outcomes of a suggestion, as OutcomeCount names them.
const (
	OutcomeRight   = "right"   // a unit acknowledged the ticket, and it was the suggested one
	OutcomeWrong   = "wrong"   // another unit acknowledged it
	OutcomePending = "pending" // no unit has acknowledged it yet
)

// settled are the statuses of a ticket that a unit has acknowledged: it
// can no longer be returned, and its unit is the one that handles it (a
// reopened ticket stays at its unit until it is redispatched).
var settled = []ticket.Status{ticket.StatusAcknowledged, ticket.StatusReplied, ticket.StatusClosed, ticket.StatusReopened}

// unsettled are the statuses of a ticket that still waits for its unit.
var unsettled = []ticket.Status{ticket.StatusRegistered, ticket.StatusDispatched, ticket.StatusReturned}

// OutcomeCount is how many suggestions, among the tickets registered in a
// period, came to one outcome, by suggested unit and the ticket's
// category (0: none), or by confidence (ConfidenceMilli, classifier only).
type OutcomeCount struct {
	UnitID          int64
	CategoryID      int64
	ConfidenceMilli int
	Outcome         string
	N               int
}

// outcomeSQL is the outcome of the suggestion of column col.
func outcomeSQL(col string) string {
	return `CASE WHEN t.status IN (` + statusList(settled) + `) THEN
		CASE WHEN t.unit_id = ` + col + ` THEN '` + OutcomeRight + `' ELSE '` + OutcomeWrong + `' END
		ELSE '` + OutcomePending + `' END`
}

func statusList(ss []ticket.Status) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += ", "
		}
		out += "'" + string(s) + "'"
	}
	return out
}

// counted are the statuses whose tickets count: merged, invalid and
// resolved-at-intake tickets never needed a unit.
var counted = statusList(append(append([]ticket.Status{}, settled...), unsettled...))

func scanOutcome(s scanner) (OutcomeCount, error) {
	var c OutcomeCount
	err := s.Scan(&c.UnitID, &c.CategoryID, &c.ConfidenceMilli, &c.Outcome, &c.N)
	return c, err
}

// CountRoutingOutcomes counts the routing suggestions (a routing rule's
// unit, else the street around the point: tickets.suggested_unit_id) of
// the tickets registered in (from, to], by unit, category and outcome.
func CountRoutingOutcomes(ctx context.Context, tx *Tx, from, to time.Time) ([]OutcomeCount, error) {
	out, err := queryAll(ctx, tx, scanOutcome, `SELECT t.suggested_unit_id, COALESCE(t.category_id, 0), 0, `+outcomeSQL("t.suggested_unit_id")+`, COUNT(*)
		FROM tickets t
		WHERE t.created_at > ? AND t.created_at <= ? AND t.suggested_unit_id IS NOT NULL AND t.status IN (`+counted+`)
		GROUP BY t.suggested_unit_id, COALESCE(t.category_id, 0), `+outcomeSQL("t.suggested_unit_id"),
		from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("count routing outcomes: %w", err)
	}
	return out, nil
}

// CountClassifierOutcomes counts the classifier's suggestions of the
// tickets registered in (from, to], by unit, category and outcome; only
// those of one model version when version is not 0.
func CountClassifierOutcomes(ctx context.Context, tx *Tx, from, to time.Time, version int64) ([]OutcomeCount, error) {
	out, err := queryAll(ctx, tx, scanOutcome, `SELECT s.unit_id, COALESCE(t.category_id, 0), 0, `+outcomeSQL("s.unit_id")+`, COUNT(*)
		FROM classifier_suggestions s JOIN tickets t ON t.id = s.ticket_id
		WHERE s.created_at > ? AND s.created_at <= ? AND (? = 0 OR s.model_version = ?) AND t.status IN (`+counted+`)
		GROUP BY s.unit_id, COALESCE(t.category_id, 0), `+outcomeSQL("s.unit_id"),
		from.UTC(), to.UTC(), version, version)
	if err != nil {
		return nil, fmt.Errorf("count classifier outcomes: %w", err)
	}
	return out, nil
}

// CountClassifierConfidence counts the classifier's suggestions of the
// tickets registered in (from, to] by confidence (thousandths) and
// outcome.
func CountClassifierConfidence(ctx context.Context, tx *Tx, from, to time.Time) ([]OutcomeCount, error) {
	out, err := queryAll(ctx, tx, scanOutcome, `SELECT 0, 0, s.confidence_milli, `+outcomeSQL("s.unit_id")+`, COUNT(*)
		FROM classifier_suggestions s JOIN tickets t ON t.id = s.ticket_id
		WHERE s.created_at > ? AND s.created_at <= ? AND t.status IN (`+counted+`)
		GROUP BY s.confidence_milli, `+outcomeSQL("s.unit_id"),
		from.UTC(), to.UTC())
	if err != nil {
		return nil, fmt.Errorf("count classifier confidence: %w", err)
	}
	return out, nil
}
