package finance_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	appfin "github.com/minsheng/minsheng/app/finance"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

var ctx = context.Background()

type fixture struct {
	*apptest.Fixture
	fin     *appfin.Service
	officer *org.User
	banks   []*finance.Bank
	staff   []*org.User // one per bank
	biz     *finance.Business
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func field(err error) string {
	if err == nil {
		return ""
	}
	var e *minsheng.Error
	e, _ = err.(*minsheng.Error)
	if e == nil {
		return err.Error()
	}
	return e.Code + ":" + e.Field + ":" + e.Reason
}

// newFixture: a finance officer, three banks (one credit product each,
// the third's for restaurants), a staff member of each bank, and a
// consenting restaurant.
func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{Fixture: apptest.New(t, db)}
	f.fin = appfin.New(f.Svc.Kit(), f.Svc)
	hash, _ := org.HashPassword(apptest.Password)
	f.officer = must[*org.User](t)(f.Svc.CreateUserWithHash(ctx, app.NewUser{Username: "officer", Name: "金融专员",
		Role: finance.RoleOfficer, UnitID: f.District.ID}, hash))
	for i, name := range []string{"青海银行", "西宁农商银行", "城西村镇银行"} {
		b := must[*finance.Bank](t)(f.fin.CreateBank(ctx, f.officer, finance.NewBank{Code: []string{"qhb", "xnrcb", "cxvb"}[i], Name: name,
			ContactPhone: "0971611234" + string(rune('1'+i))}))
		f.banks = append(f.banks, b)
		np := finance.NewProduct{BankID: b.ID, Name: name + "小微快贷", Kind: finance.KindCredit, MinAmount: 10000, MaxAmount: 1000000,
			RateMinBP: 380 + 20*i, TermMax: 36}
		if i == 2 {
			np.Industries = []finance.Industry{finance.IndustryHospitality}
		}
		must[*finance.Product](t)(f.fin.CreateProduct(ctx, f.officer, np))
		// A product that never fits: too small.
		must[*finance.Product](t)(f.fin.CreateProduct(ctx, f.officer, finance.NewProduct{BankID: b.ID, Name: name + "微贷",
			Kind: finance.KindCredit, MaxAmount: 50000, RateMinBP: 500}))
		u := must[*org.User](t)(f.Svc.CreateUserWithHash(ctx, app.NewUser{Username: "bank" + string(rune('a'+i)), Name: name + "客户经理",
			Role: finance.RoleBank, UnitID: f.District.ID}, hash))
		if err := f.fin.LinkStaff(ctx, f.officer, b.Code, u.Username); err != nil {
			t.Fatal(err)
		}
		f.staff = append(f.staff, u)
	}
	f.biz = must[*finance.Business](t)(f.fin.RegisterBusiness(ctx, f.officer, finance.NewBusiness{CreditCode: "91350100M000100Y43",
		Name: "海湖小吃店", Industry: finance.IndustryHospitality, Size: finance.SizeMicro, FoundedOn: "2021-03-01",
		OwnerName: "马晓东", OwnerPhone: "13897001234", OwnerID: "", TaxRating: "B", Consent: true}))
	return f
}

// The main loop: a demand matches three products; all three are sent; one
// bank claims late (after its deadline of three working days, reminded and
// escalated by the daily job), another claims, approves and disburses —
// the demand is granted, the others' matches withdrawn, and the league
// table shows the late claim and the amount.
func TestDemandToDisbursement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		if f.biz.OwnerPhone != "138****1234" || f.biz.OwnerName != "马**" {
			t.Errorf("business shape shows %q %q", f.biz.OwnerName, f.biz.OwnerPhone)
		}
		dv := must[*appfin.DemandView](t)(f.fin.CreateDemand(ctx, f.officer, finance.NewDemand{BusinessID: f.biz.ID, Amount: 300000,
			TermMonths: 12, Purpose: "新店装修和进货"}))
		if len(dv.Matches) != 3 {
			t.Fatalf("matched %d products, want 3: %+v", len(dv.Matches), dv.Matches)
		}
		// The cheapest and the restaurants' product tie; the cheaper first.
		if dv.Matches[0].BankID != f.banks[0].ID || !slices.Contains(dv.Matches[0].Reasons, finance.ReasonLowRate) ||
			dv.Matches[1].BankID != f.banks[2].ID || !slices.Contains(dv.Matches[1].Reasons, finance.ReasonIndustryFocus) ||
			dv.Matches[0].Score != dv.Matches[1].Score || dv.Matches[2].Score >= dv.Matches[1].Score {
			t.Errorf("ranking %+v", dv.Matches)
		}
		byBank := map[int64]int64{}
		for _, m := range dv.Matches {
			byBank[m.BankID] = m.ID
			if m.Status != finance.StatusProposed || m.Score <= 0 || len(m.Reasons) == 0 {
				t.Errorf("match %+v", m)
			}
			// A bank cannot see or take a match before it is sent.
			if _, err := f.fin.Act(ctx, f.staff[0], m.ID, appfin.Step{Action: finance.ActionClaim}); err == nil {
				t.Errorf("claimed a proposed match")
			}
			sent := must[*appfin.MatchView](t)(f.fin.Act(ctx, f.officer, m.ID, appfin.Step{Action: finance.ActionSend}))
			// Sent Monday 2 March 09:00: three working days → end of Thursday 5 March.
			if got := sent.ClaimBy.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04"); got != "2026-03-05 23:59" {
				t.Errorf("claim by %s", got)
			}
		}
		a, b, c := f.staff[0], f.staff[1], f.staff[2]
		mA, mB, mC := byBank[f.banks[0].ID], byBank[f.banks[1].ID], byBank[f.banks[2].ID]

		// Scope: bank A sees only its match, and cannot act on B's.
		inbox, _, err := f.fin.Inbox(ctx, a, "", appfin.InboxQuery{Open: true})
		if err != nil || len(inbox) != 1 || inbox[0].ID != mA || inbox[0].BusinessName != "海湖小吃店" {
			t.Fatalf("bank A inbox %+v %v", inbox, err)
		}
		if _, err := f.fin.Act(ctx, a, mB, appfin.Step{Action: finance.ActionClaim}); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Errorf("bank A claimed B's match: %v", err)
		}
		view := must[*appfin.DemandView](t)(f.fin.GetDemand(ctx, a, dv.Demand.Number))
		if len(view.Matches) != 1 || view.Matches[0].ID != mA {
			t.Errorf("bank A sees matches %+v", view.Matches)
		}
		if _, err := f.fin.ListDemands(ctx, a, appfin.DemandQuery{}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("bank lists every demand: %v", err)
		}
		// Before claiming, a bank may not reveal the owner's phone.
		if _, err := f.fin.RevealOwner(ctx, b, idStr(f.biz.ID), "联系企业", ""); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("reveal before claim: %v", err)
		}

		// Bank B claims on Tuesday and reveals the owner's phone to call.
		f.Clock.Advance(24 * time.Hour)
		must[*appfin.MatchView](t)(f.fin.Act(ctx, b, mB, appfin.Step{Action: finance.ActionClaim}))
		if _, err := f.fin.RevealOwner(ctx, b, idStr(f.biz.ID), "", ""); field(err) != "invalid:reason:reveal_reason" && !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("reveal without a reason: %v", err)
		}
		owner := must[*appfin.Owner](t)(f.fin.RevealOwner(ctx, b, idStr(f.biz.ID), "电话联系企业负责人", ""))
		if owner.Phone != "13897001234" || owner.Name != "马晓东" {
			t.Errorf("owner %+v", owner)
		}
		must[*appfin.MatchView](t)(f.fin.Act(ctx, b, mB, appfin.Step{Action: finance.ActionContact}))

		// Thursday 09:00: the daily job reminds A and C (due today).
		f.Clock.Advance(48 * time.Hour)
		run := must[appfin.DeadlineRun](t)(f.fin.RunDeadlines(ctx))
		if run.Reminded != 2 || run.Escalated != 0 {
			t.Errorf("Thursday run %+v, want 2 reminded", run)
		}
		if run := must[appfin.DeadlineRun](t)(f.fin.RunDeadlines(ctx)); run != (appfin.DeadlineRun{}) {
			t.Errorf("the second run of the day did %+v", run)
		}
		// C claims in time on Thursday.
		must[*appfin.MatchView](t)(f.fin.Act(ctx, c, mC, appfin.Step{Action: finance.ActionClaim}))

		// Friday: A's deadline has passed: escalated once; then A claims, late.
		f.Clock.Advance(24 * time.Hour)
		if run := must[appfin.DeadlineRun](t)(f.fin.RunDeadlines(ctx)); run.Escalated != 1 {
			t.Errorf("Friday run %+v, want A escalated", run)
		}
		lateA := must[*appfin.MatchView](t)(f.fin.Act(ctx, a, mA, appfin.Step{Action: finance.ActionClaim}))
		if !lateA.Late {
			t.Errorf("A's claim on Friday is not late: %+v", lateA)
		}

		// Bad answers change nothing.
		if _, err := f.fin.Act(ctx, b, mB, appfin.Step{Action: finance.ActionApprove, Amount: -5}); field(err) != "invalid:amount:amount_positive" {
			t.Errorf("negative approval: %v", field(err))
		}
		if _, err := f.fin.Act(ctx, a, mA, appfin.Step{Action: finance.ActionDecline}); field(err) != "invalid:reason:decline_reason" {
			t.Errorf("decline without reason: %v", field(err))
		}
		if _, err := f.fin.Act(ctx, b, mB, appfin.Step{Action: finance.ActionDisburse, Amount: 1}); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("disbursed before approval: %v", err)
		}
		// B approves 300,000 and disburses 280,000; the demand is granted.
		must[*appfin.MatchView](t)(f.fin.Act(ctx, b, mB, appfin.Step{Action: finance.ActionApprove, Amount: 300000}))
		if _, err := f.fin.Act(ctx, b, mB, appfin.Step{Action: finance.ActionDisburse, Amount: 400000}); field(err) != "invalid:amount:above_approved" {
			t.Errorf("disbursed above approval: %v", field(err))
		}
		if _, err := f.fin.Act(ctx, b, mB, appfin.Step{Action: finance.ActionDisburse, Amount: 280000, Date: "2026-03-09"}); field(err) != "invalid:date:date_future" {
			t.Errorf("disbursed in the future: %v", field(err))
		}
		done := must[*appfin.MatchView](t)(f.fin.Act(ctx, b, mB, appfin.Step{Action: finance.ActionDisburse, Amount: 280000}))
		if done.Status != finance.StatusDisbursed || done.DisbursedOn != "2026-03-06" {
			t.Errorf("disbursed %+v", done)
		}
		after := must[*appfin.DemandView](t)(f.fin.GetDemand(ctx, f.officer, dv.Demand.Number))
		if after.Demand.Status != finance.DemandGranted || after.MayClose {
			t.Errorf("demand %+v", after.Demand)
		}
		for _, m := range after.Matches {
			if m.ID != mB && m.Status != finance.StatusWithdrawn {
				t.Errorf("match of bank %s left %s", m.BankName, m.Status)
			}
		}
		if _, err := f.fin.Act(ctx, a, mA, appfin.Step{Action: finance.ActionApprove, Amount: 1000}); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("approved a withdrawn match: %v", err)
		}

		// The league table: B first (one approval), A's late claim shown.
		fig := must[*appfin.Figures](t)(f.fin.Figures(ctx, f.Users["leader"], appfin.FiguresQuery{From: "2026-03-01", To: "2026-03-31"}))
		if fig.Demands != 1 || fig.Granted != 1 || fig.Total.Sent != 3 || fig.Total.DisbursedAmount != 280000 || fig.Banks != 3 || fig.Products != 6 {
			t.Errorf("figures %+v", fig)
		}
		if fig.ByBank[0].BankID != f.banks[1].ID || fig.ByBank[0].Approved != 1 || fig.ByBank[0].ApprovalRate == nil || *fig.ByBank[0].ApprovalRate != 1 {
			t.Errorf("league head %+v", fig.ByBank[0])
		}
		for _, r := range fig.ByBank {
			wantLate := 0
			if r.BankID == f.banks[0].ID {
				wantLate = 1
			}
			if r.ClaimedLate != wantLate {
				t.Errorf("bank %s late claims %d, want %d", r.Name, r.ClaimedLate, wantLate)
			}
		}
		if fig.ByBank[0].ClaimHours == nil || *fig.ByBank[0].ClaimHours != 24 {
			t.Errorf("B's claim hours %v", fig.ByBank[0].ClaimHours)
		}
		if len(fig.ByIndustry) != 1 || fig.ByIndustry[0].GrantedAmount != 280000 {
			t.Errorf("industries %+v", fig.ByIndustry)
		}
		if _, err := f.fin.Figures(ctx, a, appfin.FiguresQuery{}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("bank read the league table: %v", err)
		}
	})
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// Bad input is refused with its field and changes nothing; a business
// without consent is not matched, and a bank declines with a reason that
// routes the business to a remedy.
func TestRefusalsAndDecline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tests := []struct {
			name string
			run  func() error
			want string
		}{
			{"invalid credit code", func() error {
				_, err := f.fin.RegisterBusiness(ctx, f.officer, finance.NewBusiness{CreditCode: "91350100M000100Y44", Name: "x",
					Industry: finance.IndustryTrade, Size: finance.SizeMicro, FoundedOn: "2020-01-01", OwnerName: "王", OwnerPhone: "13900000000"})
				return err
			}, "invalid:credit_code:credit_code_invalid"},
			{"credit code taken", func() error {
				_, err := f.fin.RegisterBusiness(ctx, f.officer, finance.NewBusiness{CreditCode: "91350100M000100Y43", Name: "x",
					Industry: finance.IndustryTrade, Size: finance.SizeMicro, FoundedOn: "2020-01-01", OwnerName: "王", OwnerPhone: "13900000000"})
				return err
			}, "invalid:credit_code:credit_code_taken"},
			{"negative demand", func() error {
				_, err := f.fin.CreateDemand(ctx, f.officer, finance.NewDemand{BusinessID: f.biz.ID, Amount: -1, TermMonths: 12, Purpose: "x"})
				return err
			}, "invalid:amount:amount_positive"},
			{"product min above max", func() error {
				_, err := f.fin.CreateProduct(ctx, f.officer, finance.NewProduct{BankID: f.banks[0].ID, Name: "x", Kind: finance.KindCredit,
					MinAmount: 500000, MaxAmount: 100000, RateMinBP: 400})
				return err
			}, "invalid:min_amount:min_above_max"},
			{"bank code taken", func() error {
				_, err := f.fin.CreateBank(ctx, f.officer, finance.NewBank{Code: "qhb", Name: "重复"})
				return err
			}, "invalid:code:code_taken"},
			{"street admin may not add banks", func() error {
				street := must[*org.User](t)(f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "sadmin", Name: "街道管理员",
					Password: apptest.Password, Role: org.RoleAdmin, UnitID: f.Street.ID}))
				_, err := f.fin.CreateBank(ctx, street, finance.NewBank{Code: "zz", Name: "某行"})
				return err
			}, "forbidden::"},
			{"a handler may not register businesses", func() error {
				_, err := f.fin.ListBusinesses(ctx, f.Users["handler"], "", 0)
				return err
			}, "forbidden::"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if got := field(tc.run()); got != tc.want {
					t.Errorf("got %q, want %q", got, tc.want)
				}
			})
		}
		bs := must[[]finance.Business](t)(f.fin.ListBusinesses(ctx, f.officer, "", 0))
		if len(bs) != 1 {
			t.Errorf("businesses after refusals: %d", len(bs))
		}

		// Without consent: not matched.
		must[*finance.Business](t)(f.fin.SetConsent(ctx, f.officer, idStr(f.biz.ID), false))
		if _, err := f.fin.CreateDemand(ctx, f.officer, finance.NewDemand{BusinessID: f.biz.ID, Amount: 100000, TermMonths: 12, Purpose: "进货"}); field(err) != "invalid:business_id:consent_required" {
			t.Errorf("demand without consent: %v", field(err))
		}
		must[*finance.Business](t)(f.fin.SetConsent(ctx, f.officer, idStr(f.biz.ID), true))
		dv := must[*appfin.DemandView](t)(f.fin.CreateDemand(ctx, f.officer, finance.NewDemand{BusinessID: f.biz.ID, Amount: 100000, TermMonths: 12, Purpose: "进货"}))
		m := dv.Matches[len(dv.Matches)-1]
		must[*appfin.MatchView](t)(f.fin.Act(ctx, f.officer, m.ID, appfin.Step{Action: finance.ActionSend}))
		var staff *org.User
		for i, b := range f.banks {
			if b.ID == m.BankID {
				staff = f.staff[i]
			}
		}
		got := must[*appfin.MatchView](t)(f.fin.Act(ctx, staff, m.ID, appfin.Step{Action: finance.ActionDecline, Reason: finance.DeclineCollateral, Note: "无抵押物"}))
		if got.Status != finance.StatusDeclined || got.Remedy != finance.RemedyGuarantee {
			t.Errorf("declined %+v", got)
		}
		if _, err := f.fin.CloseDemand(ctx, f.officer, dv.Demand.Number, finance.DemandUnmet, ""); field(err) != "invalid:note:required" {
			t.Errorf("closed unmet without a note: %v", field(err))
		}
		closed := must[*appfin.DemandView](t)(f.fin.CloseDemand(ctx, f.officer, dv.Demand.Number, finance.DemandUnmet, "转政府性融资担保"))
		if closed.Demand.Status != finance.DemandUnmet {
			t.Errorf("closed %+v", closed.Demand)
		}
		fig := must[*appfin.Figures](t)(f.fin.Figures(ctx, f.officer, appfin.FiguresQuery{}))
		if len(fig.Declines) != 1 || fig.Declines[0].Reason != finance.DeclineCollateral || fig.Declines[0].Count != 1 {
			t.Errorf("declines %+v", fig.Declines)
		}
	})
}

// A demand from a hotline call is linked to its ticket both ways; a ticket
// the officer may not see, or none, is refused on the field.
func TestDemandFromTicket(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tk := f.Register(t)
		in := finance.NewDemand{BusinessID: f.biz.ID, Amount: 100000, TermMonths: 12, Purpose: "来电咨询创业贷款", TicketRef: "20990101-99999"}
		if _, err := f.fin.CreateDemand(ctx, f.officer, in); field(err) != "invalid:ticket:ticket_not_found" {
			t.Errorf("an unknown ticket: %v", field(err))
		}
		in.TicketRef = tk.Number
		dv := must[*appfin.DemandView](t)(f.fin.CreateDemand(ctx, f.officer, in))
		if dv.Ticket != tk.Number {
			t.Errorf("the demand names ticket %q, want %s", dv.Ticket, tk.Number)
		}
		err := db.Read(ctx, func(tx *store.Tx) error {
			ls, err := store.ListLinks(ctx, tx, "ticket", tk.ID)
			if err != nil {
				return err
			}
			if len(ls) != 1 || ls[0].FromType != appfin.ObjectDemand || ls[0].FromID != dv.Demand.ID || ls[0].Relation != "origin" {
				t.Errorf("links of the ticket: %+v", ls)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// A bank's staff is not shown the ticket.
		must[*appfin.MatchView](t)(f.fin.Act(ctx, f.officer, dv.Matches[0].ID, appfin.Step{Action: finance.ActionSend}))
		for i, b := range f.banks {
			if b.ID == dv.Matches[0].BankID {
				if v := must[*appfin.DemandView](t)(f.fin.GetDemand(ctx, f.staff[i], dv.Demand.Number)); v.Ticket != "" {
					t.Errorf("the bank sees ticket %s", v.Ticket)
				}
			}
		}
	})
}

// The office sees why the other products do not fit, and matches an open
// demand again after a product is added: only the new one is added.
func TestUnmatchedAndRematch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		dv := must[*appfin.DemandView](t)(f.fin.CreateDemand(ctx, f.officer, finance.NewDemand{BusinessID: f.biz.ID, Amount: 300000,
			TermMonths: 12, Purpose: "进货"}))
		if len(dv.Unmatched) != 1 || dv.Unmatched[0] != (appfin.ReasonCount{Reason: finance.ReasonAmountAbove, Count: 3}) {
			t.Errorf("unmatched %+v, want the three small products above their most", dv.Unmatched)
		}
		if _, err := f.fin.CreateProduct(ctx, f.officer, finance.NewProduct{BankID: f.banks[1].ID, Name: "餐饮贷", Kind: finance.KindCredit,
			MaxAmount: 500000, RateMinBP: 350, TermMax: 24, Industries: []finance.Industry{finance.IndustryHospitality}}); err != nil {
			t.Fatal(err)
		}
		v, added, err := f.fin.Rematch(ctx, f.officer, dv.Demand.Number)
		if err != nil || added != 1 || len(v.Matches) != 4 {
			t.Fatalf("rematch: added %d, %d matches, %v", added, len(v.Matches), err)
		}
		if v.Matches[0].ProductName != "餐饮贷" {
			t.Errorf("the new product should rank first: %s", v.Matches[0].ProductName)
		}
		if _, added, _ := f.fin.Rematch(ctx, f.officer, dv.Demand.Number); added != 0 {
			t.Errorf("a second rematch added %d", added)
		}
		if _, _, err := f.fin.Rematch(ctx, f.staff[0], dv.Demand.Number); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a bank rematched: %v", err)
		}
	})
}

// A bank's changed promise applies to matches sent from then on; a bank
// that leaves is neither matched nor sent to; bad days are refused.
func TestUpdateBank(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		dv := must[*appfin.DemandView](t)(f.fin.CreateDemand(ctx, f.officer, finance.NewDemand{BusinessID: f.biz.ID, Amount: 300000,
			TermMonths: 12, Purpose: "进货"}))
		one, off := 1, false
		if _, err := f.fin.UpdateBank(ctx, f.officer, f.banks[0].Code, appfin.BankChange{ClaimDays: &[]int{40}[0]}); field(err) != "invalid:claim_days:days_range" {
			t.Errorf("40 days: %v", field(err))
		}
		if b := must[*finance.Bank](t)(f.fin.UpdateBank(ctx, f.officer, f.banks[0].Code, appfin.BankChange{ClaimDays: &one})); b.ClaimDays != 1 || b.AnswerDays != finance.DefaultAnswerDays {
			t.Errorf("bank %+v", b)
		}
		must[*finance.Bank](t)(f.fin.UpdateBank(ctx, f.officer, f.banks[1].Code, appfin.BankChange{Active: &off}))
		for _, m := range dv.Matches {
			got, err := f.fin.Act(ctx, f.officer, m.ID, appfin.Step{Action: finance.ActionSend})
			switch m.BankID {
			case f.banks[0].ID:
				// Monday 09:00 + one working day: the end of Tuesday 3 March.
				if err != nil || got.ClaimBy.In(time.FixedZone("CST", 8*3600)).Format("01-02 15:04") != "03-03 23:59" {
					t.Errorf("sent with the new promise: %v %v", got, err)
				}
			case f.banks[1].ID:
				if field(err) != "conflict::bank_inactive" {
					t.Errorf("sent to a bank that left: %v", field(err))
				}
			}
		}
		again := must[*appfin.DemandView](t)(f.fin.CreateDemand(ctx, f.officer, finance.NewDemand{BusinessID: f.biz.ID, Amount: 300000,
			TermMonths: 12, Purpose: "进货"}))
		for _, m := range again.Matches {
			if m.BankID == f.banks[1].ID {
				t.Errorf("matched to a bank that left: %+v", m)
			}
		}
	})
}

// The office changes a credit file: bad input is refused and changes
// nothing; an empty owner's phone keeps the stored one; the audit entry
// names the fields, never the personal values.
func TestUpdateBusiness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		future, empty, phone, name := "2099-01-01", "", "13997005678", "海湖小吃店（二店）"
		if _, err := f.fin.UpdateBusiness(ctx, f.officer, idStr(f.biz.ID), appfin.BusinessChange{FoundedOn: &future, Name: &name}); field(err) != "invalid:founded_on:date_future" {
			t.Errorf("a founding day in the future: %v", field(err))
		}
		b := must[*finance.Business](t)(f.fin.UpdateBusiness(ctx, f.officer, idStr(f.biz.ID), appfin.BusinessChange{Name: &name, OwnerPhone: &empty}))
		if b.Name != name || b.OwnerPhone != "138****1234" {
			t.Errorf("after the change: %q %q", b.Name, b.OwnerPhone)
		}
		b = must[*finance.Business](t)(f.fin.UpdateBusiness(ctx, f.officer, idStr(f.biz.ID), appfin.BusinessChange{OwnerPhone: &phone}))
		if b.OwnerPhone != "139****5678" {
			t.Errorf("new phone shows %q", b.OwnerPhone)
		}
		err := db.Read(ctx, func(tx *store.Tx) error {
			n, err := store.CountAuditByActor(ctx, tx, f.officer.ID, "update", time.Time{})
			if err != nil || n != 2 {
				t.Errorf("%d update entries: %v", n, err)
			}
			ev, err := store.ListTimeline(ctx, tx, appfin.ObjectBusiness, f.biz.ID)
			if err != nil {
				return err
			}
			last := ev[len(ev)-1]
			if last.Data["changed"] != "owner_phone" || strings.Contains(fmt.Sprint(last.Data), "13997005678") {
				t.Errorf("the last event: %+v", last)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.fin.UpdateBusiness(ctx, f.staff[0], idStr(f.biz.ID), appfin.BusinessChange{Name: &name}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("a bank changed the file: %v", err)
		}
	})
}
