package open311

// What staff see of a ticket's Open311 record.

import (
	"context"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

type TicketAttributeView struct {
	Code        string   `json:"code"`
	Description string   `json:"description,omitempty"` // empty if the attribute was deleted since
	Datatype    string   `json:"datatype,omitempty"`
	Values      []string `json:"values"`
	Names       []string `json:"names,omitempty"` // the names of list values
}

// TicketOpen311View is what an Open311 client sent with a ticket, for staff.
type TicketOpen311View struct {
	Client     string                `json:"client,omitempty"`
	Request    *store.Open311Request `json:"request,omitempty"`
	Attributes []TicketAttributeView `json:"attributes"`
}

// TicketOpen311 returns the attribute values and Open311 details of a
// ticket the user may see. The sender's email is shown to those who may see
// the caller's data, masked to others.
func (s *Service) TicketOpen311(ctx context.Context, actor *org.User, ref string) (*TicketOpen311View, error) {
	v := &TicketOpen311View{Attributes: []TicketAttributeView{}}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		t, err := s.tickets.LoadVisibleTx(ctx, tx, actor, ref)
		if err != nil {
			return err
		}
		vals, err := store.ListTicketAttributes(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		var defs []*store.CategoryAttribute
		if t.CategoryID != 0 {
			if defs, err = store.ListCategoryAttributes(ctx, tx, t.CategoryID); err != nil {
				return err
			}
		}
		for _, x := range vals {
			if n := len(v.Attributes); n == 0 || v.Attributes[n-1].Code != x.Code {
				av := TicketAttributeView{Code: x.Code}
				for _, d := range defs {
					if d.Code == x.Code {
						av.Description, av.Datatype = d.Description, d.Datatype
					}
				}
				v.Attributes = append(v.Attributes, av)
			}
			av := &v.Attributes[len(v.Attributes)-1]
			av.Values = append(av.Values, x.Value)
			for _, d := range defs {
				if d.Code != x.Code {
					continue
				}
				for _, o := range d.Values {
					if o.Key == x.Value {
						av.Names = append(av.Names, o.Name)
					}
				}
			}
		}
		rec, err := store.GetOpen311Request(ctx, tx, t.ID)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return nil
		}
		if err != nil {
			return err
		}
		if !ticket.MayReveal(actor, t) {
			rec.Email = maskEmail(rec.Email)
		}
		v.Request = rec
		if c, err := store.GetAPIClient(ctx, tx, rec.ClientID); err == nil {
			v.Client = c.Name
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}
