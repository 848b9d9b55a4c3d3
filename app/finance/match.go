package finance

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// Step is one action on a match, with what the action needs: the approved
// or disbursed amount (yuan), the decline's coded reason, the day of the
// disbursement (YYYY-MM-DD, today when empty), a note.
type Step struct {
	Action finance.Action        `json:"action"`
	Amount int64                 `json:"amount"`
	Reason finance.DeclineReason `json:"reason"`
	Date   string                `json:"date"`
	Note   string                `json:"note"`
}

// Act takes an action on a match: the office sends (the business must
// have consented; the bank's claim deadline is set on the working-day
// calendar) and withdraws; the bank's staff, on their own bank's matches
// only, claim (the answer deadline is set), contact, approve an amount,
// decline with a coded reason, and disburse — which grants the demand and
// withdraws its other open matches. Each step is one transaction with its
// timeline event and, on sending, a message to the bank's line.
func (s *Service) Act(ctx context.Context, actor *org.User, matchID int64, in Step) (*MatchView, error) {
	if err := kit.Require(actor, finance.RoleOfficer, org.RoleAdmin, finance.RoleBank); err != nil {
		return nil, err
	}
	in.Note = strings.TrimSpace(in.Note)
	if err := finance.CheckText("note", in.Note, finance.MaxText, false); err != nil {
		return nil, err
	}
	now := s.kit.Now()
	due, err := s.dueTable(ctx, now)
	if err != nil {
		return nil, err
	}
	var out *MatchView
	err = s.kit.Write(ctx, func(tx *store.Tx) error {
		m, err := store.GetFinanceMatch(ctx, tx, matchID)
		if err != nil {
			return err
		}
		to, err := finance.Next(m.Status, in.Action)
		if err != nil {
			return err
		}
		v := viewer{office: isOffice(actor)}
		switch finance.RoleOf(in.Action) {
		case finance.RoleOfficer:
			if !v.office {
				return minsheng.Errorf(minsheng.EFORBIDDEN, "only the finance office may %s a match", in.Action)
			}
		case finance.RoleBank:
			if !kit.IsSystem(actor) {
				if !actor.Has(finance.RoleBank) {
					return minsheng.Errorf(minsheng.EFORBIDDEN, "only the bank's staff answer a match").Because("bank_only")
				}
				if v.bankID, err = store.FinanceBankOf(ctx, tx, actor.ID); err != nil || v.bankID != m.BankID {
					return minsheng.Errorf(minsheng.ENOTFOUND, "match %d not found", matchID).Because("match_not_found")
				}
			} else {
				v.bankID = m.BankID
			}
		}
		d, err := store.GetFinanceDemand(ctx, tx, idStr(m.DemandID))
		if err != nil {
			return err
		}
		if d.Status != finance.DemandOpen && in.Action != finance.ActionWithdraw {
			return minsheng.Errorf(minsheng.ECONFLICT, "the demand is %s", d.Status).Because("demand_closed")
		}
		bank, err := store.GetFinanceBank(ctx, tx, idStr(m.BankID))
		if err != nil {
			return err
		}
		ch := kit.Change{Actor: actor, Object: ObjectMatch, ObjectID: m.ID, Action: string(in.Action), Note: in.Note,
			Data: map[string]string{"demand": d.Number}, IP: minsheng.ClientAddr(ctx)}
		switch in.Action {
		case finance.ActionSend:
			b, err := store.GetFinanceBusiness(ctx, tx, idStr(d.BusinessID))
			if err != nil {
				return err
			}
			if !b.Consent {
				return minsheng.FieldError("consent", "the business has withdrawn its consent; nothing is sent").Because("consent_required")
			}
			if !bank.Active {
				return minsheng.Errorf(minsheng.ECONFLICT, "the bank has left the programme").Because("bank_inactive")
			}
			m.SentAt, m.ClaimBy = &now, &due[bank.ClaimDays]
			ch.Data["claim_by"] = calendar.DateOf(due[bank.ClaimDays]).String()
			if bank.ContactPhone != "" {
				ch.Messages = append(ch.Messages, notify.Message{Channel: notify.ChannelSMS, To: bank.ContactPhone, Template: "finance.sent",
					Lang: "zh", Body: fmt.Sprintf("【甘霖工程】新的融资需求 %s（%s，%d个月）已推送至贵行，请在 %s 前认领。",
						d.Number, finance.FormatYuan(d.Amount), d.TermMonths, calendar.DateOf(due[bank.ClaimDays]))})
			}
		case finance.ActionClaim:
			m.ClaimedAt, m.AnswerBy = &now, &due[bank.AnswerDays]
			m.RemindedAt, m.EscalatedAt = nil, nil // the answer's deadline is a new one
			ch.Data["answer_by"] = calendar.DateOf(due[bank.AnswerDays]).String()
			if m.ClaimedLate(now) {
				ch.Data["late"] = "true"
			}
		case finance.ActionApprove:
			if in.Amount <= 0 || in.Amount > finance.MaxAmount {
				return minsheng.FieldError("amount", "the approved amount must be a positive amount of yuan").Because("amount_positive")
			}
			m.AnsweredAt, m.ApprovedAmount = &now, in.Amount
			ch.Data["amount"] = strconv.FormatInt(in.Amount, 10)
		case finance.ActionDecline:
			if !in.Reason.Valid() {
				return minsheng.FieldError("reason", "a decline needs its coded reason").Because("decline_reason")
			}
			m.AnsweredAt, m.DeclineReason = &now, in.Reason
			ch.Data["reason"], ch.Data["remedy"] = string(in.Reason), string(finance.RemedyFor(in.Reason))
		case finance.ActionDisburse:
			if in.Amount <= 0 {
				return minsheng.FieldError("amount", "the disbursed amount must be a positive amount of yuan").Because("amount_positive")
			}
			if in.Amount > m.ApprovedAmount {
				return minsheng.FieldError("amount", "more than the approved %d yuan", m.ApprovedAmount).Because("above_approved")
			}
			day := calendar.DateOf(now)
			if in.Date != "" {
				if day, err = calendar.ParseDate(strings.TrimSpace(in.Date)); err != nil {
					return minsheng.FieldError("date", "the day must be YYYY-MM-DD").Because("not_a_date")
				}
				if day.Start().After(now) {
					return minsheng.FieldError("date", "the day is in the future").Because("date_future")
				}
				if m.SentAt != nil && day.End().Before(*m.SentAt) {
					return minsheng.FieldError("date", "the day is before the demand was sent").Because("date_before_sent")
				}
			}
			m.DisbursedAmount, m.DisbursedOn = in.Amount, day.String()
			ch.Data["amount"], ch.Data["on"] = strconv.FormatInt(in.Amount, 10), day.String()
		}
		m.Status, m.UpdatedAt, m.Version = to, now, m.Version+1
		if err := store.UpdateFinanceMatch(ctx, tx, m); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, ch); err != nil {
			return err
		}
		if in.Action == finance.ActionDisburse {
			if err := s.withdrawOpenTx(ctx, tx, d.ID, m.ID, "demand granted by "+bank.Code); err != nil {
				return err
			}
			d.Status, d.UpdatedAt, d.ClosedAt, d.Version = finance.DemandGranted, now, &now, d.Version+1
			if err := store.UpdateFinanceDemand(ctx, tx, d); err != nil {
				return err
			}
			if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectDemand, ObjectID: d.ID, Action: "granted",
				Data: map[string]string{"bank": bank.Code, "amount": strconv.FormatInt(in.Amount, 10)}}); err != nil {
				return err
			}
		}
		n, err := s.namesTx(ctx, tx)
		if err != nil {
			return err
		}
		mv := s.matchView(n, v, m, now)
		out = &mv
		return nil
	})
	return out, err
}

// InboxQuery filters a bank's list of matches.
type InboxQuery struct {
	// Open: only the matches waiting on the bank (sent, claimed,
	// contacted, approved); else every match sent to it.
	Open  bool
	Limit int
}

// Inbox returns the matches sent to the actor's bank, with the demand and
// the business's name, the most recently sent first: what a bank's staff
// work from. The office and leaders give a bank's id to see its list.
func (s *Service) Inbox(ctx context.Context, actor *org.User, bankRef string, q InboxQuery) ([]MatchView, *finance.Bank, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 200
	}
	out := []MatchView{}
	var bank *finance.Bank
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		v, err := s.viewerTx(ctx, tx, actor)
		if err != nil {
			return err
		}
		bankID := v.bankID
		if bankID == 0 {
			if bankRef == "" {
				return minsheng.FieldError("bank", "name the bank whose matches to list").Because("required")
			}
			b, err := store.GetFinanceBank(ctx, tx, bankRef)
			if err != nil {
				return err
			}
			bankID = b.ID
		}
		if bank, err = store.GetFinanceBank(ctx, tx, idStr(bankID)); err != nil {
			return err
		}
		st := []finance.Status{finance.StatusSent, finance.StatusClaimed, finance.StatusContacted, finance.StatusApproved}
		if !q.Open {
			st = append(st, finance.StatusDeclined, finance.StatusDisbursed, finance.StatusWithdrawn)
		}
		ms, err := store.ListFinanceMatches(ctx, tx, store.FinanceMatchFilter{BankID: bankID, Statuses: st, Limit: q.Limit})
		if err != nil {
			return err
		}
		n, err := s.namesTx(ctx, tx)
		if err != nil {
			return err
		}
		now := s.kit.Now()
		for _, m := range ms {
			d, err := store.GetFinanceDemand(ctx, tx, idStr(m.DemandID))
			if err != nil {
				return err
			}
			b, err := store.GetFinanceBusiness(ctx, tx, idStr(d.BusinessID))
			if err != nil {
				return err
			}
			mv := s.matchView(n, v, m, now)
			mv.DemandNumber, mv.BusinessID, mv.BusinessName, mv.Amount, mv.TermMonths, mv.Purpose, mv.Industry =
				d.Number, b.ID, b.Name, d.Amount, d.TermMonths, d.Purpose, b.Industry
			out = append(out, mv)
		}
		return nil
	})
	return out, bank, err
}
