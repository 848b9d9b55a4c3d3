package finance

import (
	"context"
	"fmt"

	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/store"
)

// DeadlineRun counts what one run of the deadline job did.
type DeadlineRun struct {
	Reminded  int `json:"reminded"`
	Escalated int `json:"escalated"`
}

// RunDeadlinesTx is the daily job: a match whose current deadline (the
// claim's while sent, the answer's while claimed or contacted) falls on
// today is reminded to its bank once; one whose deadline has passed is
// escalated (督办) once, an event on its timeline that the office's pages
// and the league table show, with a message to the bank's line. Both are
// events, not states; a claim starts the answer's deadline afresh.
func (s *Service) RunDeadlinesTx(ctx context.Context, tx *store.Tx) (DeadlineRun, error) {
	var run DeadlineRun
	now := s.kit.Now()
	ms, err := store.ListFinanceMatches(ctx, tx, store.FinanceMatchFilter{
		Statuses: []finance.Status{finance.StatusSent, finance.StatusClaimed, finance.StatusContacted}})
	if err != nil {
		return run, err
	}
	banks := map[int64]*finance.Bank{}
	today := calendar.DateOf(now)
	for _, m := range ms {
		due := m.Due()
		if due == nil {
			continue
		}
		var action, body string
		d, err := store.GetFinanceDemand(ctx, tx, idStr(m.DemandID))
		if err != nil {
			return run, err
		}
		stage := "认领"
		if m.Status != finance.StatusSent {
			stage = "答复"
		}
		switch {
		case now.After(*due) && m.EscalatedAt == nil:
			action = "escalate"
			body = fmt.Sprintf("【甘霖工程】融资需求 %s 的%s期限 %s 已过，区金融办督办，请尽快处理。", d.Number, stage, calendar.DateOf(*due))
			m.EscalatedAt = &now
			run.Escalated++
		case !now.After(*due) && calendar.DateOf(*due) == today && m.RemindedAt == nil:
			action = "remind"
			body = fmt.Sprintf("【甘霖工程】融资需求 %s 今日到%s期限，请在今天内处理。", d.Number, stage)
			m.RemindedAt = &now
			run.Reminded++
		default:
			continue
		}
		b := banks[m.BankID]
		if b == nil {
			if b, err = store.GetFinanceBank(ctx, tx, idStr(m.BankID)); err != nil {
				return run, err
			}
			banks[m.BankID] = b
		}
		m.Version++
		m.UpdatedAt = now
		if err := store.UpdateFinanceMatch(ctx, tx, m); err != nil {
			return run, err
		}
		ch := kit.Change{Actor: kit.System(), Object: ObjectMatch, ObjectID: m.ID, Action: action,
			Data: map[string]string{"demand": d.Number, "due": calendar.DateOf(*due).String(), "stage": string(m.Status)}}
		if b.ContactPhone != "" {
			ch.Messages = []notify.Message{{Channel: notify.ChannelSMS, To: b.ContactPhone, Template: "finance." + action, Lang: "zh", Body: body}}
		}
		if _, err := s.kit.Record(ctx, tx, ch); err != nil {
			return run, err
		}
	}
	return run, nil
}

// RunDeadlines runs the deadline job in a transaction of its own (the
// shell and tests; the job runner gives its own).
func (s *Service) RunDeadlines(ctx context.Context) (DeadlineRun, error) {
	var run DeadlineRun
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		var err error
		run, err = s.RunDeadlinesTx(ctx, tx)
		return err
	})
	return run, err
}
