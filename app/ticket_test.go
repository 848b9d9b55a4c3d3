package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

var ctx = context.Background()

// mustView and ok are apptest.MustView and apptest.OK, short.
var (
	mustView = apptest.MustView
	ok       = apptest.OK
)

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := minsheng.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

func TestLifecycleWritesOneEventPerChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		tk := f.Register(t)
		if tk.Status != ticket.StatusRegistered || tk.Number == "" || tk.Version != 1 {
			t.Fatalf("registered ticket = %+v", tk)
		}
		n := tk.Number
		f.Clock.Advance(10 * time.Minute)
		tk = ok(t)(s.Dispatch(ctx, u["dispatcher"], n, f.Community.ID, "请尽快处理"))
		if tk.AcknowledgeBy == nil || tk.ReplyBy == nil || tk.UnitID != f.Community.ID {
			t.Fatalf("dispatched ticket lacks deadlines or unit: %+v", tk)
		}
		// A complaint gets 7 working days: dispatched Monday 2 March 2026.
		if got := tk.ReplyBy.In(apptest.Start.Location()).Format("2006-01-02"); got != "2026-03-11" {
			t.Fatalf("reply_by = %s, want 2026-03-11", got)
		}
		f.Clock.Advance(time.Hour)
		ok(t)(s.Acknowledge(ctx, u["handler"], n, ""))
		f.Clock.Advance(48 * time.Hour)
		tk = ok(t)(s.Reply(ctx, u["handler"], n, "已联系物业更换电梯主板，电梯于今日恢复运行。"))
		if tk.CallbackBy == nil || tk.RepliedAt == nil {
			t.Fatalf("replied ticket lacks callback deadline: %+v", tk)
		}
		yes := true
		ok(t)(s.Callback(ctx, u["agent"], n, app.CallbackResult{Resolved: &yes, Satisfaction: ticket.Satisfied, Note: "群众表示满意"}))
		tk = ok(t)(s.Close(ctx, u["dispatcher"], n, ""))
		if tk.Status != ticket.StatusClosed || tk.ClosedAt == nil || tk.Satisfaction != ticket.Satisfied {
			t.Fatalf("closed ticket = %+v", tk)
		}
		v := mustView(t, f, "dispatcher", n)
		want := []ticket.Action{ticket.ActionRegister, ticket.ActionDispatch, ticket.ActionAcknowledge,
			ticket.ActionReply, ticket.ActionCallback, ticket.ActionClose}
		if len(v.Events) != len(want) {
			t.Fatalf("timeline has %d events, want %d: %+v", len(v.Events), len(want), v.Events)
		}
		for i, e := range v.Events {
			if e.Action != want[i] || e.Seq != i+1 {
				t.Errorf("event %d = %s (seq %d), want %s", i, e.Action, e.Seq, want[i])
			}
			if i > 0 && e.At.Before(v.Events[i-1].At) {
				t.Errorf("event %d is earlier than the one before", i)
			}
		}
		if v.Events[1].Note != "请尽快处理" || v.Events[1].UnitID != f.Community.ID || v.Events[1].ActorName == "" {
			t.Errorf("dispatch event = %+v", v.Events[1])
		}
	})
}

func TestReturnRedispatchReopen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		n := f.Dispatched(t).Number
		_, err := s.Return(ctx, u["handler"], n, "not_our_duty", "")
		wantCode(t, err, minsheng.EINVALID) // a note is required
		tk := ok(t)(s.Return(ctx, u["handler"], n, app.ReturnNotOurDuty, "电梯维保属于住建部门职责"))
		if tk.Status != ticket.StatusReturned || tk.ReturnCount != 1 {
			t.Fatalf("returned = %+v", tk)
		}
		// The community can no longer act; the department can after redispatch.
		_, err = s.Acknowledge(ctx, u["handler"], n, "")
		wantCode(t, err, minsheng.ECONFLICT)
		tk = ok(t)(s.Redispatch(ctx, u["dispatcher"], n, f.Dept.ID, ""))
		if tk.UnitID != f.Dept.ID || tk.Status != ticket.StatusDispatched {
			t.Fatalf("redispatched = %+v", tk)
		}
		// Once it belongs to another unit the community no longer sees it.
		_, err = s.Acknowledge(ctx, u["handler"], n, "")
		wantCode(t, err, minsheng.ENOTFOUND)
		ok(t)(s.Acknowledge(ctx, u["dept_handler"], n, ""))
		ok(t)(s.Reply(ctx, u["dept_handler"], n, "已督促维保单位维修。"))
		no := false
		ok(t)(s.Callback(ctx, u["agent"], n, app.CallbackResult{Resolved: &no, Satisfaction: ticket.Unsatisfied, Note: "电梯仍时好时坏"}))
		tk = ok(t)(s.Reopen(ctx, u["dispatcher"], n, "回访不满意，电梯仍有故障"))
		if tk.Status != ticket.StatusReopened || tk.ReopenCount != 1 {
			t.Fatalf("reopened = %+v", tk)
		}
		tk = ok(t)(s.Reply(ctx, u["dept_handler"], n, "已更换整机控制系统并复检合格。"))
		if tk.Status != ticket.StatusReplied {
			t.Fatalf("second reply = %+v", tk)
		}
	})
}

func TestMergeInvalidateResolveAtIntake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		parent, child := f.Dispatched(t), f.Register(t)
		_, err := s.Merge(ctx, u["dispatcher"], child.Number, child.Number, "")
		wantCode(t, err, minsheng.EINVALID)
		tk := ok(t)(s.Merge(ctx, u["dispatcher"], child.Number, parent.Number, "同一部电梯"))
		if tk.Status != ticket.StatusMerged || tk.ParentID != parent.ID {
			t.Fatalf("merged = %+v", tk)
		}
		pv := mustView(t, f, "dispatcher", parent.Number)
		last := pv.Events[len(pv.Events)-1]
		if last.Action != ticket.ActionMerge || last.Data["child"] != child.Number || pv.Ticket.Status != ticket.StatusDispatched {
			t.Fatalf("parent's timeline does not note the merge: %+v", last)
		}
		third := f.Register(t)
		_, err = s.Merge(ctx, u["dispatcher"], third.Number, child.Number, "")
		wantCode(t, err, minsheng.EINVALID) // cannot merge into a merged ticket

		inv := ok(t)(s.Invalidate(ctx, u["agent"], third.Number, "测试电话"))
		if inv.Status != ticket.StatusInvalid {
			t.Fatalf("invalid = %+v", inv)
		}
		q := f.Register(t)
		tk = ok(t)(s.ResolveAtIntake(ctx, u["agent"], q.Number, "已告知办理流程和所需材料。"))
		if tk.Status != ticket.StatusResolvedAtIntake || tk.Reply == "" {
			t.Fatalf("resolved at intake = %+v", tk)
		}
		ok(t)(s.Close(ctx, u["dispatcher"], q.Number, ""))
		_, err = s.Reopen(ctx, u["dispatcher"], q.Number, "群众不满意")
		wantCode(t, err, minsheng.ECONFLICT)
	})
}

func TestPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		_, _, err := s.CreateTicket(ctx, u["leader"], apptest.NewTicket(), "")
		wantCode(t, err, minsheng.EFORBIDDEN)
		_, _, err = s.CreateTicket(ctx, u["handler"], apptest.NewTicket(), "")
		wantCode(t, err, minsheng.EFORBIDDEN)
		tk := f.Register(t)
		// Handlers do not see what is not yet dispatched to them.
		_, err = s.Dispatch(ctx, u["handler"], tk.Number, f.Community.ID, "")
		wantCode(t, err, minsheng.ENOTFOUND)
		// The leader sees it but may not dispatch.
		_, err = s.Dispatch(ctx, u["leader"], tk.Number, f.Community.ID, "")
		wantCode(t, err, minsheng.EFORBIDDEN)
		_, err = s.Dispatch(ctx, u["dispatcher"], tk.Number, f.District.ID, "")
		wantCode(t, err, minsheng.EINVALID) // the district itself does not handle
		_, err = s.Dispatch(ctx, u["dispatcher"], tk.Number, 999999, "")
		wantCode(t, err, minsheng.EINVALID)
		ok(t)(s.Dispatch(ctx, u["dispatcher"], tk.Number, f.Community.ID, ""))

		// Visibility: a handler of another street does not see the ticket at all.
		_, err = s.GetTicket(ctx, u["other_handler"], tk.Number)
		wantCode(t, err, minsheng.ENOTFOUND)
		_, err = s.Acknowledge(ctx, u["other_handler"], tk.Number, "")
		wantCode(t, err, minsheng.ENOTFOUND)
		// The street above the community sees it and may act for it.
		v := mustView(t, f, "street_handler", tk.Number)
		if len(v.Actions) != 4 { // acknowledge, return, attach, request_extension
			t.Fatalf("street handler's actions = %v", v.Actions)
		}
		// A grid worker's own report is visible to them; others' are not.
		g, _, err := s.CreateTicket(ctx, u["grid_worker"], ticket.NewTicket{Description: "巡查发现井盖缺失", Kind: ticket.KindReport, Channel: ticket.ChannelGrid}, "")
		if err != nil {
			t.Fatal(err)
		}
		mustView(t, f, "grid_worker", g.Number)
		_, err = s.GetTicket(ctx, u["grid_worker"], tk.Number)
		wantCode(t, err, minsheng.ENOTFOUND)
		page, err := s.ListTickets(ctx, u["grid_worker"], app.ListQuery{})
		if err != nil || len(page.Tickets) != 1 || page.Tickets[0].Number != g.Number {
			t.Fatalf("grid worker's list = %+v, %v", page, err)
		}
		page, err = s.ListTickets(ctx, u["other_handler"], app.ListQuery{})
		if err != nil || len(page.Tickets) != 0 {
			t.Fatalf("other street's handler lists %d tickets, want 0 (err %v)", len(page.Tickets), err)
		}
		page, err = s.ListTickets(ctx, u["leader"], app.ListQuery{})
		if err != nil || len(page.Tickets) != 2 {
			t.Fatalf("district leader lists %d tickets, want 2 (err %v)", len(page.Tickets), err)
		}
		// Admin functions.
		_, err = s.ListUsers(ctx, u["dispatcher"])
		wantCode(t, err, minsheng.EFORBIDDEN)
		_, err = s.CreateUnit(ctx, u["agent"], app.NewUnit{ParentID: f.District.ID, Kind: "street", Code: "x", Name: "x"})
		wantCode(t, err, minsheng.EFORBIDDEN)
	})
}

func TestMaskingAndAuditedReveal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		tk := f.Dispatched(t)
		if tk.CallerPhone != "138****1234" || tk.CallerName != "王**" {
			t.Fatalf("use case returned unmasked data: %q %q", tk.CallerName, tk.CallerPhone)
		}
		for _, name := range []string{"agent", "dispatcher", "handler", "leader", "admin"} {
			v := mustView(t, f, name, tk.Number)
			if v.Ticket.CallerPhone != "138****1234" {
				t.Errorf("%s sees phone %q", name, v.Ticket.CallerPhone)
			}
		}
		for _, name := range []string{"agent", "dispatcher", "handler", "street_handler"} {
			c, err := s.RevealCaller(ctx, u[name], tk.Number, "回访来电人", "127.0.0.1")
			if err != nil || c.Phone != "13897001234" || c.Name != "王秀兰" {
				t.Fatalf("reveal as %s = %+v, %v", name, c, err)
			}
		}
		for _, name := range []string{"leader", "admin", "dept_handler", "grid_worker"} {
			_, err := s.RevealCaller(ctx, u[name], tk.Number, "回访来电人", "127.0.0.1")
			if code := minsheng.ErrorCode(err); code != minsheng.EFORBIDDEN && code != minsheng.ENOTFOUND {
				t.Fatalf("reveal as %s: %v", name, err)
			}
		}
		entries, err := s.TicketAudit(ctx, u["admin"], tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 4 {
			t.Fatalf("audit has %d entries, want 4 (one per successful reveal): %+v", len(entries), entries)
		}
		if entries[0].ActorID != u["agent"].ID || entries[0].Action != "reveal_personal" || entries[0].IP != "127.0.0.1" {
			t.Fatalf("first audit entry = %+v", entries[0])
		}
		_, err = s.TicketAudit(ctx, u["agent"], tk.Number)
		wantCode(t, err, minsheng.EFORBIDDEN)
		// Searching by phone is for the roles that handle callers.
		page, err := s.ListTickets(ctx, u["agent"], app.ListQuery{CallerPhone: "138 9700 1234"})
		if err != nil || len(page.Tickets) != 1 {
			t.Fatalf("agent's phone search = %+v, %v", page, err)
		}
		_, err = s.ListTickets(ctx, u["leader"], app.ListQuery{CallerPhone: "13897001234"})
		wantCode(t, err, minsheng.EFORBIDDEN)
	})
}

func TestIdempotentCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, agent := f.Svc, f.Users["agent"]
		in := apptest.NewTicket()
		first, created, err := s.CreateTicket(ctx, agent, in, "call-0001")
		if err != nil || !created {
			t.Fatalf("first create: %v created=%v", err, created)
		}
		again, created, err := s.CreateTicket(ctx, agent, in, "call-0001")
		if err != nil || created || again.Number != first.Number {
			t.Fatalf("retry = %v %v %v; want the first ticket %s", again, created, err, first.Number)
		}
		other := in
		other.Title = "另一件事"
		_, _, err = s.CreateTicket(ctx, agent, other, "call-0001")
		wantCode(t, err, minsheng.EIDEMPOTENCY)
		// Another user's key space is separate.
		_, created, err = s.CreateTicket(ctx, f.Users["dispatcher"], in, "call-0001")
		if err != nil || !created {
			t.Fatalf("same key by another user: %v created=%v", err, created)
		}

		// Concurrent retries of one request create one ticket.
		var wg sync.WaitGroup
		numbers := make(chan string, 16)
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tk, _, err := s.CreateTicket(ctx, agent, in, "call-0002")
				if err != nil {
					t.Errorf("concurrent create: %v", err)
					return
				}
				numbers <- tk.Number
			}()
		}
		wg.Wait()
		close(numbers)
		seen := map[string]bool{}
		for n := range numbers {
			seen[n] = true
		}
		if len(seen) != 1 {
			t.Fatalf("16 concurrent retries created %d tickets: %v", len(seen), seen)
		}
		page, _ := s.ListTickets(ctx, agent, app.ListQuery{})
		if len(page.Tickets) != 3 {
			t.Fatalf("%d tickets exist, want 3", len(page.Tickets))
		}
	})
}

func TestConcurrentConflictingActions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		second, err := s.CreateUser(ctx, kit.System(), app.NewUser{Username: "dispatcher2", Name: "第二派单员", Role: "dispatcher", UnitID: f.District.ID, Password: "password-2"})
		if err != nil {
			t.Fatal(err)
		}
		for round := 0; round < 10; round++ {
			tk := f.Register(t)
			type result struct {
				tk  *ticket.Ticket
				err error
			}
			results := make(chan result, 2)
			start := make(chan struct{})
			for i, d := range []struct {
				unit int64
				user string
			}{{f.Community.ID, "dispatcher"}, {f.Dept.ID, "dispatcher2"}} {
				actor := u["dispatcher"]
				if i == 1 {
					actor = second
				}
				go func() {
					<-start
					r, err := s.Dispatch(ctx, actor, tk.Number, d.unit, "")
					results <- result{r, err}
				}()
			}
			close(start)
			var wins, conflicts int
			for i := 0; i < 2; i++ {
				r := <-results
				switch {
				case r.err == nil:
					wins++
				case minsheng.IsCode(r.err, minsheng.ECONFLICT):
					conflicts++
					var e *minsheng.Error
					if ae, ok := r.err.(*minsheng.Error); ok {
						e = ae
					}
					if e == nil || e.Status != string(ticket.StatusDispatched) {
						t.Fatalf("conflict does not name the current status: %v", r.err)
					}
				default:
					t.Fatalf("round %d: unexpected error %v", round, r.err)
				}
			}
			if wins != 1 || conflicts != 1 {
				t.Fatalf("round %d: %d won and %d conflicted; want exactly one each", round, wins, conflicts)
			}
			v := mustView(t, f, "dispatcher", tk.Number)
			if len(v.Events) != 2 {
				t.Fatalf("round %d: %d events, want register + one dispatch", round, len(v.Events))
			}
		}
	})
}

func TestTicketNumbersUniquePerDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		var wg sync.WaitGroup
		var mu sync.Mutex
		seen := map[string]bool{}
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], apptest.NewTicket(), "")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seen[tk.Number] = true
				mu.Unlock()
			}()
		}
		wg.Wait()
		if len(seen) != 40 {
			t.Fatalf("40 creations gave %d distinct numbers", len(seen))
		}
		for i := 1; i <= 40; i++ {
			if n := fmt.Sprintf("20260302-%05d", i); !seen[n] {
				t.Fatalf("number %s missing: numbers are not the day's sequence", n)
			}
		}
	})
}

func TestHandlerMayNotDoDispatcherWork(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, u := f.Svc, f.Users
		n := f.Dispatched(t).Number
		ok(t)(s.Acknowledge(ctx, u["handler"], n, ""))
		ok(t)(s.Reply(ctx, u["handler"], n, "已处理。"))
		_, err := s.Close(ctx, u["handler"], n, "")
		wantCode(t, err, minsheng.EFORBIDDEN)
		_, err = s.Reopen(ctx, u["handler"], n, "再办一次")
		wantCode(t, err, minsheng.EFORBIDDEN)
		yes := true
		_, err = s.Callback(ctx, u["handler"], n, app.CallbackResult{Resolved: &yes, Satisfaction: ticket.Satisfied})
		wantCode(t, err, minsheng.EFORBIDDEN)
		v := mustView(t, f, "dispatcher", n)
		if v.Ticket.Status != ticket.StatusReplied || len(v.Events) != 4 {
			t.Fatalf("refused actions changed the ticket: %s with %d events", v.Ticket.Status, len(v.Events))
		}
	})
}
