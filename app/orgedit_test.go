package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/routing"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

func ptr[T any](v T) *T { return &v }

// A disabled unit is no longer dispatched to nor routed to, a disabled
// category no longer taken for new tickets; the tickets that have them
// keep them; enabling brings them back. Only the district's admins may
// do it, and each change is audited.
func TestDisableUnitAndCategory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := apptest.New(t, db)
		s, admin := f.Svc, f.Users["admin"]
		old := f.Dispatched(t) // in the community

		// A routing rule sends 漏水 to the community.
		if _, err := s.CreateRoutingRule(ctx, admin, routing.Rule{Name: "漏水", Keywords: []string{"漏水"}, UnitID: f.Community.ID, Active: true}); err != nil {
			t.Fatal(err)
		}
		nt := apptest.NewTicket()
		nt.Description = "楼上漏水"
		leak, _, err := s.CreateTicket(ctx, f.Users["agent"], nt, "")
		if err != nil || leak.SuggestedUnitID != f.Community.ID {
			t.Fatalf("before: suggested %d, want the community (%v)", leak.SuggestedUnitID, err)
		}

		// A street admin may not; the district's admin may.
		streetAdmin, err := s.CreateUser(ctx, kit.System(), app.NewUser{Username: "street_admin", Name: "街道管理员",
			Grants: []org.Grant{{Role: org.RoleAdmin}}, UnitID: f.Street.ID, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUnit(ctx, streetAdmin, f.Community.ID, app.UnitChange{Active: ptr(false)}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("street admin disabling a unit: %v", err)
		}
		if _, err := s.UpdateUnit(ctx, admin, f.District.ID, app.UnitChange{Active: ptr(false)}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("disabling the district: %v", err)
		}
		u, err := s.UpdateUnit(ctx, admin, f.Community.ID, app.UnitChange{Name: ptr("海湖新区社区"), Active: ptr(false)})
		if err != nil || u.Active || u.Name != "海湖新区社区" {
			t.Fatalf("disable: %+v %v", u, err)
		}
		if e, _ := newest(t, f); e.Object != "unit" || e.ObjectID != f.Community.ID || e.Action != "update" ||
			!strings.Contains(e.Detail, "active=true → false") || !strings.Contains(e.Detail, "name=海湖社区 → 海湖新区社区") {
			t.Errorf("audit entry %+v", e)
		}

		// No dispatch, no routing rule to it, no suggestion of it.
		reg := f.Register(t)
		_, err = s.Dispatch(ctx, f.Users["dispatcher"], reg.Number, f.Community.ID, "")
		var e *minsheng.Error
		if !errors.As(err, &e) || e.Code != minsheng.EINVALID || e.Field != "unit_id" || e.Reason != "unit_disabled" {
			t.Fatalf("dispatch to a disabled unit: %v", err)
		}
		if _, err := s.CreateRoutingRule(ctx, admin, routing.Rule{Name: "又一条", Keywords: []string{"噪音"}, UnitID: f.Community.ID, Active: true}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("rule to a disabled unit: %v", err)
		}
		leak2, _, err := s.CreateTicket(ctx, f.Users["agent"], nt, "")
		if err != nil || leak2.SuggestedUnitID == f.Community.ID {
			t.Fatalf("after: suggested %d, the disabled community (%v)", leak2.SuggestedUnitID, err)
		}
		// The old ticket keeps its unit, and its handler still works it.
		if v := apptest.MustView(t, f, "handler", old.Number); v.Ticket.UnitID != f.Community.ID {
			t.Fatalf("the old ticket moved to %d", v.Ticket.UnitID)
		}
		apptest.OK(t)(s.Acknowledge(ctx, f.Users["handler"], old.Number, ""))

		// A disabled category: refused for new tickets, kept by old ones.
		if _, err := s.UpdateCategory(ctx, streetAdmin, f.Category.ID, app.CategoryChange{Active: ptr(false)}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("street admin disabling a category: %v", err)
		}
		withCat := apptest.NewTicket()
		withCat.CategoryID = f.Category.ID
		kept, _, err := s.CreateTicket(ctx, f.Users["agent"], withCat, "")
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.UpdateCategory(ctx, admin, f.Category.ID, app.CategoryChange{Active: ptr(false)})
		if err != nil || c.Active {
			t.Fatalf("disable category: %+v %v", c, err)
		}
		if e, _ := newest(t, f); e.Object != "category" || e.Action != "update" || !strings.Contains(e.Detail, "active=true → false") {
			t.Errorf("audit entry %+v", e)
		}
		if _, _, err := s.CreateTicket(ctx, f.Users["agent"], withCat, ""); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("a ticket with a disabled category: %v", err)
		}
		if v := apptest.MustView(t, f, "agent", kept.Number); v.Ticket.CategoryID != f.Category.ID {
			t.Fatalf("the old ticket lost its category")
		}

		// Enabled again, both work.
		if _, err := s.UpdateUnit(ctx, admin, f.Community.ID, app.UnitChange{Active: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		apptest.OK(t)(s.Dispatch(ctx, f.Users["dispatcher"], reg.Number, f.Community.ID, ""))
		if _, err := s.UpdateCategory(ctx, admin, f.Category.ID, app.CategoryChange{Active: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.CreateTicket(ctx, f.Users["agent"], withCat, ""); err != nil {
			t.Fatalf("category enabled again: %v", err)
		}
	})
}
