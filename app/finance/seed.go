package finance

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/creditcode"
	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// seedBanks are the demo programme's banks (the article: "30 余家银行"):
// code, name, claim days, and how the bank behaves — how many working days
// it usually takes to claim (a slow bank claims late), how often it
// approves.
var seedBanks = []struct {
	code, name string
	claimDays  int
	slow       bool
	approve    float64
}{
	{"qhbank", "青海银行城西支行", 3, false, 0.65}, {"xnrcb", "西宁农村商业银行城西支行", 3, false, 0.6},
	{"icbc", "中国工商银行西宁城西支行", 3, false, 0.55}, {"abc", "中国农业银行西宁城西支行", 3, false, 0.6},
	{"boc", "中国银行西宁城西支行", 3, true, 0.5}, {"ccb", "中国建设银行西宁城西支行", 3, false, 0.55},
	{"bocom", "交通银行西宁城西支行", 3, false, 0.5}, {"psbc", "中国邮政储蓄银行西宁城西区支行", 3, false, 0.6},
	{"cmb", "招商银行西宁城西支行", 2, false, 0.45}, {"citic", "中信银行西宁城西支行", 3, true, 0.45},
	{"cib", "兴业银行西宁城西支行", 3, false, 0.5}, {"cmbc", "中国民生银行西宁城西支行", 3, false, 0.5},
	{"ceb", "中国光大银行西宁城西支行", 3, true, 0.45}, {"spdb", "上海浦东发展银行西宁城西支行", 3, false, 0.45},
	{"pingan", "平安银行西宁城西支行", 2, false, 0.45}, {"hxb", "华夏银行西宁城西支行", 3, false, 0.45},
	{"cgb", "广发银行西宁城西支行", 3, false, 0.45}, {"czb", "浙商银行西宁城西支行", 3, false, 0.45},
	{"cbhb", "渤海银行西宁城西支行", 3, true, 0.4}, {"gsbank", "甘肃银行西宁城西支行", 3, false, 0.5},
	{"qhhz-vb", "湟中村镇银行城西网点", 5, false, 0.6}, {"datong-vb", "大通村镇银行城西网点", 5, true, 0.55},
	{"adbc", "中国农业发展银行西宁城西支行", 5, false, 0.5}, {"xnrcb-sm", "西宁农商银行小微金融服务中心", 2, false, 0.65},
	{"qhbank-kj", "青海银行科技支行", 3, false, 0.55}, {"icbc-pu", "工商银行普惠金融事业部", 2, false, 0.55},
	{"ccb-pu", "建设银行普惠金融事业部", 2, false, 0.55}, {"abc-sn", "农业银行三农金融事业部", 3, false, 0.6},
	{"boc-xw", "中国银行普惠金融事业部", 3, false, 0.5}, {"psbc-xw", "邮储银行小微企业金融部", 2, false, 0.6},
	{"hsbc-vb", "西宁城西汇丰村镇银行", 5, true, 0.45}, {"bocom-pu", "交通银行普惠金融部", 3, false, 0.5},
}

// seedProducts are the kinds of products the banks offer; each bank offers
// several, with its own rates, 219 in all.
var seedProducts = []struct {
	name       string
	kind       finance.Kind
	min, max   int64 // 万元
	rate       int   // bp, the lowest
	termMax    int
	sizes      []finance.Size
	industries []finance.Industry
	minYears   int
	minTax     finance.TaxRating
	collateral []finance.Collateral
}{
	{"税e贷", finance.KindCredit, 1, 300, 365, 12, nil, nil, 2, "B", nil},
	{"经营快贷", finance.KindCredit, 1, 100, 395, 12, []finance.Size{finance.SizeIndividual, finance.SizeMicro, finance.SizeSmall}, nil, 1, "", nil},
	{"创业担保贷款", finance.KindGuarantee, 1, 30, 345, 36, []finance.Size{finance.SizeIndividual, finance.SizeMicro}, nil, 0, "",
		[]finance.Collateral{finance.CollateralNone, finance.CollateralGuarantor}}, // 政府性担保: the business pledges nothing
	{"抵押经营贷", finance.KindMortgage, 10, 1000, 380, 60, nil, nil, 1, "", []finance.Collateral{finance.CollateralProperty}},
	{"科创贷", finance.KindCredit, 10, 500, 360, 36, nil, []finance.Industry{finance.IndustryIT, finance.IndustryManufacturing}, 1, "", nil},
	{"乡村振兴贷", finance.KindGuarantee, 1, 200, 350, 36, nil, []finance.Industry{finance.IndustryAgriculture}, 0, "", []finance.Collateral{finance.CollateralGuarantor, finance.CollateralNone}},
	{"商户e贷", finance.KindCredit, 1, 50, 420, 12, nil, []finance.Industry{finance.IndustryTrade, finance.IndustryHospitality, finance.IndustryServices}, 1, "", nil},
	{"设备按揭贷", finance.KindMortgage, 10, 500, 410, 60, nil, []finance.Industry{finance.IndustryManufacturing, finance.IndustryConstruction, finance.IndustryTransport}, 2, "", []finance.Collateral{finance.CollateralEquipment}},
	{"应收账款融资", finance.KindMortgage, 20, 800, 400, 12, []finance.Size{finance.SizeSmall, finance.SizeMedium}, nil, 2, "", []finance.Collateral{finance.CollateralReceivables}},
	{"文旅贷", finance.KindCredit, 5, 200, 400, 24, nil, []finance.Industry{finance.IndustryCulture, finance.IndustryHospitality}, 1, "", nil},
}

var (
	seedSurnames = []rune("王李张刘陈杨马冶祁韩鲁赵孙朱胡郭何高林罗")
	seedGiven    = []string{"建国", "秀英", "志强", "桂兰", "德明", "海燕", "文军", "玉珍", "永红", "春梅", "国庆", "丽华", "晓东", "振华", "金花", "宏伟"}
	seedShops    = []struct {
		name string
		ind  finance.Industry
		size finance.Size
	}{
		{"海湖小吃店", finance.IndustryHospitality, finance.SizeIndividual}, {"西川牛肉面馆", finance.IndustryHospitality, finance.SizeMicro},
		{"兴海路便利店", finance.IndustryTrade, finance.SizeIndividual}, {"昆仑山青稞酒坊", finance.IndustryManufacturing, finance.SizeSmall},
		{"城西家电维修部", finance.IndustryServices, finance.SizeIndividual}, {"青藏高原牦牛乳业", finance.IndustryManufacturing, finance.SizeMedium},
		{"虎台建材商行", finance.IndustryTrade, finance.SizeMicro}, {"彭家寨蔬菜种植合作社", finance.IndustryAgriculture, finance.SizeSmall},
		{"西宁云杉软件科技", finance.IndustryIT, finance.SizeSmall}, {"胜利路民宿", finance.IndustryHospitality, finance.SizeMicro},
		{"通海物流", finance.IndustryTransport, finance.SizeSmall}, {"文汇路书店", finance.IndustryCulture, finance.SizeMicro},
		{"西关街服装店", finance.IndustryTrade, finance.SizeIndividual}, {"湟水河装饰工程", finance.IndustryConstruction, finance.SizeSmall},
		{"古城台社区托育中心", finance.IndustryServices, finance.SizeMicro}, {"昆仑路汽修厂", finance.IndustryServices, finance.SizeMicro},
		{"海晏路藏毯加工厂", finance.IndustryManufacturing, finance.SizeSmall}, {"城西枸杞电商", finance.IndustryTrade, finance.SizeMicro},
		{"五四大街健身馆", finance.IndustryCulture, finance.SizeMicro}, {"西钢社区早餐店", finance.IndustryHospitality, finance.SizeIndividual},
		{"新宁路打印复印店", finance.IndustryLeasing, finance.SizeIndividual}, {"青海湖旅行社城西门市", finance.IndustryLeasing, finance.SizeMicro},
		{"贾小庄牛羊肉铺", finance.IndustryTrade, finance.SizeIndividual}, {"黄河路机械加工", finance.IndustryManufacturing, finance.SizeSmall},
	}
	seedPurposes = []string{"进货备货", "店面装修", "购置设备", "支付工资和房租", "扩大生产", "季节性收购原料", "开设分店", "偿还到期借款后续周转"}
	seedRemedies = map[finance.Remedy]string{finance.RemedyGuarantee: "已转介区融资担保公司", finance.RemedyCoaching: "已纳入首贷培育名单",
		finance.RemedyTaxData: "已协助申请银税互动授信", finance.RemedyDocuments: "已协助企业补齐资料，下月重新申请", finance.RemedyNone: "企业暂缓融资计划"}
)

// seedCreditCode makes a valid 统一社会信用代码 of a Chengxi business (区划
// 630104).
func seedCreditCode(rng *rand.Rand, kind string) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	b := []byte(kind + "630104")
	for len(b) < 17 {
		b = append(b, chars[rng.IntN(len(chars))])
	}
	c, _ := creditcode.Check(string(b))
	return string(append(b, c))
}

// Seed adds the demo programme (甘霖工程), lived through the use cases on a
// clock of its own over the past year: the finance officer ("finance") and
// a staff member of every bank (the first, 青海银行's, the demo login
// "bank"); 32 banks with 219 products; small businesses with their credit
// files and consent; their demands, matched and sent to banks that claim
// (some late, reminded and escalated by the daily job), answer, decline
// with reasons or disburse; demands closed unmet with their remedy; and
// this week's demands still waiting on the banks. Without the demo's
// district it adds nothing; a programme with banks already is left alone.
func Seed(ctx context.Context, s *Service) error {
	var district *org.Unit
	var banks []*finance.Bank
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		admin, err := store.GetUserByUsername(ctx, tx, "admin")
		if err != nil {
			return err
		}
		if district, err = store.GetUnit(ctx, tx, admin.UnitID); err != nil {
			return err
		}
		banks, err = store.ListFinanceBanks(ctx, tx)
		return err
	})
	if minsheng.IsCode(err, minsheng.ENOTFOUND) || len(banks) > 0 {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.kit.Now()
	start := calendar.DateOf(now.AddDate(-1, 0, 0)).Start().Add(9 * time.Hour)
	clock := minsheng.NewFakeClock(start)
	quiet := slog.New(slog.DiscardHandler)
	tickets := app.New(app.Config{DB: s.kit.DB(), Clock: clock, Logger: quiet})
	w := New(kit.New(s.kit.DB(), clock, quiet), tickets)
	sd := &seeder{w: w, clock: clock, rng: rand.New(rand.NewPCG(18, 7)), now: now}
	return sd.run(ctx, district)
}

type seeder struct {
	w       *Service
	clock   *minsheng.FakeClock
	rng     *rand.Rand
	now     time.Time
	officer *org.User
	staff   map[int64]*org.User // by bank
	behave  map[int64]int       // bank → index in seedBanks
	events  []event
}

type event struct {
	at time.Time
	fn func(ctx context.Context) error
}

func (d *seeder) at(t time.Time, fn func(ctx context.Context) error) {
	d.events = append(d.events, event{at: t, fn: fn})
}

// ignore is what the story may meet and go on: a match withdrawn when
// another bank disbursed first, a demand closed already.
func ignore(err error) error {
	if minsheng.IsCode(err, minsheng.ECONFLICT) {
		return nil
	}
	return err
}

func (d *seeder) run(ctx context.Context, district *org.Unit) error {
	hash, err := org.HashPassword(demo.Password)
	if err != nil {
		return err
	}
	tickets := d.w.tickets
	if d.officer, err = tickets.CreateUserWithHash(ctx, app.NewUser{Username: "finance", Name: "韩晓梅",
		Role: finance.RoleOfficer, UnitID: district.ID}, hash); err != nil {
		return fmt.Errorf("demo finance officer: %w", err)
	}
	sys := kit.System()
	d.staff, d.behave = map[int64]*org.User{}, map[int64]int{}
	var bankIDs []int64
	for i, sb := range seedBanks {
		b, err := d.w.CreateBank(ctx, sys, finance.NewBank{Code: sb.code, Name: sb.name, ClaimDays: sb.claimDays,
			ContactPhone: fmt.Sprintf("0971-61%05d", 10000+i*37)})
		if err != nil {
			return fmt.Errorf("demo bank %s: %w", sb.code, err)
		}
		bankIDs = append(bankIDs, b.ID)
		d.behave[b.ID] = i
		username := fmt.Sprintf("bank%02d", i+1)
		if i == 0 {
			username = "bank"
		}
		name := string(seedSurnames[i%len(seedSurnames)]) + seedGiven[(i*5)%len(seedGiven)]
		u, err := tickets.CreateUserWithHash(ctx, app.NewUser{Username: username, Name: name, Role: finance.RoleBank, UnitID: district.ID}, hash)
		if err != nil {
			return fmt.Errorf("demo bank staff %s: %w", username, err)
		}
		if err := d.w.LinkStaff(ctx, sys, b.Code, u.Username); err != nil {
			return err
		}
		d.staff[b.ID] = u
	}
	// 219 products: each bank offers several kinds, the first banks more.
	n := 0
	for i := 0; n < 219; i++ {
		bank := bankIDs[i%len(bankIDs)]
		// Bank b's r-th product is of kind (3b + 7r) mod 10: every bank
		// offers different kinds, no kind twice.
		sp := seedProducts[(3*(i%len(bankIDs))+7*(i/len(bankIDs)))%len(seedProducts)]
		np := finance.NewProduct{BankID: bank, Name: sp.name, Kind: sp.kind, MinAmount: sp.min * 10000, MaxAmount: sp.max * 10000,
			RateMinBP: sp.rate + d.rng.IntN(8)*5, TermMax: sp.termMax, Sizes: sp.sizes, Industries: sp.industries,
			MinYears: sp.minYears, MinTax: sp.minTax, Collateral: sp.collateral}
		if i%len(bankIDs) == 0 {
			np.RateMinBP = sp.rate - 20 // the programme's lead bank lends at a 惠企 rate
		}
		np.RateMaxBP = np.RateMinBP + 50 + d.rng.IntN(10)*10
		if _, err := d.w.CreateProduct(ctx, d.officer, np); err != nil {
			return fmt.Errorf("demo product %s: %w", sp.name, err)
		}
		n++
	}
	// Businesses, registered over the year; most consented.
	var biz []*finance.Business
	for i := 0; i < 72; i++ {
		shop := seedShops[i%len(seedShops)]
		name := shop.name
		if i >= len(seedShops) {
			name = []string{"城西", "西川", "虎台", "兴海", "古城台"}[i%5] + shop.name
			if i >= 2*len(seedShops) {
				name = "新" + name
			}
		}
		kind := "92" // 个体工商户
		if shop.size != finance.SizeIndividual {
			kind = "91"
		}
		founded := d.now.AddDate(-1-d.rng.IntN(12), -d.rng.IntN(12), -d.rng.IntN(28))
		tax := finance.TaxRatings[d.rng.IntN(4)]
		owner := string(seedSurnames[d.rng.IntN(len(seedSurnames))]) + seedGiven[d.rng.IntN(len(seedGiven))]
		b, err := d.w.RegisterBusiness(ctx, d.officer, finance.NewBusiness{CreditCode: seedCreditCode(d.rng, kind), Name: name,
			Industry: shop.ind, Size: shop.size, FoundedOn: calendar.DateOf(founded).String(), Address: "西宁市城西区" + []string{"胜利路", "五四大街", "西关大街", "海湖路", "昆仑路", "文汇路"}[i%6] + fmt.Sprintf("%d号", 10+i*3),
			Employees: 2 + d.rng.IntN(40), Revenue: int64(20+d.rng.IntN(800)) * 10000, TaxRating: tax, OwnerName: owner,
			OwnerPhone: fmt.Sprintf("139%08d", 70000000+i*1093), Consent: i%9 != 8})
		if err != nil {
			return fmt.Errorf("demo business %s: %w", name, err)
		}
		biz = append(biz, b)
	}
	// Demands over the year, each with its story; this week's still open.
	days := int(d.now.Sub(d.clock.Now()).Hours()/24) - 1
	for i := 0; i < 140; i++ {
		b := biz[d.rng.IntN(len(biz))]
		if !b.Consent {
			continue
		}
		day := d.rng.IntN(days)
		if i >= 130 {
			day = days - 1 - d.rng.IntN(4) // this week
		}
		created := calendar.DateOf(d.clock.Now()).AddDays(day).Start().Add(10*time.Hour + time.Duration(d.rng.IntN(300))*time.Minute)
		d.planDemand(b, created)
	}
	sort.SliceStable(d.events, func(i, j int) bool { return d.events[i].at.Before(d.events[j].at) })
	lastJob := calendar.DateOf(d.clock.Now())
	for i := 0; i < len(d.events); i++ {
		e := d.events[i]
		if !e.at.Before(d.now) {
			continue
		}
		// The daily job at 09:00 of each day up to the event.
		for day := lastJob.AddDays(1); !day.Start().Add(9 * time.Hour).After(e.at); day = day.AddDays(1) {
			d.clock.Set(day.Start().Add(9 * time.Hour))
			if _, err := d.w.RunDeadlines(ctx); err != nil {
				return err
			}
			lastJob = day
		}
		d.clock.Set(e.at)
		n := len(d.events)
		if err := e.fn(ctx); err != nil {
			return err
		}
		if len(d.events) > n { // the story planned more: keep the rest in time order
			rest := d.events[i+1:]
			sort.SliceStable(rest, func(a, b int) bool { return rest[a].at.Before(rest[b].at) })
		}
	}
	// This morning: a restaurant's demand sent to 青海银行 (the demo login
	// "bank") and two more banks, waiting to be claimed.
	d.clock.Set(d.now.Add(-3 * time.Hour))
	v, err := d.w.CreateDemand(ctx, d.officer, finance.NewDemand{BusinessID: biz[0].ID, Amount: 100000, TermMonths: 12,
		Purpose: "冬季备货和店面翻新", Collateral: finance.CollateralNone})
	if err != nil {
		return fmt.Errorf("demo demand of today: %w", err)
	}
	sent := 0
	for _, m := range v.Matches {
		if seedBanks[d.behave[m.BankID]].code == "qhbank" || sent < 2 {
			if _, err := d.w.Act(ctx, d.officer, m.ID, Step{Action: finance.ActionSend}); err != nil {
				return err
			}
			sent++
		}
	}
	d.clock.Set(d.now)
	return nil
}

// planDemand plans a demand's story: recorded and matched, its best three
// matches sent the same afternoon; each bank claims in its usual time
// (slow banks after their deadline), contacts the business, and answers;
// the first approval is disbursed a few days later; a demand every bank
// declined is closed as unmet with its remedy.
func (d *seeder) planDemand(b *finance.Business, created time.Time) {
	amount := int64([]int{5, 10, 20, 30, 50, 80, 100, 150, 200, 300}[d.rng.IntN(10)]) * 10000
	if b.Size == finance.SizeIndividual && amount > 500000 {
		amount = 300000
	}
	term := []int{6, 12, 12, 24, 36}[d.rng.IntN(5)]
	col := finance.CollateralNone
	if d.rng.IntN(4) == 0 {
		col = []finance.Collateral{finance.CollateralProperty, finance.CollateralEquipment, finance.CollateralGuarantor}[d.rng.IntN(3)]
	}
	purpose := seedPurposes[d.rng.IntN(len(seedPurposes))]
	rng := rand.New(rand.NewPCG(uint64(created.Unix()), uint64(b.ID)))
	d.at(created, func(ctx context.Context) error {
		v, err := d.w.CreateDemand(ctx, d.officer, finance.NewDemand{BusinessID: b.ID, Amount: amount, TermMonths: term, Purpose: purpose, Collateral: col})
		if err != nil {
			return fmt.Errorf("demo demand: %w", err)
		}
		if len(v.Matches) == 0 {
			d.at(created.Add(26*time.Hour), func(ctx context.Context) error {
				_, err := d.w.CloseDemand(ctx, d.officer, v.Demand.Number, finance.DemandUnmet, seedRemedies[finance.RemedyGuarantee])
				return ignore(err)
			})
			return nil
		}
		sent := created.Add(4 * time.Hour)
		k := min(3, len(v.Matches))
		declined := 0
		for j := 0; j < k; j++ {
			m := v.Matches[j]
			who := d.staff[m.BankID]
			sb := seedBanks[d.behave[m.BankID]]
			d.at(sent.Add(time.Duration(j)*time.Minute), func(ctx context.Context) error {
				_, err := d.w.Act(ctx, d.officer, m.ID, Step{Action: finance.ActionSend})
				return ignore(err)
			})
			claimDays := rng.IntN(3)
			if sb.slow && rng.IntN(3) > 0 {
				claimDays = sb.claimDays + 1 + rng.IntN(3)
			}
			claim := sent.AddDate(0, 0, claimDays+1).Add(-3 * time.Hour)
			d.at(claim, func(ctx context.Context) error {
				_, err := d.w.Act(ctx, who, m.ID, Step{Action: finance.ActionClaim})
				return ignore(err)
			})
			d.at(claim.Add(2*time.Hour), func(ctx context.Context) error {
				_, err := d.w.Act(ctx, who, m.ID, Step{Action: finance.ActionContact})
				return ignore(err)
			})
			answer := claim.AddDate(0, 0, 2+rng.IntN(6))
			if rng.Float64() < sb.approve {
				approved := amount
				if rng.IntN(3) == 0 {
					approved = amount * 7 / 10
				}
				d.at(answer, func(ctx context.Context) error {
					_, err := d.w.Act(ctx, who, m.ID, Step{Action: finance.ActionApprove, Amount: approved})
					return ignore(err)
				})
				d.at(answer.AddDate(0, 0, 2+rng.IntN(5)), func(ctx context.Context) error {
					_, err := d.w.Act(ctx, who, m.ID, Step{Action: finance.ActionDisburse, Amount: approved})
					return ignore(err)
				})
			} else {
				declined++
				reason := finance.DeclineReasons[rng.IntN(len(finance.DeclineReasons))]
				d.at(answer, func(ctx context.Context) error {
					_, err := d.w.Act(ctx, who, m.ID, Step{Action: finance.ActionDecline, Reason: reason})
					return ignore(err)
				})
				if declined == k {
					d.at(answer.AddDate(0, 0, 1), func(ctx context.Context) error {
						_, err := d.w.CloseDemand(ctx, d.officer, v.Demand.Number, finance.DemandUnmet, seedRemedies[finance.RemedyFor(reason)])
						return ignore(err)
					})
				}
			}
		}
		return nil
	})
}
