package app_test

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/geo"
	"github.com/minsheng/minsheng/routing"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// recordingJobs is a Scheduler that keeps the jobs it is given, so a test
// can run them when the fake clock reaches them.
type recordingJobs struct {
	mu   sync.Mutex
	jobs map[string]job
}

type job struct {
	key     string
	payload []byte
	at      time.Time
}

func (r *recordingJobs) Enqueue(_ context.Context, _ *store.Tx, kind, key string, payload []byte, at time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.jobs == nil {
		r.jobs = map[string]job{}
	}
	if _, ok := r.jobs[key]; !ok {
		r.jobs[key] = job{key, payload, at}
	}
	return nil
}

// due removes and returns the jobs due at now, earliest first.
func (r *recordingJobs) due(now time.Time) []job {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []job
	for k, j := range r.jobs {
		if !j.at.After(now) {
			out = append(out, j)
			delete(r.jobs, k)
		}
	}
	sort.Slice(out, func(i, k int) bool { return out[i].at.Before(out[k].at) })
	return out
}

var discard = slog.New(slog.DiscardHandler)

// withJobs rebuilds the fixture's service with a recording scheduler.
func withJobs(t *testing.T, db *store.DB) (*apptest.Fixture, *recordingJobs) {
	t.Helper()
	f := apptest.New(t, db)
	rec := &recordingJobs{}
	f.Svc = app.New(app.Config{DB: db, Clock: f.Clock, Jobs: rec, Logger: discard})
	t.Cleanup(f.Svc.Wait)
	return f, rec
}

// runDue runs every deadline job due at the fake clock's time.
func runDue(t *testing.T, f *apptest.Fixture, rec *recordingJobs) {
	t.Helper()
	for _, j := range rec.due(f.Clock.Now()) {
		if err := f.DB.Write(ctx, func(tx *store.Tx) error { return f.Svc.RunDeadlineJob(ctx, tx, j.payload) }); err != nil {
			t.Fatalf("job %s: %v", j.key, err)
		}
	}
}

func TestRoutingPlacesAndAutoDispatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, admin := f.Svc, f.Users["admin"]
		// The community covers a box; its street a larger one.
		street := geo.Box{MinLat: 36.60, MinLng: 101.70, MaxLat: 36.64, MaxLng: 101.74}
		community := geo.Box{MinLat: 36.61, MinLng: 101.71, MaxLat: 36.62, MaxLng: 101.72}
		if err := s.SetBoundary(ctx, admin, f.Street.ID, geo.Rectangle(street)); err != nil {
			t.Fatal(err)
		}
		if err := s.SetBoundary(ctx, admin, f.Community.ID, geo.Rectangle(community)); err != nil {
			t.Fatal(err)
		}
		if err := s.SetBoundary(ctx, admin, f.Community.ID, []byte(`{"type":"Point","coordinates":[1,2]}`)); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("a point as boundary: %v", err)
		}
		if _, err := s.CreateRoutingRule(ctx, f.Users["dispatcher"], routing.Rule{Name: "x", Kind: ticket.KindHelp, UnitID: f.Dept.ID}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("dispatcher created a rule: %v", err)
		}
		if _, err := s.CreateRoutingRule(ctx, admin, routing.Rule{Name: "燃气", Keywords: []string{"燃气", "煤气"}, UnitID: f.Dept.ID, Priority: 10, AutoDispatch: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateRoutingRule(ctx, admin, routing.Rule{Name: "物业", CategoryID: f.Category.ID, UnitID: f.OtherStreet.ID}); err != nil {
			t.Fatal(err)
		}

		lat, lng := 36.615, 101.715
		in := ticket.NewTicket{Description: "楼道里有很重的煤气味，请尽快来人", Kind: ticket.KindHelp, Lat: &lat, Lng: &lng}
		tk, _, err := s.CreateTicket(ctx, f.Users["agent"], in, "")
		if err != nil {
			t.Fatal(err)
		}
		if tk.Status != ticket.StatusDispatched || tk.UnitID != f.Dept.ID || tk.LocationUnitID != f.Community.ID || tk.ReplyBy == nil {
			t.Fatalf("auto-dispatched ticket = %+v", tk)
		}
		v := mustView(t, f, "dispatcher", tk.Number)
		if last := v.Events[len(v.Events)-1]; last.Action != ticket.ActionDispatch || last.ActorID != 0 || last.Data["rule"] != "燃气" {
			t.Fatalf("auto dispatch event = %+v", last)
		}

		in2 := ticket.NewTicket{Description: "物业不作为", Kind: ticket.KindComplaint, CategoryID: f.Category.ID, Lat: &lat, Lng: &lng}
		tk2, _, _ := s.CreateTicket(ctx, f.Users["agent"], in2, "")
		if tk2.Status != ticket.StatusRegistered || tk2.SuggestedUnitID != f.OtherStreet.ID {
			t.Fatalf("category rule: %+v", tk2)
		}
		// No rule: the street around the point is suggested.
		in3 := ticket.NewTicket{Description: "路灯不亮", Kind: ticket.KindReport, Lat: &lat, Lng: &lng}
		tk3, _, _ := s.CreateTicket(ctx, f.Users["agent"], in3, "")
		if tk3.SuggestedUnitID != f.Street.ID || tk3.LocationUnitID != f.Community.ID {
			t.Fatalf("fallback suggestion: %+v", tk3)
		}
	})
}

func TestSLARulesAndCalendarImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, admin := f.Svc, f.Users["admin"]
		_, err := s.CreateSLARule(ctx, admin, ticket.SLARule{CategoryID: f.Category.ID, SLA: ticket.SLA{
			Acknowledge: ticket.Span{WorkingHours: 2}, Reply: ticket.Span{WorkingDays: 2}, Callback: ticket.Span{WorkingDays: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateSLARule(ctx, admin, ticket.SLARule{SLA: ticket.SLA{}}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("empty SLA accepted: %v", err)
		}
		// A made-up notice for 2026 replaces the shipped one: 3-4 March off.
		notice := calendar.Year{Year: 2026, Holidays: []calendar.Holiday{{Name: "测试假", First: "2026-03-03", Last: "2026-03-04"}}}
		if err := s.ImportCalendarYear(ctx, admin, notice); err != nil {
			t.Fatal(err)
		}
		bad := calendar.Year{Year: 2026, Holidays: []calendar.Holiday{{Name: "甲", First: "2026-03-03", Last: "2026-03-05"}, {Name: "乙", First: "2026-03-05", Last: "2026-03-06"}}}
		if err := s.ImportCalendarYear(ctx, admin, bad); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("overlapping notice accepted: %v", err)
		}
		in := apptest.NewTicket()
		in.CategoryID = f.Category.ID
		tk, _, _ := s.CreateTicket(ctx, f.Users["agent"], in, "")
		// Dispatched Monday 2 March 09:00: 2 office hours → 11:00; 2 working days skipping 3-4 March → Friday 6 March.
		tk = ok(t)(s.Dispatch(ctx, f.Users["dispatcher"], tk.Number, f.Community.ID, ""))
		cst := calendar.China
		if got := tk.AcknowledgeBy.In(cst).Format("01-02 15:04"); got != "03-02 11:00" {
			t.Errorf("acknowledge_by = %s, want 03-02 11:00", got)
		}
		if got := tk.ReplyBy.In(cst).Format("01-02"); got != "03-06" {
			t.Errorf("reply_by = %s, want 03-06 (3 and 4 March are holidays now)", got)
		}
		d, err := s.DueDate(ctx, calendar.Date{Year: 2026, Month: 3, Day: 2}, 1)
		if err != nil || d.String() != "2026-03-05" {
			t.Errorf("DueDate = %s, %v", d, err)
		}
	})
}

func TestReturnsBecomeFinal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		if err := s.SetDispatchSettings(ctx, u["admin"], app.Settings{MaxReturns: 1, MaxExtensions: 1, MaxExtensionDays: 5, RemindBeforeHours: 4, EscalateAfterDays: 1}); err != nil {
			t.Fatal(err)
		}
		n := f.Dispatched(t).Number
		ok(t)(s.Return(ctx, u["handler"], n, app.ReturnWrongArea, "不在本社区"))
		tk := ok(t)(s.Redispatch(ctx, u["dispatcher"], n, f.Community.ID, "经核实属于该社区"))
		if !tk.FinalAssignment {
			t.Fatal("after the allowed returns the redispatch is not final")
		}
		_, err := s.Return(ctx, u["handler"], n, app.ReturnNotOurDuty, "再退")
		wantCode(t, err, minsheng.ECONFLICT)
		ok(t)(s.Acknowledge(ctx, u["handler"], n, ""))
	})
}

func TestExtensions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		n := f.Dispatched(t).Number // complaint: reply by 11 March
		ok(t)(s.Acknowledge(ctx, u["handler"], n, ""))
		_, err := s.RequestExtension(ctx, u["handler"], n, 99, "需要更换配件")
		wantCode(t, err, minsheng.EINVALID)
		_, err = s.DecideExtension(ctx, u["dispatcher"], n, true, "")
		wantCode(t, err, minsheng.ECONFLICT) // nothing asked
		tk := ok(t)(s.RequestExtension(ctx, u["handler"], n, 3, "需要等待厂家配件"))
		if tk.ExtensionDays != 3 {
			t.Fatalf("pending extension = %d", tk.ExtensionDays)
		}
		_, err = s.RequestExtension(ctx, u["handler"], n, 2, "再延")
		wantCode(t, err, minsheng.ECONFLICT)
		_, err = s.DecideExtension(ctx, u["handler"], n, true, "")
		wantCode(t, err, minsheng.EFORBIDDEN)
		tk = ok(t)(s.DecideExtension(ctx, u["dispatcher"], n, true, "同意"))
		if got := tk.ReplyBy.In(calendar.China).Format("2006-01-02"); got != "2026-03-16" || tk.ExtensionCount != 1 {
			t.Fatalf("after approval reply_by = %s (count %d), want 2026-03-16", got, tk.ExtensionCount)
		}
		_, err = s.RequestExtension(ctx, u["handler"], n, 1, "还要延")
		wantCode(t, err, minsheng.ECONFLICT) // the limit is one
		// A refusal needs a reason and leaves the deadline alone.
		m := f.Dispatched(t).Number
		ok(t)(s.RequestExtension(ctx, u["handler"], m, 2, "人手不足"))
		_, err = s.DecideExtension(ctx, u["dispatcher"], m, false, "")
		wantCode(t, err, minsheng.EINVALID)
		before := mustView(t, f, "dispatcher", m).Ticket.ReplyBy
		tk = ok(t)(s.DecideExtension(ctx, u["dispatcher"], m, false, "请按期办结"))
		if !tk.ReplyBy.Equal(*before) || tk.ExtensionDays != 0 {
			t.Fatalf("refusal changed the deadline: %v → %v", before, tk.ReplyBy)
		}
		// After the deadline it is too late to ask.
		f.Clock.Set(tk.ReplyBy.Add(time.Hour))
		_, err = s.RequestExtension(ctx, u["handler"], m, 2, "来不及了")
		wantCode(t, err, minsheng.ECONFLICT)
	})
}

func TestRemindersAndSupervisionOnTheFakeClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, rec := withJobs(t, db)
		s, u := f.Svc, f.Users
		n := f.Dispatched(t).Number
		tk := mustView(t, f, "dispatcher", n).Ticket
		// Not acknowledged by the end of Tuesday: supervised.
		f.Clock.Set(tk.AcknowledgeBy.Add(time.Minute))
		runDue(t, f, rec)
		ok(t)(s.Acknowledge(ctx, u["handler"], n, ""))
		// The reminder comes 4 office hours before the reply deadline (11 March 11:30).
		f.Clock.Set(time.Date(2026, 3, 11, 11, 29, 0, 0, calendar.China))
		runDue(t, f, rec)
		f.Clock.Set(time.Date(2026, 3, 11, 11, 31, 0, 0, calendar.China))
		runDue(t, f, rec)
		// Past the deadline: supervised; a working day later: escalated to the street.
		f.Clock.Set(tk.ReplyBy.Add(time.Minute))
		runDue(t, f, rec)
		f.Clock.Set(time.Date(2026, 3, 13, 0, 0, 1, 0, calendar.China))
		runDue(t, f, rec)
		v := mustView(t, f, "dispatcher", n)
		var got []string
		for _, e := range v.Events {
			if e.ActorID == 0 && e.Seq > 1 {
				got = append(got, string(e.Action)+"/"+e.Data["deadline"]+"/"+e.Data["level"]+e.Data["escalated_to"])
			}
		}
		want := []string{"supervise/acknowledge/1", "remind/reply/", "supervise/reply/1", "supervise/reply/2兴海路街道"}
		if len(got) != len(want) {
			t.Fatalf("automatic events = %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("automatic events = %v, want %v", got, want)
			}
		}
		if v.Events[len(v.Events)-1].At.Before(v.Events[len(v.Events)-2].At) {
			t.Fatal("events out of order")
		}

		// A ticket answered in time gets no supervision; an extension makes
		// the old jobs do nothing.
		m := f.Dispatched(t).Number
		ok(t)(s.Acknowledge(ctx, u["handler"], m, ""))
		ok(t)(s.RequestExtension(ctx, u["handler"], m, 2, "等待配件"))
		old := mustView(t, f, "dispatcher", m).Ticket.ReplyBy
		ok(t)(s.DecideExtension(ctx, u["dispatcher"], m, true, ""))
		f.Clock.Set(old.Add(time.Hour))
		runDue(t, f, rec)
		ok(t)(s.Reply(ctx, u["handler"], m, "已修复"))
		f.Clock.Set(old.AddDate(0, 0, 10))
		runDue(t, f, rec)
		for _, e := range mustView(t, f, "dispatcher", m).Events {
			if e.Action == ticket.ActionSupervise {
				t.Fatalf("ticket answered within its extended deadline was supervised: %+v", e)
			}
		}
	})
}
