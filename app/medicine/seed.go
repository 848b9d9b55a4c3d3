package medicine

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// SeedOptions shape the post's demo.
type SeedOptions struct {
	Now  time.Time // the present of the demo; zero: the service's clock
	Days int       // days lived before Now; zero: 120
	Seed uint64
}

// Seed adds the post's demo to the demo district, after the core's and
// the fleet's (its carriers are the fleet's drivers): a full demo district
// (1,000 tickets or more) lives 120 days of requests, a small one 14.
func (s *Service) Seed(ctx context.Context) error {
	var n int
	if err := s.kit.Read(ctx, func(tx *store.Tx) (err error) { n, err = store.CountTickets(ctx, tx); return }); err != nil {
		return err
	}
	o := SeedOptions{}
	if n < 1000 {
		o.Days = 14
	}
	_, err := s.SeedDemo(ctx, o)
	return err
}

// seedNeed is a medicine residents of the demo ask for.
type seedNeed struct {
	medicine, spec, unit string
	quantity, days       int // days 0: a one-off need
	urgency              med.Urgency
}

var (
	seedNeeds = []seedNeed{
		{"注射用重组人促红素", "10000IU", "支", 4, 28, med.UrgencyUrgent},
		{"盐酸司维拉姆片", "0.8g×36片", "盒", 3, 30, med.UrgencyUrgent},
		{"胰岛素注射液（诺和灵R）", "3ml:300单位", "支", 5, 30, med.UrgencyLife},
		{"他克莫司胶囊", "0.5mg×50粒", "盒", 2, 25, med.UrgencyLife},
		{"左乙拉西坦片", "0.25g×30片", "盒", 2, 30, med.UrgencyUrgent},
		{"阿法骨化醇软胶囊", "0.25μg×20粒", "盒", 3, 30, med.UrgencyNoDanger},
		{"利伐沙班片", "10mg×7片", "盒", 4, 28, med.UrgencyUrgent},
		{"注射用头孢曲松钠", "1.0g", "支", 6, 0, med.UrgencyUrgent},
		{"硝酸甘油片", "0.5mg×100片", "瓶", 1, 0, med.UrgencyLife},
		{"氯吡格雷片", "75mg×7片", "盒", 4, 28, med.UrgencyNoDanger},
	}
	seedPharmacies = []string{"仁济大药房海湖店", "同仁堂西宁店", "城西区益民药房", "西宁市医药公司零售部", "老百姓大药房胜利路店"}
	seedHospitals  = []string{"青海省人民医院药剂科", "青海大学附属医院药房", "西宁市第一人民医院药房", "城西区人民医院药房"}
	seedPatients   = []string{"张秀兰", "马桂英", "李永福", "王淑芬", "赵德明", "韩玉珍", "祁国庆", "冶春梅", "鲁建华", "周红霞", "何金花", "孙卫东"}
	seedNoStock    = []string{"无货", "需医院处方，药店不售", "缺货，预计一周后到", "规格不符"}
	seedNowhere    = "本市各医院及药店均无货，已建议患者复诊调整用药"
	seedCancels    = []string{"家属已自行购得", "患者住院，由医院供药", "医生调整用药"}
)

// SeedDemo lives the post's demo through the use cases on a clock of its
// own: each day or two a request from a hotline call, verified, sourced
// after one to three attempts, carried by a volunteer driver of the fleet
// (handed from the pharmacy to the driver and from the driver to the
// family) or picked up, delivered and confirmed, its ticket called back
// and closed; a few nowhere to be had or cancelled. The last days stay
// open at every stage for the post's desk, and one delivery waits for the
// demo driver ("driver"). It refuses a database that has requests already
// (ECONFLICT).
func (s *Service) SeedDemo(ctx context.Context, o SeedOptions) (map[med.Status]int, error) {
	if o.Now.IsZero() {
		o.Now = s.kit.Now()
	}
	if o.Days <= 0 {
		o.Days = 120
	}
	rng := rand.New(rand.NewPCG(o.Seed, 16))
	now := o.Now.Truncate(time.Minute)
	start := calendar.DateOf(now.AddDate(0, 0, -o.Days)).Start()
	clock := minsheng.NewFakeClock(start)
	quiet := slog.New(slog.DiscardHandler)
	tickets := app.New(app.Config{DB: s.kit.DB(), Clock: clock, Logger: quiet})
	w := New(kit.New(s.kit.DB(), clock, quiet), tickets)
	demoPhotos := s.seedPhotos() // stored through the server's own blob store

	var disp, agent, demoDriver *org.User
	var drivers []*org.User
	var communities []*org.Unit
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		rs, err := store.ListMedicineRequests(ctx, tx, store.MedicineFilter{Limit: 1})
		if err != nil {
			return err
		}
		if len(rs) > 0 {
			return minsheng.Errorf(minsheng.ECONFLICT, "the post has requests already; its demo is seeded only once")
		}
		if disp, err = store.GetUserByUsername(ctx, tx, "dispatcher"); err != nil {
			return fmt.Errorf("demo dispatcher: %w", err)
		}
		if agent, err = store.GetUserByUsername(ctx, tx, "agent"); err != nil {
			return fmt.Errorf("demo agent: %w", err)
		}
		us, err := store.ListUsers(ctx, tx, nil)
		if err != nil {
			return err
		}
		for _, u := range us {
			if u.Active && u.Has(org.RoleDriver) {
				drivers = append(drivers, u)
				if u.Username == "driver" {
					demoDriver = u
				}
			}
		}
		units, err := store.ListUnits(ctx, tx, "")
		for _, u := range units {
			if u.Kind == org.KindCommunity {
				communities = append(communities, u)
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(communities) == 0 {
		return nil, fmt.Errorf("demo medicine: the demo district has no communities")
	}
	phones := map[string]string{}
	phoneOf := func(name string) string {
		if p, ok := phones[name]; ok {
			return p
		}
		phones[name] = fmt.Sprintf("139%08d", rng.IntN(100_000_000))
		return phones[name]
	}

	// open takes a call and opens a request from its ticket.
	open := func() (*View, error) {
		nd := seedNeeds[rng.IntN(len(seedNeeds))]
		patient := seedPatients[rng.IntN(len(seedPatients))]
		c := communities[rng.IntN(len(communities))]
		addr := fmt.Sprintf("%s%d号楼%d单元%d01", c.Name, 1+rng.IntN(20), 1+rng.IntN(4), 1+rng.IntN(6))
		t, _, err := tickets.CreateTicket(ctx, agent, ticket.NewTicket{Title: "求助购买" + nd.medicine, Kind: ticket.KindHelp,
			Channel: ticket.ChannelPhone, CallerName: patient, CallerPhone: phoneOf(patient), Address: addr,
			Description: fmt.Sprintf("%s家属来电：老人长期用%s，附近药店买不到，请求帮助购买并送药上门。", patient, nd.medicine)}, "")
		if err != nil {
			return nil, err
		}
		var prescription []app.Upload
		if up, ok := demoPhotos["处方.png"]; ok && rng.IntN(2) == 0 {
			prescription = append(prescription, up) // half the callers send a photo of it
		}
		return w.Open(ctx, agent, NewRequest{Ticket: t.Number, Need: med.Need{PatientName: patient, PatientPhone: phoneOf(patient),
			Address: addr, Medicine: nd.medicine, Spec: nd.spec, Unit: nd.unit, Quantity: nd.quantity, Chronic: nd.days > 0,
			DaysSupply: nd.days, Urgency: nd.urgency, Prescription: true}}, prescription...)
	}
	act := func(u *org.User, id int64, a med.Action, st med.Step, after time.Duration, photos ...app.Upload) error {
		clock.Advance(after)
		_, err := w.Act(ctx, u, id, a, st, photos...)
		if err != nil {
			return fmt.Errorf("demo medicine %s: %w", a, err)
		}
		return nil
	}
	// live takes a request through its life up to the stage (the number
	// of steps; -1: to its end), and returns its final status.
	live := func(stage int) (med.Status, error) {
		v, err := open()
		if err != nil {
			return "", fmt.Errorf("demo medicine request: %w", err)
		}
		id, dice := v.ID, rng.IntN(100)
		if stage >= 0 {
			dice = 50 // today's requests stay open at their stage
		}
		steps := 0
		more := func() bool { steps++; return stage < 0 || steps <= stage }
		if !more() {
			return med.StatusRequested, nil
		}
		if dice < 4 {
			return med.StatusCancelled, act(agent, id, med.ActionCancel, med.Step{Reason: seedCancels[rng.IntN(len(seedCancels))]}, time.Hour)
		}
		if err := act(disp, id, med.ActionVerify, med.Step{Note: "已核对处方及病历"}, 30*time.Minute); err != nil {
			return "", err
		}
		if err := act(disp, id, med.ActionSource, med.Step{}, 10*time.Minute); err != nil {
			return "", err
		}
		if !more() {
			return med.StatusSourcing, nil
		}
		for range rng.IntN(3) {
			if err := act(disp, id, med.ActionAttempt, med.Step{Place: seedPharmacies[rng.IntN(len(seedPharmacies))],
				PlaceKind: med.PlacePharmacy, Note: seedNoStock[rng.IntN(len(seedNoStock))]}, 40*time.Minute); err != nil {
				return "", err
			}
		}
		if dice < 10 {
			return med.StatusNotAvailable, act(disp, id, med.ActionNotAvailable, med.Step{Reason: seedNowhere}, time.Hour)
		}
		place := seedHospitals[rng.IntN(len(seedHospitals))]
		expected := calendar.DateOf(clock.Now()).Start().AddDate(0, 0, 1).Add(10 * time.Hour)
		if err := act(disp, id, med.ActionAttempt, med.Step{Place: place, PlaceKind: med.PlaceHospital, InStock: true,
			ExpectedAt: &expected}, 30*time.Minute); err != nil {
			return "", err
		}
		if err := act(disp, id, med.ActionSourced, med.Step{Place: place, PlaceKind: med.PlaceHospital, ExpectedAt: &expected}, 5*time.Minute); err != nil {
			return "", err
		}
		if !more() {
			return med.StatusSourced, nil
		}
		step := med.Step{Mode: med.ModePickup}
		var carrier *org.User
		if len(drivers) > 0 && dice%4 != 0 {
			carrier = drivers[rng.IntN(len(drivers))]
			if stage >= 0 && demoDriver != nil {
				carrier = demoDriver
			}
			step = med.Step{Mode: med.ModeDriver, CarrierID: carrier.ID}
		}
		if err := act(disp, id, med.ActionDeliver, step, 10*time.Minute); err != nil {
			return "", err
		}
		if !more() {
			return med.StatusDelivering, nil
		}
		clock.Set(expected)
		by := disp
		if carrier != nil {
			by = carrier
			// The drivers photograph the handovers, most of the time.
			var atPharmacy, atHome []app.Upload
			if up, ok := demoPhotos["药房交接.png"]; ok && dice%5 != 1 {
				atPharmacy = append(atPharmacy, up)
			}
			if up, ok := demoPhotos["入户交接.png"]; ok && dice%5 != 1 {
				atHome = append(atHome, up)
			}
			if err := act(carrier, id, med.ActionHandover, med.Step{From: place, To: carrier.Name}, 15*time.Minute, atPharmacy...); err != nil {
				return "", err
			}
			if err := act(carrier, id, med.ActionHandover, med.Step{From: carrier.Name, To: "患者家属"}, time.Duration(30+rng.IntN(60))*time.Minute, atHome...); err != nil {
				return "", err
			}
		}
		qty := 0
		if dice > 95 {
			qty = 1 // in part: the rest follows
		}
		if err := act(by, id, med.ActionDelivered, med.Step{Quantity: qty}, 5*time.Minute); err != nil {
			return "", err
		}
		if err := act(by, id, med.ActionConfirm, med.Step{Note: "患者本人确认收到"}, 5*time.Minute); err != nil {
			return "", err
		}
		clock.Advance(3 * time.Hour)
		yes := true
		if _, err := tickets.Callback(ctx, disp, v.TicketNumber, app.CallbackResult{Resolved: &yes, Satisfaction: ticket.Satisfied}); err == nil {
			if _, err := tickets.Close(ctx, disp, v.TicketNumber, ""); err != nil {
				return "", fmt.Errorf("demo medicine close: %w", err)
			}
		}
		return med.StatusConfirmed, nil
	}

	out := map[med.Status]int{}
	// The clock only moves forward: a request's day starts after the last
	// one's callback.
	for day := 0; day < o.Days-1; day += 1 + rng.IntN(2) {
		at := start.AddDate(0, 0, day).Add(time.Duration(9*60+rng.IntN(6*60)) * time.Minute)
		if !at.After(clock.Now()) {
			at = clock.Now().Add(time.Hour)
		}
		if at.After(now.AddDate(0, 0, -2)) {
			break
		}
		clock.Set(at)
		st, err := live(-1)
		if err != nil {
			return nil, err
		}
		out[st]++
	}
	// Today: requests open at every stage, the delivery with the demo
	// driver.
	clock.Set(now.Add(-6 * time.Hour))
	for stage := range 4 {
		st, err := live(stage)
		if err != nil {
			return nil, err
		}
		out[st]++
	}
	return out, nil
}
