package store

import (
	"context"
	"fmt"

	"github.com/minsheng/minsheng/ticket"
)

// MergedCallerPhones returns the distinct caller phones of the tickets
// merged into the parent (重复件), in the order the tickets were
// registered, without empty ones: the people who are told of the parent's
// progress as well as its own caller. The lookup uses the index on
// tickets.parent_id.
func MergedCallerPhones(ctx context.Context, tx *Tx, parentID int64) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT caller_phone FROM tickets
		WHERE parent_id = ? AND status = ? AND caller_phone <> '' ORDER BY created_at, id`, parentID, ticket.StatusMerged)
	if err != nil {
		return nil, fmt.Errorf("merged callers of %d: %w", parentID, err)
	}
	defer rows.Close()
	var out []string
	seen := map[string]bool{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("merged callers of %d: %w", parentID, err)
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("merged callers of %d: %w", parentID, err)
	}
	return out, nil
}
