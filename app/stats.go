package app

import (
	"context"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// recordStats updates the dashboard summaries for a ticket's change inside
// the change's transaction: it removes what the ticket counted before
// (nil for a new ticket) and adds what it counts now.
func recordStats(ctx context.Context, tx *store.Tx, before, after *ticket.Ticket) error {
	root, err := categoryRoot(ctx, tx, after.CategoryID)
	if err != nil {
		return err
	}
	d := store.StatDeltas{}
	if before != nil {
		broot := root
		if before.CategoryID != after.CategoryID {
			if broot, err = categoryRoot(ctx, tx, before.CategoryID); err != nil {
				return err
			}
		}
		d.Ticket(before, statsPath(before), broot, -1)
	}
	d.Ticket(after, statsPath(after), root, 1)
	return store.ApplyStats(ctx, tx, d)
}

// statsPath is the unit a ticket counts for: its handling unit once it has
// one, the unit that took it in before.
func statsPath(t *ticket.Ticket) string { return store.StatUnitPath(t) }

// RebuildStats counts the dashboard summaries again from the tickets, in
// every dimension, and replaces them, in one transaction (safe beside live
// work: store.RebuildStats). It repairs summaries that predate a dimension
// or were damaged, and returns the number of tickets counted. It is an
// operator's command (minsheng stats rebuild, the system actor) or a
// district admin's; the audit log keeps who rebuilt and how many tickets
// were counted.
func (s *Service) RebuildStats(ctx context.Context, actor *org.User) (int, error) {
	if err := s.checkDistrictAdmin(actor); err != nil {
		return 0, err
	}
	var n int
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if n, err = store.RebuildStats(ctx, tx); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "stats", Action: "rebuild",
			Data: map[string]string{"tickets": strconv.Itoa(n)}})
		return err
	})
	return n, err
}

// recordNewStats is recordStats for a ticket registered in tx, whose
// category's path (empty for none) the registration has read already.
func recordNewStats(ctx context.Context, tx *store.Tx, t *ticket.Ticket, catPath string) error {
	root, err := pathRoot(catPath)
	if err != nil {
		return err
	}
	d := store.StatDeltas{}
	d.Ticket(t, statsPath(t), root, 1)
	return store.ApplyStats(ctx, tx, d)
}

// categoryRoot returns the id of the top-level category above id (itself
// if top-level), 0 for none.
func categoryRoot(ctx context.Context, tx *store.Tx, id int64) (int64, error) {
	if id == 0 {
		return 0, nil
	}
	c, err := store.GetCategory(ctx, tx, id)
	if err != nil {
		return 0, err
	}
	return pathRoot(c.Path)
}

// pathRoot returns the id of the top-level category of a category's path
// ("/3/17": 3), 0 for the empty path of no category. Category paths never
// change, so the first id of the path is the root.
func pathRoot(path string) (int64, error) {
	if path == "" {
		return 0, nil
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	return strconv.ParseInt(first, 10, 64)
}
