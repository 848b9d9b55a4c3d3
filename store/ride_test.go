package store_test

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// Vehicles, drivers, rides and offers read back as written on both
// dialects; a ride written from a stale version is refused.
func TestRideRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
		district := mustUnit(t, db, "district")
		uid, _ := db.NextID(ctx)
		u := &org.User{ID: uid, Username: "driver1", Name: "李师傅", UnitID: district.ID, Active: true, CreatedAt: now}
		u.SetGrants([]org.Grant{{Role: org.RoleDriver}})
		v := &ride.Vehicle{ID: 11, Plate: "青A12345", Seats: 4, Wheelchair: true, Owner: "李建国", InsuranceUntil: now.AddDate(1, 0, 0), Active: true}
		d := &ride.Driver{ID: 12, UserID: uid, Name: "李建国", Phone: "13800001111", VehicleID: 11, Active: true, Areas: []string{"xinghailu", "hutai"},
			Documents:    []ride.Document{{Kind: ride.DocLicense, Until: now.AddDate(2, 0, 0)}},
			Availability: []ride.Slot{{Weekday: time.Tuesday, From: 420, To: 720}}}
		appt := now.Add(26 * time.Hour)
		odo := 1200
		r := &ride.Ride{ID: 13, Status: ride.StatusRequested, Version: 1, TicketID: 0, CreatedAt: now, UpdatedAt: now,
			Request: ride.Request{RiderName: "马桂英", RiderPhone: "13997001234", Pickup: "胜利路12号", Destination: "省人民医院",
				Area: "xinghailu", PickupAt: now.Add(25 * time.Hour), AppointmentAt: &appt, Passengers: 2, Wheelchair: true, Purpose: ride.PurposeDialysis}}
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := store.InsertUser(ctx, tx, u); err != nil {
				return err
			}
			if err := store.InsertRideVehicle(ctx, tx, v, now); err != nil {
				return err
			}
			if err := store.InsertRideDriver(ctx, tx, d, now); err != nil {
				return err
			}
			return store.InsertRide(ctx, tx, r)
		})
		if err != nil {
			t.Fatal(err)
		}
		dupe := *v
		dupe.ID = 14
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertRideVehicle(ctx, tx, &dupe, now) }); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("second vehicle with the plate: %v", err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			got, err := store.GetRideDriverByUser(ctx, tx, uid)
			if err != nil {
				return err
			}
			if got.Name != d.Name || got.VehicleID != 11 || len(got.Areas) != 2 || !got.Documents[0].Until.Equal(d.Documents[0].Until) ||
				len(got.Availability) != 1 || got.Availability[0] != d.Availability[0] {
				t.Errorf("driver read back as %+v", got)
			}
			gv, err := store.GetRideVehicle(ctx, tx, 11)
			if err != nil || gv.Plate != v.Plate || !gv.Wheelchair || !gv.InsuranceUntil.Equal(v.InsuranceUntil) {
				t.Errorf("vehicle %+v, %v", gv, err)
			}
			gr, err := store.GetRide(ctx, tx, 13)
			if err != nil {
				return err
			}
			if gr.RiderName != "马桂英" || !gr.AppointmentAt.Equal(appt) || gr.Purpose != ride.PurposeDialysis || !gr.Wheelchair || gr.OdometerStart != nil {
				t.Errorf("ride read back as %+v", gr)
			}
			deadline := now.Add(time.Hour)
			if err := store.PutRideOffer(ctx, tx, &ride.Offer{RideID: 13, DriverID: 12, Status: ride.OfferOpen, OfferedAt: now, Deadline: deadline}); err != nil {
				return err
			}
			gr.Status, gr.Version, gr.DriverID, gr.VehicleID, gr.OdometerStart, gr.AcceptedAt = ride.StatusAccepted, 2, 12, 11, &odo, &now
			if err := store.UpdateRide(ctx, tx, gr); err != nil {
				return err
			}
			stale := *gr
			stale.Version = 2
			if err := store.UpdateRide(ctx, tx, &stale); !minsheng.IsCode(err, minsheng.ECONFLICT) {
				t.Errorf("stale update: %v", err)
			}
			if n, err := store.AnswerRideOffers(ctx, tx, 13, 12, ride.OfferAccepted, now); err != nil || n != 1 {
				t.Errorf("answer: %d %v", n, err)
			}
			if n, _ := store.AnswerRideOffers(ctx, tx, 13, 0, ride.OfferWithdrawn, now); n != 0 {
				t.Errorf("withdrew %d offers that were no longer open", n)
			}
			return store.LockRideDriver(ctx, tx, 12)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			gr, err := store.GetRide(ctx, tx, 13)
			if err != nil {
				return err
			}
			if gr.Status != ride.StatusAccepted || *gr.OdometerStart != 1200 || gr.DriverID != 12 {
				t.Errorf("updated ride %+v", gr)
			}
			os, err := store.ListRideOffers(ctx, tx, 13)
			if err != nil || len(os) != 1 || os[0].Status != ride.OfferAccepted || os[0].AnsweredAt == nil {
				t.Errorf("offers %+v %v", os, err)
			}
			from, to := now, now.AddDate(0, 1, 0)
			counts, err := store.CountDriverRides(ctx, tx, from, to)
			if err != nil || counts[12] != 1 {
				t.Errorf("counts %v %v", counts, err)
			}
			busy, err := store.BusyRideDrivers(ctx, tx, r.PickupAt.Add(time.Hour), 2*time.Hour, 0)
			if err != nil || !busy[12] {
				t.Errorf("busy %v %v", busy, err)
			}
			if busy, _ := store.BusyRideDrivers(ctx, tx, r.PickupAt.Add(time.Hour), 2*time.Hour, 13); busy[12] {
				t.Error("a ride makes its own driver busy")
			}
			rs, err := store.ListRides(ctx, tx, store.RideFilter{Statuses: []ride.Status{ride.StatusAccepted}, DriverID: 12, From: &from, To: &to})
			if err != nil || len(rs) != 1 {
				t.Errorf("list %d %v", len(rs), err)
			}
			facts, err := store.ListRideFacts(ctx, tx, from, to)
			if err != nil || len(facts) != 1 || facts[0].Passengers != 2 || facts[0].Minutes != 0 {
				t.Errorf("facts %+v %v", facts, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
