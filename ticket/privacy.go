package ticket

import (
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
)

// Mask returns a copy of the ticket with the caller's name and phone masked.
// API shapes are always masked; the full values are given only by an audited
// reveal.
func (t Ticket) Mask() Ticket {
	t.CallerName = personal.MaskName(t.CallerName)
	t.CallerPhone = personal.MaskPhone(t.CallerPhone)
	return t
}

// MayReveal reports whether the user may see the caller's personal data of
// the ticket: agents and dispatchers whose grant covers it, and handlers
// whose grant covers the handling unit (DESIGN §3 Privacy).
func MayReveal(u *org.User, t *Ticket) bool {
	if !u.Active || !Visible(u, t) {
		return false
	}
	desk := []org.Role{org.RoleAgent, org.RoleDispatcher}
	if u.SeesAs(t.IntakeUnitPath, desk...) {
		return true
	}
	return t.UnitPath != "" && u.SeesAs(t.UnitPath, append(desk, org.RoleHandler)...)
}
