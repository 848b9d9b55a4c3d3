package ui_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	appfin "github.com/minsheng/minsheng/app/finance"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/org"
)

// financeSetup adds the officer, a bank with a product and its staff, a
// second bank's staff, and a consenting business.
func financeSetup(t *testing.T, e *env) (*appfin.Service, *finance.Business) {
	t.Helper()
	ctx := context.Background()
	fin := appfin.New(e.f.Svc.Kit(), e.f.Svc)
	for _, u := range []struct {
		name string
		role org.Role
	}{{"officer", finance.RoleOfficer}, {"banker", finance.RoleBank}, {"other_banker", finance.RoleBank}} {
		if _, err := e.f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: u.name, Name: "马" + u.name, Role: u.role,
			UnitID: e.f.District.ID, Password: apptest.Password}); err != nil {
			t.Fatal(err)
		}
	}
	for i, code := range []string{"qhbank", "xnrcb"} {
		b, err := fin.CreateBank(ctx, kit.System(), finance.NewBank{Code: code, Name: []string{"青海银行", "西宁农商银行"}[i]})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := fin.CreateProduct(ctx, kit.System(), finance.NewProduct{BankID: b.ID, Name: "经营快贷", Kind: finance.KindCredit,
				MaxAmount: 1000000, RateMinBP: 395, TermMax: 36}); err != nil {
				t.Fatal(err)
			}
		}
		if err := fin.LinkStaff(ctx, kit.System(), code, []string{"banker", "other_banker"}[i]); err != nil {
			t.Fatal(err)
		}
	}
	biz, err := fin.RegisterBusiness(ctx, kit.System(), finance.NewBusiness{CreditCode: "91350100M000100Y43", Name: "海湖小吃店",
		Industry: finance.IndustryHospitality, Size: finance.SizeMicro, FoundedOn: "2020-05-01", OwnerName: "马晓东",
		OwnerPhone: "13897001234", Consent: true, UnitID: e.f.District.ID})
	if err != nil {
		t.Fatal(err)
	}
	return fin, biz
}

// The finance pages through their forms: refusals worded in the page's
// language with the input kept, the bank's staff scoped to their bank,
// the owner's phone masked until an audited reveal after the claim, the
// league table exported to Excel, and the figures closed to banks.
func TestFinancePages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		fin, biz := financeSetup(t, e)
		office := e.signedIn(t, "officer")
		bizPath := "/finance/businesses/" + itoa(biz.ID)
		r := office.post("/finance/demands", url.Values{"business_id": {itoa(biz.ID)}, "amount": {"-3"}, "term_months": {"12"},
			"purpose": {"进货"}, "from_business": {itoa(biz.ID)}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "「金额」必须是正数") || !strings.Contains(r.body, `value="进货"`) &&
			!strings.Contains(r.body, ">进货</textarea>") {
			t.Errorf("a negative amount: %d", r.status)
		}
		office.get("/lang/en")
		r = office.post("/finance/demands", url.Values{"business_id": {itoa(biz.ID)}, "amount": {"abc"}, "term_months": {"12"}, "purpose": {"x"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "the amount must be a number") {
			t.Errorf("a non-number in English: %d", r.status)
		}
		office.get("/lang/zh")
		r = office.post("/finance/demands", url.Values{"business_id": {itoa(biz.ID)}, "amount": {"30"}, "term_months": {"12"}, "purpose": {"冬季备货"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=fin_matched") || !strings.Contains(r.body, "经营快贷") {
			t.Fatalf("a demand: %d %s", r.status, r.url)
		}
		if strings.Contains(r.body, "13897001234") {
			t.Error("the demand page shows the owner's phone")
		}
		v, err := fin.ListDemands(context.Background(), kit.System(), appfin.DemandQuery{})
		if err != nil || len(v) != 1 {
			t.Fatal(v, err)
		}
		dv, _ := fin.GetDemand(context.Background(), kit.System(), v[0].Number)
		mid := itoa(dv.Matches[0].ID)
		form := url.Values{"demand": {v[0].Number}}
		if r := office.post("/finance/matches/"+mid+"/send", form); r.status != http.StatusOK {
			t.Fatalf("send: %d", r.status)
		}

		// The other bank sees nothing; the bank its match.
		other := e.signedIn(t, "other_banker")
		if r := other.get("/finance"); r.status != http.StatusOK || strings.Contains(r.body, v[0].Number) {
			t.Errorf("the other bank's list: %d", r.status)
		}
		if r := other.get("/finance/demands/" + v[0].Number); r.status != http.StatusNotFound {
			t.Errorf("the other bank opens the demand: %d", r.status)
		}
		if r := other.get("/finance/figures"); r.status != http.StatusForbidden {
			t.Errorf("a bank opens the figures: %d", r.status)
		}
		bank := e.signedIn(t, "banker")
		if r := bank.get("/finance"); !strings.Contains(r.body, v[0].Number) {
			t.Errorf("the bank's list lacks the demand")
		}
		if r := bank.post(bizPath+"/reveal", url.Values{"reason": {"联系企业"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "认领该企业的需求后才能查看联系方式") {
			t.Errorf("reveal before the claim: %d", r.status)
		}
		bank.post("/finance/matches/"+mid+"/claim", form)
		r = bank.post(bizPath+"/reveal", url.Values{"reason": {"电话联系企业负责人"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, "13897001234") || r.hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("reveal after the claim: %d %q", r.status, r.hdr.Get("Cache-Control"))
		}
		r = bank.post("/finance/matches/"+mid+"/decline", form)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "请选择拒绝原因") {
			t.Errorf("a decline without a reason: %d", r.status)
		}
		bank.post("/finance/matches/"+mid+"/approve", url.Values{"demand": {v[0].Number}, "amount": {"25"}})
		r = bank.post("/finance/matches/"+mid+"/disburse", url.Values{"demand": {v[0].Number}, "amount": {"30"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "放款金额不能超过批准金额") {
			t.Errorf("more than approved: %d", r.status)
		}
		if r := bank.post("/finance/matches/"+mid+"/disburse", url.Values{"demand": {v[0].Number}, "amount": {"25"}}); !strings.Contains(r.body, "已获贷") {
			t.Errorf("after the loan: %d", r.status)
		}

		// The league table in Excel.
		x := office.get("/finance/figures.xlsx")
		if x.status != http.StatusOK || !strings.Contains(x.hdr.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", x.status, x.hdr.Get("Content-Type"))
		}
		wb, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := wb.GetRows(wb.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, row := range rows {
			if len(row) > 11 && row[0] == "青海银行" && row[11] == "250000" {
				found = true
			}
		}
		if !found {
			t.Errorf("the sheet lacks 青海银行's 250000 yuan: %v", rows)
		}
		x = office.get("/finance/demands.xlsx")
		if wb, err = excelize.OpenReader(bytes.NewReader([]byte(x.body))); err != nil {
			t.Fatalf("demands export: %d %v", x.status, err)
		}
		if rows, _ = wb.GetRows(wb.GetSheetName(0)); len(rows) < 2 || !strings.Contains(strings.Join(rows[len(rows)-1], " "), "海湖小吃店") ||
			!strings.Contains(strings.Join(rows[len(rows)-1], " "), "已获贷") {
			t.Errorf("the demands sheet: %v", rows)
		}
		r = office.post(bizPath, url.Values{"name": {"海湖小吃店（二店）"}, "industry": {"H"}, "size": {"micro"}, "founded_on": {"2099-01-01"},
			"employees": {"6"}, "revenue": {"80"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "「成立日期」不能晚于今天") || !strings.Contains(r.body, `value="海湖小吃店（二店）"`) {
			t.Errorf("a founding day in the future: %d", r.status)
		}
		r = office.post(bizPath, url.Values{"name": {"海湖小吃店（二店）"}, "industry": {"H"}, "size": {"micro"}, "founded_on": {"2020-05-01"},
			"employees": {"6"}, "revenue": {"80"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, "海湖小吃店（二店）") || !strings.Contains(r.body, "138****1234") {
			t.Errorf("the change: %d", r.status)
		}
		if r := office.get("/finance/banks"); r.status != http.StatusOK || !strings.Contains(r.body, "经营快贷") {
			t.Errorf("banks page: %d", r.status)
		}
		if r := office.post("/finance/banks", url.Values{"code": {"坏代码"}, "name": {"某行"}}); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, `value="某行"`) {
			t.Errorf("a bad bank code: %d", r.status)
		}
	})
}
