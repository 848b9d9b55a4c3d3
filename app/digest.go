package app

import (
	"context"

	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/stats"
	"github.com/minsheng/minsheng/store"
)

// JobDailyDigest is the kind of the morning job that tells each unit with
// open work what is waiting, due today and overdue.
const JobDailyDigest = "digest.daily"

// RunDailyDigest writes the digest of every unit with open work to the
// outbox, addressed to the unit's leaders (its head), or to its handlers
// when it has no leader. It runs inside the job's transaction, so each
// morning's digest is written once; on a non-working day it writes none.
func (s *Service) RunDailyDigest(ctx context.Context, tx *store.Tx) error {
	now := s.now()
	cfg, err := s.config(ctx)
	if err != nil {
		return err
	}
	today := calendar.DateOf(now)
	if !cfg.cal.IsWorkday(today) {
		return nil
	}
	work, err := store.ListOpenWork(ctx, tx, now, today.Start(), today.AddDays(1).Start())
	if err != nil {
		return err
	}
	for _, w := range work {
		u, err := store.GetUnit(ctx, tx, w.UnitID)
		if err != nil {
			return err
		}
		contacts, err := store.UnitContacts(ctx, tx, w.UnitID, org.RoleLeader)
		if err != nil {
			return err
		}
		if len(contacts) == 0 {
			if contacts, err = store.UnitContacts(ctx, tx, w.UnitID, org.RoleHandler); err != nil {
				return err
			}
		}
		data := notify.Data{Unit: u.Name, Date: today.String(), Open: w.Open, AwaitingAck: w.AwaitingAck,
			DueToday: w.DueToday, Overdue: w.Overdue}
		// The day number keeps one digest per unit, recipient and day.
		base := notify.Message{EventSeq: int(stats.DayOf(now)), At: now}
		for _, c := range contacts {
			m, ok, err := staffMessage(base, notify.UnitDigest, data, c)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if _, err := notify.Enqueue(ctx, tx, m); err != nil {
				return err
			}
		}
	}
	return nil
}
