package household

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// This file holds proactive service (未诉先办): the trigger rules and the
// alert days a district admin sets, and the daily job that opens a
// proactive work order for each household a rule calls for (through the
// ticket engine, linked to the household, in one transaction) and
// escalates the orders nobody acted on, cadre → grid worker → community →
// street, each step an event on the household's timeline.

// Object types of proactive service in the timeline and the audit log.
const (
	ObjectTriggerRule = "household_trigger_rule"
	ObjectAlertDay    = "household_alert_day"
	// RelationProactive links a household to a proactive order.
	RelationProactive = "proactive"
)

// JobTriggers is the kind of the daily job of proactive service.
const JobTriggers = "households.triggers"

// MaxProactivePerRun caps the orders one run of the job opens, so that a
// first run over a large registry (or a rule set too wide) does not flood
// the handling units; the rest come on the next days.
const MaxProactivePerRun = 1000

// Triggers is the rules page: the rules, the alert days from today on,
// and the proactive orders the reader sees, open ones first.
type Triggers struct {
	Rules     []household.Rule       `json:"rules"`
	AlertDays []household.AlertDay   `json:"alert_days"`
	Orders    []*household.Proactive `json:"orders"`
	MayEdit   bool                   `json:"may_edit"` // the reader is an admin of the district
	Tags      []household.Tag        `json:"-"`
	Kinds     []household.AlertKind  `json:"-"`
	Steps     []household.Step       `json:"-"`
	Now       time.Time              `json:"-"`
}

// Triggers returns the rules, the coming alert days and the proactive
// orders under the reader's units (registry staff and leaders).
func (s *Service) Triggers(ctx context.Context, actor *org.User) (*Triggers, error) {
	if err := kit.Require(actor, household.RegistryRoles...); err != nil {
		return nil, err
	}
	out := &Triggers{MayEdit: kit.RequireDistrictAdmin(actor) == nil, Tags: household.Tags, Kinds: household.AlertKinds,
		Steps: household.Steps, Now: s.now()}
	f := store.ProactiveFilter{Limit: 300}
	if !kit.IsSystem(actor) {
		f.Paths = actor.ScopesAs(household.RegistryRoles...)
	}
	err := s.kit.Read(ctx, func(tx *store.Tx) (err error) {
		if out.Rules, err = store.TriggerRules(ctx, tx); err != nil {
			return err
		}
		if out.AlertDays, err = store.ListAlertDays(ctx, tx, household.Day(out.Now)); err != nil {
			return err
		}
		out.Orders, err = store.ListProactive(ctx, tx, f)
		return err
	})
	if out.AlertDays == nil {
		out.AlertDays = []household.AlertDay{}
	}
	if out.Orders == nil {
		out.Orders = []*household.Proactive{}
	}
	return out, err
}

// SaveRule changes a trigger rule: enabled, N days, tags, escalation
// days. District admins only.
func (s *Service) SaveRule(ctx context.Context, actor *org.User, r household.Rule) (*household.Rule, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	if r.Tags == nil {
		r.Tags = []household.Tag{}
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	now := s.now()
	r.UpdatedAt, r.UpdatedBy = &now, actor.ID
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		rs, err := store.TriggerRules(ctx, tx)
		if err != nil {
			return err
		}
		var old household.Rule
		for _, o := range rs {
			if o.Kind == r.Kind {
				old = o
			}
		}
		if err := store.SaveTriggerRule(ctx, tx, r); err != nil {
			return err
		}
		data := map[string]string{"kind": string(r.Kind)}
		if old.Enabled != r.Enabled {
			data["enabled"] = strconv.FormatBool(old.Enabled) + " → " + strconv.FormatBool(r.Enabled)
		}
		if old.Days != r.Days {
			data["days"] = strconv.Itoa(old.Days) + " → " + strconv.Itoa(r.Days)
		}
		if a, b := household.FormatTags(old.Tags), household.FormatTags(r.Tags); a != b {
			data["tags"] = a + " → " + b
		}
		if old.EscalateDays != r.EscalateDays {
			data["escalate_days"] = strconv.Itoa(old.EscalateDays) + " → " + strconv.Itoa(r.EscalateDays)
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectTriggerRule, Action: "update", Data: data,
			IP: minsheng.ClientAddr(ctx)})
		return err
	})
	return &r, err
}

// AddAlertDay records a heat or cold alert day: on that day the job opens
// a proactive order for each household of its tags (the alert_day rule's
// when it names none). District admins only.
func (s *Service) AddAlertDay(ctx context.Context, actor *org.User, a household.AlertDay) (*household.AlertDay, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	now := s.now()
	a.Note = strings.TrimSpace(a.Note)
	if !a.Day.IsZero() {
		a.Day = household.Day(a.Day)
	}
	if a.Tags == nil {
		a.Tags = []household.Tag{}
	}
	if err := a.Validate(now); err != nil {
		return nil, err
	}
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		a.ID, a.CreatedAt, a.CreatedBy = id, now, actor.ID
		if err := store.InsertAlertDay(ctx, tx, &a); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectAlertDay, ObjectID: id, Action: "create", Note: a.Note,
			Data: map[string]string{"kind": string(a.Kind), "day": a.Day.Format(time.DateOnly), "tags": household.FormatTags(a.Tags)},
			IP:   minsheng.ClientAddr(ctx)})
		return err
	})
	return &a, err
}

// RunResult says what one run of the job did.
type RunResult struct {
	Opened    []string // the numbers of the orders opened
	Escalated int
	Closed    int
}

// RunTriggers is the daily job (JobTriggers), in the job's transaction:
// it closes the proactive orders whose work order was answered or ended,
// escalates those nobody acted on for their rule's escalation days, then
// evaluates the rules at the clock's now and opens an order for each
// household a rule calls for — never a second open one for the same
// household and rule.
func (s *Service) RunTriggers(ctx context.Context, tx *store.Tx) (*RunResult, error) {
	now := s.now()
	res := &RunResult{}
	rules, err := store.TriggerRules(ctx, tx)
	if err != nil {
		return nil, err
	}
	ruleOf := map[household.RuleKind]household.Rule{}
	for _, r := range rules {
		ruleOf[r.Kind] = r
	}
	open, err := store.ListProactive(ctx, tx, store.ProactiveFilter{OpenOnly: true, Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	openKeys := map[string]bool{}
	for _, p := range open {
		done, err := s.followUp(ctx, tx, p, ruleOf[p.Rule], now, res)
		if err != nil {
			return nil, err
		}
		if !done {
			openKeys[household.OpenKey(p.HouseholdID, p.Rule)] = true
		}
	}
	alerts, err := store.ListAlertDays(ctx, tx, household.Day(now))
	if err != nil {
		return nil, err
	}
	facts, err := store.TriggerFacts(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, hit := range household.Evaluate(rules, alerts, facts, openKeys, now) {
		if len(res.Opened) >= MaxProactivePerRun {
			s.kit.Log().Warn("proactive service: the run's cap is reached; the rest open on the next run", "cap", MaxProactivePerRun)
			break
		}
		t, err := s.openProactive(ctx, tx, hit, now)
		if err != nil {
			return nil, err
		}
		res.Opened = append(res.Opened, t.Number)
	}
	return res, nil
}

// followUp closes an open order whose ticket is answered or ended, or
// escalates it one step when nobody acted on it in time. It reports
// whether the order is closed.
func (s *Service) followUp(ctx context.Context, tx *store.Tx, p *household.Proactive, r household.Rule, now time.Time, res *RunResult) (bool, error) {
	sys := kit.System()
	switch ticket.Status(p.TicketStatus) {
	case ticket.StatusReplied, ticket.StatusClosed, ticket.StatusResolvedAtIntake, ticket.StatusInvalid, ticket.StatusMerged:
		if err := store.CloseProactive(ctx, tx, p.ID, now); err != nil {
			return false, err
		}
		res.Closed++
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: sys, Object: ObjectHousehold, ObjectID: p.HouseholdID, Action: "proactive_closed",
			Data: map[string]string{"rule": string(p.Rule), "ticket": p.TicketNumber, "ticket_status": p.TicketStatus}})
		return true, err
	}
	h, err := store.GetHousehold(ctx, tx, p.HouseholdID)
	if err != nil {
		return false, err
	}
	// Acted on: the handling unit took the order, or someone visited the
	// household since the order's last step.
	acted := ticket.Status(p.TicketStatus) == ticket.StatusAcknowledged || (h.LastVisitAt != nil && h.LastVisitAt.After(p.SteppedAt))
	escalate := r.EscalateDays
	if escalate < 1 {
		escalate = 1
	}
	step, ok := household.NextStep(*p, acted, escalate, now)
	if !ok {
		return false, nil
	}
	if err := store.StepProactive(ctx, tx, p.ID, step, now); err != nil {
		return false, err
	}
	res.Escalated++
	data := map[string]string{"rule": string(p.Rule), "ticket": p.TicketNumber, "step": step.String(),
		"from": p.Step.String()}
	if u := stepUnit(h.UnitPath, step); u != 0 {
		data["unit"] = strconv.FormatInt(u, 10)
	}
	msgs, err := stepMessages(ctx, tx, h.UnitPath, step, 0, "household.proactive_escalated",
		"【未诉先办】"+p.Reason+"，工单 "+p.TicketNumber+" 逾期未处置，已升级至"+stepWords[step]+"，请及时联系处置。")
	if err != nil {
		return false, err
	}
	if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: sys, Object: ObjectHousehold, ObjectID: p.HouseholdID, Action: "proactive_escalated",
		Note: p.Reason, Data: data, Messages: msgs}); err != nil {
		return false, err
	}
	// A ticket in a unit's hands gets a reminder (催办) on its own
	// timeline too, so the unit sees the escalation where it works.
	if ticket.Status(p.TicketStatus) == ticket.StatusDispatched {
		t, err := s.tickets.LoadVisibleTx(ctx, tx, sys, strconv.FormatInt(p.TicketID, 10))
		if err != nil {
			return false, err
		}
		if err := s.tickets.ActTx(ctx, tx, t, 0, ticket.ActionRemind, "未诉先办逾期未处置，已升级至"+stepWords[step], nil, nil, nil); err != nil {
			return false, err
		}
	}
	return false, nil
}

// stepWords name the steps in the reminders written on tickets (Chinese:
// the handling units read them).
var stepWords = map[household.Step]string{household.StepCadre: "包联干部", household.StepGridWorker: "网格员",
	household.StepCommunity: "社区", household.StepStreet: "街道"}

// stepUnit returns the unit a step addresses, from the household's grid
// path (/district/street/community/grid/): the grid for the grid worker,
// then the community, then the street; 0 for the cadre (a person).
func stepUnit(path string, step household.Step) int64 {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	back := map[household.Step]int{household.StepGridWorker: 1, household.StepCommunity: 2, household.StepStreet: 3}[step]
	if back == 0 || len(parts) < back {
		return 0
	}
	id, _ := strconv.ParseInt(parts[len(parts)-back], 10, 64)
	return id
}

// openProactive opens the work order of a hit, links it to the household
// and records it, with the household's timeline event.
func (s *Service) openProactive(ctx context.Context, tx *store.Tx, hit household.Hit, now time.Time) (*ticket.Ticket, error) {
	sys := kit.System()
	h, err := store.GetHousehold(ctx, tx, hit.HouseholdID)
	if err != nil {
		return nil, err
	}
	desc := "未诉先办：" + hit.Reason + "。请包联干部主动联系或上门看望，了解需求并及时办理。"
	if hit.Alert != nil && hit.Alert.Note != "" {
		desc += "预警说明：" + hit.Alert.Note
	}
	in := ticket.NewTicket{Title: ticket.TitleFrom("未诉先办：" + hit.Reason), Description: desc, Kind: ticket.KindHelp,
		Urgency: ticket.UrgencyNormal, Channel: ticket.ChannelGrid, Address: h.Address}
	if hit.Urgent {
		in.Urgency = ticket.UrgencyUrgent
	}
	if head := h.Head(); head != nil {
		in.CallerName, in.CallerPhone = head.Name, head.Phone
	}
	t, err := s.tickets.OpenTicketTx(ctx, tx, sys, in)
	if err != nil {
		return nil, err
	}
	if err := s.tickets.LinkTx(ctx, tx, sys, t, ObjectHousehold, h.ID, RelationProactive); err != nil {
		return nil, err
	}
	id, err := tx.NextID(ctx)
	if err != nil {
		return nil, err
	}
	if err := store.InsertProactive(ctx, tx, &household.Proactive{ID: id, HouseholdID: h.ID, UnitPath: h.UnitPath, Rule: hit.Rule,
		Reason: hit.Reason, TicketID: t.ID, OpenedAt: now, Step: household.StepCadre, SteppedAt: now}); err != nil {
		return nil, err
	}
	data := map[string]string{"rule": string(hit.Rule), "ticket": t.Number, "tag": string(hit.Tag), "step": household.StepCadre.String()}
	var msgs []notify.Message
	if cur, err := currentCadre(ctx, tx, h.ID); err != nil {
		return nil, err
	} else if cur != nil {
		data["cadre"] = strconv.FormatInt(cur.CadreID, 10)
		if msgs, err = stepMessages(ctx, tx, h.UnitPath, household.StepCadre, cur.CadreID, "household.proactive_opened",
			"【未诉先办】您包联的户"+hit.Reason+"，已生成工单 "+t.Number+"，请主动联系或上门。"); err != nil {
			return nil, err
		}
	}
	if hit.Alert != nil {
		data["alert_day"] = strconv.FormatInt(hit.Alert.ID, 10)
	}
	_, err = s.kit.Record(ctx, tx, kit.Change{Actor: sys, Object: ObjectHousehold, ObjectID: h.ID, Action: "proactive_opened",
		Note: hit.Reason, Data: data, Messages: msgs})
	return t, err
}

// stepRoles are who is written to at each step above the cadre: the grid
// workers of the grid, the staff (handlers) of the community and of the
// street.
var stepRoles = map[household.Step]org.Role{household.StepGridWorker: org.RoleGridWorker, household.StepCommunity: org.RoleHandler,
	household.StepStreet: org.RoleHandler}

// stepMessages are the messages to the staff a step addresses (the cadre
// by id at the first step), by SMS to a phone, else by e-mail; the text
// names the order and the reason, never a person.
func stepMessages(ctx context.Context, tx *store.Tx, path string, step household.Step, cadreID int64, template, text string) ([]notify.Message, error) {
	var cs []store.Contact
	if step == household.StepCadre {
		c, err := store.GetUserContact(ctx, tx, cadreID)
		if err != nil {
			return nil, err
		}
		cs = []store.Contact{*c}
	} else if u := stepUnit(path, step); u != 0 {
		var err error
		if cs, err = store.UnitContacts(ctx, tx, u, stepRoles[step]); err != nil {
			return nil, err
		}
	}
	var out []notify.Message
	for _, c := range cs {
		m := notify.Message{Template: template, Lang: "zh", UserID: c.UserID, Body: text}
		switch {
		case c.Phone != "":
			m.Channel, m.To = notify.ChannelSMS, c.Phone
		case c.Email != "":
			m.Channel, m.To, m.Subject = notify.ChannelEmail, c.Email, "未诉先办"
		default:
			continue
		}
		out = append(out, m)
	}
	return out, nil
}
