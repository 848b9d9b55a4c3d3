package grids_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/grids"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

func mustStation(t *testing.T, f *apptest.Fixture, s *grids.Service) *store.Station {
	t.Helper()
	lat, lng := 36.62, 101.75
	st, err := s.SaveStation(ctx, f.Users["leader"], 0, grid.NewStation{Name: "海湖社区网格微管站", UnitID: f.Community.ID,
		Address: "海湖路18号社区服务中心一楼", Lat: &lat, Lng: &lng, Hours: "周一至周五 9:00–17:00",
		Services: []string{"政策咨询", "开具证明", " 政策咨询 ", ""}, StaffIDs: []int64{f.Users["grid_worker"].ID}})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestStationLoop: a leader sets up a station with its staff; a request
// answered on the spot is resolved at intake, another becomes a work order
// for the centre; both are linked to their tickets and counted.
func TestStationLoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, s := setup(t, db)
		gw := f.Users["grid_worker"]
		st := mustStation(t, f, s)
		if len(st.Services) != 2 || len(st.Staff) != 1 || !st.Active {
			t.Fatalf("station %+v", st)
		}
		// Staff must be people who may register work orders.
		_, err := s.SaveStation(ctx, f.Users["leader"], st.ID, grid.NewStation{Name: st.Name, UnitID: f.Community.ID, Address: st.Address,
			Hours: st.Hours, Services: st.Services, StaffIDs: []int64{f.Users["handler"].ID}})
		if !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("a handler as staff: %v", err)
		}
		if _, err := s.SaveStation(ctx, gw, 0, grid.NewStation{}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("a grid worker sets up a station: %v", err)
		}

		answered, err := s.TakeRequest(ctx, gw, st.ID, grids.StationRequestInput{NewStationRequest: grid.NewStationRequest{
			Service: "政策咨询", Description: "咨询高龄津贴怎么申请", CallerName: "李桂英", CallerPhone: "13897005678",
			Answer: "已告知携带身份证和户口本到社区办理，当场填写了申请表。"}})
		if err != nil {
			t.Fatal(err)
		}
		tv := apptest.MustView(t, f, "dispatcher", answered.Ticket)
		if !answered.Answered || tv.Ticket.Status != ticket.StatusResolvedAtIntake || tv.Ticket.Channel != ticket.ChannelStation {
			t.Fatalf("answered on the spot: %+v, ticket %s %s", answered, tv.Ticket.Status, tv.Ticket.Channel)
		}
		referred, err := s.TakeRequest(ctx, gw, st.ID, grids.StationRequestInput{NewStationRequest: grid.NewStationRequest{
			Description: "小区3号楼楼道灯坏了一个月", CallerName: "张建国", CallerPhone: "13897001111"}})
		if err != nil {
			t.Fatal(err)
		}
		if referred.Answered || referred.TicketStatus != string(ticket.StatusRegistered) {
			t.Fatalf("referred: %+v", referred)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			links, err := store.ListLinks(ctx, tx, grids.ObjectStationRequest, referred.ID)
			if err != nil || len(links) != 1 || links[0].ToID != referred.TicketID {
				t.Errorf("links %+v, %v", links, err)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// A service the station does not offer, and an empty request, change nothing.
		if _, err := s.TakeRequest(ctx, gw, st.ID, grids.StationRequestInput{NewStationRequest: grid.NewStationRequest{
			Service: "代缴水费", Description: "x"}}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("unknown service: %v", err)
		}
		// Someone of another street neither sees nor takes requests there.
		if _, err := s.TakeRequest(ctx, f.Users["other_handler"], st.ID, grids.StationRequestInput{NewStationRequest: grid.NewStationRequest{
			Description: "x"}}); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("other street: %v", err)
		}
		fig, err := s.StationFigures(ctx, f.Users["leader"])
		if err != nil || fig.Requests != 2 || fig.Answered != 1 || fig.Referred != 1 || fig.Closed != 0 {
			t.Fatalf("figures %+v, %v", fig, err)
		}
		v, err := s.GetStation(ctx, gw, st.ID)
		if err != nil || !v.MayTake || v.MayEdit || len(v.Recent) != 2 || v.Requests != 2 || v.Answered != 1 {
			t.Fatalf("view %+v, %v", v, err)
		}
		// A closed station takes nothing.
		off := false
		if _, err := s.SaveStation(ctx, f.Users["leader"], st.ID, grid.NewStation{Name: st.Name, UnitID: f.Community.ID, Address: st.Address,
			Hours: st.Hours, Services: st.Services, Active: &off}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TakeRequest(ctx, gw, st.ID, grids.StationRequestInput{NewStationRequest: grid.NewStationRequest{
			Description: "咨询"}}); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Fatalf("closed station: %v", err)
		}
		pub, err := s.PublicStations(ctx, "")
		if err != nil || len(pub.Stations) != 0 {
			t.Fatalf("public list of a closed station: %+v %v", pub, err)
		}
	})
}

// TestPublicStationsNearest lists open stations nearest the address first
// when the base layer places it.
func TestPublicStationsNearest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, s := setup(t, db)
		near, far := 36.620, 36.700
		lng := 101.75
		for i, lat := range []*float64{&far, &near} {
			if _, err := s.SaveStation(ctx, f.Users["leader"], 0, grid.NewStation{Name: []string{"远站", "近站"}[i], UnitID: f.Grid.ID,
				Address: "海湖路", Lat: lat, Lng: &lng, Hours: "每天 8:00–20:00", Services: []string{"政策咨询"}}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.Svc.ImportBaseLayer(ctx, f.Users["admin"], []byte(`{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{"name":"兴海家园","kind":"place"},"geometry":{"type":"Point","coordinates":[101.75,36.621]}}]}`)); err != nil {
			t.Fatal(err)
		}
		pub, err := s.PublicStations(ctx, "兴海家园5号楼")
		if err != nil || len(pub.Stations) != 2 || pub.Place == nil || pub.Stations[0].Name != "近站" || pub.Stations[0].DistanceKm == nil ||
			*pub.Stations[0].DistanceKm > 0.5 || *pub.Stations[1].DistanceKm < 8 {
			t.Fatalf("nearest first: %+v %v", pub, err)
		}
		if pub, _ := s.PublicStations(ctx, "别处"); pub.Place != nil || pub.Stations[0].DistanceKm != nil || pub.Stations[1].DistanceKm != nil {
			t.Fatalf("an address not on the base layer lists by unit and name: %+v", pub.Stations[0])
		}
	})
}

// TestDiaryDraftsVisitsAndStations: the diary is drafted from the day's
// household visits (read from the registry, the visit's note reused) and
// the requests taken at a station; a visit's concern is not listed again
// among the tickets registered.
func TestDiaryDraftsVisitsAndStations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, s := setup(t, db)
		hs := hh.New(f.Svc.Kit(), f.Svc)
		gw := f.Users["grid_worker"]
		now := f.Clock.Now()
		id := household.CompleteIDNumber("63010419480310001")
		h, err := hs.Register(ctx, f.Users["handler"], household.NewHousehold{GridID: f.Grid.ID, Address: "海湖佳苑3号楼2单元501",
			Members: []household.NewMember{{Name: "马秀英", IDNumber: id, Phone: "13897001234", Relation: household.RelationHead}}, Consent: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hs.RecordVisit(ctx, gw, h.ID, household.NewVisit{At: now.Add(-time.Minute), Met: "本人", Note: "老人身体尚好，冬季取暖正常",
			Concerns: []household.NewConcern{{Description: "卫生间水管漏水，楼下邻居家天花板渗水"}}}); err != nil {
			t.Fatal(err)
		}
		st := mustStation(t, f, s)
		if _, err := s.TakeRequest(ctx, gw, st.ID, grids.StationRequestInput{NewStationRequest: grid.NewStationRequest{
			Service: "开具证明", Description: "开具居住证明", Answer: "当场开具。"}}); err != nil {
			t.Fatal(err)
		}
		d, err := s.Diary(ctx, gw, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"入户走访（1）", "海湖佳苑3号楼2单元501：见到本人，反映问题1件已登记工单。老人身体尚好", "微管站受理（1）",
			"海湖社区网格微管站：开具证明：开具居住证明"} {
			if !strings.Contains(d.Text, want) {
				t.Errorf("the draft lacks %q:\n%s", want, d.Text)
			}
		}
		if strings.Contains(d.Text, "代群众登记诉求") || strings.Contains(d.Text, "马秀英") || strings.Contains(d.Text, "13897001234") {
			t.Errorf("the draft repeats a ticket or names a resident:\n%s", d.Text)
		}
	})
}

// TestItemOpensTicket: a ledger item opens a work order (linked both
// ways); the unit replies and the centre closes it, which ticks the item
// off with the reply as evidence; a second work order is refused while
// one is open; reopening the ticket reopens the item.
func TestItemOpensTicket(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, s := setup(t, db)
		ok := apptest.OK(t)
		gw, disp, h := f.Users["grid_worker"], f.Users["dispatcher"], f.Users["handler"]
		c, err := s.CreateCampaign(ctx, f.Users["leader"], grid.NewCampaign{Title: "安全隐患大排查", UnitID: f.Street.ID, Deadline: f.Clock.Now().AddDate(0, 0, 30)})
		if err != nil {
			t.Fatal(err)
		}
		it, err := s.AddItem(ctx, gw, c.ID, grid.NewItem{Problem: "3号楼消防通道堆放杂物", Place: "海湖小区3号楼", UnitID: f.Grid.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActOnItem(ctx, h, it.ID, grids.ItemInput{Action: grid.ItemOpenTicket}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("a handler opens the work order: %v", err)
		}
		got, err := s.ActOnItem(ctx, gw, it.ID, grids.ItemInput{Action: grid.ItemOpenTicket, Note: "请尽快清理"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != grid.ItemRectifying || got.Ticket == "" {
			t.Fatalf("after open_ticket: %+v", got)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			links, err := store.ListLinks(ctx, tx, grids.ObjectItem, it.ID)
			if err != nil || len(links) != 1 || links[0].ToID != got.TicketID {
				t.Errorf("links %+v, %v", links, err)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.GetItem(ctx, gw, it.ID)
		if err != nil || slices.Contains(v.Actions, grid.ItemOpenTicket) {
			t.Fatalf("a second work order is offered: %v %v", v.Actions, err)
		}
		ok(f.Svc.Dispatch(ctx, disp, got.Ticket, f.Community.ID, ""))
		ok(f.Svc.Acknowledge(ctx, h, got.Ticket, ""))
		ok(f.Svc.Reply(ctx, h, got.Ticket, "杂物已全部清理，通道畅通"))
		ok(f.Svc.Close(ctx, disp, got.Ticket, ""))
		v, err = s.GetItem(ctx, f.Users["leader"], it.ID)
		if err != nil || v.Status != grid.ItemTickedOff || v.TickedOffBy != disp.ID || v.Evidence != "杂物已全部清理，通道畅通" {
			t.Fatalf("after the close: %+v %v", v.LedgerItem, err)
		}
		l, err := s.GetLedger(ctx, f.Users["leader"], c.ID, grids.LedgerQuery{CountsOnly: true})
		if err != nil || l.Progress.TickedOff != 1 {
			t.Fatalf("counts after the close: %+v %v", l.Progress, err)
		}
		ok(f.Svc.Reopen(ctx, disp, got.Ticket, "回访不满意"))
		v, _ = s.GetItem(ctx, f.Users["leader"], it.ID)
		if v.Status != grid.ItemRectifying || v.TickedOffAt != nil {
			t.Fatalf("after the reopen: %+v", v.LedgerItem)
		}
	})
}
