package medicine

import (
	"context"
	"fmt"
	"strconv"

	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/jobs"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// JobRefill is the refill calendar of chronic patients: every morning at
// 07:00 (China) it opens the next request of each chronic patient whose
// supply runs out within RefillLeadDays.
const JobRefill = "medicine.refill"

// RefillAt is when the refill job runs: each day at 07:00 in China.
var RefillAt = jobs.Daily(7, 0, calendar.China)

// RefillLeadDays is how many days before a chronic patient's supply runs
// out their next request is opened: time to source and deliver it.
const RefillLeadDays = 7

// RefillJob is the periodic job's handler (JobRefill, RefillAt).
func (s *Service) RefillJob(ctx context.Context, tx *store.Tx, _ *jobs.Job) error {
	n, err := s.RefillTx(ctx, tx)
	if err == nil && n > 0 {
		s.kit.Log().InfoContext(ctx, "medicine refills opened", "requests", n)
	}
	return err
}

// RefillTx opens, as the system and in tx, the next request of every
// chronic patient whose confirmed delivery runs out within RefillLeadDays
// and who has no next request yet: a hotline ticket of its own (the
// patient as the caller, for the callback), the request with the same
// medicine, quantity and days, linked to it, and the old request pointing
// to the new one, so that it opens once however often the job runs.
// It returns how many it opened.
func (s *Service) RefillTx(ctx context.Context, tx *store.Tx) (int, error) {
	now := s.kit.Now()
	rs, err := store.ListMedicineRequests(ctx, tx, store.MedicineFilter{Statuses: []med.Status{med.StatusConfirmed}, Limit: 1_000_000})
	if err != nil {
		return 0, err
	}
	sys := kit.System()
	n := 0
	for _, r := range rs {
		at := r.RefillAt(RefillLeadDays)
		if r.RefillID != 0 || at == nil || at.After(now) {
			continue
		}
		runOut := r.RunOut().In(calendar.China).Format("1月2日")
		need := r.Need
		need.Note = fmt.Sprintf("续药：上次（%d号）送达的药预计%s用完", r.ID, runOut)
		t, err := s.tickets.OpenTicketTx(ctx, tx, sys, ticket.NewTicket{Title: "慢病续药：" + r.Medicine, Kind: ticket.KindHelp,
			Description: fmt.Sprintf("【特殊用药专岗·续药提醒】%s %s %d%s，上次送达的药预计%s用完，请联系患者确认后安排。", r.Medicine, r.Spec,
				r.Quantity, r.Unit, runOut),
			CallerName: r.PatientName, CallerPhone: r.PatientPhone, Address: r.Address})
		if err != nil {
			return n, err
		}
		next, err := s.openTx(ctx, tx, sys, t, need, map[string]string{"refill_of": strconv.FormatInt(r.ID, 10)})
		if err != nil {
			return n, err
		}
		r.RefillID = next.ID
		r.Version++
		r.UpdatedAt = now
		if err := store.UpdateMedicineRequest(ctx, tx, r); err != nil {
			return n, err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: sys, Object: ObjectRequest, ObjectID: r.ID, Action: "refill",
			Data: map[string]string{"next": strconv.FormatInt(next.ID, 10), "ticket": t.Number}}); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
