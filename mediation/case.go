package mediation

import (
	"time"

	"github.com/minsheng/minsheng/personal"
)

// Case is one dispute before the mediation centre.
type Case struct {
	ID         int64  `json:"id,string"`
	Number     string `json:"number"`
	Type       Type   `json:"type"`
	Source     Source `json:"source"`
	Status     Status `json:"status"`
	Title      string `json:"title"`
	Summary    string `json:"summary"`
	Address    string `json:"address"`
	ReferredBy string `json:"referred_by,omitempty"`
	UnitID     int64  `json:"unit_id,string"`
	UnitPath   string `json:"-"`
	MediatorID int64  `json:"mediator_id,string,omitempty"`
	TicketID   int64  `json:"ticket_id,string,omitempty"`
	// Outcome is the reason of a decline, or where a failed case was
	// referred on.
	Outcome      string     `json:"outcome,omitempty"`
	Repeats      []Repeat   `json:"repeats"`
	RegisteredAt time.Time  `json:"registered_at"`
	AcceptedAt   *time.Time `json:"accepted_at,omitempty"`
	AgreementAt  *time.Time `json:"agreement_at,omitempty"`
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Version      int        `json:"version"`
}

// Party is a party to a case as stored: its personal data unmasked. Use
// Masked for every shape shown to people.
type Party struct {
	ID     int64 `json:"id,string"`
	CaseID int64 `json:"case_id,string"`
	NewParty
}

// Masked returns the party with its name, phones and ID number masked.
func (p Party) Masked() Party {
	if p.Kind == PartyPerson {
		p.Name = personal.MaskName(p.Name)
	}
	p.Phone, p.AgentPhone = personal.MaskPhone(p.Phone), personal.MaskPhone(p.AgentPhone)
	p.IDNumber = personal.MaskIDNumber(p.IDNumber)
	p.AgentName = personal.MaskName(p.AgentName)
	return p
}

// Key is what repeat detection compares.
func (p Party) Key() PartyKey { return PartyKey{Phone: p.Phone, IDNumber: p.IDNumber} }

// Session is a mediation session: scheduled, then held with its record.
type Session struct {
	ID           int64      `json:"id,string"`
	CaseID       int64      `json:"case_id,string"`
	Seq          int        `json:"seq"`
	ScheduledAt  time.Time  `json:"scheduled_at"`
	Place        string     `json:"place"`
	Participants string     `json:"participants"`
	HeldAt       *time.Time `json:"held_at,omitempty"`
	Record       string     `json:"record,omitempty"` // 调解笔录
	CreatedBy    int64      `json:"created_by,string,omitempty"`
}

// Note is a note of a case: joint (PartyID 0) or private to what one party
// told the mediator alone.
type Note struct {
	ID         int64     `json:"id,string"`
	CaseID     int64     `json:"case_id,string"`
	SessionID  int64     `json:"session_id,string,omitempty"`
	PartyID    int64     `json:"party_id,string,omitempty"`
	AuthorID   int64     `json:"author_id,string,omitempty"`
	AuthorName string    `json:"author_name,omitempty"`
	At         time.Time `json:"at"`
	Body       string    `json:"body"`
}

// Private reports whether the note is one party's, read by the case's
// mediator alone.
func (n Note) Private() bool { return n.PartyID != 0 }

// Agreement is the agreement of a case.
type Agreement struct {
	CaseID             int64      `json:"case_id,string"`
	Terms              string     `json:"terms"`
	SignMode           SignMode   `json:"sign_mode"`
	EffectiveAt        time.Time  `json:"effective_at"`
	JudicialDeadline   time.Time  `json:"judicial_deadline"`
	JudicialPromptedAt *time.Time `json:"judicial_prompted_at,omitempty"`
	JudicialAppliedAt  *time.Time `json:"judicial_applied_at,omitempty"`
	// SignedAt is when the last party signed; nil while SMS codes are
	// awaited (the agreement is not yet in force).
	SignedAt  *time.Time   `json:"signed_at,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	CreatedBy int64        `json:"created_by,string,omitempty"`
	Schedule  []Instalment `json:"schedule"`
}

// TotalFen adds up the schedule's amounts.
func (a *Agreement) TotalFen() int64 {
	var n int64
	for _, i := range a.Schedule {
		n += i.AmountFen
	}
	return n
}

// AllPaid reports whether every instalment is performed.
func (a *Agreement) AllPaid() bool {
	for _, i := range a.Schedule {
		if i.PaidAt == nil {
			return false
		}
	}
	return true
}
