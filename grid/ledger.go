package grid

import (
	"slices"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// ItemStatus is where a problem found by a screening campaign (大排查)
// stands in the ledger: found → assigned to a responsible unit →
// rectifying → submitted with evidence → ticked off (销号) by someone other
// than who rectified it; a re-inspection (回头看) after the tick-off either
// confirms it or reopens the item.
type ItemStatus string

// Item statuses.
const (
	ItemFound      ItemStatus = "found"      // 排查发现
	ItemAssigned   ItemStatus = "assigned"   // 已交办
	ItemRectifying ItemStatus = "rectifying" // 整改中
	ItemSubmitted  ItemStatus = "submitted"  // 待核验: rectified, evidence given
	ItemTickedOff  ItemStatus = "ticked_off" // 已销号: verified by another person
	ItemReopened   ItemStatus = "reopened"   // 回头看发现反弹
)

// ItemStatuses lists every status in ledger order.
var ItemStatuses = []ItemStatus{ItemFound, ItemAssigned, ItemRectifying, ItemSubmitted, ItemTickedOff, ItemReopened}

// Valid reports whether s is a known status.
func (s ItemStatus) Valid() bool { return slices.Contains(ItemStatuses, s) }

// ItemAction is something done to a ledger item.
type ItemAction string

// Item actions.
const (
	ItemAssign  ItemAction = "assign"   // 交办: name the responsible unit and the deadline
	ItemStart   ItemAction = "start"    // 开始整改
	ItemSubmit  ItemAction = "submit"   // 提交核验, with evidence
	ItemReturn  ItemAction = "return"   // 退回整改: the evidence does not hold
	ItemTickOff ItemAction = "tick_off" // 销号, by another person than who submitted
	ItemRecheck ItemAction = "recheck"  // 回头看: still fixed
	ItemRelapse ItemAction = "relapse"  // 回头看: it came back; the item reopens
	// ItemOpenTicket opens a work order that carries the rectification to
	// the unit that must do it; the work order's close ticks the item off.
	ItemOpenTicket ItemAction = "open_ticket"
)

// ItemActions lists every action.
var ItemActions = []ItemAction{ItemAssign, ItemOpenTicket, ItemStart, ItemSubmit, ItemReturn, ItemTickOff, ItemRecheck, ItemRelapse}

// Managers run campaigns and assign; Rectifiers work for the responsible
// unit; Verifiers check evidence, tick off and re-inspect.
var (
	Managers   = []org.Role{org.RoleAdmin, org.RoleLeader, org.RoleDispatcher}
	Rectifiers = []org.Role{org.RoleHandler}
	Verifiers  = []org.Role{org.RoleLeader, org.RoleAdmin, org.RoleGridWorker}
	// Finders may record what a campaign found.
	Finders = []org.Role{org.RoleGridWorker, org.RoleHandler, org.RoleLeader, org.RoleAdmin}
	// TicketOpeners may turn an item into a work order: those who may
	// register work orders.
	TicketOpeners = []org.Role{org.RoleDispatcher, org.RoleGridWorker}
)

type itemRule struct {
	from  []ItemStatus
	to    ItemStatus // "": the status stays
	roles []org.Role
	// needs evidence (a note saying what was done, a photo)
	evidence bool
}

// itemRules is the ledger's lifecycle in one table.
var itemRules = map[ItemAction]itemRule{
	ItemAssign:     {from: []ItemStatus{ItemFound, ItemAssigned, ItemReopened}, to: ItemAssigned, roles: Managers},
	ItemStart:      {from: []ItemStatus{ItemAssigned}, to: ItemRectifying, roles: Rectifiers},
	ItemSubmit:     {from: []ItemStatus{ItemRectifying}, to: ItemSubmitted, roles: Rectifiers, evidence: true},
	ItemReturn:     {from: []ItemStatus{ItemSubmitted}, to: ItemRectifying, roles: Verifiers},
	ItemTickOff:    {from: []ItemStatus{ItemSubmitted}, to: ItemTickedOff, roles: Verifiers, evidence: true},
	ItemRecheck:    {from: []ItemStatus{ItemTickedOff}, to: "", roles: Verifiers},
	ItemRelapse:    {from: []ItemStatus{ItemTickedOff}, to: ItemReopened, roles: Verifiers},
	ItemOpenTicket: {from: []ItemStatus{ItemFound, ItemAssigned, ItemReopened}, to: ItemRectifying, roles: TicketOpeners},
}

// NextItem returns the status the action leads to: EINVALID for an
// unknown action, ECONFLICT naming the status when it is not allowed.
func NextItem(from ItemStatus, a ItemAction) (ItemStatus, error) {
	r, ok := itemRules[a]
	if !ok {
		return "", minsheng.FieldError("action", "unknown action %q", a)
	}
	return step(from, r.from, r.to, string(a), "an item")
}

// ItemRoles returns the roles that may take the action.
func ItemRoles(a ItemAction) []org.Role { return itemRules[a].roles }

// NeedsEvidence reports whether the action needs a note of evidence.
func NeedsEvidence(a ItemAction) bool { return itemRules[a].evidence }

// Item is the part of a ledger item the rules look at.
type Item struct {
	Status      ItemStatus
	SubmittedBy int64 // who submitted the rectification (0: nobody yet)
	// OpenTicket: a work order it opened is not closed yet; it is the
	// work order that ticks it off, and no second one is opened.
	OpenTicket bool
}

// CheckItemActor returns EFORBIDDEN unless the user's roles allow the
// action and, for a tick-off, the user is not the one who submitted the
// rectification (销号 is verified by a different person). Whether the
// user's grants cover the item's unit is the app's check.
func CheckItemActor(u *org.User, it Item, a ItemAction) error {
	r, ok := itemRules[a]
	if !ok {
		return minsheng.FieldError("action", "unknown action %q", a)
	}
	if u == nil || !u.Active || !mayAny(u, r.roles) {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "your role may not %s ledger items", a)
	}
	if a == ItemTickOff && it.SubmittedBy != 0 && it.SubmittedBy == u.ID {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "a rectification is ticked off by another person than who submitted it")
	}
	if a == ItemOpenTicket && it.OpenTicket {
		return minsheng.Errorf(minsheng.ECONFLICT, "the item's work order is still open").Because("grid_item_ticket_open")
	}
	return nil
}

// AvailableItemActions returns the actions the user's roles allow on an
// item, in the order of ItemActions.
func AvailableItemActions(u *org.User, it Item) []ItemAction {
	var out []ItemAction
	for _, a := range ItemActions {
		if _, err := NextItem(it.Status, a); err == nil && CheckItemActor(u, it, a) == nil {
			out = append(out, a)
		}
	}
	return out
}

// Severity of a finding.
type Severity string

// Severities.
const (
	SeverityNormal Severity = "normal" // 一般
	SeverityMajor  Severity = "major"  // 重大
)

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool { return s == SeverityNormal || s == SeverityMajor }

// NewCampaign is a screening campaign (大排查) as it is started.
type NewCampaign struct {
	Title     string    `json:"title"`
	UnitID    int64     `json:"unit_id"` // its scope: a street, a community, the district
	Deadline  time.Time `json:"deadline"`
	Note      string    `json:"note"`
	Checklist []Check   `json:"checklist,omitempty"` // what is checked at each place
}

// Normalize trims spaces.
func (n *NewCampaign) Normalize() {
	n.Title, n.Note = strings.TrimSpace(n.Title), strings.TrimSpace(n.Note)
	for i := range n.Checklist {
		n.Checklist[i].Question = strings.TrimSpace(n.Checklist[i].Question)
	}
}

// Validate returns an EINVALID error naming the first field at fault.
func (n *NewCampaign) Validate() error {
	if err := checkText("title", n.Title, MaxTitle, true); err != nil {
		return err
	}
	if n.UnitID <= 0 {
		return minsheng.FieldError("unit_id", "unit_id is required").Because("choose")
	}
	if n.Deadline.IsZero() {
		return minsheng.FieldError("deadline", "deadline is required").Because("required")
	}
	if err := CheckChecklist(n.Checklist); err != nil {
		return err
	}
	return checkText("note", n.Note, MaxText, false)
}

// NewItem is a problem a campaign found.
type NewItem struct {
	Problem     string     `json:"problem"`
	Category    string     `json:"category"` // free text: 安全隐患, 环境卫生 …
	Severity    Severity   `json:"severity"`
	Place       string     `json:"place"`
	UnitID      int64      `json:"unit_id"`             // where it was found (a grid, a community)
	Responsible int64      `json:"responsible_unit_id"` // who must rectify it; 0: not yet assigned
	Deadline    *time.Time `json:"deadline,omitempty"`  // the rectification deadline
	Lat         *float64   `json:"lat,omitempty"`
	Lng         *float64   `json:"lng,omitempty"`
}

// Normalize trims spaces and fills the severity.
func (n *NewItem) Normalize() {
	n.Problem, n.Category, n.Place = strings.TrimSpace(n.Problem), strings.TrimSpace(n.Category), strings.TrimSpace(n.Place)
	if n.Severity == "" {
		n.Severity = SeverityNormal
	}
}

// Validate returns an EINVALID error naming the first field at fault.
func (n *NewItem) Validate() error {
	if err := checkText("problem", n.Problem, MaxText, true); err != nil {
		return err
	}
	if err := checkText("category", n.Category, 40, false); err != nil {
		return err
	}
	if !n.Severity.Valid() {
		return minsheng.FieldError("severity", "severity must be normal or major")
	}
	if err := checkText("place", n.Place, MaxAddress, true); err != nil {
		return err
	}
	if n.UnitID <= 0 {
		return minsheng.FieldError("unit_id", "unit_id is required").Because("choose")
	}
	if n.Responsible < 0 {
		return minsheng.FieldError("responsible_unit_id", "responsible_unit_id must be a unit's id")
	}
	return checkPoint(n.Lat, n.Lng)
}

// Progress is a ledger's counts, as districts report them ("173 found,
// 156 ticked off"). Closed is never counted as fixed unless verified:
// TickedOff counts only items a second person ticked off.
type Progress struct {
	Found      int `json:"found"`
	Assigned   int `json:"assigned"`   // assigned, not yet started
	Rectifying int `json:"rectifying"` // being rectified (returned ones too)
	Submitted  int `json:"submitted"`  // waiting for verification
	TickedOff  int `json:"ticked_off"` // 销号
	Reopened   int `json:"reopened"`   // relapsed at a 回头看
	Overdue    int `json:"overdue"`    // not ticked off and past the deadline
}

// Add counts n items in the status.
func (p *Progress) Add(s ItemStatus, n int) {
	p.Found += n
	switch s {
	case ItemAssigned:
		p.Assigned += n
	case ItemRectifying:
		p.Rectifying += n
	case ItemSubmitted:
		p.Submitted += n
	case ItemTickedOff:
		p.TickedOff += n
	case ItemReopened:
		p.Reopened += n
	}
}

// Open is how many items are not ticked off.
func (p Progress) Open() int { return p.Found - p.TickedOff }
