package household

import "time"

// Household is a household of the registry. Its members' personal data is
// masked in every shape the use cases return, but for a reveal.
type Household struct {
	ID            int64      `json:"id"`
	UnitID        int64      `json:"grid_id"` // the grid
	UnitPath      string     `json:"-"`
	Address       string     `json:"address"`
	ConsentAt     time.Time  `json:"consent_at"`
	ConsentBy     int64      `json:"consent_by,omitempty"`
	IntervalDays  int        `json:"interval_days"`
	LastVisitAt   *time.Time `json:"last_visit_at,omitempty"`
	RescheduledTo *time.Time `json:"rescheduled_to,omitempty"`
	NextDueAt     time.Time  `json:"next_due_at"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	DissolvedAt   *time.Time `json:"dissolved_at,omitempty"`

	Members []*Person    `json:"members,omitempty"`
	Tags    []*TagRecord `json:"tags,omitempty"`
	// State is where it stands against its visit plan, when read.
	State DueState `json:"state,omitempty"`
}

// Replan works out the household's visit plan from its tags and visits.
func (h *Household) Replan() {
	tags := make([]Tag, len(h.Tags))
	for i, t := range h.Tags {
		tags[i] = t.Tag
	}
	h.IntervalDays = IntervalDays(tags)
	h.NextDueAt = NextDue(h.LastVisitAt, h.CreatedAt, h.IntervalDays, h.RescheduledTo).UTC()
}

// Head returns the head of the household, nil when it has none.
func (h *Household) Head() *Person {
	for _, p := range h.Members {
		if p.Relation == RelationHead {
			return p
		}
	}
	return nil
}

// Person is a member of a household.
type Person struct {
	ID          int64     `json:"id"`
	HouseholdID int64     `json:"household_id"`
	Name        string    `json:"name"`
	IDNumber    string    `json:"id_number"`
	Phone       string    `json:"phone,omitempty"`
	Relation    Relation  `json:"relation"`
	CreatedAt   time.Time `json:"created_at"`
}

// TagRecord is a tag held by a household (PersonID 0) or one member.
type TagRecord struct {
	HouseholdID int64     `json:"-"`
	PersonID    int64     `json:"person_id,omitempty"`
	Tag         Tag       `json:"tag"`
	Source      string    `json:"source"`
	Since       time.Time `json:"since"`
	RecheckBy   time.Time `json:"recheck_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// Pairing is a cadre paired with a household from one day to another
// (To nil while it lasts).
type Pairing struct {
	ID          int64      `json:"id"`
	HouseholdID int64      `json:"household_id"`
	CadreID     int64      `json:"cadre_id"`
	CadreName   string     `json:"cadre_name,omitempty"`
	From        time.Time  `json:"from"`
	To          *time.Time `json:"to,omitempty"`
	CreatedBy   int64      `json:"created_by,omitempty"`
}

// Visit is a visit paid, or a visit missed and rescheduled.
type Visit struct {
	ID            int64      `json:"id"`
	HouseholdID   int64      `json:"household_id"`
	CadreID       int64      `json:"cadre_id,omitempty"`
	CadreName     string     `json:"cadre_name,omitempty"`
	At            time.Time  `json:"at"`
	Outcome       Outcome    `json:"outcome"`
	Met           string     `json:"met,omitempty"`
	Note          string     `json:"note,omitempty"`
	Lat           *float64   `json:"lat,omitempty"`
	Lng           *float64   `json:"lng,omitempty"`
	RescheduledTo *time.Time `json:"rescheduled_to,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
}

// Concern is the work order a concern of a visit opened, and where its
// outcome stands: answered when the ticket was replied or closed, returned
// when the cadre took the answer back to the household (their next visit).
type Concern struct {
	VisitID      int64      `json:"visit_id"`
	TicketID     int64      `json:"ticket_id"`
	TicketNumber string     `json:"ticket_number,omitempty"`
	TicketTitle  string     `json:"ticket_title,omitempty"`
	TicketStatus string     `json:"ticket_status,omitempty"`
	HouseholdID  int64      `json:"household_id"`
	CadreID      int64      `json:"cadre_id,omitempty"`
	AnsweredAt   *time.Time `json:"answered_at,omitempty"`
	ReturnedAt   *time.Time `json:"returned_at,omitempty"`
}

// Change is a change request of a household.
type Change struct {
	ID           int64        `json:"id"`
	HouseholdID  int64        `json:"household_id"`
	UnitPath     string       `json:"-"`
	Kind         ChangeKind   `json:"kind"`
	Status       ChangeStatus `json:"status"`
	Input        ChangeInput  `json:"input"`
	RequestedBy  int64        `json:"requested_by"`
	RequestedAt  time.Time    `json:"requested_at"`
	DecidedBy    int64        `json:"decided_by,omitempty"`
	DecidedAt    *time.Time   `json:"decided_at,omitempty"`
	DecisionNote string       `json:"decision_note,omitempty"`
}

// Coverage is one grid's households against their visit plan.
type Coverage struct {
	UnitID     int64  `json:"grid_id"`
	UnitName   string `json:"grid_name,omitempty"`
	Households int    `json:"households"`
	Visited    int    `json:"visited"` // visited in the period (the last 30 days)
	Due        int    `json:"due"`     // due within DueSoonDays
	Overdue    int    `json:"overdue"`
}
