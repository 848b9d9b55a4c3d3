package store_test

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// A medicine request, its attempts and its handovers read back as written
// on both dialects; a request written from a stale version is refused.
func TestMedicineRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
		expected := now.Add(48 * time.Hour)
		r := &medicine.Request{ID: 21, Status: medicine.StatusRequested, Version: 1, CreatedAt: now, UpdatedAt: now,
			Need: medicine.Need{PatientName: "张秀兰", PatientPhone: "13997001234", Address: "胜利路12号", Medicine: "注射用重组人促红素",
				Spec: "10000IU", Quantity: 4, Unit: "支", Chronic: true, DaysSupply: 28, Urgency: medicine.UrgencyLife, Prescription: true}}
		err := db.Write(ctx, func(tx *store.Tx) error {
			if err := store.InsertMedicineRequest(ctx, tx, r); err != nil {
				return err
			}
			for _, a := range []*medicine.Attempt{
				{At: now, Place: "仁济大药房", PlaceKind: medicine.PlacePharmacy, Note: "无货"},
				{At: now, Place: "省人民医院药房", PlaceKind: medicine.PlaceHospital, InStock: true, ExpectedAt: &expected},
			} {
				if err := store.AddMedicineAttempt(ctx, tx, r.ID, a); err != nil {
					return err
				}
			}
			if err := store.AddMedicineHandover(ctx, tx, r.ID, &medicine.Handover{At: now, From: "省人民医院药房", To: "李师傅"}); err != nil {
				return err
			}
			g, err := store.GetMedicineRequest(ctx, tx, r.ID)
			if err != nil {
				return err
			}
			g.Status, g.Version, g.Place, g.PlaceKind, g.ExpectedAt, g.DeliveredQty, g.DeliveredAt = medicine.StatusDelivered, 2,
				"省人民医院药房", medicine.PlaceHospital, &expected, 3, &now
			if err := store.UpdateMedicineRequest(ctx, tx, g); err != nil {
				return err
			}
			stale := *g
			if err := store.UpdateMedicineRequest(ctx, tx, &stale); !minsheng.IsCode(err, minsheng.ECONFLICT) {
				t.Errorf("stale update: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			g, err := store.GetMedicineRequest(ctx, tx, r.ID)
			if err != nil {
				return err
			}
			if g.PatientName != "张秀兰" || g.Urgency != medicine.UrgencyLife || !g.Chronic || g.DaysSupply != 28 || g.Unit != "支" ||
				g.Status != medicine.StatusDelivered || g.DeliveredQty != 3 || !g.ExpectedAt.Equal(expected) || !g.DeliveredAt.Equal(now) {
				t.Errorf("read back as %+v", g)
			}
			as, err := store.ListMedicineAttempts(ctx, tx, r.ID)
			if err != nil || len(as) != 2 || as[1].Seq != 2 || !as[1].InStock || as[0].InStock || !as[1].ExpectedAt.Equal(expected) {
				t.Errorf("attempts %+v %v", as, err)
			}
			hs, err := store.ListMedicineHandovers(ctx, tx, r.ID)
			if err != nil || len(hs) != 1 || hs[0].To != "李师傅" {
				t.Errorf("handovers %+v %v", hs, err)
			}
			rs, err := store.ListMedicineRequests(ctx, tx, store.MedicineFilter{Statuses: []medicine.Status{medicine.StatusDelivered}})
			if err != nil || len(rs) != 1 {
				t.Errorf("list %d %v", len(rs), err)
			}
			if _, err := store.GetMedicineRequest(ctx, tx, 999); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
				t.Errorf("missing request: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
