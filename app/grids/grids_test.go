package grids_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/grids"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

var ctx = context.Background()

func setup(t *testing.T, db *store.DB) (*apptest.Fixture, *grids.Service) {
	f := apptest.New(t, db)
	return f, grids.New(f.Svc.Kit(), f.Svc)
}

func mustReport(t *testing.T, f *apptest.Fixture, s *grids.Service) *store.GridReport {
	t.Helper()
	lat, lng := 36.62, 101.75
	r, err := s.Report(ctx, f.Users["grid_worker"], grids.ReportInput{NewReport: grid.NewReport{Category: "P01",
		Title: "井盖缺失", Description: "海湖路18号门口井盖缺失，行人容易踩空", Address: "海湖路18号", Lat: &lat, Lng: &lng}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestReportLoop lives the GB/T 30428 loop: report → ticket → dispatch →
// acknowledge → reply → a failed 核查 (the close is refused) → reopen →
// reply → a passing 核查 closes the ticket.
func TestReportLoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, s := setup(t, db)
		ok := apptest.OK(t)
		gw, disp, h := f.Users["grid_worker"], f.Users["dispatcher"], f.Users["handler"]
		r := mustReport(t, f, s)
		if r.Status != grid.ReportRegistered || r.Ticket == "" || r.Class != grid.ClassPart || r.GridID != f.Grid.ID {
			t.Fatalf("report %+v", r)
		}
		tv := apptest.MustView(t, f, "dispatcher", r.Ticket)
		if tv.Ticket.Channel != ticket.ChannelGrid || tv.Ticket.Status != ticket.StatusRegistered {
			t.Errorf("ticket %+v", tv.Ticket)
		}
		err := db.Read(ctx, func(tx *store.Tx) error {
			links, err := store.ListLinks(ctx, tx, grids.ObjectReport, r.ID)
			if err != nil || len(links) != 1 || links[0].ToID != r.TicketID {
				t.Errorf("links %+v, %v", links, err)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ok(f.Svc.Dispatch(ctx, disp, r.Ticket, f.Community.ID, ""))
		ok(f.Svc.Acknowledge(ctx, h, r.Ticket, ""))
		ok(f.Svc.Reply(ctx, h, r.Ticket, "已更换井盖"))
		if got := report(t, s, gw, r.ID); got.Status != grid.ReportAwaitingCheck || !got.MayCheck {
			t.Fatalf("after reply: %s, may check %v", got.Status, got.MayCheck)
		}
		list, err := s.AwaitingCheck(ctx, gw)
		if err != nil || len(list) != 1 {
			t.Fatalf("awaiting check %d, %v", len(list), err)
		}
		// The centre cannot close before the grid worker's 核查.
		if _, err := f.Svc.Close(ctx, disp, r.Ticket, ""); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Fatalf("close before the check: %v", err)
		}
		// A failed check needs a note, and changes nothing without one.
		if _, err := s.Check(ctx, gw, r.ID, grids.CheckInput{Result: grid.CheckFail}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("fail without a note: %v", err)
		}
		got, err := s.Check(ctx, gw, r.ID, grids.CheckInput{Result: grid.CheckFail, Note: "井盖尺寸不符，仍有缝隙"})
		if err != nil || got.Status != grid.ReportCheckFailed || got.FailedChecks != 1 || got.TicketStatus != string(ticket.StatusReplied) {
			t.Fatalf("failed check: %+v, %v", got, err)
		}
		// Another grid's worker, or a handler, may not check.
		if _, err := s.Check(ctx, h, r.ID, grids.CheckInput{Result: grid.CheckPass}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("handler checks: %v", err)
		}
		ok(f.Svc.Reopen(ctx, disp, r.Ticket, "网格员核查未通过"))
		if got := report(t, s, gw, r.ID); got.Status != grid.ReportHandling {
			t.Fatalf("after reopen: %s", got.Status)
		}
		if _, err := s.Check(ctx, gw, r.ID, grids.CheckInput{Result: grid.CheckPass}); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("check with no reply: %v", err)
		}
		ok(f.Svc.Reply(ctx, h, r.Ticket, "已重新安装合格井盖"))
		got, err = s.Check(ctx, gw, r.ID, grids.CheckInput{Result: grid.CheckPass, Note: "现场查看已修复"})
		if err != nil || got.Status != grid.ReportClosed || got.ClosedAt == nil || got.Checks != 2 {
			t.Fatalf("passing check: %+v, %v", got, err)
		}
		tv = apptest.MustView(t, f, "dispatcher", r.Ticket)
		if tv.Ticket.Status != ticket.StatusClosed {
			t.Errorf("ticket %s", tv.Ticket.Status)
		}
		v := report(t, s, gw, r.ID)
		var actions []string
		for _, e := range v.Timeline {
			actions = append(actions, e.Action)
		}
		want := "report follow_ticket follow_ticket follow_ticket check follow_ticket follow_ticket check follow_ticket"
		if strings.Join(actions, " ") != want {
			t.Errorf("timeline %v\nwant %s", actions, want)
		}
		fig, err := s.ReportFigures(ctx, f.Users["leader"])
		if err != nil || fig.Total != 1 || fig.Checked != 1 || fig.PassedFirst != 0 || fig.ByCategory[0].Name != "公用设施类" {
			t.Errorf("figures %+v, %v", fig, err)
		}
	})
}

func report(t *testing.T, s *grids.Service, u *org.User, id int64) *grids.ReportView {
	t.Helper()
	v, err := s.GetReport(ctx, u, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestReportRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, s := setup(t, db)
		for name, c := range map[string]struct {
			user string
			in   grid.NewReport
			code string
		}{
			"agent":      {"agent", grid.NewReport{Category: "P01", Description: "d", Address: "a"}, minsheng.EFORBIDDEN},
			"category":   {"grid_worker", grid.NewReport{Category: "Z1", Description: "d", Address: "a"}, minsheng.EINVALID},
			"no address": {"grid_worker", grid.NewReport{Category: "E01", Description: "d"}, minsheng.EINVALID},
		} {
			if _, err := s.Report(ctx, f.Users[c.user], grids.ReportInput{NewReport: c.in}); !minsheng.IsCode(err, c.code) {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
		list, err := s.ListReports(ctx, f.Users["admin"], grids.ReportQuery{})
		if err != nil || len(list) != 0 {
			t.Errorf("reports after refusals: %d, %v", len(list), err)
		}
	})
}

// TestLedger lives an item through the ledger: found, assigned, rectified,
// submitted, ticked off by another person, reopened by a 回头看.
func TestLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, s := setup(t, db)
		leader, gw, h := f.Users["leader"], f.Users["grid_worker"], f.Users["handler"]
		deadline := apptest.Start.AddDate(0, 0, 30)
		if _, err := s.CreateCampaign(ctx, gw, grid.NewCampaign{Title: "x", UnitID: f.Street.ID, Deadline: deadline}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("grid worker starts a campaign: %v", err)
		}
		c, err := s.CreateCampaign(ctx, leader, grid.NewCampaign{Title: "安全隐患大排查", UnitID: f.Street.ID, Deadline: deadline})
		if err != nil {
			t.Fatal(err)
		}
		it, err := s.AddItem(ctx, gw, c.ID, grid.NewItem{Problem: "3号楼消防通道堆放杂物", Place: "海湖小区3号楼", UnitID: f.Grid.ID, Category: "安全隐患"})
		if err != nil || it.Status != grid.ItemFound || it.Seq != 1 || it.Deadline == nil {
			t.Fatalf("item %+v, %v", it, err)
		}
		if _, err := s.AddItem(ctx, gw, c.ID, grid.NewItem{Problem: "p", Place: "p", UnitID: f.OtherStreet.ID}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("item outside the scope: %v", err)
		}
		act := func(who string, in grids.ItemInput) (*store.LedgerItem, error) {
			return s.ActOnItem(ctx, f.Users[who], it.ID, in)
		}
		must := func(who string, in grids.ItemInput, want grid.ItemStatus) {
			t.Helper()
			got, err := act(who, in)
			if err != nil || got.Status != want {
				t.Fatalf("%s %s: %v, %v; want %s", who, in.Action, got, err, want)
			}
		}
		if _, err := act("handler", grids.ItemInput{Action: grid.ItemStart}); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("start before assignment: %v", err)
		}
		if _, err := act("leader", grids.ItemInput{Action: grid.ItemAssign}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("assign to nobody: %v", err)
		}
		must("leader", grids.ItemInput{Action: grid.ItemAssign, ResponsibleID: f.Community.ID}, grid.ItemAssigned)
		if _, err := act("other_handler", grids.ItemInput{Action: grid.ItemStart}); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Errorf("another street's handler: %v", err)
		}
		must("handler", grids.ItemInput{Action: grid.ItemStart}, grid.ItemRectifying)
		if _, err := act("handler", grids.ItemInput{Action: grid.ItemSubmit}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("submit without evidence: %v", err)
		}
		must("handler", grids.ItemInput{Action: grid.ItemSubmit, Note: "杂物已清理，照片见附件"}, grid.ItemSubmitted)
		must("grid_worker", grids.ItemInput{Action: grid.ItemReturn, Note: "仍有电动车停放"}, grid.ItemRectifying)
		must("handler", grids.ItemInput{Action: grid.ItemSubmit, Note: "电动车已移走"}, grid.ItemSubmitted)
		got, err := act("grid_worker", grids.ItemInput{Action: grid.ItemTickOff, Note: "现场核实通道畅通"})
		if err != nil || got.Status != grid.ItemTickedOff || got.TickedOffBy != gw.ID || got.SubmittedBy != h.ID {
			t.Fatalf("tick off: %+v, %v", got, err)
		}
		led, err := s.GetLedger(ctx, leader, c.ID, grids.LedgerQuery{})
		if err != nil || led.Progress.Found != 1 || led.Progress.TickedOff != 1 || len(led.Items) != 1 {
			t.Fatalf("ledger %+v, %v", led, err)
		}
		f.Clock.Advance(31 * 24 * time.Hour)
		must("grid_worker", grids.ItemInput{Action: grid.ItemRelapse, Note: "回头看：通道又被堵"}, grid.ItemReopened)
		v, err := s.GetItem(ctx, leader, it.ID)
		if err != nil || v.Relapses != 1 || v.TickedOffAt != nil || len(v.Timeline) != 8 || len(v.Actions) != 1 || v.Actions[0] != grid.ItemAssign {
			t.Fatalf("item view %+v, %v", v, err)
		}
		if grids.OpenReason(v.LedgerItem, f.Clock.Now()) != "overdue" {
			t.Errorf("reason %q", grids.OpenReason(v.LedgerItem, f.Clock.Now()))
		}
		led, _ = s.GetLedger(ctx, leader, c.ID, grids.LedgerQuery{})
		if led.Progress.TickedOff != 0 || led.Progress.Reopened != 1 || led.Progress.Overdue != 1 {
			t.Errorf("after relapse %+v", led.Progress)
		}
	})
}

// TestDiary drafts a diary from the day's work, saves, submits it, and
// lets the community read and comment.
func TestDiary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, s := setup(t, db)
		gw, h := f.Users["grid_worker"], f.Users["handler"]
		r := mustReport(t, f, s)
		d, err := s.Diary(ctx, gw, "")
		if err != nil || d.ID != 0 || !strings.Contains(d.Text, "井盖缺失（海湖路18号，工单"+r.Ticket+"）") {
			t.Fatalf("draft %+v, %v", d, err)
		}
		saved, err := s.SaveDiary(ctx, gw, grids.DiaryInput{Text: d.Text + "居民反映路灯昏暗。"})
		if err != nil || saved.ID == 0 || saved.Status != grid.DiaryDraft {
			t.Fatalf("save %+v, %v", saved, err)
		}
		mustReport(t, f, s)
		saved, err = s.SaveDiary(ctx, gw, grids.DiaryInput{Redraft: true})
		if err != nil || strings.Count(saved.Text, "井盖缺失") != 2 || !strings.HasSuffix(saved.Text, "居民反映路灯昏暗。") {
			t.Fatalf("redraft %q, %v", saved.Text, err)
		}
		if _, err := s.GetDiary(ctx, h, saved.ID); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Errorf("a draft read by the community: %v", err)
		}
		saved, err = s.SaveDiary(ctx, gw, grids.DiaryInput{Text: saved.Text, Submit: true})
		if err != nil || saved.Status != grid.DiarySubmitted {
			t.Fatalf("submit %+v, %v", saved, err)
		}
		if _, err := s.SaveDiary(ctx, gw, grids.DiaryInput{Text: "改"}); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("edit after submit: %v", err)
		}
		if _, err := s.ActOnDiary(ctx, h, saved.ID, grids.DiaryActInput{Action: grid.DiaryComment}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("empty comment: %v", err)
		}
		v, err := s.ActOnDiary(ctx, h, saved.ID, grids.DiaryActInput{Action: grid.DiaryComment, Note: "路灯问题请上报工单"})
		if err != nil {
			t.Fatal(err)
		}
		v, err = s.ActOnDiary(ctx, h, saved.ID, grids.DiaryActInput{Action: grid.DiaryMark})
		if err != nil || v.Status != grid.DiaryRead || v.ReadBy != h.ID || len(v.Timeline) != 5 {
			t.Fatalf("read %+v, %v", v, err)
		}
		if _, err := s.ActOnDiary(ctx, f.Users["other_handler"], saved.ID, grids.DiaryActInput{Action: grid.DiaryMark}); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Errorf("another street reads: %v", err)
		}
		list, err := s.ListDiaries(ctx, h)
		if err != nil || len(list) != 1 {
			t.Errorf("list %d, %v", len(list), err)
		}
	})
}

// TestUploadBoundaries sets grid areas from a FeatureCollection, and
// refuses the whole file for one bad feature.
func TestUploadBoundaries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, s := setup(t, db)
		poly := func(code string, lng float64) string {
			return `{"type":"Feature","properties":{"code":"` + code + `"},"geometry":{"type":"Polygon","coordinates":[[[` +
				ftoa(lng) + `,36.6],[` + ftoa(lng+0.01) + `,36.6],[` + ftoa(lng+0.01) + `,36.61],[` + ftoa(lng) + `,36.61],[` + ftoa(lng) + `,36.6]]]}}`
		}
		fc := func(fs ...string) []byte {
			return []byte(`{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`)
		}
		boundaries := func() int {
			var n int
			db.Read(ctx, func(tx *store.Tx) error {
				bs, err := store.ListBoundaries(ctx, tx)
				n = len(bs)
				return err
			})
			return n
		}
		for name, c := range map[string]struct {
			user  string
			body  []byte
			field string
		}{
			"open ring":    {"admin", []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"haihu-1"},"geometry":{"type":"Polygon","coordinates":[[[101.7,36.6],[101.8,36.6],[101.8,36.7]]]}}]}`), "features[0]"},
			"unknown unit": {"admin", fc(poly("haihu-1", 101.7), poly("nowhere", 101.8)), "features[1]"},
			"twice":        {"admin", fc(poly("haihu-1", 101.7), poly("haihu-1", 101.8)), "features[1]"},
			"not a fc":     {"admin", []byte(`{"type":"Polygon"}`), "geojson"},
		} {
			_, err := s.UploadBoundaries(ctx, f.Users[c.user], c.body)
			var e *minsheng.Error
			if !errors.As(err, &e) || e.Field != c.field {
				t.Errorf("%s: %v, want field %s", name, err, c.field)
			}
		}
		if _, err := s.UploadBoundaries(ctx, f.Users["grid_worker"], fc(poly("haihu-1", 101.7))); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a grid worker uploads: %v", err)
		}
		if n := boundaries(); n != 0 {
			t.Fatalf("refused uploads wrote %d boundaries", n)
		}
		up, err := s.UploadBoundaries(ctx, f.Users["admin"], fc(poly("haihu-1", 101.7), poly("haihu", 101.7)))
		if err != nil || len(up.Units) != 2 || boundaries() != 2 {
			t.Fatalf("upload %+v, %v", up, err)
		}
	})
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }
