package medicine

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// openStatuses are the statuses of a request the post still works on.
var openStatuses = []med.Status{med.StatusRequested, med.StatusVerified, med.StatusSourcing, med.StatusSourced,
	med.StatusDelivering, med.StatusDelivered}

// Desk is the post's work list: the open requests, the most urgent first
// and then the oldest, and the requests ended in the last week.
type Desk struct {
	Open  []*View `json:"open"`
	Ended []*View `json:"ended"`
}

// List returns the post's work list to the post, the agents and the
// leaders (the patients masked).
func (s *Service) List(ctx context.Context, actor *org.User) (*Desk, error) {
	if !isPost(actor) {
		if err := kit.Require(actor, org.RoleAgent, org.RoleLeader); err != nil {
			return nil, err
		}
	}
	out := &Desk{}
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		open, err := store.ListMedicineRequests(ctx, tx, store.MedicineFilter{Statuses: openStatuses})
		if err != nil {
			return err
		}
		sort.SliceStable(open, func(i, j int) bool { return open[i].Urgency.Rank() < open[j].Urgency.Rank() })
		since := s.kit.Now().AddDate(0, 0, -7)
		ended, err := store.ListMedicineRequests(ctx, tx, store.MedicineFilter{
			Statuses: []med.Status{med.StatusConfirmed, med.StatusNotAvailable, med.StatusCancelled}, From: &since})
		if err != nil {
			return err
		}
		slices.Reverse(ended)
		for _, rs := range []struct {
			in  []*med.Request
			out *[]*View
		}{{open, &out.Open}, {ended, &out.Ended}} {
			for _, r := range rs.in {
				v, err := s.view(ctx, tx, r, false)
				if err != nil {
					return err
				}
				*rs.out = append(*rs.out, v)
			}
		}
		return nil
	})
	return out, err
}

// TicketRequests returns the requests of a ticket visible to the actor.
func (s *Service) TicketRequests(ctx context.Context, actor *org.User, ref string) ([]*View, error) {
	var out []*View
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		t, err := s.tickets.LoadVisibleTx(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		rs, err := store.ListMedicineRequests(ctx, tx, store.MedicineFilter{TicketID: t.ID})
		if err != nil {
			return err
		}
		for _, r := range rs {
			if slices.Equal(parties(actor, r), []med.Party{med.PartyOther}) {
				continue
			}
			v, err := s.view(ctx, tx, r, false)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// Deliveries returns the requests a volunteer driver carries: those on
// their way, then those delivered and waiting for the patient's
// confirmation.
func (s *Service) Deliveries(ctx context.Context, actor *org.User) ([]*View, error) {
	if err := kit.Require(actor, org.RoleDriver); err != nil {
		return nil, err
	}
	var out []*View
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		rs, err := store.ListMedicineRequests(ctx, tx, store.MedicineFilter{CarrierID: actor.ID,
			Statuses: []med.Status{med.StatusDelivering, med.StatusDelivered}})
		if err != nil {
			return err
		}
		sort.SliceStable(rs, func(i, j int) bool {
			return rs[i].Status == med.StatusDelivering && rs[j].Status != med.StatusDelivering
		})
		for _, r := range rs {
			v, err := s.view(ctx, tx, r, true)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// Carrier is a volunteer driver the post may send a medicine with.
type Carrier struct {
	ID   int64  `json:"id,string"`
	Name string `json:"name"`
	// Carrying counts the deliveries they carry now, to spread the work.
	Carrying int `json:"carrying"`
}

// Carriers returns the active volunteer drivers, those carrying least
// first, for the post's delivery form.
func (s *Service) Carriers(ctx context.Context, actor *org.User) ([]Carrier, error) {
	if !isPost(actor) {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "only the special-medicine post sends deliveries")
	}
	var out []Carrier
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		us, err := store.ListUsers(ctx, tx, nil)
		if err != nil {
			return err
		}
		busy, err := store.ListMedicineRequests(ctx, tx, store.MedicineFilter{Statuses: []med.Status{med.StatusDelivering}})
		if err != nil {
			return err
		}
		n := map[int64]int{}
		for _, r := range busy {
			n[r.CarrierID]++
		}
		for _, u := range us {
			if u.Active && u.Has(org.RoleDriver) {
				out = append(out, Carrier{ID: u.ID, Name: u.Name, Carrying: n[u.ID]})
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Carrying < out[j].Carrying })
		return nil
	})
	return out, err
}

// Figures are the post's figures over the requests made in a period.
type Figures struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Requests counts the requests made; Confirmed those delivered and
	// confirmed (Partial of them in part), NotAvailable those nowhere to
	// be had, Cancelled those called off, Open the rest.
	Requests     int `json:"requests"`
	Confirmed    int `json:"confirmed"`
	Partial      int `json:"partial"`
	NotAvailable int `json:"not_available"`
	Cancelled    int `json:"cancelled"`
	Open         int `json:"open"`
	// Patients counts the people served (by phone), Chronic the requests
	// of chronic patients.
	Patients int `json:"patients"`
	Chronic  int `json:"chronic"`
	// Urgencies counts the requests by urgency, most urgent first.
	Urgencies []UrgencyCount `json:"urgencies"`
	// MedianDeliveryHours is the median of the hours from request to
	// delivery over the delivered requests; -1 when there is none.
	MedianDeliveryHours int `json:"median_delivery_hours"`
}

// UrgencyCount is the requests of one urgency.
type UrgencyCount struct {
	Urgency  med.Urgency `json:"urgency"`
	Requests int         `json:"requests"`
}

// Figures counts the requests made in [from, to), for the post and the
// leaders.
func (s *Service) Figures(ctx context.Context, actor *org.User, from, to time.Time) (*Figures, error) {
	if !isPost(actor) {
		if err := kit.Require(actor, org.RoleLeader); err != nil {
			return nil, err
		}
	}
	if !to.After(from) || to.Sub(from) > 3*366*24*time.Hour {
		return nil, minsheng.FieldError("to", "the period must end after it begins, within three years").Because("period")
	}
	f := &Figures{From: from, To: to, MedianDeliveryHours: -1}
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		rs, err := store.ListMedicineRequests(ctx, tx, store.MedicineFilter{From: &from, To: &to, Limit: 1_000_000})
		if err != nil {
			return err
		}
		by := map[med.Urgency]int{}
		phones := map[string]bool{}
		var hours []int
		for _, r := range rs {
			f.Requests++
			by[r.Urgency]++
			phones[r.PatientPhone] = true
			if r.Chronic {
				f.Chronic++
			}
			switch r.Status {
			case med.StatusConfirmed:
				f.Confirmed++
				if r.Partial() {
					f.Partial++
				}
			case med.StatusNotAvailable:
				f.NotAvailable++
			case med.StatusCancelled:
				f.Cancelled++
			default:
				f.Open++
			}
			if r.DeliveredAt != nil {
				hours = append(hours, int(r.DeliveredAt.Sub(r.CreatedAt).Hours()))
			}
		}
		f.Patients = len(phones)
		for _, u := range med.Urgencies {
			f.Urgencies = append(f.Urgencies, UrgencyCount{Urgency: u, Requests: by[u]})
		}
		if len(hours) > 0 {
			slices.Sort(hours)
			f.MedianDeliveryHours = hours[len(hours)/2]
		}
		return nil
	})
	return f, err
}
