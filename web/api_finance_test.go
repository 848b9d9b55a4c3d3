package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/org"
)

// financeUser adds a user of the role in the district, with a token.
func financeUser(t *testing.T, e *env, username string, role string) int64 {
	t.Helper()
	u, err := e.f.Svc.CreateUser(context.Background(), kit.System(), app.NewUser{Username: username, Name: username,
		Role: org.Role(role), UnitID: e.f.District.ID, Password: apptest.Password})
	if err != nil {
		t.Fatal(err)
	}
	e.addToken(t, username)
	return u.ID
}

// financeAdminWrites are the programme's setup routes (banks, products,
// bank staff) in the audit walk: an admin of the district may make them,
// each with one audit entry. Casework (businesses, demands, matches) is
// walked by role in TestFinanceAPI.
func financeAdminWrites(t *testing.T, e *env) []adminWrite {
	financeUser(t, e, "banker", "bank_staff")
	var lead finance.Bank
	json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/finance/banks", "admin", map[string]any{"code": "lead", "name": "青海银行"})), &lead)
	var bankID, productID int64
	fixed := func(p string) func() string { return func() string { return p } }
	return []adminWrite{
		{pattern: "POST /api/v1/finance/banks", path: fixed("/api/v1/finance/banks"), status: http.StatusCreated,
			body:   map[string]any{"code": "xnrcb", "name": "西宁农商银行城西支行", "claim_days": 3},
			object: "finance_bank", id: func(b []byte) int64 { bankID = stringIDOf(b); return bankID }, action: "create",
			detail: []string{"code=xnrcb", "claim_days=3"}, refused: map[string]any{"code": "bad code", "name": "某行"}},
		{pattern: "PATCH /api/v1/finance/banks/{ref}", path: fixed("/api/v1/finance/banks/xnrcb"), status: http.StatusOK,
			body: map[string]any{"claim_days": 2, "contact_phone": "0971-6112345"}, object: "finance_bank", id: func([]byte) int64 { return bankID },
			action: "update", detail: []string{"claim_days=3 → 2", "contact_phone= → 09716112345"}, refused: map[string]any{"claim_days": 45}},
		{pattern: "POST /api/v1/finance/banks/{ref}/staff", path: fixed("/api/v1/finance/banks/xnrcb/staff"), status: http.StatusOK,
			body: map[string]any{"user": "banker"}, object: "finance_bank", id: func([]byte) int64 { return bankID }, action: "link_staff",
			refused: map[string]any{"user": "agent"}},
		{pattern: "POST /api/v1/finance/products", path: fixed("/api/v1/finance/products"), status: http.StatusCreated,
			body:   map[string]any{"bank_id": strconv.FormatInt(lead.ID, 10), "name": "税e贷", "kind": "credit", "max_amount": 1000000, "rate_min_bp": 365},
			object: "finance_product", id: func(b []byte) int64 { productID = stringIDOf(b); return productID }, action: "create",
			detail:  []string{"kind=credit", "max_amount=1000000"},
			refused: map[string]any{"bank_id": "1", "name": "x", "kind": "credit", "min_amount": 500000, "max_amount": 100000, "rate_min_bp": 400}},
		{pattern: "POST /api/v1/finance/products/{id}/active", path: func() string { return "/api/v1/finance/products/" + itoa(productID) + "/active" },
			status: http.StatusOK, body: map[string]any{"active": false}, object: "finance_product", id: func([]byte) int64 { return productID },
			action: "withdraw", refused: map[string]any{}},
	}
}

// financeStreetCalls: the programme is the district's; an admin of a
// street may not set it up.
func financeStreetCalls(e *env) []streetCall {
	fixed := func(p string) func() string { return func() string { return p } }
	return []streetCall{
		{pattern: "POST /api/v1/finance/banks", path: fixed("/api/v1/finance/banks"), status: http.StatusForbidden,
			body: map[string]any{"code": "streetbank", "name": "街道银行"}},
		{pattern: "PATCH /api/v1/finance/banks/{ref}", path: fixed("/api/v1/finance/banks/qhbank"), status: http.StatusForbidden,
			body: map[string]any{"active": false}},
		{pattern: "POST /api/v1/finance/banks/{ref}/staff", path: fixed("/api/v1/finance/banks/qhbank/staff"), status: http.StatusForbidden,
			body: map[string]any{"user": "handler"}},
		{pattern: "POST /api/v1/finance/products", path: fixed("/api/v1/finance/products"), status: http.StatusForbidden,
			body: map[string]any{"bank_id": "1", "name": "街道贷", "kind": "credit", "max_amount": 100000, "rate_min_bp": 400}},
		{pattern: "POST /api/v1/finance/products/{id}/active", path: fixed("/api/v1/finance/products/1/active"), status: http.StatusForbidden,
			body: map[string]any{"active": false}},
	}
}

// The main loop through the JSON API, every answer checked against the
// OpenAPI document: the office registers a bank with a product and its
// staff, a business (bad credit code refused), a demand (negative amount
// refused) that matches, sends it; the bank sees only its match, claims,
// reveals the owner's phone (audited), approves and disburses; the
// figures count it. Another bank's staff cannot see or touch it.
func TestFinanceAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		financeUser(t, e, "officer", "finance_officer")
		financeUser(t, e, "banker", "bank_staff")
		financeUser(t, e, "other_banker", "bank_staff")
		var bank, other finance.Bank
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/finance/banks", "officer", map[string]any{"code": "qhbank", "name": "青海银行"})), &bank)
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/finance/banks", "officer", map[string]any{"code": "xnrcb", "name": "西宁农商银行"})), &other)
		mustOK(t, e.do(t, "POST", "/api/v1/finance/banks/qhbank/staff", "officer", map[string]any{"user": "banker"}))
		mustOK(t, e.do(t, "POST", "/api/v1/finance/banks/xnrcb/staff", "officer", map[string]any{"user": "other_banker"}))
		mustOK(t, e.do(t, "POST", "/api/v1/finance/products", "officer", map[string]any{"bank_id": strconv.FormatInt(bank.ID, 10),
			"name": "经营快贷", "kind": "credit", "max_amount": 1000000, "rate_min_bp": 395, "term_max": 36}))
		mustOK(t, e.do(t, "GET", "/api/v1/finance/banks", "banker", nil))

		biz := map[string]any{"credit_code": "91350100M000100Y44", "name": "海湖小吃店", "industry": "H", "size": "micro",
			"founded_on": "2020-05-01", "owner_name": "马晓东", "owner_phone": "13897001234", "consent": true}
		mustProblem(t, e.do(t, "POST", "/api/v1/finance/businesses", "officer", biz), http.StatusBadRequest, "invalid", "credit_code")
		biz["credit_code"] = "91350100M000100Y43"
		var b finance.Business
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/finance/businesses", "officer", biz)), &b)
		if b.OwnerPhone != "138****1234" {
			t.Errorf("owner phone shown %q", b.OwnerPhone)
		}
		mustStatus(t, e.do(t, "POST", "/api/v1/finance/businesses", "handler", biz), http.StatusForbidden)

		bid := strconv.FormatInt(b.ID, 10)
		mustProblem(t, e.do(t, "POST", "/api/v1/finance/demands", "officer", map[string]any{"business_id": bid, "amount": -100,
			"term_months": 12, "purpose": "进货"}), http.StatusBadRequest, "invalid", "amount")
		var dv struct {
			Demand  finance.Demand `json:"demand"`
			Matches []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"matches"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/finance/demands", "officer", map[string]any{"business_id": bid, "amount": 300000,
			"term_months": 12, "purpose": "进货"})), &dv)
		if len(dv.Matches) != 1 {
			t.Fatalf("matches %+v", dv.Matches)
		}
		m := "/api/v1/finance/matches/" + dv.Matches[0].ID + "/actions/"
		mustStatus(t, e.do(t, "POST", m+"claim", "banker", map[string]any{}), http.StatusConflict) // not sent yet
		mustOK(t, e.do(t, "POST", m+"send", "officer", map[string]any{}))

		// The other bank sees nothing of it.
		mustStatus(t, e.do(t, "GET", "/api/v1/finance/demands/"+dv.Demand.Number, "other_banker", nil), http.StatusNotFound)
		mustStatus(t, e.do(t, "POST", m+"claim", "other_banker", map[string]any{}), http.StatusNotFound)
		mustStatus(t, e.do(t, "GET", "/api/v1/finance/businesses/"+bid, "other_banker", nil), http.StatusNotFound)
		var inbox struct {
			Matches []json.RawMessage `json:"matches"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/finance/matches?open=true", "other_banker", nil)), &inbox)
		if len(inbox.Matches) != 0 {
			t.Errorf("the other bank's list: %d", len(inbox.Matches))
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/finance/matches?open=true", "banker", nil)), &inbox)
		if len(inbox.Matches) != 1 {
			t.Errorf("the bank's list: %d", len(inbox.Matches))
		}
		mustStatus(t, e.do(t, "GET", "/api/v1/finance/demands", "banker", nil), http.StatusForbidden)

		mustStatus(t, e.do(t, "POST", "/api/v1/finance/businesses/"+bid+"/reveal", "banker", map[string]any{"reason": "联系企业"}), http.StatusForbidden)
		e.f.Clock.Advance(2 * time.Hour)
		mustOK(t, e.do(t, "POST", m+"claim", "banker", map[string]any{}))
		mustProblem(t, e.do(t, "POST", "/api/v1/finance/businesses/"+bid+"/reveal", "banker", map[string]any{}), http.StatusBadRequest, "invalid", "reason")
		var owner struct {
			Phone string `json:"owner_phone"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "POST", "/api/v1/finance/businesses/"+bid+"/reveal", "banker", map[string]any{"reason": "电话联系企业负责人"})), &owner)
		if owner.Phone != "13897001234" {
			t.Errorf("revealed %q", owner.Phone)
		}
		mustProblem(t, e.do(t, "POST", m+"approve", "banker", map[string]any{"amount": 0}), http.StatusBadRequest, "invalid", "amount")
		mustOK(t, e.do(t, "POST", m+"approve", "banker", map[string]any{"amount": 300000}))
		mustOK(t, e.do(t, "POST", m+"disburse", "banker", map[string]any{"amount": 300000}))
		mustStatus(t, e.do(t, "POST", m+"withdraw", "officer", map[string]any{}), http.StatusConflict)

		var fig struct {
			Granted int `json:"granted"`
			Total   struct {
				DisbursedAmount int64 `json:"disbursed_amount"`
			} `json:"total"`
		}
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/finance/figures", "leader", nil)), &fig)
		if fig.Granted != 1 || fig.Total.DisbursedAmount != 300000 {
			t.Errorf("figures %+v", fig)
		}
		mustStatus(t, e.do(t, "GET", "/api/v1/finance/figures", "banker", nil), http.StatusForbidden)
		mustProblem(t, e.do(t, "GET", "/api/v1/finance/figures?from=yesterday", "leader", nil), http.StatusBadRequest, "invalid", "from")
		mustOK(t, e.do(t, "POST", "/api/v1/finance/businesses/"+bid+"/consent", "officer", map[string]any{"consent": false}))
		json.Unmarshal(mustOK(t, e.do(t, "GET", "/api/v1/finance/demands?status=granted", "officer", nil)), &inbox)
	})
}

func init() {
	registerWalk("finance", capabilityWalk{
		// Businesses, demands and matches: walked by role and bank in TestFinanceAPI.
		casework: []string{"/api/v1/finance/businesses", "/api/v1/finance/demands", "/api/v1/finance/matches"},
		audit:    financeAdminWrites,
		street:   func(t *testing.T, e *env) []streetCall { return financeStreetCalls(e) },
	})
}
