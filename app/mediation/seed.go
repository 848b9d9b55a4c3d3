package mediation

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/mediation"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// Seed adds the mediation centre's part of the demo district, after the
// core's: the demo's dispute calls turned into cases by its agent,
// walk-ins and referrals, each lived through the use cases as far as its
// story goes — an agreement being performed, one in default with its
// 司法确认 prompt, one performed and closed, one failed and referred to
// court, one declined, a repeat dispute, and cases still waiting. Without
// the demo's users (agent, mediator) or dispute categories it adds nothing.
func Seed(ctx context.Context, s *Service) error {
	var agent, med *org.User
	var cats map[string]int64
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		var err error
		if agent, err = store.GetUserByUsername(ctx, tx, "agent"); err != nil {
			return err
		}
		if med, err = store.GetUserByUsername(ctx, tx, "mediator"); err != nil {
			return err
		}
		cs, err := store.ListCategories(ctx, tx)
		if err != nil {
			return err
		}
		cats = map[string]int64{}
		for _, c := range cs {
			cats[c.Code] = c.ID
		}
		return nil
	})
	if minsheng.IsCode(err, minsheng.ENOTFOUND) || cats["dispute.neighbour.leak"] == 0 {
		return nil
	}
	if err != nil {
		return err
	}
	sd := &seeder{s: s, agent: agent, med: med, now: s.kit.Now()}
	return sd.run(ctx, cats)
}

type seeder struct {
	s          *Service
	agent, med *org.User
	now        time.Time
	err        error
}

func (d *seeder) check(err error, what string) {
	if err != nil && d.err == nil {
		d.err = fmt.Errorf("%s: %w", what, err)
	}
}

// call finds the demo's newest hotline ticket of the category that is not
// a case yet: the dispute call a case is opened from. Without one (a demo
// seeded without tickets) the story is told as a walk-in.
func (d *seeder) call(ctx context.Context, cat int64) *ticket.Ticket {
	if d.err != nil || cat == 0 {
		return nil
	}
	var out *ticket.Ticket
	d.check(d.s.kit.Read(ctx, func(tx *store.Tx) error {
		ts, err := store.ListTickets(ctx, tx, store.TicketFilter{CategoryID: cat, Limit: 20})
		if err != nil {
			return err
		}
		for _, t := range ts {
			cs, err := store.ListMediationCases(ctx, tx, store.MediationFilter{TicketID: t.ID, Limit: 1})
			if err != nil {
				return err
			}
			if len(cs) == 0 && t.CallerName != "" {
				out = t
				return nil
			}
		}
		return nil
	}), "find a dispute call")
	return out
}

// fromCall registers a case from the call when there is one (its caller
// the applicant, its address the case's), else as a walk-in with the
// applicant given.
func (d *seeder) fromCall(ctx context.Context, t *ticket.Ticket, typ mediation.Type, title, address string, applicant mediation.NewParty, respondents ...mediation.NewParty) *mediation.Case {
	in := Registration{NewCase: mediation.NewCase{Type: typ, Title: title, Parties: respondents}}
	if t != nil {
		in.TicketRef = t.Number
		return d.open(ctx, d.agent, in)
	}
	in.Source, in.Address = mediation.SourceWalkIn, address
	in.Parties = append([]mediation.NewParty{applicant}, respondents...)
	return d.open(ctx, d.med, in)
}

func (d *seeder) open(ctx context.Context, actor *org.User, in Registration) *mediation.Case {
	if d.err != nil {
		return nil
	}
	if in.UnitID == 0 {
		in.UnitID = d.med.UnitID
	}
	c, err := d.s.Register(ctx, actor, in)
	d.check(err, "case "+in.Title)
	return c
}

func (d *seeder) act(ctx context.Context, c *mediation.Case, note string, as ...mediation.Action) {
	for _, a := range as {
		if d.err != nil || c == nil {
			return
		}
		_, err := d.s.Act(ctx, d.med, c.Number, a, note)
		d.check(err, string(a)+" "+c.Number)
	}
}

func (d *seeder) sessions(ctx context.Context, c *mediation.Case, records ...string) {
	for i, rec := range records {
		if d.err != nil || c == nil {
			return
		}
		s, err := d.s.ScheduleSession(ctx, d.med, c.Number, NewSession{At: d.now.AddDate(0, 0, -20+i*3), Place: "城西区矛盾纠纷调解中心第二调解室",
			Participants: "双方当事人、社区网格员、人民调解员"})
		d.check(err, "session")
		if err == nil {
			_, err = d.s.RecordSession(ctx, d.med, c.Number, s.Seq, rec)
			d.check(err, "record")
		}
	}
}

func (d *seeder) agree(ctx context.Context, c *mediation.Case, terms string, effective time.Time, sched []mediation.Instalment) {
	if d.err != nil || c == nil {
		return
	}
	_, err := d.s.RecordAgreement(ctx, d.med, c.Number, mediation.NewAgreement{Terms: terms, SignMode: mediation.SignPaper,
		Effective: effective, Schedule: sched})
	d.check(err, "agreement "+c.Number)
}

func (d *seeder) run(ctx context.Context, cats map[string]int64) error {
	day := mediation.Day(d.now)
	p := func(side mediation.Side, name, phone string) mediation.NewParty {
		return mediation.NewParty{Side: side, Kind: mediation.PartyPerson, Name: name, Phone: phone}
	}
	app, resp := mediation.SideApplicant, mediation.SideRespondent

	// 1. A leak between neighbours, from the hotline: two sessions, an
	// agreement in two instalments, the first performed.
	c1 := d.fromCall(ctx, d.call(ctx, cats["dispute.neighbour.leak"]), mediation.TypeNeighbour, "楼上漏水损害赔偿纠纷",
		"城西区海湖路18号海湖小区3号楼502室", p(app, "马秀英", "13897410021"), p(resp, "韩国庆", "13997410088"))
	d.act(ctx, c1, "", mediation.ActionAccept, mediation.ActionInvestigate)
	d.sessions(ctx, c1, "双方陈述漏水经过及损失情况，物业出具漏水检测报告，确认漏水源为楼上卫生间防水层老化。",
		"经背靠背沟通后面对面协商，被申请人同意重做防水并赔偿墙面修复费用 3000 元，分两期支付。")
	d.agree(ctx, c1, "一、韩国庆于协议生效后十五日内重做卫生间防水层；二、韩国庆赔偿马秀英墙面修复费用 3000 元，分两期支付，每期 1500 元。",
		d.now.AddDate(0, 0, -14), []mediation.Instalment{{Due: day.AddDate(0, 0, -7), AmountFen: 150000, What: "第一期赔偿款"},
			{Due: day.AddDate(0, 0, 23), AmountFen: 150000, What: "第二期赔偿款"}})
	if c1 != nil && d.err == nil {
		_, err := d.s.PayInstalment(ctx, d.med, c1.Number, 1)
		d.check(err, "pay")
	}

	// 2. Support of a parent, from the hotline: the first monthly payment
	// was missed; the job puts the case in default and prompts for
	// 司法确认 within the 30 days.
	c2 := d.fromCall(ctx, d.call(ctx, cats["dispute.family.support"]), mediation.TypeFamily, "赡养费纠纷",
		"城西区虎台街道虎台三路6号", p(app, "冶玉兰", "13709710035"), p(resp, "冶永福", "13519710046"), p(resp, "冶永贵", "13619710057"))
	d.act(ctx, c2, "", mediation.ActionAccept)
	d.sessions(ctx, c2, "召集老人及两个儿子到调解中心，讲解赡养义务相关法律规定，双方同意按月支付赡养费。")
	d.agree(ctx, c2, "冶永福、冶永贵每人每月向冶玉兰支付赡养费 500 元，每月 5 日前支付，并轮流每周看望老人一次。",
		d.now.AddDate(0, 0, -12), []mediation.Instalment{{Due: day.AddDate(0, 0, -8), AmountFen: 100000, What: "赡养费（当月）"},
			{Due: day.AddDate(0, 0, 22), AmountFen: 100000, What: "赡养费（次月）"}})
	if c2 != nil && d.err == nil {
		d.check(d.s.kit.Write(ctx, func(tx *store.Tx) error {
			return d.s.RunInstalmentJob(ctx, tx, []byte(`{"case":"`+strconv.FormatInt(c2.ID, 10)+`"}`))
		}), "instalment job")
	}

	// 3. Noise, from the hotline: agreed on the spot, performed, visited
	// and closed.
	c3 := d.fromCall(ctx, d.call(ctx, cats["dispute.neighbour.noise"]), mediation.TypeNeighbour, "噪音扰邻纠纷",
		"城西区兴海路街道文亭巷12号2单元301室", p(app, "李桂芳", "13897420033"), p(resp, "王建军", "13997420044"))
	d.act(ctx, c3, "", mediation.ActionAccept)
	d.sessions(ctx, c3, "双方面对面沟通，被申请人同意铺设地垫、晚10点后控制声音。")
	d.agree(ctx, c3, "王建军于一周内在客厅铺设地垫，晚10点后不拖动桌椅；双方互相谅解，今后有事先沟通。", d.now.AddDate(0, 0, -10), nil)
	d.act(ctx, c3, "", mediation.ActionComplete)
	if c3 != nil && d.err == nil {
		_, err := d.s.ReturnVisit(ctx, d.med, c3.Number, mediation.NewVisit{Result: mediation.VisitPerformed, Satisfaction: mediation.Satisfied,
			Note: "电话回访：申请人表示噪音明显减少，对调解结果满意。"})
		d.check(err, "return visit")
	}
	d.act(ctx, c3, "回访后结案。", mediation.ActionClose)

	// 4. A property-fee dispute that walked in: mediation failed, the
	// parties were guided to court.
	c4 := d.open(ctx, d.med, Registration{NewCase: mediation.NewCase{Type: mediation.TypeProperty, Source: mediation.SourceWalkIn,
		Title: "物业服务费纠纷", Address: "城西区海湖路22号海湖新城", Summary: "业主以电梯长期故障为由拒交物业费两年，物业公司要求补交。",
		Parties: []mediation.NewParty{p(app, "祁建平", "13897430055"),
			{Side: resp, Kind: mediation.PartyOrganisation, Name: "西宁某物业服务有限公司", AgentName: "孙立新", AgentPhone: "09716112233"}}}})
	d.act(ctx, c4, "", mediation.ActionAccept)
	d.sessions(ctx, c4, "双方就物业服务质量和欠费金额分歧较大，未能达成一致。")
	d.act(ctx, c4, "双方分歧较大，已告知双方可向城西区人民法院起诉。", mediation.ActionFail)
	d.act(ctx, c4, "", mediation.ActionClose)

	// 5. A police referral waiting to be accepted; 6. a court referral
	// under investigation; 7. a declined walk-in; 8. a repeat dispute at
	// the address of the leak.
	d.open(ctx, d.med, Registration{NewCase: mediation.NewCase{Type: mediation.TypeNeighbour, Source: mediation.SourcePolice,
		ReferredBy: "城西公安分局西关派出所", Title: "停车位争执引发口角", Address: "城西区西关大街45号院",
		Parties: []mediation.NewParty{p(app, "赵德明", "13897440066"), p(resp, "才让加", "13997440077")}}})
	c6 := d.open(ctx, d.med, Registration{NewCase: mediation.NewCase{Type: mediation.TypeLabour, Source: mediation.SourceCourt,
		ReferredBy: "城西区人民法院", Title: "拖欠装修工人工资纠纷", Summary: "诉前委派：五名装修工人要求装修公司支付拖欠工资共计 4.2 万元。",
		Parties: []mediation.NewParty{p(app, "马德全", "13897450088"),
			{Side: resp, Kind: mediation.PartyOrganisation, Name: "西宁某装饰工程有限公司", AgentName: "周海", AgentPhone: "13997450099"}}}})
	d.act(ctx, c6, "", mediation.ActionAccept, mediation.ActionInvestigate)
	c7 := d.open(ctx, d.med, Registration{NewCase: mediation.NewCase{Type: mediation.TypeConsumer, Source: mediation.SourceWalkIn,
		Title: "网购商品退货纠纷", Parties: []mediation.NewParty{p(app, "陈晓东", "13897460011")}}})
	d.act(ctx, c7, "网购纠纷属市场监管部门处理范围，已引导当事人拨打 12315 投诉。", mediation.ActionDecline)
	// The same people again (by the respondent's phone) within the year.
	c8 := d.open(ctx, d.med, Registration{NewCase: mediation.NewCase{Type: mediation.TypeNeighbour, Source: mediation.SourceGrid,
		Title: "楼上漏水再次发生", Address: "城西区海湖路18号海湖小区3号楼502室",
		Parties: []mediation.NewParty{p(app, "马秀英", "13897410021"), p(resp, "韩国庆", "13997410088")}}})
	d.act(ctx, c8, "", mediation.ActionAccept)
	if d.err == nil && c8 != nil {
		_, err := d.s.AddNote(ctx, d.med, c8.Number, NewNote{Body: "与一年内的漏水纠纷为同一地点、同一当事人，需核实前次协议防水维修是否到位。"})
		d.check(err, "note")
		// The property company maintains the roof: it joins the case.
		_, err = d.s.AddParty(ctx, d.med, c8.Number, mediation.NewParty{Side: resp, Kind: mediation.PartyOrganisation,
			Name: "西宁某物业服务有限公司", AgentName: "孙立新", AgentPhone: "09716112233"})
		d.check(err, "add party")
	}

	// 9. Wages of a cleaner, walked in: agreed in one session and signed
	// by SMS code; the employer's code has been confirmed before the
	// mediator, the worker's is awaited.
	c9 := d.open(ctx, d.med, Registration{NewCase: mediation.NewCase{Type: mediation.TypeLabour, Source: mediation.SourceWalkIn,
		Title: "保洁员工资纠纷", Address: "城西区胜利路街道胜利路9号", Summary: "保洁员称被拖欠两个月工资 5600 元。",
		Parties: []mediation.NewParty{p(app, "杨春花", "13897470012"), p(resp, "鲁文斌", "13997470023")}}})
	d.act(ctx, c9, "", mediation.ActionAccept)
	d.sessions(ctx, c9, "双方核对考勤记录，确认拖欠工资 5600 元，雇主同意分两期支付。")
	if c9 != nil && d.err == nil {
		_, err := d.s.RecordAgreement(ctx, d.med, c9.Number, mediation.NewAgreement{SignMode: mediation.SignSMS,
			Terms: "鲁文斌分两期向杨春花支付拖欠工资共 5600 元：本月底前支付 2800 元，下月底前支付 2800 元。",
			Schedule: []mediation.Instalment{{Due: day.AddDate(0, 0, 20), AmountFen: 280000, What: "第一期工资"},
				{Due: day.AddDate(0, 0, 50), AmountFen: 280000, What: "第二期工资"}}})
		d.check(err, "agreement by SMS "+c9.Number)
	}
	return d.err
}
