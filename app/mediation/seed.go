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
// core's: dispute calls taken by the demo's agent and turned into cases,
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

func (d *seeder) call(ctx context.Context, cat int64, title, desc, name, phone, addr string) *ticket.Ticket {
	if d.err != nil {
		return nil
	}
	t, _, err := d.s.tickets.CreateTicket(ctx, d.agent, ticket.NewTicket{Title: title, Description: desc, Kind: ticket.KindHelp,
		CallerName: name, CallerPhone: phone, Address: addr, CategoryID: cat}, "")
	d.check(err, "dispute call")
	return t
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
	t1 := d.call(ctx, cats["dispute.neighbour.leak"], "楼上住户漏水，多次协商无果",
		"家住海湖小区3号楼502室，楼上卫生间漏水，天花板发霉，多次协商楼上住户不配合维修，请求调解。", "马秀英", "13897410021", "城西区海湖路18号海湖小区3号楼502室")
	var c1 *mediation.Case
	if t1 != nil {
		c1 = d.open(ctx, d.agent, Registration{NewCase: mediation.NewCase{Type: mediation.TypeNeighbour, Title: "楼上漏水损害赔偿纠纷",
			TicketRef: t1.Number, Parties: []mediation.NewParty{p(app, "马秀英", "13897410021"), p(resp, "韩国庆", "13997410088")}}})
	}
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
	t2 := d.call(ctx, cats["dispute.family.support"], "子女不履行赡养义务，老人求助",
		"78岁独居老人，两个儿子都不支付赡养费，老人生病无人照料，希望社区帮忙协调。", "冶玉兰", "13709710035", "城西区虎台街道虎台三路6号")
	var c2 *mediation.Case
	if t2 != nil {
		c2 = d.open(ctx, d.agent, Registration{NewCase: mediation.NewCase{Type: mediation.TypeFamily, Title: "赡养费纠纷",
			TicketRef: t2.Number, Parties: []mediation.NewParty{p(app, "冶玉兰", "13709710035"), p(resp, "冶永福", "13519710046"), p(resp, "冶永贵", "13619710057")}}})
	}
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
	t3 := d.call(ctx, cats["dispute.neighbour.noise"], "楼上住户深夜噪音影响休息",
		"楼上住户每天晚上11点以后还在拖桌椅，沟通多次无果，家中老人休息不好。", "李桂芳", "13897420033", "城西区兴海路街道文亭巷12号2单元301室")
	var c3 *mediation.Case
	if t3 != nil {
		c3 = d.open(ctx, d.agent, Registration{NewCase: mediation.NewCase{Type: mediation.TypeNeighbour, Title: "噪音扰邻纠纷",
			TicketRef: t3.Number, Parties: []mediation.NewParty{p(app, "李桂芳", "13897420033"), p(resp, "王建军", "13997420044")}}})
	}
	d.act(ctx, c3, "", mediation.ActionAccept)
	d.sessions(ctx, c3, "双方面对面沟通，被申请人同意铺设地垫、晚10点后控制声音。")
	d.agree(ctx, c3, "王建军于一周内在客厅铺设地垫，晚10点后不拖动桌椅；双方互相谅解，今后有事先沟通。", d.now.AddDate(0, 0, -10), nil)
	d.act(ctx, c3, "", mediation.ActionComplete)
	d.act(ctx, c3, "回访：申请人表示噪音明显减少，对调解结果满意。", mediation.ActionClose)

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
	c8 := d.open(ctx, d.med, Registration{NewCase: mediation.NewCase{Type: mediation.TypeNeighbour, Source: mediation.SourceGrid,
		Title: "楼上漏水再次发生", Address: "城西区海湖路18号海湖小区3号楼502室",
		Parties: []mediation.NewParty{p(app, "马秀英", "13897410021"), p(resp, "韩国庆", "13997410088")}}})
	d.act(ctx, c8, "", mediation.ActionAccept)
	if d.err == nil && c8 != nil {
		_, err := d.s.AddNote(ctx, d.med, c8.Number, NewNote{Body: "与一年内的漏水纠纷为同一地点、同一当事人，需核实前次协议防水维修是否到位。"})
		d.check(err, "note")
	}
	return d.err
}
