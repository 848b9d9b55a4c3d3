// Package mediation is the domain of the district's mediation centre
// (矛盾纠纷调解, 人民调解): a dispute case, its parties, sessions and
// agreement, the lifecycle of a case and who may move it, the 司法确认
// deadline, the performance schedule of an agreement and the detection of
// repeat disputes. Pure Go, no I/O; the use cases are in app/mediation.
package mediation

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
)

// Type is the kind of dispute.
type Type string

// Types of dispute.
const (
	TypeNeighbour Type = "neighbour" // 邻里纠纷
	TypeFamily    Type = "family"    // 婚姻家庭纠纷
	TypeProperty  Type = "property"  // 物业纠纷
	TypeLabour    Type = "labour"    // 劳动争议
	TypeConsumer  Type = "consumer"  // 消费纠纷
	TypeLand      Type = "land"      // 土地、房屋纠纷
	TypeOther     Type = "other"     // 其他
)

// Types lists the dispute types in display order.
var Types = []Type{TypeNeighbour, TypeFamily, TypeProperty, TypeLabour, TypeConsumer, TypeLand, TypeOther}

// Valid reports whether t is a known type.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// Source is where a case came from.
type Source string

// Sources of a case.
const (
	SourceHotline Source = "hotline" // a hotline ticket of a dispute category
	SourceGrid    Source = "grid"    // found by a grid worker
	SourceWalkIn  Source = "walk_in" // a resident came to the centre
	SourceCourt   Source = "court"   // referred by a court (诉前委派)
	SourcePolice  Source = "police"  // referred by a police station (警调对接)
)

// Sources lists the sources in display order.
var Sources = []Source{SourceHotline, SourceGrid, SourceWalkIn, SourceCourt, SourcePolice}

// Valid reports whether s is a known source.
func (s Source) Valid() bool { return slices.Contains(Sources, s) }

// Referral reports whether a case from s is a referral by another body,
// whose name must be given.
func (s Source) Referral() bool { return s == SourceCourt || s == SourcePolice }

// Side is a party's side of the dispute.
type Side string

// Sides.
const (
	SideApplicant  Side = "applicant"  // 申请人
	SideRespondent Side = "respondent" // 被申请人
)

// PartyKind says whether a party is a person or an organisation.
type PartyKind string

// Party kinds.
const (
	PartyPerson       PartyKind = "person"
	PartyOrganisation PartyKind = "organisation"
)

// SignMode is how the parties signed an agreement.
type SignMode string

// Sign modes.
const (
	SignPaper SignMode = "paper" // signed on paper, kept in the file
	SignScan  SignMode = "scan"  // signed on paper, a scan attached
	SignSMS   SignMode = "sms"   // each party confirmed by an SMS code
)

// SignModes lists the sign modes.
var SignModes = []SignMode{SignPaper, SignScan, SignSMS}

// Limits of free text.
const (
	MaxTitle   = 100
	MaxText    = 4000
	MaxName    = 60
	MaxAddress = 200
	MaxParties = 20
)

// CheckText returns an EINVALID error on field when s is longer than max
// characters, empty while required, or holds control characters other
// than line breaks.
func CheckText(field, s string, max int, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return minsheng.FieldError(field, "%s is required", field)
	}
	if utf8.RuneCountInString(s) > max {
		return minsheng.FieldError(field, "%s is longer than %d characters", field, max)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' }) {
		return minsheng.FieldError(field, "%s holds control characters", field)
	}
	return nil
}

// NewParty is a party as the centre registers it.
type NewParty struct {
	Side       Side      `json:"side"`
	Kind       PartyKind `json:"kind"`
	Name       string    `json:"name"`
	Phone      string    `json:"phone"`
	IDNumber   string    `json:"id_number"`
	Address    string    `json:"address"`
	AgentName  string    `json:"agent_name"`  // 代理人 or an organisation's representative
	AgentPhone string    `json:"agent_phone"` //
}

// Normalize trims the party's fields and fills the defaults (a person).
func (p *NewParty) Normalize() {
	p.Name, p.Address, p.AgentName = strings.TrimSpace(p.Name), strings.TrimSpace(p.Address), strings.TrimSpace(p.AgentName)
	p.Phone, p.AgentPhone = personal.NormalizePhone(p.Phone), personal.NormalizePhone(p.AgentPhone)
	p.IDNumber = personal.NormalizeIDNumber(p.IDNumber)
	if p.Kind == "" {
		p.Kind = PartyPerson
	}
}

// Validate returns an EINVALID error naming the party's field at fault,
// prefixed with prefix ("parties.0.").
func (p *NewParty) Validate(prefix string) error {
	if p.Side != SideApplicant && p.Side != SideRespondent {
		return minsheng.FieldError(prefix+"side", "side must be applicant or respondent")
	}
	if p.Kind != PartyPerson && p.Kind != PartyOrganisation {
		return minsheng.FieldError(prefix+"kind", "kind must be person or organisation")
	}
	if err := CheckText(prefix+"name", p.Name, MaxName, true); err != nil {
		return err
	}
	if p.Phone != "" && !personal.ValidPhone(p.Phone) {
		return minsheng.FieldError(prefix+"phone", "the phone number is not valid")
	}
	if p.AgentPhone != "" && !personal.ValidPhone(p.AgentPhone) {
		return minsheng.FieldError(prefix+"agent_phone", "the agent's phone number is not valid")
	}
	if p.IDNumber != "" && (p.Kind != PartyPerson || !personal.ValidIDNumber(p.IDNumber)) {
		return minsheng.FieldError(prefix+"id_number", "the ID number is not valid")
	}
	if err := CheckText(prefix+"address", p.Address, MaxAddress, false); err != nil {
		return err
	}
	return CheckText(prefix+"agent_name", p.AgentName, MaxName, false)
}

// NewCase is what opens a case: from a walk-in, a grid worker, a referral,
// or (with TicketRef) a hotline ticket.
type NewCase struct {
	Type       Type       `json:"type"`
	Source     Source     `json:"source"`
	Title      string     `json:"title"`
	Summary    string     `json:"summary"`
	Address    string     `json:"address"`
	ReferredBy string     `json:"referred_by"` // the court or police station of a referral
	TicketRef  string     `json:"ticket"`      // the hotline ticket's number, for a case from a ticket
	Parties    []NewParty `json:"parties"`
}

// Normalize trims the case's fields and its parties'.
func (n *NewCase) Normalize() {
	n.Title, n.Summary, n.Address = strings.TrimSpace(n.Title), strings.TrimSpace(n.Summary), strings.TrimSpace(n.Address)
	n.ReferredBy, n.TicketRef = strings.TrimSpace(n.ReferredBy), strings.TrimSpace(n.TicketRef)
	if n.TicketRef != "" && n.Source == "" {
		n.Source = SourceHotline
	}
	for i := range n.Parties {
		n.Parties[i].Normalize()
	}
}

// Validate returns an EINVALID error naming the first field at fault. A
// case needs an applicant; a referral names who referred it; a hotline
// case names its ticket.
func (n *NewCase) Validate() error {
	if !n.Type.Valid() {
		return minsheng.FieldError("type", "type must be one of %s", list(Types))
	}
	if !n.Source.Valid() {
		return minsheng.FieldError("source", "source must be one of %s", list(Sources))
	}
	if err := CheckText("title", n.Title, MaxTitle, true); err != nil {
		return err
	}
	if err := CheckText("summary", n.Summary, MaxText, false); err != nil {
		return err
	}
	if err := CheckText("address", n.Address, MaxAddress, false); err != nil {
		return err
	}
	if n.Source.Referral() {
		if err := CheckText("referred_by", n.ReferredBy, MaxName, true); err != nil {
			return err
		}
	}
	if (n.Source == SourceHotline) != (n.TicketRef != "") {
		return minsheng.FieldError("ticket", "a case from the hotline names its ticket, and only such a case")
	}
	if len(n.Parties) == 0 {
		return minsheng.FieldError("parties", "a case needs at least one party")
	}
	if len(n.Parties) > MaxParties {
		return minsheng.FieldError("parties", "at most %d parties", MaxParties)
	}
	applicant := false
	for i := range n.Parties {
		if err := n.Parties[i].Validate(fmt.Sprintf("parties.%d.", i)); err != nil {
			return err
		}
		applicant = applicant || n.Parties[i].Side == SideApplicant
	}
	if !applicant {
		return minsheng.FieldError("parties", "a case needs an applicant")
	}
	return nil
}

func list[T ~string](all []T) string {
	s := make([]string, len(all))
	for i, v := range all {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// MaySee reports whether the user may see cases of the unit with the path:
// mediators, admins and leaders over it.
func MaySee(u *org.User, unitPath string) bool {
	return u != nil && u.Active && u.SeesAs(unitPath, org.RoleMediator, org.RoleAdmin, org.RoleLeader)
}

// MayReveal reports whether the user may reveal parties' personal data of
// a case of the unit: mediators over it (they call the parties).
func MayReveal(u *org.User, unitPath string) bool {
	return u != nil && u.Active && u.SeesAs(unitPath, org.RoleMediator)
}

// MayReadPrivate reports whether the user may read the private notes of a
// case (what one party said to the mediator alone, 背靠背): only the case's
// own mediator. Other mediators, admins and leaders see the joint notes.
func MayReadPrivate(u *org.User, mediatorID int64) bool {
	return u != nil && u.Active && mediatorID != 0 && u.ID == mediatorID && u.Has(org.RoleMediator)
}
