package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	appfin "github.com/minsheng/minsheng/app/finance"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/creditcode"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store/storetest"
)

// TestBrowserFinanceLoop drives Chromium through finance matching's main
// loop: the finance officer registers a restaurant (a wrong credit code
// first, refused in Chinese with the input kept), records its credit
// demand, which matches two banks' products, and sends both; the staff of
// one bank, on a phone, sees only its own match, claims it, approves and
// disburses; the demand is granted and the figures and the league table
// show the loan. The pages are saved in testdata/artifacts.
func TestBrowserFinanceLoop(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	fin := appfin.New(f.Svc.Kit(), f.Svc)
	for _, u := range []struct {
		name string
		role org.Role
	}{{"officer", finance.RoleOfficer}, {"banker", finance.RoleBank}, {"other_banker", finance.RoleBank}} {
		if _, err := f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: u.name, Name: u.name, Role: u.role,
			UnitID: f.District.ID, Password: apptest.Password}); err != nil {
			t.Fatal(err)
		}
	}
	for i, b := range []finance.NewBank{{Code: "qhbank", Name: "青海银行城西支行"}, {Code: "xnrcb", Name: "西宁农商银行"}} {
		bank, err := fin.CreateBank(ctx, kit.System(), b)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fin.CreateProduct(ctx, kit.System(), finance.NewProduct{BankID: bank.ID, Name: []string{"经营快贷", "商户e贷"}[i],
			Kind: finance.KindCredit, MaxAmount: 1000000, RateMinBP: 395 + 20*i, TermMax: 36}); err != nil {
			t.Fatal(err)
		}
		if err := fin.LinkStaff(ctx, kit.System(), b.Code, []string{"banker", "other_banker"}[i]); err != nil {
			t.Fatal(err)
		}
	}
	r := newBrowserRun(t, f, "finance", 1366)
	value := func(c context.Context, sel string) string {
		t.Helper()
		s, err := chromedp.Run(c, chromedp.Value(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("value of %s: %v", sel, err)
		}
		return s
	}

	// 1. The officer registers the business: a wrong check character first.
	office := r.person()
	r.signIn(office, "officer")
	register := func(code string) {
		r.do(office, "fill in the business",
			chromedp.Navigate(r.base+"/finance/businesses"), chromedp.WaitVisible(chromedp.CSS("#fin-register summary")),
			chromedp.Click(chromedp.CSS("#fin-register summary")), chromedp.WaitVisible(chromedp.CSS("#biz-code")),
			chromedp.SendKeys(chromedp.CSS("#biz-code"), code),
			chromedp.SendKeys(chromedp.CSS("#biz-name"), "海湖小吃店"),
			chromedp.SetValue(chromedp.CSS(`#form-business select[name="industry"]`), "H"),
			chromedp.SetValue(chromedp.CSS(`#form-business select[name="size"]`), "individual"),
			chromedp.SetValue(chromedp.CSS("#biz-founded"), "2020-05-01"),
			chromedp.SendKeys(chromedp.CSS("#biz-owner"), "马晓东"),
			chromedp.SendKeys(chromedp.CSS("#biz-phone"), "13897001234"),
			chromedp.Click(chromedp.CSS("#biz-consent")),
			chromedp.Click(chromedp.CSS("#biz-submit")))
	}
	register("92630104MA0000001X")
	r.do(office, "the refusal", chromedp.WaitVisible(chromedp.CSS("#fin-register .ferr")))
	if got := r.text(office, "#fin-register .ferr"); !strings.Contains(got, "统一社会信用代码不正确") {
		t.Errorf("the refusal reads %q", got)
	}
	if got := value(office, "#biz-name"); got != "海湖小吃店" {
		t.Errorf("the form lost the name: %q", got)
	}
	r.shot(office, "business-refused")
	register(creditcode.WithCheck("92630104MA0000001"))
	r.do(office, "the business page", chromedp.WaitVisible(chromedp.CSS("#owner-phone")))
	if got := r.text(office, "#owner-phone"); got != "138****1234" {
		t.Errorf("the owner's phone shows %q", got)
	}

	// 2. Its demand: 30万 for 12 months, matched to both banks; both sent.
	r.do(office, "record the demand", chromedp.Click(chromedp.CSS("#fin-new summary")), chromedp.WaitVisible(chromedp.CSS("#demand-amount")),
		chromedp.SendKeys(chromedp.CSS("#demand-amount"), "30"), chromedp.SendKeys(chromedp.CSS("#demand-term"), "12"),
		chromedp.SendKeys(chromedp.CSS("#demand-purpose"), "冬季备货和店面翻新"),
		chromedp.Click(chromedp.CSS("#demand-submit")), chromedp.WaitVisible(chromedp.CSS("#demand-status")))
	if got := len(nodes(t, office, "article.fin-match")); got != 2 {
		t.Fatalf("%d matches, want 2", got)
	}
	if r := r.text(office, "article.fin-match"); !strings.Contains(r, "金额在额度内") || !strings.Contains(r, "利率较低") {
		t.Errorf("the first match's reasons: %s", r)
	}
	r.shot(office, "demand-matched")
	ids, err := chromedp.Run(office, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('form[id^="act-send-"]')).map(f => f.id)`))
	if err != nil || len(ids) != 2 {
		t.Fatalf("send forms %v: %v", ids, err)
	}
	for _, id := range ids {
		// Wait for the new page: the old one has the demand's status too.
		r.do(office, "send", chromedp.Click(chromedp.CSS("#"+id+" button")), chromedp.WaitNotPresent(chromedp.CSS("#"+id)),
			chromedp.WaitVisible(chromedp.CSS("#demand-status")))
	}
	if got := len(nodes(t, office, `form[id^="act-send-"]`)); got != 0 {
		t.Fatalf("%d matches left unsent", got)
	}

	// 3. The bank's staff on a phone: only their match; claim, approve, disburse.
	bank := r.person()
	r.do(bank, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	r.signIn(bank, "banker")
	r.do(bank, "the inbox", chromedp.Navigate(r.base+"/finance"), chromedp.WaitVisible(chromedp.CSS("#fin-inbox")))
	if got := len(nodes(t, bank, "#fin-inbox tbody tr")); got != 1 {
		t.Fatalf("the bank's list has %d rows", got)
	}
	r.shot(bank, "inbox-phone")
	fits(t, bank, "the bank's list")
	r.do(bank, "open the demand", chromedp.Click(chromedp.CSS("#fin-inbox a.num")), chromedp.WaitVisible(chromedp.CSS("#demand-status")))
	if got := len(nodes(t, bank, "article.fin-match")); got != 1 {
		t.Errorf("the bank sees %d matches, want its own only", got)
	}
	r.do(bank, "claim", chromedp.Click(chromedp.CSS(`form[id^="act-claim-"] button`)), chromedp.WaitVisible(chromedp.CSS(`form[id^="act-approve-"]`)))
	r.do(bank, "approve", chromedp.Click(chromedp.CSS(`form[id^="act-approve-"] button`)), chromedp.WaitVisible(chromedp.CSS(`form[id^="act-disburse-"]`)))
	r.shot(bank, "approved-phone")
	fits(t, bank, "the demand page")
	r.do(bank, "disburse", chromedp.Click(chromedp.CSS(`form[id^="act-disburse-"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[id^="act-disburse-"]`)), chromedp.WaitVisible(chromedp.CSS("#demand-status")))
	if got := r.text(bank, "#demand-status"); got != "已获贷" {
		t.Errorf("the demand after the loan: %q", got)
	}
	r.shot(bank, "disbursed-phone")

	// 4. The figures: one demand granted, 30万 from 青海银行.
	r.do(office, "figures", chromedp.Navigate(r.base+"/finance/figures"), chromedp.WaitVisible(chromedp.CSS("#fin-league")))
	if got := r.text(office, "#fig-granted"); got != "1" {
		t.Errorf("granted %q", got)
	}
	if got := r.text(office, "#league-qhbank .amount"); got != "30万" {
		t.Errorf("青海银行's amount %q", got)
	}
	if got := r.text(office, "#fin-league tbody tr td"); got != "青海银行城西支行" {
		t.Errorf("the league's head is %q", got)
	}
	r.shot(office, "figures")

	// 5. The office's pages fit a phone too.
	phone := r.person()
	r.do(phone, "phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	r.signIn(phone, "officer")
	for _, path := range []string{"/finance", "/finance/businesses", "/finance/banks", "/finance/figures"} {
		r.do(phone, path, chromedp.Navigate(r.base+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
		fits(t, phone, path)
	}
	r.do(phone, "a demand", chromedp.Navigate(r.base+"/finance"), chromedp.Click(chromedp.CSS("#fin-demands a.num")),
		chromedp.WaitVisible(chromedp.CSS("#demand-status")))
	fits(t, phone, "the demand page")
	r.shot(phone, "demand-office-phone")
}

// fits fails when the page is wider than the phone's screen.
func fits(t *testing.T, c context.Context, what string) {
	t.Helper()
	over, err := chromedp.Run(c, chromedp.Evaluate[float64](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	if err != nil {
		t.Fatalf("width of %s: %v", what, err)
	}
	if over > 0 {
		t.Errorf("%s is %.0f px wider than the phone", what, over)
	}
}

// nodes counts the elements the CSS selector finds on the page.
func nodes(t *testing.T, c context.Context, sel string) []struct{} {
	t.Helper()
	n, err := chromedp.Run(c, chromedp.Evaluate[float64](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
	if err != nil {
		t.Fatalf("count %s: %v", sel, err)
	}
	return make([]struct{}, int(n))
}
