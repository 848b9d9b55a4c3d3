package finance

import (
	"slices"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
)

// DemandStatus is where a credit demand stands.
type DemandStatus string

// Statuses of a demand.
const (
	DemandOpen      DemandStatus = "open"      // being matched and answered
	DemandGranted   DemandStatus = "granted"   // a loan was disbursed
	DemandUnmet     DemandStatus = "unmet"     // every bank declined; closed with a remedy
	DemandWithdrawn DemandStatus = "withdrawn" // the business no longer needs it
)

// DemandStatuses lists the statuses.
var DemandStatuses = []DemandStatus{DemandOpen, DemandGranted, DemandUnmet, DemandWithdrawn}

// Valid reports whether s is a known status.
func (s DemandStatus) Valid() bool { return slices.Contains(DemandStatuses, s) }

// Demand is a business's credit demand (融资需求).
type Demand struct {
	ID         int64        `json:"id,string"`
	Number     string       `json:"number"`
	BusinessID int64        `json:"business_id,string"`
	Amount     int64        `json:"amount"` // yuan
	TermMonths int          `json:"term_months"`
	Purpose    string       `json:"purpose"`
	Collateral Collateral   `json:"collateral"`
	Status     DemandStatus `json:"status"`
	Note       string       `json:"note"` // why it was closed
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
	ClosedAt   *time.Time   `json:"closed_at,omitempty"`
	Version    int          `json:"version"`
}

// NewDemand is a demand as the finance office records it.
type NewDemand struct {
	BusinessID int64      `json:"business_id,string"`
	Amount     int64      `json:"amount"`
	TermMonths int        `json:"term_months"`
	Purpose    string     `json:"purpose"`
	Collateral Collateral `json:"collateral"`
	// TicketRef is the hotline ticket the demand came from (a business
	// owner who called about credit), linked to the demand; optional.
	TicketRef string `json:"ticket"`
}

// Normalize trims the purpose and fills the default collateral (none).
func (n *NewDemand) Normalize() {
	n.Purpose, n.TicketRef = strings.TrimSpace(n.Purpose), strings.TrimSpace(n.TicketRef)
	if n.Collateral == "" {
		n.Collateral = CollateralNone
	}
}

// Validate returns an EINVALID error naming the field at fault.
func (n *NewDemand) Validate() error {
	if n.BusinessID == 0 {
		return minsheng.FieldError("business_id", "business_id is required").Because("required")
	}
	if err := checkAmount("amount", n.Amount, true); err != nil {
		return err
	}
	if n.TermMonths < 1 || n.TermMonths > MaxTerm {
		return minsheng.FieldError("term_months", "the term must be 1 to %d months", MaxTerm).Because("term_range")
	}
	if err := CheckText("purpose", n.Purpose, MaxText, true); err != nil {
		return err
	}
	if !n.Collateral.Valid() {
		return minsheng.FieldError("collateral", "collateral must be one of %s", list(Collaterals)).Because("choose")
	}
	return nil
}
