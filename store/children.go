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
	phones, err := queryAll(ctx, tx, scanString, `SELECT caller_phone FROM tickets
		WHERE parent_id = ? AND status = ? AND caller_phone <> '' ORDER BY created_at, id`, parentID, ticket.StatusMerged)
	if err != nil {
		return nil, fmt.Errorf("merged callers of %d: %w", parentID, err)
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range phones {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out, nil
}
