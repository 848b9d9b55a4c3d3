package ride

import (
	"context"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	rd "github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
)

// SaveVehicle adds a vehicle to the fleet (ID 0) or changes one. The desk
// and the district's admins keep the fleet.
func (s *Service) SaveVehicle(ctx context.Context, actor *org.User, v rd.Vehicle) (*rd.Vehicle, error) {
	if err := requireDesk(actor); err != nil {
		return nil, err
	}
	if err := v.Check(); err != nil {
		return nil, err
	}
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		action := "update"
		if v.ID == 0 {
			id, err := tx.NextID(ctx)
			if err != nil {
				return err
			}
			v.ID, action = id, "create"
			if err := store.InsertRideVehicle(ctx, tx, &v, s.now()); err != nil {
				return err
			}
		} else if err := store.UpdateRideVehicle(ctx, tx, &v); err != nil {
			return err
		}
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectVehicle, ObjectID: v.ID, Action: action,
			Data: map[string]string{"plate": v.Plate, "seats": strconv.Itoa(v.Seats), "wheelchair": strconv.FormatBool(v.Wheelchair),
				"insurance_until": calendar.DateOf(v.InsuranceUntil).String(), "active": strconv.FormatBool(v.Active)}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// Vehicles returns the fleet's vehicles, owners masked.
func (s *Service) Vehicles(ctx context.Context, actor *org.User) ([]*rd.Vehicle, error) {
	if err := requireDesk(actor); err != nil {
		return nil, err
	}
	var out []*rd.Vehicle
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListRideVehicles(ctx, tx)
		return err
	})
	for _, v := range out {
		v.Owner = personal.MaskName(v.Owner)
	}
	return out, err
}

// SaveDriver registers a user holding the driver grant as a driver of the
// fleet (ID 0) or changes a driver. The user's name is the driver's.
func (s *Service) SaveDriver(ctx context.Context, actor *org.User, d rd.Driver) (*rd.Driver, error) {
	if err := requireDesk(actor); err != nil {
		return nil, err
	}
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		action := "update"
		if d.ID == 0 {
			u, err := store.GetUser(ctx, tx, d.UserID)
			if minsheng.IsCode(err, minsheng.ENOTFOUND) {
				return minsheng.FieldError("user_id", "no user %d", d.UserID)
			}
			if err != nil {
				return err
			}
			if !u.Has(org.RoleDriver) {
				return minsheng.FieldError("user_id", "user %s does not hold the driver grant", u.Username)
			}
			if d.Name == "" {
				d.Name = u.Name
			}
			if d.Phone == "" {
				c, err := store.GetUserContact(ctx, tx, u.ID)
				if err != nil {
					return err
				}
				d.Phone = c.Phone
			}
		} else {
			old, err := store.GetRideDriver(ctx, tx, d.ID)
			if err != nil {
				return err
			}
			d.UserID = old.UserID
		}
		if err := d.Check(); err != nil {
			return err
		}
		if d.VehicleID != 0 {
			if _, err := store.GetRideVehicle(ctx, tx, d.VehicleID); minsheng.IsCode(err, minsheng.ENOTFOUND) {
				return minsheng.FieldError("vehicle_id", "no vehicle %d", d.VehicleID)
			} else if err != nil {
				return err
			}
		}
		if d.ID == 0 {
			id, err := tx.NextID(ctx)
			if err != nil {
				return err
			}
			d.ID, action = id, "create"
			if err := store.InsertRideDriver(ctx, tx, &d, s.now()); err != nil {
				return err
			}
		} else if err := store.UpdateRideDriver(ctx, tx, &d); err != nil {
			return err
		}
		data := map[string]string{"user_id": strconv.FormatInt(d.UserID, 10), "vehicle_id": strconv.FormatInt(d.VehicleID, 10),
			"availability": rd.FormatAvailability(d.Availability), "active": strconv.FormatBool(d.Active)}
		for _, doc := range d.Documents {
			data["doc_"+doc.Kind] = calendar.DateOf(doc.Until).String()
		}
		if d.Team != "" {
			data["team"] = d.Team
		}
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectDriver, ObjectID: d.ID, Action: action, Data: data})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// Drivers returns the fleet's drivers, phones masked.
func (s *Service) Drivers(ctx context.Context, actor *org.User) ([]*rd.Driver, error) {
	if err := requireDesk(actor); err != nil {
		return nil, err
	}
	var out []*rd.Driver
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListRideDrivers(ctx, tx)
		return err
	})
	for _, d := range out {
		d.Phone = personal.MaskPhone(d.Phone)
	}
	return out, err
}

// DriverUserID returns the id of the user with the username, for the
// desk's form that registers a driver: ENOTFOUND if there is none.
func (s *Service) DriverUserID(ctx context.Context, actor *org.User, username string) (int64, error) {
	if err := requireDesk(actor); err != nil {
		return 0, err
	}
	var id int64
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		u, err := store.GetUserByUsername(ctx, tx, username)
		if err != nil {
			return err
		}
		id = u.ID
		return nil
	})
	return id, err
}
