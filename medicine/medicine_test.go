package medicine

import (
	"slices"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
)

// Every status × action: allowed exactly where the lifecycle says, to
// the status it says; refused with ECONFLICT elsewhere.
func TestLifecycle(t *testing.T) {
	want := map[Action]map[Status]Status{
		ActionVerify:       {StatusRequested: StatusVerified},
		ActionSource:       {StatusVerified: StatusSourcing},
		ActionAttempt:      {StatusSourcing: StatusSourcing},
		ActionSourced:      {StatusSourcing: StatusSourced},
		ActionNotAvailable: {StatusSourcing: StatusNotAvailable},
		ActionDeliver:      {StatusSourced: StatusDelivering},
		ActionHandover:     {StatusDelivering: StatusDelivering},
		ActionDelivered:    {StatusDelivering: StatusDelivered},
		ActionConfirm:      {StatusDelivered: StatusConfirmed},
		ActionCancel: {StatusRequested: StatusCancelled, StatusVerified: StatusCancelled, StatusSourcing: StatusCancelled,
			StatusSourced: StatusCancelled, StatusDelivering: StatusCancelled},
	}
	if len(want) != len(Actions) {
		t.Fatalf("the test covers %d actions of %d", len(want), len(Actions))
	}
	for _, a := range Actions {
		for _, s := range Statuses {
			t.Run(string(s)+"/"+string(a), func(t *testing.T) {
				got, err := Next(s, a)
				to, ok := want[a][s]
				switch {
				case ok && (err != nil || got != to):
					t.Errorf("Next = %s, %v; want %s", got, err, to)
				case !ok && !minsheng.IsCode(err, minsheng.ECONFLICT):
					t.Errorf("Next = %s, %v; want ECONFLICT", got, err)
				}
			})
		}
	}
	for _, s := range Statuses {
		moves := slices.ContainsFunc(Actions, func(a Action) bool { return Allowed(s, a) })
		if moves == s.Final() {
			t.Errorf("%s: final %v but some action allowed %v", s, s.Final(), moves)
		}
	}
	if _, err := Next(StatusRequested, "fly"); !minsheng.IsCode(err, minsheng.EINVALID) {
		t.Errorf("unknown action: %v", err)
	}
}

// Every action × party: the post runs the request, the agent may only
// cancel, the carrier hands over, delivers and confirms, nobody else acts.
func TestWhoMayAct(t *testing.T) {
	want := map[Party][]Action{
		PartyPost:    Actions,
		PartyAgent:   {ActionCancel},
		PartyCarrier: {ActionHandover, ActionDelivered, ActionConfirm},
		PartyOther:   nil,
	}
	for _, p := range Parties {
		for _, a := range Actions {
			if got := MayAct(p, a); got != slices.Contains(want[p], a) {
				t.Errorf("MayAct(%s, %s) = %v", p, a, got)
			}
		}
	}
	if err := Check(StatusDelivering, ActionHandover, PartyAgent); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
		t.Errorf("agent hands over: %v", err)
	}
	if err := Check(StatusRequested, ActionHandover, PartyCarrier); !minsheng.IsCode(err, minsheng.ECONFLICT) {
		t.Errorf("handover before delivery: %v", err)
	}
	if err := Check(StatusDelivering, ActionHandover, PartyOther, PartyCarrier); err != nil {
		t.Errorf("carrier hands over: %v", err)
	}
}

func TestNeedValidate(t *testing.T) {
	good := func() Need {
		return Need{PatientName: "张秀兰", PatientPhone: "139 9700 1234", Address: "胜利路12号", Medicine: "注射用重组人促红素",
			Spec: "10000IU", Quantity: 4, Chronic: true, DaysSupply: 28, Urgency: UrgencyUrgent}
	}
	tests := []struct {
		name  string
		edit  func(*Need)
		field string
	}{
		{"good", func(*Need) {}, ""},
		{"no name", func(n *Need) { n.PatientName = " " }, "patient_name"},
		{"bad phone", func(n *Need) { n.PatientPhone = "12345" }, "patient_phone"},
		{"no address", func(n *Need) { n.Address = "" }, "address"},
		{"no medicine", func(n *Need) { n.Medicine = "" }, "medicine"},
		{"zero quantity", func(n *Need) { n.Quantity = 0 }, "quantity"},
		{"negative quantity", func(n *Need) { n.Quantity = -2 }, "quantity"},
		{"too many", func(n *Need) { n.Quantity = MaxQuantity + 1 }, "quantity"},
		{"chronic without days", func(n *Need) { n.DaysSupply = 0 }, "days_supply"},
		{"one-off without days", func(n *Need) { n.Chronic, n.DaysSupply = false, 0 }, ""},
		{"unknown urgency", func(n *Need) { n.Urgency = "maybe" }, "urgency"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := good()
			tc.edit(&n)
			n.Normalize()
			err := n.Validate()
			if tc.field == "" && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if tc.field != "" {
				var e *minsheng.Error
				if !minsheng.IsCode(err, minsheng.EINVALID) || !asError(err, &e) || e.Field != tc.field {
					t.Fatalf("err = %v, want EINVALID on %s", err, tc.field)
				}
			}
		})
	}
	n := good()
	n.Normalize()
	if n.PatientPhone != "13997001234" || n.Unit != "盒" {
		t.Errorf("normalized to %+v", n)
	}
}

func asError(err error, e **minsheng.Error) bool {
	x, ok := err.(*minsheng.Error)
	*e = x
	return ok
}

func TestStepCheck(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	past, later := now.AddDate(0, 0, -3), now.AddDate(0, 0, 2)
	r := &Request{Need: Need{Quantity: 4}}
	tests := []struct {
		name  string
		a     Action
		s     Step
		field string
	}{
		{"cancel needs a reason", ActionCancel, Step{}, "reason"},
		{"not available needs a reason", ActionNotAvailable, Step{}, "reason"},
		{"attempt needs a place", ActionAttempt, Step{}, "place"},
		{"attempt", ActionAttempt, Step{Place: "仁济大药房"}, ""},
		{"sourced needs a date", ActionSourced, Step{Place: "省人民医院药房"}, "expected_at"},
		{"sourced in the past", ActionSourced, Step{Place: "省人民医院药房", ExpectedAt: &past}, "expected_at"},
		{"sourced", ActionSourced, Step{Place: "省人民医院药房", PlaceKind: PlaceHospital, ExpectedAt: &later}, ""},
		{"unknown kind of place", ActionSourced, Step{Place: "x", PlaceKind: "garage", ExpectedAt: &later}, "place_kind"},
		{"deliver needs a mode", ActionDeliver, Step{}, "mode"},
		{"deliver by driver needs one", ActionDeliver, Step{Mode: ModeDriver}, "carrier_id"},
		{"pickup", ActionDeliver, Step{Mode: ModePickup}, ""},
		{"handover needs from", ActionHandover, Step{To: "李师傅"}, "handed_from"},
		{"handover needs to", ActionHandover, Step{From: "药房"}, "handed_to"},
		{"handover", ActionHandover, Step{From: "省人民医院药房", To: "李师傅"}, ""},
		{"delivered more than asked", ActionDelivered, Step{Quantity: 5}, "quantity"},
		{"delivered part", ActionDelivered, Step{Quantity: 2}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			s.Normalize()
			err := s.Check(tc.a, r, now)
			var e *minsheng.Error
			switch {
			case tc.field == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.field != "" && (!asError(err, &e) || e.Field != tc.field):
				t.Errorf("err = %v, want EINVALID on %s", err, tc.field)
			}
		})
	}
}

// A chronic patient's supply runs out after its days (fewer for a
// partial delivery); the refill opens the lead days before.
func TestRunOut(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	r := &Request{Need: Need{Quantity: 4, Chronic: true, DaysSupply: 28}, DeliveredAt: &at, DeliveredQty: 4}
	if got := r.RunOut(); got == nil || !got.Equal(at.AddDate(0, 0, 28)) {
		t.Errorf("run-out %v", got)
	}
	if got := r.RefillAt(7); got == nil || !got.Equal(at.AddDate(0, 0, 21)) {
		t.Errorf("refill %v", got)
	}
	r.DeliveredQty = 2
	if got := r.RunOut(); !r.Partial() || got == nil || !got.Equal(at.AddDate(0, 0, 14)) {
		t.Errorf("partial run-out %v", got)
	}
	r.Chronic = false
	if r.RunOut() != nil {
		t.Error("a one-off need has a run-out date")
	}
}
