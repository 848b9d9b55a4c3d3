package finance

import (
	"slices"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// Status is where a match (a demand matched to one product) stands.
type Status string

// Statuses of a match.
const (
	StatusProposed  Status = "proposed"  // found by matching, not yet sent
	StatusSent      Status = "sent"      // sent to the bank, which must claim it by ClaimBy
	StatusClaimed   Status = "claimed"   // the bank took it up; it must answer by AnswerBy
	StatusContacted Status = "contacted" // the bank has contacted the business
	StatusApproved  Status = "approved"  // the bank approved a loan
	StatusDeclined  Status = "declined"  // the bank declined, with a coded reason
	StatusDisbursed Status = "disbursed" // the loan was paid out
	StatusWithdrawn Status = "withdrawn" // taken back by the office (the demand was met elsewhere or withdrawn)
)

// Statuses lists the statuses in the order of the workflow.
var Statuses = []Status{StatusProposed, StatusSent, StatusClaimed, StatusContacted, StatusApproved, StatusDeclined,
	StatusDisbursed, StatusWithdrawn}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Final reports whether nothing more happens to a match in s.
func (s Status) Final() bool {
	return s == StatusDeclined || s == StatusDisbursed || s == StatusWithdrawn
}

// Answered reports whether the bank has given its answer in s.
func (s Status) Answered() bool {
	return s == StatusApproved || s == StatusDeclined || s == StatusDisbursed
}

// Action is what moves a match.
type Action string

// Actions on a match.
const (
	ActionSend     Action = "send"     // the office sends the match to the bank (the business consented)
	ActionClaim    Action = "claim"    // the bank takes it up
	ActionContact  Action = "contact"  // the bank has contacted the business
	ActionApprove  Action = "approve"  // the bank approves an amount
	ActionDecline  Action = "decline"  // the bank declines, with a coded reason
	ActionDisburse Action = "disburse" // the bank pays out an amount on a day
	ActionWithdraw Action = "withdraw" // the office takes the match back
)

// Actions lists the actions in the order of the workflow.
var Actions = []Action{ActionSend, ActionClaim, ActionContact, ActionApprove, ActionDecline, ActionDisburse, ActionWithdraw}

type rule struct {
	from []Status
	to   Status
	role org.Role
}

// rules is the whole lifecycle of a match in one table: the office sends
// and withdraws, the bank's staff do the rest, on their bank's matches
// only (the use cases check the bank).
var rules = map[Action]rule{
	ActionSend:     {from: []Status{StatusProposed}, to: StatusSent, role: RoleOfficer},
	ActionClaim:    {from: []Status{StatusSent}, to: StatusClaimed, role: RoleBank},
	ActionContact:  {from: []Status{StatusClaimed}, to: StatusContacted, role: RoleBank},
	ActionApprove:  {from: []Status{StatusClaimed, StatusContacted}, to: StatusApproved, role: RoleBank},
	ActionDecline:  {from: []Status{StatusSent, StatusClaimed, StatusContacted}, to: StatusDeclined, role: RoleBank},
	ActionDisburse: {from: []Status{StatusApproved}, to: StatusDisbursed, role: RoleBank},
	ActionWithdraw: {from: []Status{StatusProposed, StatusSent, StatusClaimed, StatusContacted, StatusApproved}, to: StatusWithdrawn, role: RoleOfficer},
}

// Next returns the status the action leads to from the given status: an
// EINVALID error for an unknown action, an ECONFLICT error when the action
// is not allowed from it.
func Next(from Status, a Action) (Status, error) {
	r, ok := rules[a]
	if !ok {
		return "", minsheng.FieldError("action", "unknown action %q", a).Because("choose")
	}
	if !slices.Contains(r.from, from) {
		return "", minsheng.Errorf(minsheng.ECONFLICT, "cannot %s a match that is %s", a, from).Because("match_state")
	}
	return r.to, nil
}

// RoleOf returns the role that takes the action.
func RoleOf(a Action) org.Role { return rules[a].role }

// Available returns the actions the holder of the role may take on a
// match in the status, in the order of Actions.
func Available(s Status, role org.Role) []Action {
	out := []Action{}
	for _, a := range Actions {
		if _, err := Next(s, a); err == nil && rules[a].role == role {
			out = append(out, a)
		}
	}
	return out
}

// DeclineReason is the coded reason a bank declines a match.
type DeclineReason string

// Decline reasons.
const (
	DeclineCollateral  DeclineReason = "insufficient_collateral" // 抵押担保不足
	DeclineCredit      DeclineReason = "credit_history"          // 征信记录不良
	DeclineRevenue     DeclineReason = "low_revenue"             // 经营流水不足
	DeclineYoung       DeclineReason = "too_young"               // 经营年限不足
	DeclineLeverage    DeclineReason = "over_leveraged"          // 负债过高
	DeclineDocuments   DeclineReason = "documents_incomplete"    // 资料不全
	DeclineUnreachable DeclineReason = "unreachable"             // 联系不上企业
	DeclinePolicy      DeclineReason = "outside_policy"          // 不符合授信政策
)

// DeclineReasons lists the reasons.
var DeclineReasons = []DeclineReason{DeclineCollateral, DeclineCredit, DeclineRevenue, DeclineYoung, DeclineLeverage,
	DeclineDocuments, DeclineUnreachable, DeclinePolicy}

// Valid reports whether r is a known reason.
func (r DeclineReason) Valid() bool { return slices.Contains(DeclineReasons, r) }

// Remedy is where the office routes a business a bank declined.
type Remedy string

// Remedies.
const (
	RemedyGuarantee Remedy = "government_guarantee" // 政府性融资担保
	RemedyCoaching  Remedy = "first_loan_coaching"  // 首贷培育
	RemedyTaxData   Remedy = "tax_credit_data"      // 银税互动: use its tax record as credit
	RemedyDocuments Remedy = "document_help"        // 帮助补齐资料
	RemedyNone      Remedy = "none"
)

// RemedyFor returns the remedy the office offers after a decline for the
// reason.
func RemedyFor(r DeclineReason) Remedy {
	switch r {
	case DeclineCollateral, DeclineLeverage:
		return RemedyGuarantee
	case DeclineCredit, DeclineYoung:
		return RemedyCoaching
	case DeclineRevenue:
		return RemedyTaxData
	case DeclineDocuments, DeclineUnreachable:
		return RemedyDocuments
	}
	return RemedyNone
}

// Match is a demand matched to one product, and the bank's handling of it.
// Amounts are yuan.
type Match struct {
	ID              int64         `json:"id,string"`
	DemandID        int64         `json:"demand_id,string"`
	ProductID       int64         `json:"product_id,string"`
	BankID          int64         `json:"bank_id,string"`
	Score           int           `json:"score"`
	Reasons         []Reason      `json:"reasons"`
	Status          Status        `json:"status"`
	SentAt          *time.Time    `json:"sent_at,omitempty"`
	ClaimBy         *time.Time    `json:"claim_by,omitempty"`
	ClaimedAt       *time.Time    `json:"claimed_at,omitempty"`
	AnswerBy        *time.Time    `json:"answer_by,omitempty"`
	AnsweredAt      *time.Time    `json:"answered_at,omitempty"`
	ApprovedAmount  int64         `json:"approved_amount"`
	DeclineReason   DeclineReason `json:"decline_reason,omitempty"`
	DisbursedAmount int64         `json:"disbursed_amount"`
	DisbursedOn     string        `json:"disbursed_on,omitempty"` // YYYY-MM-DD
	RemindedAt      *time.Time    `json:"reminded_at,omitempty"`
	EscalatedAt     *time.Time    `json:"escalated_at,omitempty"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
	Version         int           `json:"version"`
}

// ClaimedLate reports whether the bank claimed (or answered) after its
// claim deadline, or has not claimed and the deadline has passed at now.
func (m *Match) ClaimedLate(now time.Time) bool {
	if m.ClaimBy == nil {
		return false
	}
	at := m.ClaimedAt
	if at == nil && m.Status == StatusDeclined {
		at = m.AnsweredAt
	}
	if at == nil {
		return m.Status == StatusSent && now.After(*m.ClaimBy)
	}
	return at.After(*m.ClaimBy)
}

// Due returns the deadline the match waits on now (the claim's while sent,
// the answer's while claimed or contacted), or nil.
func (m *Match) Due() *time.Time {
	switch m.Status {
	case StatusSent:
		return m.ClaimBy
	case StatusClaimed, StatusContacted:
		return m.AnswerBy
	}
	return nil
}

// Overdue reports whether the match's current deadline has passed at now.
func (m *Match) Overdue(now time.Time) bool {
	d := m.Due()
	return d != nil && now.After(*d)
}
