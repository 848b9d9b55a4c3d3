package household

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/calendar"
)

// The rules on a fake day: which households get a proactive order, and
// never one where an order of the same rule is open.
func TestEvaluateRules(t *testing.T) {
	now := time.Date(2026, 7, 20, 6, 0, 0, 0, calendar.China) // the job's hour
	day := func(d int) time.Time { return time.Date(2026, 7, d, 10, 0, 0, 0, calendar.China) }
	tag := func(tg Tag, recheck time.Time) TagRecord { return TagRecord{Tag: tg, RecheckBy: recheck} }
	far := day(1).AddDate(1, 0, 0)
	rules := DefaultRules() // 独居老人 10 days; alert day: 独居/失能/重病; every recheck
	heat := AlertDay{ID: 1, Day: Day(now), Kind: AlertHeat}
	coldTomorrow := AlertDay{ID: 2, Day: Day(now).AddDate(0, 0, 1), Kind: AlertCold}
	cases := []struct {
		name   string
		rules  []Rule
		alerts []AlertDay
		facts  Facts
		open   []RuleKind
		want   []RuleKind
		reason string
	}{
		{name: "alone elderly not visited for 10 days", facts: Facts{HouseholdID: 1, LastContact: day(10), Tags: []TagRecord{tag(TagAloneElderly, far)}},
			want: []RuleKind{RuleNoContact}, reason: "独居老人 10 天未联系"},
		{name: "alone elderly visited 9 days ago", facts: Facts{HouseholdID: 2, LastContact: day(11), Tags: []TagRecord{tag(TagAloneElderly, far)}}},
		{name: "a visit late last night counts as that day", facts: Facts{HouseholdID: 3, LastContact: time.Date(2026, 7, 10, 23, 50, 0, 0, calendar.China),
			Tags: []TagRecord{tag(TagAloneElderly, far)}}, want: []RuleKind{RuleNoContact}},
		{name: "subsistence household not visited for a month: not the rule's tag", facts: Facts{HouseholdID: 4, LastContact: day(1).AddDate(0, -1, 0),
			Tags: []TagRecord{tag(TagSubsistence, far)}}},
		{name: "an open order of the rule: none again", facts: Facts{HouseholdID: 5, LastContact: day(1), Tags: []TagRecord{tag(TagAloneElderly, far)}},
			open: []RuleKind{RuleNoContact}},
		{name: "a rule switched off", rules: []Rule{{Kind: RuleNoContact, Enabled: false, Days: 1, Tags: []Tag{TagAloneElderly}, EscalateDays: 1}},
			facts: Facts{HouseholdID: 6, LastContact: day(1), Tags: []TagRecord{tag(TagAloneElderly, far)}}},
		{name: "N changed by the admin", rules: []Rule{{Kind: RuleNoContact, Enabled: true, Days: 3, Tags: []Tag{TagAloneElderly, TagDisabledCare}, EscalateDays: 1}},
			facts: Facts{HouseholdID: 7, LastContact: day(17), Tags: []TagRecord{tag(TagDisabledCare, far)}}, want: []RuleKind{RuleNoContact}, reason: "失能 3 天未联系"},
		{name: "heat alert today, disabled care", alerts: []AlertDay{heat}, facts: Facts{HouseholdID: 8, LastContact: day(19),
			Tags: []TagRecord{tag(TagDisabledCare, far)}}, want: []RuleKind{RuleAlertDay}, reason: "高温预警日关心失能"},
		{name: "cold alert tomorrow: not yet", alerts: []AlertDay{coldTomorrow}, facts: Facts{HouseholdID: 9, LastContact: day(19),
			Tags: []TagRecord{tag(TagAloneElderly, far)}}},
		{name: "an alert naming its own tags", alerts: []AlertDay{{ID: 3, Day: Day(now), Kind: AlertCold, Tags: []Tag{TagLeftBehindChild}}},
			facts: Facts{HouseholdID: 10, LastContact: day(19), Tags: []TagRecord{tag(TagLeftBehindChild, far)}}, want: []RuleKind{RuleAlertDay},
			reason: "寒潮低温预警日关心留守儿童"},
		{name: "an alert's tags leave others out", alerts: []AlertDay{{ID: 3, Day: Day(now), Kind: AlertCold, Tags: []Tag{TagLeftBehindChild}}},
			facts: Facts{HouseholdID: 11, LastContact: day(19), Tags: []TagRecord{tag(TagAloneElderly, far)}}},
		{name: "recheck day passed yesterday", facts: Facts{HouseholdID: 12, LastContact: day(19), Tags: []TagRecord{tag(TagSubsistence, day(19))}},
			want: []RuleKind{RuleRecheck}, reason: "低保认定已到复核日期（2026-07-19）"},
		{name: "recheck day today: not yet", facts: Facts{HouseholdID: 13, LastContact: day(19), Tags: []TagRecord{tag(TagSubsistence, day(20))}}},
		{name: "recheck watching other tags", rules: []Rule{{Kind: RuleRecheck, Enabled: true, Tags: []Tag{TagExtremePoverty}, EscalateDays: 1}},
			facts: Facts{HouseholdID: 14, LastContact: day(19), Tags: []TagRecord{tag(TagSubsistence, day(1))}}},
		{name: "three rules at once", alerts: []AlertDay{heat}, facts: Facts{HouseholdID: 15, LastContact: day(1),
			Tags: []TagRecord{tag(TagAloneElderly, day(2))}}, want: []RuleKind{RuleNoContact, RuleAlertDay, RuleRecheck}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := c.rules
			if rs == nil {
				rs = rules
			}
			open := map[string]bool{}
			for _, r := range c.open {
				open[OpenKey(c.facts.HouseholdID, r)] = true
			}
			hits := Evaluate(rs, c.alerts, []Facts{c.facts}, open, now)
			if len(hits) != len(c.want) {
				t.Fatalf("hits %+v, want %v", hits, c.want)
			}
			for i, h := range hits {
				if h.Rule != c.want[i] || h.HouseholdID != c.facts.HouseholdID {
					t.Errorf("hit %d: %+v, want %s", i, h, c.want[i])
				}
			}
			if c.reason != "" && hits[0].Reason != c.reason {
				t.Errorf("reason %q, want %q", hits[0].Reason, c.reason)
			}
		})
	}
}

// An order nobody acts on goes up a step every EscalateDays, to the
// street at most; acted on, it stays.
func TestEscalationSteps(t *testing.T) {
	opened := time.Date(2026, 7, 20, 6, 0, 0, 0, calendar.China)
	p := Proactive{Step: StepCadre, SteppedAt: opened}
	cases := []struct {
		name    string
		p       Proactive
		acted   bool
		at      time.Time
		want    Step
		stepped bool
	}{
		{"a day later: not yet", p, false, opened.AddDate(0, 0, 1), StepCadre, false},
		{"two days later: to the grid worker", p, false, opened.AddDate(0, 0, 2), StepGridWorker, true},
		{"acted on: stays", p, true, opened.AddDate(0, 0, 9), StepCadre, false},
		{"from the grid worker to the community", Proactive{Step: StepGridWorker, SteppedAt: opened}, false, opened.AddDate(0, 0, 2), StepCommunity, true},
		{"from the community to the street", Proactive{Step: StepCommunity, SteppedAt: opened}, false, opened.AddDate(0, 0, 3), StepStreet, true},
		{"the street is the last step", Proactive{Step: StepStreet, SteppedAt: opened}, false, opened.AddDate(0, 0, 30), StepStreet, false},
		{"closed: stays", Proactive{Step: StepCadre, SteppedAt: opened, ClosedAt: &opened}, false, opened.AddDate(0, 0, 9), StepCadre, false},
	}
	for _, c := range cases {
		got, stepped := NextStep(c.p, c.acted, 2, c.at)
		if got != c.want || stepped != c.stepped {
			t.Errorf("%s: %s %v, want %s %v", c.name, got, stepped, c.want, c.stepped)
		}
	}
	if StepGridWorker.String() != "grid_worker" || StepStreet.String() != "street" {
		t.Error("step names")
	}
}

func TestRuleAndAlertInput(t *testing.T) {
	now := time.Date(2026, 7, 20, 9, 0, 0, 0, calendar.China)
	for _, c := range []struct {
		name  string
		r     Rule
		field string
	}{
		{"default no contact", DefaultRules()[0], ""},
		{"zero days", Rule{Kind: RuleNoContact, Enabled: true, Days: 0, Tags: []Tag{TagAloneElderly}, EscalateDays: 2}, "days"},
		{"no escalation", Rule{Kind: RuleNoContact, Enabled: true, Days: 7, Tags: []Tag{TagAloneElderly}, EscalateDays: 0}, "escalate_days"},
		{"unknown tag", Rule{Kind: RuleNoContact, Enabled: true, Days: 7, Tags: []Tag{"rich"}, EscalateDays: 2}, "tags"},
		{"no tag for an alert", Rule{Kind: RuleAlertDay, Enabled: true, EscalateDays: 2}, "tags"},
		{"every tag's recheck", Rule{Kind: RuleRecheck, Enabled: true, EscalateDays: 2}, ""},
		{"unknown kind", Rule{Kind: "birthday", EscalateDays: 2}, "kind"},
	} {
		err := c.r.Validate()
		if c.field == "" && err != nil || c.field != "" && (minsheng.ErrorCode(err) != minsheng.EINVALID || err.(*minsheng.Error).Field != c.field) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	past := AlertDay{Kind: AlertHeat, Day: Day(now).AddDate(0, 0, -1)}
	if err := past.Validate(now); err == nil || err.(*minsheng.Error).Field != "day" {
		t.Errorf("an alert day in the past: %v", err)
	}
	ok := AlertDay{Kind: AlertCold, Day: Day(now)}
	if err := ok.Validate(now); err != nil {
		t.Errorf("an alert today: %v", err)
	}
	if got := ParseTags(FormatTags([]Tag{TagAloneElderly, TagSubsistence})); len(got) != 2 || got[1] != TagSubsistence {
		t.Errorf("tags round trip: %v", got)
	}
}

// BenchmarkEvaluate evaluates the default rules with an alert day over
// 500,000 tagged households (the daily job's pure part); it prints the
// time per run and the orders called for.
func BenchmarkEvaluate(b *testing.B) {
	now := time.Date(2026, 7, 20, 6, 0, 0, 0, calendar.China)
	facts := make([]Facts, 500_000)
	for i := range facts {
		tag := Tags[i%len(Tags)]
		facts[i] = Facts{HouseholdID: int64(i + 1), LastContact: now.AddDate(0, 0, -(i % 30)),
			Tags: []TagRecord{{Tag: tag, RecheckBy: now.AddDate(0, 0, 365-i%400)}}}
	}
	alerts := []AlertDay{{ID: 1, Day: Day(now), Kind: AlertCold}}
	var hits []Hit
	b.ResetTimer()
	for b.Loop() {
		hits = Evaluate(DefaultRules(), alerts, facts, map[string]bool{}, now)
	}
	b.ReportMetric(float64(len(hits)), "orders")
}
