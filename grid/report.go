package grid

import (
	"slices"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// ReportStatus is where a grid report stands in the loop of GB/T 30428:
// 收集 (the grid worker reports) → 立案 (its work order is registered) →
// 派遣 (dispatched) → 处置 (the handling unit works on it) → 反馈 (it
// replied) → 核查 (the grid worker checks the reply on the spot) → 结案.
// The ticket engine carries 立案 to 反馈; the report follows its ticket's
// events, and the ticket cannot be closed before the 核查 has passed.
type ReportStatus string

// Report statuses.
const (
	ReportRegistered    ReportStatus = "registered"     // 立案
	ReportDispatched    ReportStatus = "dispatched"     // 派遣
	ReportHandling      ReportStatus = "handling"       // 处置
	ReportAwaitingCheck ReportStatus = "awaiting_check" // 反馈: waits for the grid worker's 核查
	ReportCheckFailed   ReportStatus = "check_failed"   // 核查未通过: waits for the centre to reopen the ticket
	ReportVerified      ReportStatus = "verified"       // 核查通过: the ticket is being closed in the same transaction
	ReportClosed        ReportStatus = "closed"         // 结案
	ReportCancelled     ReportStatus = "cancelled"      // 不予立案: the ticket was invalid or merged
)

// ReportStatuses lists every status in the loop's order.
var ReportStatuses = []ReportStatus{ReportRegistered, ReportDispatched, ReportHandling, ReportAwaitingCheck,
	ReportCheckFailed, ReportVerified, ReportClosed, ReportCancelled}

// Valid reports whether s is a known status.
func (s ReportStatus) Valid() bool { return slices.Contains(ReportStatuses, s) }

// Open reports whether the report still waits for something.
func (s ReportStatus) Open() bool { return s != ReportClosed && s != ReportCancelled }

// CheckResult is the outcome of a grid worker's 核查.
type CheckResult string

// Check results.
const (
	CheckPass CheckResult = "pass" // the problem is gone: the ticket closes
	CheckFail CheckResult = "fail" // it is not: the centre reopens the ticket
)

// checkRules says from which statuses a 核查 may be made and where each
// result leads. A failed check may be followed by a passing one (the unit
// finished the work before the centre reopened the ticket).
var checkRules = map[CheckResult]struct {
	from []ReportStatus
	to   ReportStatus
}{
	CheckPass: {[]ReportStatus{ReportAwaitingCheck, ReportCheckFailed}, ReportVerified},
	CheckFail: {[]ReportStatus{ReportAwaitingCheck}, ReportCheckFailed},
}

// CheckRoles may make a 核查: grid workers (whose grant must cover the
// report's grid: the app's check).
var CheckRoles = []org.Role{org.RoleGridWorker}

// NextCheck returns where a 核查 with the result leads from the status:
// EINVALID for an unknown result, ECONFLICT naming the status when no
// check is due.
func NextCheck(from ReportStatus, r CheckResult) (ReportStatus, error) {
	rule, ok := checkRules[r]
	if !ok {
		return "", minsheng.FieldError("result", "result must be pass or fail")
	}
	return step(from, rule.from, rule.to, "check", "a report")
}

// Follow returns the report's status after its ticket moved to the
// ticket status by the action: the engine's statuses folded onto the
// loop. A close is refused (ECONFLICT) unless the grid worker's 核查 has
// passed: the loop's last step is theirs, on the spot. Following the same
// event twice changes nothing the second time (a hook may be told twice).
func Follow(from ReportStatus, a ticket.Action, to ticket.Status) (ReportStatus, error) {
	if a == ticket.ActionClose && from != ReportVerified && from != ReportClosed {
		return "", minsheng.Errorf(minsheng.ECONFLICT, "a grid report's ticket is closed after the grid worker's on-the-spot check (核查) has passed")
	}
	switch to {
	case ticket.StatusRegistered:
		return ReportRegistered, nil
	case ticket.StatusDispatched, ticket.StatusReturned:
		return ReportDispatched, nil
	case ticket.StatusAcknowledged, ticket.StatusReopened:
		return ReportHandling, nil
	case ticket.StatusReplied:
		if a == ticket.ActionReply {
			return ReportAwaitingCheck, nil
		}
		return from, nil // a callback, a file, a reminder: nothing new to check
	case ticket.StatusClosed:
		if a == ticket.ActionClose {
			return ReportClosed, nil
		}
		return from, nil
	case ticket.StatusResolvedAtIntake:
		return ReportClosed, nil
	case ticket.StatusMerged, ticket.StatusInvalid:
		return ReportCancelled, nil
	}
	return from, nil
}

// NewReport is what a grid worker reports from their phone.
type NewReport struct {
	Class       Class    `json:"class"`
	Category    string   `json:"category"` // a GB/T 30428.2 major category code (Categories)
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Address     string   `json:"address"`
	Lat         *float64 `json:"lat,omitempty"`
	Lng         *float64 `json:"lng,omitempty"`
}

// Normalize trims spaces and takes the class from the category.
func (n *NewReport) Normalize() {
	n.Title, n.Description, n.Address = strings.TrimSpace(n.Title), strings.TrimSpace(n.Description), strings.TrimSpace(n.Address)
	n.Category = strings.ToUpper(strings.TrimSpace(n.Category))
	if c, ok := CategoryByCode(n.Category); ok && n.Class == "" {
		n.Class = c.Class
	}
}

// Validate returns an EINVALID error naming the first field at fault.
func (n *NewReport) Validate() error {
	c, ok := CategoryByCode(n.Category)
	if !ok {
		return minsheng.FieldError("category", "category must be one of the GB/T 30428.2 major categories (P01…P06, E01…E06)").Because("choose")
	}
	if !n.Class.Valid() {
		return minsheng.FieldError("class", "class must be part or event")
	}
	if n.Class != c.Class {
		return minsheng.FieldError("category", "category %s is not of class %s", c.Code, n.Class)
	}
	if err := checkText("description", n.Description, MaxText, true); err != nil {
		return err
	}
	if err := checkText("title", n.Title, MaxTitle, false); err != nil {
		return err
	}
	if err := checkText("address", n.Address, MaxAddress, true); err != nil {
		return err
	}
	return checkPoint(n.Lat, n.Lng)
}
