package app

import (
	"context"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// queueRoles says who may read each work list: the dispatchers' queues
// are for dispatchers (and leaders, who watch them); the inbox is for
// anyone whose unit handles tickets.
func mayReadQueue(actor *org.User, q store.Queue) bool {
	if q == store.QueueInbox {
		return true
	}
	return actor.HasAny(org.RoleDispatcher, org.RoleLeader) || actor.Has(org.RoleAgent) && q == store.QueueCallback
}

func (s *Service) queueFilter(actor *org.User, q store.Queue, limit int) (store.QueueFilter, error) {
	if err := requireStaff(actor); err != nil {
		return store.QueueFilter{}, err
	}
	if !mayReadQueue(actor, q) {
		return store.QueueFilter{}, minsheng.Errorf(minsheng.EFORBIDDEN, "role %s may not read the %s queue", rolesOf(actor), q)
	}
	f := store.QueueFilter{Queue: q, Now: s.now(), Limit: limit}
	if q == store.QueueInbox {
		// The tickets handled where the user handles them: their handler
		// grants' units, or else every unit whose work they see.
		if f.VisiblePaths = actor.ScopesAs(org.RoleHandler); len(f.VisiblePaths) == 0 {
			f.VisiblePaths = actor.WorkScopes()
		}
		return f, nil
	}
	paths, err := visiblePaths(actor)
	f.VisiblePaths = paths
	return f, err
}

// QueuePage is one page of a work list.
type QueuePage struct {
	Tickets []ticket.Ticket `json:"tickets"`
	Total   int             `json:"total"` // tickets in the whole queue
	Page    int             `json:"page"`  // from 1
	Pages   int             `json:"pages"` // at least 1
}

// ListQueue returns a page (from 1, of size tickets) of a work list that
// the user may see, the most pressing first, with caller data masked: for
// dispatchers the new, returned, review, callback and extension queues;
// for a handling unit its inbox (the tickets its unit and those below it
// must answer). A page past the last gives the last.
func (s *Service) ListQueue(ctx context.Context, actor *org.User, q store.Queue, page, size int) (*QueuePage, error) {
	if size <= 0 || size > MaxPageSize {
		size = MaxPageSize
	}
	f, err := s.queueFilter(actor, q, size)
	if err != nil {
		return nil, err
	}
	out := &QueuePage{Tickets: []ticket.Ticket{}}
	err = s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		if out.Total, err = store.CountQueue(ctx, tx, f); err != nil {
			return err
		}
		out.Pages = max(1, (out.Total+size-1)/size)
		out.Page = min(max(page, 1), out.Pages)
		f.Offset = (out.Page - 1) * size
		list, err := store.ListQueue(ctx, tx, f)
		for _, t := range list {
			out.Tickets = append(out.Tickets, t.Mask())
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// QueueCounts returns how many tickets each of the queues holds for the
// user.
func (s *Service) QueueCounts(ctx context.Context, actor *org.User, qs ...store.Queue) (map[store.Queue]int, error) {
	out := make(map[store.Queue]int, len(qs))
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		for _, q := range qs {
			f, err := s.queueFilter(actor, q, 0)
			if err != nil {
				return err
			}
			if out[q], err = store.CountQueue(ctx, tx, f); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}
