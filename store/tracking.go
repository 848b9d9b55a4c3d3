package store

import (
	"context"
	"fmt"
	"time"
)

// AddTrackingLink keeps the hash of one more token that opens a ticket's
// tracking page (an SMS's link, a lookup by number and phone).
func AddTrackingLink(ctx context.Context, tx *Tx, ticketID int64, hash string, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO tracking_links (hash, ticket_id, created_at) VALUES (?, ?, ?)`, hash, ticketID, at.UTC())
	if err != nil {
		return fmt.Errorf("add tracking link: %w", err)
	}
	return nil
}

// HasTrackingLink reports whether the hash is one of the ticket's
// tracking links.
func HasTrackingLink(ctx context.Context, tx *Tx, ticketID int64, hash string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM tracking_links WHERE hash = ? AND ticket_id = ?`, hash, ticketID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("tracking link: %w", err)
	}
	return n > 0, nil
}
