package app_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

// setAutoDispatch sets the threshold, leaving the other settings as they are.
func setAutoDispatch(t *testing.T, f *apptest.Fixture, threshold float64) {
	t.Helper()
	st, err := f.Svc.DispatchSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.AutoDispatchConfidence = threshold
	if err := f.Svc.SetDispatchSettings(ctx, f.Users["admin"], st); err != nil {
		t.Fatalf("threshold %v: %v", threshold, err)
	}
}

// lift registers a clear case for the community: a broken lift.
func lift(t *testing.T, f *apptest.Fixture) *ticket.Ticket {
	t.Helper()
	in := apptest.NewTicket()
	in.Title, in.Description = "电梯故障无人维修", "楼道电梯坏了，物业不修电梯"
	tk, _, err := f.Svc.CreateTicket(ctx, f.Users["agent"], in, "")
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestAutoDispatchByClassifier(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		// The threshold is off or 0.5–1.
		for _, bad := range []float64{0.3, 1.2, -0.1} {
			st := app.DefaultSettings
			st.AutoDispatchConfidence = bad
			if err := f.Svc.SetDispatchSettings(ctx, f.Users["admin"], st); minsheng.ErrorCode(err) != minsheng.EINVALID {
				t.Errorf("threshold %v: %v", bad, err)
			}
		}
		// Not-a-number settings are refused too, and the stored settings
		// still load afterwards.
		for _, edit := range []func(*app.Settings){
			func(st *app.Settings) { st.RemindBeforeHours = math.NaN() },
			func(st *app.Settings) { st.RemindBeforeHours = math.Inf(1) },
			func(st *app.Settings) { st.AutoDispatchConfidence = math.NaN() },
		} {
			st := app.DefaultSettings
			edit(&st)
			if err := f.Svc.SetDispatchSettings(ctx, f.Users["admin"], st); minsheng.ErrorCode(err) != minsheng.EINVALID {
				t.Errorf("%+v: %v", st, err)
			}
		}
		if _, err := f.Svc.DispatchSettings(ctx); err != nil {
			t.Fatalf("settings no longer load: %v", err)
		}
		if st, _ := f.Svc.DispatchSettings(ctx); st.AutoDispatchConfidence != 0 {
			t.Errorf("automatic dispatch is on by default: %v", st.AutoDispatchConfidence)
		}

		// A threshold but no model: registration works, nothing is dispatched.
		setAutoDispatch(t, f, 0.5)
		if tk := lift(t, f); tk.Status != ticket.StatusRegistered {
			t.Fatalf("dispatched without a model: %s", tk.Status)
		}

		f.SaveModel(t, app.ModelUnit, f.UnitExamples(), "{}")

		// Off: never dispatched, whatever the model says.
		setAutoDispatch(t, f, 0)
		off := lift(t, f)
		if off.Status != ticket.StatusRegistered {
			t.Fatalf("threshold 0 dispatched the ticket: %s", off.Status)
		}
		sg := mustView(t, f, "dispatcher", off.Number).Suggestions
		if sg == nil || len(sg.Units) == 0 || sg.Units[0].ID != f.Community.ID {
			t.Fatalf("the model does not predict the community: %+v", sg)
		}
		conf := sg.Units[0].Confidence
		if conf < 0.5 || conf >= 1 {
			t.Fatalf("confidence %v: the test needs 0.5 ≤ c < 1", conf)
		}

		// At or below its confidence: dispatched by the system to the
		// predicted unit, with the confidence on the event.
		setAutoDispatch(t, f, 0.5)
		tk := lift(t, f)
		if tk.Status != ticket.StatusDispatched || tk.UnitID != f.Community.ID || tk.ReplyBy == nil {
			t.Fatalf("ticket %s is %s at unit %d", tk.Number, tk.Status, tk.UnitID)
		}
		v := mustView(t, f, "dispatcher", tk.Number)
		e := v.Events[len(v.Events)-1]
		if e.Action != ticket.ActionDispatch || e.ActorID != 0 || e.Data["auto"] != "classifier" || e.UnitID != f.Community.ID {
			t.Errorf("dispatch event %+v", e)
		}
		if c, err := strconv.ParseFloat(e.Data["confidence"], 64); err != nil || c < conf-0.001 || c > conf+0.001 {
			t.Errorf("event confidence %q, want %.3f", e.Data["confidence"], conf)
		}

		// Above its confidence: left for a dispatcher.
		setAutoDispatch(t, f, conf+(1-conf)/2)
		if tk := lift(t, f); tk.Status != ticket.StatusRegistered {
			t.Errorf("threshold above the confidence dispatched the ticket: %s", tk.Status)
		}
	})
}
