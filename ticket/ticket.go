// Package ticket holds the work order (工单): its kinds, urgencies, channels
// and statuses, the actions that move it from status to status and who may
// take them, the validation of what a caller submits, deadlines, and the
// masking of the caller's personal data. It does no I/O: the app package
// loads a ticket, asks this package whether an action is allowed, and writes
// the result and its event in one transaction.
package ticket

import (
	"time"
)

// Kind is the nature of a request (诉求类型).
type Kind string

// Kinds.
const (
	KindInquiry    Kind = "inquiry"    // 咨询
	KindHelp       Kind = "help"       // 求助
	KindComplaint  Kind = "complaint"  // 投诉
	KindReport     Kind = "report"     // 举报
	KindSuggestion Kind = "suggestion" // 建议
	KindPraise     Kind = "praise"     // 表扬
)

// Kinds lists every kind.
var Kinds = []Kind{KindInquiry, KindHelp, KindComplaint, KindReport, KindSuggestion, KindPraise}

// Urgency tells how fast a request must be handled.
type Urgency string

// Urgencies.
const (
	UrgencyNormal   Urgency = "normal"   // 一般
	UrgencyUrgent   Urgency = "urgent"   // 紧急
	UrgencyCritical Urgency = "critical" // 特急
)

// Urgencies lists every urgency.
var Urgencies = []Urgency{UrgencyNormal, UrgencyUrgent, UrgencyCritical}

// Channel is how a request reached the district.
type Channel string

// Channels.
const (
	ChannelPhone    Channel = "phone"    // hotline call
	ChannelWeb      Channel = "web"      // resident portal
	ChannelApp      Channel = "app"      // mini-program or app, through the API
	ChannelOpen311  Channel = "open311"  // an Open311 client
	ChannelGrid     Channel = "grid"     // found by a grid worker on patrol
	ChannelWalkIn   Channel = "walk_in"  // in person at a service counter
	ChannelLetter   Channel = "letter"   // letters and visits
	ChannelTransfer Channel = "transfer" // passed on from another platform (e.g. the city's 12345)
	ChannelStation  Channel = "station"  // taken at a grid micro-station (网格微管站)
)

// Channels lists every channel.
var Channels = []Channel{ChannelPhone, ChannelWeb, ChannelApp, ChannelOpen311, ChannelGrid, ChannelWalkIn, ChannelLetter, ChannelTransfer, ChannelStation}

// Satisfaction is the caller's verdict at callback (回访).
type Satisfaction string

// Satisfactions.
const (
	Satisfied          Satisfaction = "satisfied"           // 满意
	BasicallySatisfied Satisfaction = "basically_satisfied" // 基本满意
	Unsatisfied        Satisfaction = "unsatisfied"         // 不满意
)

// Satisfactions lists every satisfaction.
var Satisfactions = []Satisfaction{Satisfied, BasicallySatisfied, Unsatisfied}

func oneOf[T ~string](v T, all []T) bool {
	for _, x := range all {
		if v == x {
			return true
		}
	}
	return false
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return oneOf(k, Kinds) }

// Valid reports whether u is a known urgency.
func (u Urgency) Valid() bool { return oneOf(u, Urgencies) }

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return oneOf(c, Channels) }

// Valid reports whether s is a known satisfaction.
func (s Satisfaction) Valid() bool { return oneOf(s, Satisfactions) }

// Ticket is one request from one person, and where it stands.
type Ticket struct {
	ID          int64   `json:"id"`
	Number      string  `json:"number"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Kind        Kind    `json:"kind"`
	Urgency     Urgency `json:"urgency"`
	Channel     Channel `json:"channel"`
	Status      Status  `json:"status"`
	CategoryID  int64   `json:"category_id,omitempty"`

	CallerName  string `json:"caller_name"`
	CallerPhone string `json:"caller_phone"`

	Address string   `json:"address"`
	Lat     *float64 `json:"lat,omitempty"`
	Lng     *float64 `json:"lng,omitempty"`

	// IntakeUnitID is the unit that took the request (the hotline centre,
	// a street's service counter); UnitID the handling unit once dispatched.
	IntakeUnitID   int64  `json:"intake_unit_id"`
	IntakeUnitPath string `json:"-"`
	UnitID         int64  `json:"unit_id,omitempty"`
	UnitPath       string `json:"-"`
	ParentID       int64  `json:"parent_id,omitempty"` // the ticket this one was merged into

	CreatedBy int64 `json:"created_by,omitempty"`

	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	DispatchedAt   *time.Time `json:"dispatched_at,omitempty"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	RepliedAt      *time.Time `json:"replied_at,omitempty"`
	ClosedAt       *time.Time `json:"closed_at,omitempty"`
	AcknowledgeBy  *time.Time `json:"acknowledge_by,omitempty"`
	ReplyBy        *time.Time `json:"reply_by,omitempty"`
	CallbackBy     *time.Time `json:"callback_by,omitempty"`

	Reply        string       `json:"reply,omitempty"`
	Resolved     *bool        `json:"resolved,omitempty"`
	Satisfaction Satisfaction `json:"satisfaction,omitempty"`
	CallbackAt   *time.Time   `json:"callback_at,omitempty"`

	ReturnCount int `json:"return_count"`
	ReopenCount int `json:"reopen_count"`

	// LocationUnitID is the grid (or community, street) that the point
	// lies in; SuggestedUnitID the handling unit the routing rules suggest.
	LocationUnitID   int64  `json:"location_unit_id,omitempty"`
	LocationUnitPath string `json:"-"`
	SuggestedUnitID  int64  `json:"suggested_unit_id,omitempty"`
	// FinalAssignment is set once the ticket has been returned too often:
	// the dispatchers' decision is final (审定) and the unit cannot return it.
	FinalAssignment bool `json:"final_assignment"`
	// ExtensionDays is a pending extension request (0: none);
	// ExtensionCount counts approved ones.
	ExtensionDays  int `json:"extension_days,omitempty"`
	ExtensionCount int `json:"extension_count"`
	// SuperviseLevel counts automatic supervisions of the current
	// deadline: 1 at the deadline, 2 once escalated to the parent unit.
	SuperviseLevel int `json:"supervise_level,omitempty"`
	// Version counts the ticket's events; a change is written only if the
	// version it read is still current, so two conflicting changes cannot
	// both succeed.
	Version int `json:"version"`
}

// Event is one entry of a ticket's timeline. Events are only ever added.
type Event struct {
	TicketID   int64             `json:"-"`
	Seq        int               `json:"seq"`
	At         time.Time         `json:"at"`
	ActorID    int64             `json:"actor_id,omitempty"`
	ActorName  string            `json:"actor_name,omitempty"`
	Action     Action            `json:"action"`
	FromStatus Status            `json:"from_status,omitempty"`
	ToStatus   Status            `json:"to_status"`
	UnitID     int64             `json:"unit_id,omitempty"`
	Note       string            `json:"note,omitempty"`
	Data       map[string]string `json:"data,omitempty"`
}
