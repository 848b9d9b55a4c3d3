package ride

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/org"
	rd "github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// SeedOptions shape the demo fleet.
type SeedOptions struct {
	Now      time.Time // the present of the demo; zero: the service's clock
	Vehicles int       // vehicles and drivers; zero: 135, as in the reference article
	Days     int       // days of rides lived before Now; zero: 60
	PerDay   int       // rides asked for a day; zero: 8
	Seed     uint64
}

// SeedResult tells what the demo fleet holds.
type SeedResult struct {
	Vehicles, Drivers int
	Rides             map[rd.Status]int
}

// Seed adds the demo fleet to the demo district (after the core's demo):
// the Capability's seed. A full demo district (1,000 tickets or more) gets
// the article's 135 vehicles and 60 days of rides; a small one (a quick
// start, the tests) 20 vehicles and a week.
func (s *Service) Seed(ctx context.Context) error {
	var n int
	if err := s.kit.Read(ctx, func(tx *store.Tx) (err error) { n, err = store.CountTickets(ctx, tx); return }); err != nil {
		return err
	}
	o := SeedOptions{}
	if n < 1000 {
		o = SeedOptions{Vehicles: 20, Days: 7, PerDay: 6}
	}
	_, err := s.SeedDemo(ctx, o)
	return err
}

var (
	seedSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗韩祁冶鲁")
	seedGiven    = []string{"建国", "秀英", "志强", "桂兰", "德明", "海燕", "文军", "玉珍", "永红", "春梅", "国庆", "丽华", "晓东", "振华",
		"淑芬", "卫东", "金花", "宏伟", "红霞", "明", "静"}
	seedHospitals = []string{"青海省人民医院", "青海大学附属医院", "西宁市第一人民医院", "城西区人民医院透析中心", "西宁市第二人民医院", "青海省中医院", "城西区社区卫生服务中心"}
	seedCancel    = []string{"家属自行接送", "病情变化，改期就诊", "医院通知停诊", "乘车人已住院"}
	seedNoShow    = []string{"到达后电话无人接听", "家属称已自行前往"}
	seedSlots     = []string{"1-5 07:00-12:00", "1-5 13:00-18:00", "1-7 07:00-19:00", "6,7 08:00-17:00; 1,3,5 07:00-11:00", "2,4 06:30-18:00"}
)

// SeedDemo lives a demo fleet through the use cases on a clock of its
// own: vehicles and volunteer drivers (the first of them the demo login
// "driver"), then Days of rides, each booked from a hotline ticket the
// evening before, scheduled, offered to the best suggestions, accepted and
// driven — some cancelled, some no-shows, some unmet — and their tickets
// closed after the callback; then today's and tomorrow's rides left open
// for the desk and the driver's page, and a dialysis series. It refuses a
// database that has a fleet already (ECONFLICT).
func (s *Service) SeedDemo(ctx context.Context, o SeedOptions) (*SeedResult, error) {
	if o.Now.IsZero() {
		o.Now = s.now()
	}
	o.Vehicles = cmpOr(o.Vehicles, 135)
	o.Days = cmpOr(o.Days, 60)
	o.PerDay = cmpOr(o.PerDay, 8)
	rng := rand.New(rand.NewPCG(o.Seed, 15))
	now := o.Now.Truncate(time.Minute)
	start := calendar.DateOf(now.AddDate(0, 0, -o.Days-1)).Start().Add(9 * time.Hour)
	clock := minsheng.NewFakeClock(start)
	quiet := slog.New(slog.DiscardHandler)
	tickets := app.New(app.Config{DB: s.db, Clock: clock, Logger: quiet})
	w := New(kit.New(s.db, clock, quiet), tickets, s.cfg)

	var disp, agent *org.User
	var streets []*org.Unit
	var communities []*org.Unit
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		ds, err := store.ListRideDrivers(ctx, tx)
		if err != nil {
			return err
		}
		if len(ds) > 0 {
			return minsheng.Errorf(minsheng.ECONFLICT, "the fleet has drivers already; the demo fleet is seeded only once")
		}
		if disp, err = store.GetUserByUsername(ctx, tx, "dispatcher"); err != nil {
			return fmt.Errorf("demo dispatcher: %w", err)
		}
		if agent, err = store.GetUserByUsername(ctx, tx, "agent"); err != nil {
			return fmt.Errorf("demo agent: %w", err)
		}
		units, err := store.ListUnits(ctx, tx, "")
		if err != nil {
			return err
		}
		for _, u := range units {
			switch u.Kind {
			case org.KindStreet, org.KindTown:
				streets = append(streets, u)
			case org.KindCommunity:
				communities = append(communities, u)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(streets) == 0 || len(communities) == 0 {
		return nil, fmt.Errorf("demo fleet: the demo district has no streets or communities")
	}
	hash, err := org.HashPassword(demo.Password)
	if err != nil {
		return nil, err
	}
	name := func() string {
		return string(seedSurnames[rng.IntN(len(seedSurnames))]) + seedGiven[rng.IntN(len(seedGiven))]
	}
	phone := func() string { return fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1_000_000_000)) }
	res := &SeedResult{Rides: map[rd.Status]int{}}

	// The fleet.
	sys := kit.System()
	var drivers []*rd.Driver
	driverUser := map[int64]*org.User{}
	for i := range o.Vehicles {
		wheel := i%6 == 5
		seats := 4
		if wheel {
			seats = 6
		} else if i%9 == 4 {
			seats = 7
		}
		insured := now.AddDate(0, 0, 30+rng.IntN(400))
		if i%40 == 17 {
			insured = now.AddDate(0, 0, -10) // lapsed: excluded from suggestions
		}
		owner := name()
		v, err := w.SaveVehicle(ctx, sys, rd.Vehicle{Plate: fmt.Sprintf("青A%05d", 20000+i*73%80000), Seats: seats, Wheelchair: wheel,
			Owner: owner, InsuranceUntil: calendar.DateOf(insured).Start(), Active: true})
		if err != nil {
			return nil, fmt.Errorf("demo vehicle %d: %w", i, err)
		}
		username := fmt.Sprintf("driver%03d", i+1)
		if i == 0 {
			username = "driver"
		}
		dn := owner
		u, err := tickets.CreateUserWithHash(ctx, app.NewUser{Username: username, Name: dn, Role: org.RoleDriver, UnitID: streets[i%len(streets)].ID}, hash)
		if err != nil {
			return nil, fmt.Errorf("demo driver %s: %w", username, err)
		}
		slots, err := rd.ParseAvailability(seedSlots[i%len(seedSlots)])
		if err != nil {
			return nil, err
		}
		if i == 0 {
			slots, _ = rd.ParseAvailability("1-7 06:00-22:00")
		}
		license := now.AddDate(1+rng.IntN(5), 0, 0)
		if i%45 == 22 {
			license = now.AddDate(0, 0, -3)
		}
		areas := []string{streets[i%len(streets)].Code}
		if i%3 == 0 {
			areas = append(areas, streets[(i+1)%len(streets)].Code)
		}
		d, err := w.SaveDriver(ctx, sys, rd.Driver{UserID: u.ID, Name: dn, Phone: phone(), VehicleID: v.ID, Active: true, Areas: areas,
			Team:         streets[i%len(streets)].Name + "分队",
			Availability: slots, Documents: []rd.Document{{Kind: rd.DocLicense, Until: calendar.DateOf(license).Start()},
				{Kind: rd.DocVolunteer, Until: calendar.DateOf(now.AddDate(2, 0, 0)).Start()}}})
		if err != nil {
			return nil, fmt.Errorf("demo driver %s: %w", username, err)
		}
		drivers = append(drivers, d)
		driverUser[d.ID] = u
	}
	res.Vehicles, res.Drivers = o.Vehicles, len(drivers)

	// book registers a hotline ticket for a ride and books it.
	book := func(pickupAt time.Time, purpose rd.Purpose, wheel bool, repeat *rd.Repeat) ([]*View, error) {
		c := communities[rng.IntN(len(communities))]
		var street string
		for _, st := range streets {
			if org.Within(c.Path, st.Path) {
				street = st.Code
			}
		}
		rider, riderPhone := name(), phone()
		pickup := fmt.Sprintf("%s%d号楼%d单元", c.Name, 1+rng.IntN(20), 1+rng.IntN(4))
		dest := seedHospitals[rng.IntN(len(seedHospitals))]
		if purpose == rd.PurposeDialysis {
			dest = "城西区人民医院透析中心"
		}
		t, _, err := tickets.CreateTicket(ctx, agent, ticket.NewTicket{Title: "申请爱心车队送医", Kind: ticket.KindHelp, Channel: ticket.ChannelPhone,
			Description: fmt.Sprintf("%s来电，需%s前往%s%s，申请爱心车队接送。", rider, pickupAt.In(calendar.China).Format("1月2日15:04"), dest,
				map[bool]string{true: "（坐轮椅）", false: ""}[wheel]),
			CallerName: rider, CallerPhone: riderPhone, Address: pickup}, "")
		if err != nil {
			return nil, err
		}
		passengers := 1 + rng.IntN(3)
		appt := pickupAt.Add(time.Duration(40+rng.IntN(30)) * time.Minute)
		return w.RequestFromTicket(ctx, agent, t.Number, NewRide{Request: rd.Request{RiderName: rider, RiderPhone: riderPhone,
			Pickup: pickup, Destination: dest, Area: street, PickupAt: pickupAt, AppointmentAt: &appt, Passengers: passengers,
			Wheelchair: wheel, Purpose: purpose}, Repeat: repeat})
	}
	purposeOf := func() (rd.Purpose, bool) {
		p := []rd.Purpose{rd.PurposeHospital, rd.PurposeHospital, rd.PurposeHospital, rd.PurposeDialysis, rd.PurposeDialysis,
			rd.PurposeExam, rd.PurposeExam, rd.PurposeEmergency, rd.PurposeOther}[rng.IntN(9)]
		return p, rng.IntN(7) == 0
	}
	// offer schedules a ride and offers it to its two best drivers.
	offer := func(id int64) ([]int64, error) {
		if _, err := w.Schedule(ctx, disp, id, ""); err != nil {
			return nil, err
		}
		sg, err := w.Suggest(ctx, disp, id)
		if err != nil {
			return nil, err
		}
		var ids []int64
		for _, x := range sg {
			if x.Eligible && len(ids) < 2 {
				ids = append(ids, x.DriverID)
			}
		}
		if len(ids) == 0 {
			return nil, nil
		}
		_, err = w.Offer(ctx, disp, id, ids)
		return ids, err
	}

	type event struct {
		at time.Time
		fn func() error
	}
	// Days lived: rides booked the evening before, driven on the day.
	for day := range o.Days {
		date := calendar.DateOf(start).Start().AddDate(0, 0, day+1)
		clock.Set(date.Add(-5 * time.Hour)) // 19:00 the evening before
		var events []event
		n := o.PerDay - 2 + rng.IntN(5)
		for range n {
			pickupAt := date.Add(time.Duration(7*60+rng.IntN(9*60)) * time.Minute)
			purpose, wheel := purposeOf()
			rs, err := book(pickupAt, purpose, wheel, nil)
			if err != nil {
				return nil, fmt.Errorf("demo ride: %w", err)
			}
			id := rs[0].ID
			clock.Advance(2 * time.Minute)
			ids, err := offer(id)
			if err != nil {
				return nil, fmt.Errorf("demo offer: %w", err)
			}
			dice := rng.IntN(100)
			if len(ids) == 0 || dice < 6 {
				if _, err := w.MarkUnmet(ctx, disp, id, "无可用车辆，已告知乘车人"); err != nil {
					return nil, fmt.Errorf("demo unmet: %w", err)
				}
				continue
			}
			taker := ids[rng.IntN(len(ids))]
			if _, err := w.Accept(ctx, driverUser[taker], id); err != nil {
				return nil, fmt.Errorf("demo accept: %w", err)
			}
			if dice < 11 {
				if _, err := w.Cancel(ctx, agent, id, seedCancel[rng.IntN(len(seedCancel))]); err != nil {
					return nil, fmt.Errorf("demo cancel: %w", err)
				}
				continue
			}
			ticketNumber := rs[0].TicketNumber
			u := driverUser[taker]
			odo := 10_000 + rng.IntN(90_000)
			noShow := dice < 14
			at := pickupAt
			events = append(events, event{at.Add(-20 * time.Minute), func() error { _, err := w.Start(ctx, u, id, &odo); return err }})
			if noShow {
				events = append(events, event{at.Add(10 * time.Minute), func() error {
					_, err := w.NoShow(ctx, u, id, seedNoShow[rng.IntN(len(seedNoShow))])
					return err
				}})
				continue
			}
			took := time.Duration(30+rng.IntN(40)) * time.Minute
			end := odo + 5 + rng.IntN(25)
			events = append(events, event{at, func() error { _, err := w.Pickup(ctx, u, id); return err }},
				event{at.Add(took), func() error { _, err := w.Complete(ctx, u, id, &end, ""); return err }},
				event{at.Add(took + 3*time.Hour), func() error {
					yes := true
					if _, err := tickets.Callback(ctx, disp, ticketNumber, app.CallbackResult{Resolved: &yes, Satisfaction: ticket.Satisfied}); err != nil {
						return nil // the ticket went elsewhere (dispatched to a unit): its unit answers
					}
					_, err := tickets.Close(ctx, disp, ticketNumber, "")
					return err
				}})
		}
		slices.SortStableFunc(events, func(a, b event) int { return a.at.Compare(b.at) })
		for _, e := range events {
			if e.at.After(now) {
				break // today's rest is still to come
			}
			clock.Set(e.at)
			if err := e.fn(); err != nil {
				return nil, fmt.Errorf("demo trip: %w", err)
			}
		}
	}

	// Tomorrow: rides booked and offered, one to the demo driver; a
	// dialysis series every Tuesday and Thursday for four weeks.
	clock.Set(now)
	tomorrow := calendar.DateOf(now).Start().AddDate(0, 0, 1)
	for i := range 4 {
		purpose, wheel := purposeOf()
		rs, err := book(tomorrow.Add(time.Duration(8+2*i)*time.Hour), purpose, wheel && i > 0, nil)
		if err != nil {
			return nil, fmt.Errorf("demo ride: %w", err)
		}
		switch i {
		case 0:
			if _, err := w.Schedule(ctx, disp, rs[0].ID, ""); err != nil {
				return nil, err
			}
			if _, err := w.Offer(ctx, disp, rs[0].ID, []int64{drivers[0].ID}); err != nil {
				return nil, fmt.Errorf("demo offer to the demo driver: %w", err)
			}
		case 1:
			if _, err := offer(rs[0].ID); err != nil {
				return nil, err
			}
		}
	}
	first := tomorrow.Add(7*time.Hour + 30*time.Minute)
	for first.Weekday() != time.Tuesday && first.Weekday() != time.Thursday {
		first = first.AddDate(0, 0, 1)
	}
	back := first.Add(5 * time.Hour)
	if _, err := func() ([]*View, error) {
		c := communities[0]
		t, _, err := tickets.CreateTicket(ctx, agent, ticket.NewTicket{Title: "透析患者申请每周二、四接送", Kind: ticket.KindHelp, Channel: ticket.ChannelPhone,
			Description: "家属来电：老人每周二、周四上午透析，行动不便，申请爱心车队固定接送。", CallerName: "马桂英", CallerPhone: "13997001234",
			Address: c.Name + "3号楼"}, "")
		if err != nil {
			return nil, err
		}
		return w.RequestFromTicket(ctx, agent, t.Number, NewRide{Request: rd.Request{RiderName: "马桂英", RiderPhone: "13997001234",
			Pickup: c.Name + "3号楼2单元", Destination: "城西区人民医院透析中心", PickupAt: first, ReturnAt: &back, Passengers: 2,
			Purpose: rd.PurposeDialysis}, Repeat: &rd.Repeat{Weekdays: []time.Weekday{time.Tuesday, time.Thursday}, Until: first.AddDate(0, 0, 27)}})
	}(); err != nil {
		return nil, fmt.Errorf("demo series: %w", err)
	}

	err = s.kit.Read(ctx, func(tx *store.Tx) error {
		rs, err := store.ListRides(ctx, tx, store.RideFilter{Limit: 1_000_000})
		for _, r := range rs {
			res.Rides[r.Status]++
		}
		return err
	})
	return res, err
}

func cmpOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}
