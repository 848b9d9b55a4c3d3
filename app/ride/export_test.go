package ride_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng"
	appride "github.com/minsheng/minsheng/app/ride"
	"github.com/minsheng/minsheng/store/storetest"
)

// The trips of a period go to an Excel workbook in Chinese, the rider
// masked; a driver's volunteer record lists their completed trips with
// the minutes and a total; another driver may not take it.
func TestTripsWorkbook(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := newFleet(t, db)
	disp := f.Users["dispatcher"]
	_, done := f.request(t, nil)
	_, cancelled := f.request(t, func(in *appride.NewRide) { in.PickupAt = in.PickupAt.Add(5 * time.Hour); in.AppointmentAt = nil })
	id := done[0].ID
	must(t)(f.svc.Schedule(ctx, disp, id, ""))
	must(t)(f.svc.Offer(ctx, disp, id, []int64{f.drivers[0].ID}))
	must(t)(f.svc.Accept(ctx, f.users[0], id))
	f.Clock.Advance(23 * time.Hour)
	start, end := 52000, 52018
	must(t)(f.svc.Start(ctx, f.users[0], id, &start))
	must(t)(f.svc.Pickup(ctx, f.users[0], id))
	f.Clock.Advance(45 * time.Minute)
	must(t)(f.svc.Complete(ctx, f.users[0], id, &end, ""))
	must(t)(f.svc.Cancel(ctx, disp, cancelled[0].ID, "家属自行接送"))

	from, to := f.Clock.Now().AddDate(0, 0, -3), f.Clock.Now().AddDate(0, 0, 3)
	tb, err := f.svc.TripsTable(ctx, disp, from, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tb.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	all := ""
	for _, r := range rows {
		all += strings.Join(r, "|") + "\n"
	}
	if !strings.Contains(all, "已完成") || !strings.Contains(all, "已取消") || !strings.Contains(all, "家属自行接送") ||
		!strings.Contains(all, "李建国") || !strings.Contains(all, "马**") || strings.Contains(all, "马桂英") || !strings.Contains(all, "|18|") {
		t.Errorf("the workbook:\n%s", all)
	}

	rec, err := f.svc.TripsTable(ctx, f.users[0], from, to, f.drivers[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Rows) != 2 || rec.Rows[1][12] != 45 || !strings.Contains(rec.Title, "李建国") {
		t.Errorf("the volunteer record: %s %v", rec.Title, rec.Rows)
	}
	if _, err := f.svc.TripsTable(ctx, f.users[1], from, to, f.drivers[0].ID); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
		t.Errorf("another driver's record: %v", err)
	}

	// Teams: the driver joins one; the figures count the team's trips.
	d := *f.drivers[0]
	d.Team = strings.Repeat("队", 31)
	if _, err := f.svc.SaveDriver(ctx, disp, d); !minsheng.IsCode(err, minsheng.EINVALID) {
		t.Errorf("a team name of 31 characters: %v", err)
	}
	d.Team = " 兴海路分队 "
	if got, err := f.svc.SaveDriver(ctx, disp, d); err != nil || got.Team != "兴海路分队" {
		t.Fatalf("join a team: %+v %v", got, err)
	}
	fig, err := f.svc.Figures(ctx, disp, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(fig.Teams) != 2 || fig.Teams[0].Team != "" || fig.Teams[0].Drivers != 2 || fig.Teams[1].Team != "兴海路分队" ||
		fig.Teams[1].Drivers != 1 || fig.Teams[1].Trips != 1 {
		t.Errorf("figures by team %+v", fig.Teams)
	}
}
