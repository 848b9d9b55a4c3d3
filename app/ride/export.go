package ride

import (
	"context"
	"fmt"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/personal"
	rd "github.com/minsheng/minsheng/ride"
	"github.com/minsheng/minsheng/store"
)

var (
	statusZH = map[rd.Status]string{rd.StatusRequested: "已登记", rd.StatusScheduled: "待派车", rd.StatusOffered: "已派单待接",
		rd.StatusAccepted: "已接单", rd.StatusEnRoute: "前往接送", rd.StatusPickedUp: "已接到乘客", rd.StatusCompleted: "已完成",
		rd.StatusCancelled: "已取消", rd.StatusNoShow: "乘客未到", rd.StatusUnmet: "未满足需求"}
	purposeZH = map[rd.Purpose]string{rd.PurposeHospital: "就医", rd.PurposeDialysis: "透析", rd.PurposeExam: "检查",
		rd.PurposeEmergency: "急需", rd.PurposeOther: "其他"}
)

// TripsTable returns the rides with a pickup in [from, to) as the fleet
// keeps them in Excel (用车明细): one row a ride, in Chinese, the rider
// masked; with driverID, only that driver's completed trips, with their
// volunteer minutes and a total — the volunteer's record (志愿服务记录).
// For the desk and the leaders; a driver may take their own record.
func (s *Service) TripsTable(ctx context.Context, actor *org.User, from, to time.Time, driverID int64) (*app.Table, error) {
	if !to.After(from) || to.Sub(from) > 366*24*time.Hour {
		return nil, minsheng.FieldError("to", "the period must end after it begins, within a year").Because("period")
	}
	day := func(t time.Time) string { return t.In(calendar.China).Format("2006-01-02") }
	span := day(from) + "至" + day(to.Add(-time.Nanosecond))
	t := &app.Table{Name: "用车明细", Title: "爱心车队用车明细（" + span + "）",
		Columns: []string{"序号", "用车编号", "接送时间", "用途", "出发地", "目的地", "人数", "轮椅", "乘车人", "司机", "车牌", "状态",
			"志愿时长（分钟）", "里程（公里）", "工单编号", "说明"}}
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		if err := requireDesk(actor); err != nil && kit.Require(actor, org.RoleLeader) != nil {
			d, derr := actorDriver(ctx, tx, actor)
			if derr != nil || d == nil || driverID != d.ID {
				return err
			}
		}
		drivers, err := store.ListRideDrivers(ctx, tx)
		if err != nil {
			return err
		}
		names := map[int64]string{}
		for _, d := range drivers {
			names[d.ID] = d.Name
		}
		if driverID != 0 {
			if names[driverID] == "" {
				return minsheng.Errorf(minsheng.ENOTFOUND, "no driver %d", driverID)
			}
			t.Name, t.Title = "志愿服务记录", fmt.Sprintf("爱心车队志愿服务记录：%s（%s）", names[driverID], span)
		}
		vehicles, err := store.ListRideVehicles(ctx, tx)
		if err != nil {
			return err
		}
		plates := map[int64]string{}
		for _, v := range vehicles {
			plates[v.ID] = v.Plate
		}
		f := store.RideFilter{From: &from, To: &to, DriverID: driverID, Limit: 1_000_000}
		if driverID != 0 {
			f.Statuses = []rd.Status{rd.StatusCompleted}
		}
		rs, err := store.ListRides(ctx, tx, f)
		if err != nil {
			return err
		}
		numbers := map[int64]string{}
		total := 0
		for i, r := range rs {
			if r.TicketID != 0 && numbers[r.TicketID] == "" {
				tk, err := store.GetTicket(ctx, tx, r.TicketID)
				if err != nil {
					return err
				}
				numbers[r.TicketID] = tk.Number
			}
			var km any
			if r.OdometerStart != nil && r.OdometerEnd != nil {
				km = *r.OdometerEnd - *r.OdometerStart
			}
			var minutes any
			if m := r.VolunteerMinutes(); m > 0 {
				minutes, total = m, total+m
			}
			wheel := ""
			if r.Wheelchair {
				wheel = "是"
			}
			t.Rows = append(t.Rows, []any{i + 1, fmt.Sprint(r.ID), r.PickupAt, purposeZH[r.Purpose], r.Pickup, r.Destination, r.Passengers,
				wheel, personal.MaskName(r.RiderName), names[r.DriverID], plates[r.VehicleID], statusZH[r.Status], minutes, km,
				numbers[r.TicketID], r.Reason})
		}
		if driverID != 0 {
			t.Rows = append(t.Rows, []any{nil, "合计", nil, nil, nil, nil, nil, nil, nil, nil, nil, fmt.Sprintf("%d趟", len(rs)), total,
				nil, nil, fmt.Sprintf("%.1f小时", float64(total)/60)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}
