package ui

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/finance"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/capability"
	dom "github.com/minsheng/minsheng/finance"
	"github.com/minsheng/minsheng/org"
)

// This file holds the pages of finance matching (甘霖工程): for the
// district's finance office the demands (the work list), a demand's page
// with its matches and their reasons, the businesses with their credit
// file, consent and the audited reveal, the banks and products, and the
// figures with the bank league table (exported to Excel); for a bank's
// staff the list of matches sent to their bank and the same demand page
// with their own match only. Amounts are typed in 万元, rates in percent.

type financePages struct {
	forms
	fin *finance.Service
}

// FinancePages returns the pages of the finance capability.
func (u *UI) FinancePages(svc *finance.Service) []capability.Route {
	p := &financePages{forms: forms{UI: u, flat: true}, fin: svc}
	office := []org.Role{dom.RoleOfficer, org.RoleAdmin}
	read := []org.Role{dom.RoleOfficer, org.RoleAdmin, org.RoleLeader, dom.RoleBank}
	figures := []org.Role{dom.RoleOfficer, org.RoleAdmin, org.RoleLeader}
	act := []org.Role{dom.RoleOfficer, org.RoleAdmin, dom.RoleBank}
	return []capability.Route{
		{Pattern: "GET /finance", Handler: u.staff(p.home, read...)},
		{Pattern: "POST /finance/demands", Handler: u.staff(p.createDemand, office...)},
		{Pattern: "GET /finance/demands/{ref}", Handler: u.staff(p.demand, read...)},
		{Pattern: "POST /finance/demands/{ref}/close", Handler: u.staff(p.closeDemand, office...)},
		{Pattern: "POST /finance/demands/{ref}/rematch", Handler: u.staff(p.rematch, office...)},
		{Pattern: "POST /finance/matches/{id}/{action}", Handler: u.staff(p.act, act...)},
		{Pattern: "GET /finance/businesses", Handler: u.staff(p.businesses, office...)},
		{Pattern: "POST /finance/businesses", Handler: u.staff(p.registerBusiness, office...)},
		{Pattern: "GET /finance/businesses/{ref}", Handler: u.staff(p.business, read...)},
		{Pattern: "POST /finance/businesses/{ref}", Handler: u.staff(p.updateBusiness, office...)},
		{Pattern: "POST /finance/businesses/{ref}/consent", Handler: u.staff(p.consent, office...)},
		{Pattern: "POST /finance/businesses/{ref}/reveal", Handler: u.staff(p.reveal, act...)},
		{Pattern: "GET /finance/banks", Handler: u.staff(p.banks, read...)},
		{Pattern: "POST /finance/banks", Handler: u.staff(p.createBank, office...)},
		{Pattern: "POST /finance/banks/{ref}", Handler: u.staff(p.updateBank, office...)},
		{Pattern: "POST /finance/banks/{ref}/staff", Handler: u.staff(p.linkStaff, office...)},
		{Pattern: "POST /finance/products", Handler: u.staff(p.createProduct, office...)},
		{Pattern: "POST /finance/products/{id}/active", Handler: u.staff(p.productActive, office...)},
		{Pattern: "GET /finance/figures", Handler: u.staff(p.figures, figures...)},
		{Pattern: "GET /finance/figures.xlsx", Handler: u.staff(p.export, figures...)},
		{Pattern: "GET /finance/demands.xlsx", Handler: u.staff(p.exportDemands, figures...)},
	}
}

// FinanceNav are the finance capability's entries in the navigation.
var FinanceNav = []capability.NavItem{
	{Label: "nav.finance", Path: "/finance", Roles: []org.Role{dom.RoleOfficer, org.RoleLeader, dom.RoleBank}},
	{Label: "nav.finance_figures", Path: "/finance/figures", Roles: []org.Role{dom.RoleOfficer, org.RoleLeader}},
}

// parseWan reads an amount typed in 万元 ("30", "12.5") as yuan; "" is 0.
func parseWan(field, v string) (int64, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e6 {
		return 0, minsheng.FieldError(field, "%s must be a number of 万元", field).Because("not_a_number")
	}
	return int64(math.Round(f * 10000)), nil
}

// parsePercent reads a rate typed in percent ("3.45") as basis points.
func parsePercent(field, v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1000 {
		return 0, minsheng.FieldError(field, "%s must be a percentage", field).Because("not_a_number")
	}
	return int(math.Round(f * 100)), nil
}

// parseInt reads a whole number; "" is 0.
func finInt(field, v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, minsheng.FieldError(field, "%s must be a whole number", field).Because("not_a_number")
	}
	return n, nil
}

// finData carries what every finance page's template needs beside its own
// data: the enums and the formatting helpers.
type finData struct {
	Industries  []dom.Industry
	Sizes       []dom.Size
	Kinds       []dom.Kind
	Collaterals []dom.Collateral
	Ratings     []dom.TaxRating
	Declines    []dom.DeclineReason
	Statuses    []dom.DemandStatus
	Office      bool // the finance office or a district admin (may change things)
	IsBank      bool // a bank's staff
}

func newFinData(me *org.User) finData {
	return finData{Industries: dom.Industries, Sizes: dom.Sizes, Kinds: dom.Kinds, Collaterals: dom.Collaterals,
		Ratings: dom.TaxRatings, Declines: dom.DeclineReasons, Statuses: dom.DemandStatuses,
		Office: me.Has(dom.RoleOfficer) || kit.RequireDistrictAdmin(me) == nil, IsBank: me.Has(dom.RoleBank)}
}

// Wan writes yuan for people (30万).
func (finData) Wan(v int64) string { return dom.FormatYuan(v) }

// Rate writes basis points as a percentage.
func (finData) Rate(bp int) string { return strconv.FormatFloat(float64(bp)/100, 'f', -1, 64) + "%" }

// Pct writes a rate with its denominator's absence as "—".
func (finData) Pct(f *float64) string {
	if f == nil {
		return "—"
	}
	return strconv.FormatFloat(*f*100, 'f', 0, 64) + "%"
}

// Hours writes a median of hours, "—" without one.
func (finData) Hours(h *float64) string {
	if h == nil {
		return "—"
	}
	return strconv.FormatFloat(*h, 'f', 1, 64)
}

// WanInput writes yuan as the number of 万元 a form shows.
func (finData) WanInput(v int64) string {
	return strconv.FormatFloat(float64(v)/10000, 'f', -1, 64)
}

// finHomeData is the finance home: the office's demand list and its form, or
// a bank's list of matches.
type finHomeData struct {
	finData
	Demands    []finance.DemandRow
	Status     string
	Businesses []dom.Business // for the new demand's select
	Matches    []finance.MatchView
	Bank       *dom.Bank
	Open       bool
}

func (p *financePages) homePage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d := finHomeData{finData: newFinData(me), Status: r.URL.Query().Get("status")}
	pg := p.newPage(w, r, me, "/finance")
	var err error
	if me.Has(dom.RoleBank) && !d.Office {
		d.Open = r.URL.Query().Get("all") == ""
		if d.Matches, d.Bank, err = p.fin.Inbox(r.Context(), me, "", finance.InboxQuery{Open: d.Open}); err != nil {
			return err
		}
		pg.Title = pg.T("fin.inbox_title", d.Bank.Name)
	} else {
		if d.Demands, err = p.fin.ListDemands(r.Context(), me, finance.DemandQuery{Status: dom.DemandStatus(d.Status)}); err != nil {
			return err
		}
		if d.Office {
			if d.Businesses, err = p.fin.ListBusinesses(r.Context(), me, "", 500); err != nil {
				return err
			}
		}
		pg.Title = pg.T("fin.title")
	}
	pg.Form, pg.Data = form, d
	p.render(w, status, pg, "finance/home")
	return nil
}

func (p *financePages) home(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.homePage(w, r, me, http.StatusOK, nil)
}

func (p *financePages) createDemand(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.submit(w, r, me, p.newDemandForms, "demand", func(f *sentForm) (string, error) {
		vals := f.Vals
		amount, err := parseWan("amount", vals.Get("amount"))
		if err != nil {
			return "", err
		}
		term, err := finInt("term_months", vals.Get("term_months"))
		if err != nil {
			return "", err
		}
		biz, _ := strconv.ParseInt(vals.Get("business_id"), 10, 64)
		v, err := p.fin.CreateDemand(r.Context(), me, dom.NewDemand{BusinessID: biz, Amount: amount, TermMonths: term,
			Purpose: vals.Get("purpose"), Collateral: dom.Collateral(vals.Get("collateral")), TicketRef: vals.Get("ticket")})
		if err != nil {
			return "", err
		}
		return "/finance/demands/" + url.PathEscape(v.Demand.Number) + "?ok=fin_matched", nil
	})
}

// newDemandForms draws the page the new demand's form was sent from with
// its refusal: the business's page (from_business) or the home page.
func (p *financePages) newDemandForms(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	if ref := url.Values(form.Values).Get("from_business"); ref != "" {
		r.SetPathValue("ref", ref)
		return p.businessPage(w, r, me, status, form, nil)
	}
	return p.homePage(w, r, me, status, form)
}

// finDemandData is a demand's page.
type finDemandData struct {
	finData
	V *finance.DemandView
}

func (p *financePages) demandPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	v, err := p.fin.GetDemand(r.Context(), me, r.PathValue("ref"))
	if err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/finance")
	pg.Title = v.Demand.Number + " " + v.Business.Name
	pg.Form, pg.Data = form, finDemandData{finData: newFinData(me), V: v}
	p.render(w, status, pg, "finance/demand")
	return nil
}

func (p *financePages) demand(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.demandPage(w, r, me, http.StatusOK, nil)
}

func (p *financePages) closeDemand(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.submit(w, r, me, p.demandPage, "close", func(f *sentForm) (string, error) {
		_, err := p.fin.CloseDemand(r.Context(), me, r.PathValue("ref"), dom.DemandStatus(f.Vals.Get("status")), f.Vals.Get("note"))
		return "/finance/demands/" + url.PathEscape(r.PathValue("ref")) + "?ok=fin_saved", err
	})
}

func (p *financePages) rematch(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.submit(w, r, me, p.demandPage, "rematch", func(*sentForm) (string, error) {
		_, _, err := p.fin.Rematch(r.Context(), me, r.PathValue("ref"))
		return "/finance/demands/" + url.PathEscape(r.PathValue("ref")) + "?ok=fin_rematched", err
	})
}

// act takes an action on a match from the demand's page (or a bank's
// list) and goes back to the demand.
func (p *financePages) act(w http.ResponseWriter, r *http.Request, me *org.User) error {
	action := r.PathValue("action")
	return p.submit(w, r, me, p.matchForms, action+":"+r.PathValue("id"), func(f *sentForm) (string, error) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			return "", minsheng.Errorf(minsheng.ENOTFOUND, "match %q not found", r.PathValue("id")).Because("match_not_found")
		}
		vals := f.Vals
		amount, err := parseWan("amount", vals.Get("amount"))
		if err != nil {
			return "", err
		}
		_, err = p.fin.Act(r.Context(), me, id, finance.Step{Action: dom.Action(action), Amount: amount,
			Reason: dom.DeclineReason(vals.Get("reason")), Date: vals.Get("date"), Note: vals.Get("note")})
		if ref := vals.Get("demand"); ref != "" {
			return "/finance/demands/" + url.PathEscape(ref) + "?ok=fin_saved#m-" + r.PathValue("id"), err
		}
		return "/finance?ok=fin_saved", err
	})
}

// matchForms draws the demand's page a match's form was sent from with
// its refusal; sent from a bank's list (no demand), the refusal is
// answered with the error's own page.
func (p *financePages) matchForms(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	ref := url.Values(form.Values).Get("demand")
	if ref == "" {
		return form.Err
	}
	r.SetPathValue("ref", ref)
	return p.demandPage(w, r, me, status, form)
}

// finBusinessesData is the list of businesses with the form that registers one.
type finBusinessesData struct {
	finData
	Businesses []dom.Business
	Q          string
}

func (p *financePages) businessesPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d := finBusinessesData{finData: newFinData(me), Q: r.URL.Query().Get("q")}
	var err error
	if d.Businesses, err = p.fin.ListBusinesses(r.Context(), me, d.Q, 300); err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/finance")
	pg.Title = pg.T("fin.businesses")
	pg.Form, pg.Data = form, d
	p.render(w, status, pg, "finance/businesses")
	return nil
}

func (p *financePages) businesses(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.businessesPage(w, r, me, http.StatusOK, nil)
}

func (p *financePages) registerBusiness(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.submit(w, r, me, p.businessesPage, "business", func(f *sentForm) (string, error) {
		vals := f.Vals
		employees, err := finInt("employees", vals.Get("employees"))
		if err != nil {
			return "", err
		}
		revenue, err := parseWan("revenue", vals.Get("revenue"))
		if err != nil {
			return "", err
		}
		b, err := p.fin.RegisterBusiness(r.Context(), me, dom.NewBusiness{CreditCode: vals.Get("credit_code"), Name: vals.Get("name"),
			Industry: dom.Industry(vals.Get("industry")), Size: dom.Size(vals.Get("size")), FoundedOn: vals.Get("founded_on"),
			Address: vals.Get("address"), Employees: employees, Revenue: revenue, TaxRating: dom.TaxRating(vals.Get("tax_rating")),
			OwnerName: vals.Get("owner_name"), OwnerPhone: vals.Get("owner_phone"), OwnerID: vals.Get("owner_id_number"),
			Consent: vals.Get("consent") != ""})
		if err != nil {
			return "", err
		}
		return "/finance/businesses/" + strconv.FormatInt(b.ID, 10) + "?ok=fin_registered", nil
	})
}

// finBusinessData is a business's page.
type finBusinessData struct {
	finData
	V        *finance.BusinessView
	Revealed *finance.Owner
}

func (p *financePages) businessPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState, revealed *finance.Owner) error {
	v, err := p.fin.GetBusiness(r.Context(), me, r.PathValue("ref"))
	if err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/finance")
	pg.Title = v.Business.Name
	pg.Form, pg.Data = form, finBusinessData{finData: newFinData(me), V: v, Revealed: revealed}
	if revealed != nil {
		w.Header().Set("Cache-Control", "no-store")
	}
	p.render(w, status, pg, "finance/business")
	return nil
}

func (p *financePages) business(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.businessPage(w, r, me, http.StatusOK, nil, nil)
}

// businessForms draws the business's page with a refused form.
func (p *financePages) businessForms(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	return p.businessPage(w, r, me, status, form, nil)
}

// updateBusiness changes the credit file; the owner's fields left empty
// keep what is stored (the form never shows them unmasked).
func (p *financePages) updateBusiness(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.submit(w, r, me, p.businessForms, "edit", func(f *sentForm) (string, error) {
		vals := f.Vals
		employees, err := finInt("employees", vals.Get("employees"))
		if err != nil {
			return "", err
		}
		revenue, err := parseWan("revenue", vals.Get("revenue"))
		if err != nil {
			return "", err
		}
		str := func(k string) *string { v := vals.Get(k); return &v }
		opt := func(k string) *string {
			if strings.TrimSpace(vals.Get(k)) == "" {
				return nil
			}
			return str(k)
		}
		ind, size, tax := dom.Industry(vals.Get("industry")), dom.Size(vals.Get("size")), dom.TaxRating(vals.Get("tax_rating"))
		_, err = p.fin.UpdateBusiness(r.Context(), me, r.PathValue("ref"), finance.BusinessChange{Name: str("name"), Industry: &ind,
			Size: &size, FoundedOn: str("founded_on"), Address: str("address"), Employees: &employees, Revenue: &revenue, TaxRating: &tax,
			OwnerName: opt("owner_name"), OwnerPhone: opt("owner_phone"), OwnerID: opt("owner_id_number")})
		return "/finance/businesses/" + url.PathEscape(r.PathValue("ref")) + "?ok=fin_saved", err
	})
}

func (p *financePages) consent(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	c := vals.Get("consent")
	if c != "yes" && c != "no" {
		return p.redraw(p.businessForms, w, r, me, "consent", minsheng.FieldError("consent", "say yes or no").Because("choose"), vals)
	}
	if _, err := p.fin.SetConsent(r.Context(), me, r.PathValue("ref"), c == "yes"); err != nil {
		return err
	}
	redirect(w, r, "/finance/businesses/"+url.PathEscape(r.PathValue("ref"))+"?ok=fin_saved")
	return nil
}

// reveal answers with the business's page showing the owner unmasked,
// never with a redirect (the data must not travel in a URL nor be cached).
func (p *financePages) reveal(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	owner, err := p.fin.RevealOwner(r.Context(), me, r.PathValue("ref"), vals.Get("reason"), minsheng.ClientAddr(r.Context()))
	if err != nil {
		return p.redraw(p.businessForms, w, r, me, "reveal", err, vals)
	}
	return p.businessPage(w, r, me, http.StatusOK, nil, owner)
}

// finBanksData is the programme's banks and products.
type finBanksData struct {
	finData
	S        *finance.Setup
	Products map[int64][]*dom.Product
}

func (p *financePages) banksPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	s, err := p.fin.ListSetup(r.Context(), me)
	if err != nil {
		return err
	}
	d := finBanksData{finData: newFinData(me), S: s, Products: map[int64][]*dom.Product{}}
	for _, pr := range s.Products {
		d.Products[pr.BankID] = append(d.Products[pr.BankID], pr)
	}
	pg := p.newPage(w, r, me, "/finance")
	pg.Title = pg.T("fin.banks")
	pg.Form, pg.Data = form, d
	p.render(w, status, pg, "finance/banks")
	return nil
}

func (p *financePages) banks(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.banksPage(w, r, me, http.StatusOK, nil)
}

// bankChange runs a form of the banks' page.
func (p *financePages) bankChange(w http.ResponseWriter, r *http.Request, me *org.User, action string, run func(vals url.Values) error) error {
	return p.submit(w, r, me, p.banksPage, action, func(f *sentForm) (string, error) {
		return "/finance/banks?ok=fin_saved", run(f.Vals)
	})
}

func (p *financePages) createBank(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.bankChange(w, r, me, "bank", func(vals url.Values) error {
		claim, err := finInt("claim_days", vals.Get("claim_days"))
		if err != nil {
			return err
		}
		answer, err := finInt("answer_days", vals.Get("answer_days"))
		if err != nil {
			return err
		}
		_, err = p.fin.CreateBank(r.Context(), me, dom.NewBank{Code: vals.Get("code"), Name: vals.Get("name"), ClaimDays: claim,
			AnswerDays: answer, ContactPhone: vals.Get("contact_phone")})
		return err
	})
}

func (p *financePages) updateBank(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.bankChange(w, r, me, "edit:"+r.PathValue("ref"), func(vals url.Values) error {
		claim, err := finInt("claim_days", vals.Get("claim_days"))
		if err != nil {
			return err
		}
		answer, err := finInt("answer_days", vals.Get("answer_days"))
		if err != nil {
			return err
		}
		name, phone, active := vals.Get("name"), vals.Get("contact_phone"), vals.Get("active") != ""
		_, err = p.fin.UpdateBank(r.Context(), me, r.PathValue("ref"), finance.BankChange{Name: &name, ClaimDays: &claim,
			AnswerDays: &answer, ContactPhone: &phone, Active: &active})
		return err
	})
}

func (p *financePages) linkStaff(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.bankChange(w, r, me, "staff:"+r.PathValue("ref"), func(vals url.Values) error {
		return p.fin.LinkStaff(r.Context(), me, r.PathValue("ref"), vals.Get("user"))
	})
}

func (p *financePages) createProduct(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.bankChange(w, r, me, "product", func(vals url.Values) error {
		bank, _ := strconv.ParseInt(vals.Get("bank_id"), 10, 64)
		in := dom.NewProduct{BankID: bank, Name: vals.Get("name"), Kind: dom.Kind(vals.Get("kind")), MinTax: dom.TaxRating(vals.Get("min_tax_rating"))}
		var err error
		if in.MinAmount, err = parseWan("min_amount", vals.Get("min_amount")); err != nil {
			return err
		}
		if in.MaxAmount, err = parseWan("max_amount", vals.Get("max_amount")); err != nil {
			return err
		}
		if in.RateMinBP, err = parsePercent("rate_min_bp", vals.Get("rate_min")); err != nil {
			return err
		}
		if in.RateMaxBP, err = parsePercent("rate_max_bp", vals.Get("rate_max")); err != nil {
			return err
		}
		if in.TermMin, err = finInt("term_min", vals.Get("term_min")); err != nil {
			return err
		}
		if in.TermMax, err = finInt("term_max", vals.Get("term_max")); err != nil {
			return err
		}
		if in.MinYears, err = finInt("min_years", vals.Get("min_years")); err != nil {
			return err
		}
		for _, s := range vals["sizes"] {
			in.Sizes = append(in.Sizes, dom.Size(s))
		}
		for _, s := range vals["industries"] {
			in.Industries = append(in.Industries, dom.Industry(s))
		}
		for _, s := range vals["collateral"] {
			in.Collateral = append(in.Collateral, dom.Collateral(s))
		}
		_, err = p.fin.CreateProduct(r.Context(), me, in)
		return err
	})
}

func (p *financePages) productActive(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.bankChange(w, r, me, "active:"+r.PathValue("id"), func(vals url.Values) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id <= 0 {
			return minsheng.Errorf(minsheng.ENOTFOUND, "product %q not found", r.PathValue("id")).Because("product_not_found")
		}
		return p.fin.SetProductActive(r.Context(), me, id, vals.Get("active") == "1")
	})
}

// finFiguresData is the figures' page.
type finFiguresData struct {
	finData
	F *finance.Figures
}

func (p *financePages) figuresOf(r *http.Request, me *org.User) (*finance.Figures, error) {
	q := r.URL.Query()
	return p.fin.Figures(r.Context(), me, finance.FiguresQuery{From: q.Get("from"), To: q.Get("to")})
}

func (p *financePages) figures(w http.ResponseWriter, r *http.Request, me *org.User) error {
	f, err := p.figuresOf(r, me)
	if err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/finance/figures")
	pg.Title = pg.T("fin.figures")
	pg.Data = finFiguresData{finData: newFinData(me), F: f}
	p.render(w, http.StatusOK, pg, "finance/figures")
	return nil
}

// exportDemands sends the demands (the office's 台账) as an Excel sheet:
// number, business, industry, amount, term, status, matches sent, and
// the day it was recorded, newest first.
func (p *financePages) exportDemands(w http.ResponseWriter, r *http.Request, me *org.User) error {
	ds, err := p.fin.ListDemands(r.Context(), me, finance.DemandQuery{Status: dom.DemandStatus(r.URL.Query().Get("status")), Limit: 500})
	if err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/finance")
	t := &app.Table{Name: pg.T("fin.x_demands_sheet"), Title: pg.T("fin.x_demands_title"),
		Columns: []string{pg.T("fin.number"), pg.T("fin.business"), pg.T("fin.industry"), pg.T("fin.x_amount_yuan"), pg.T("fin.term"),
			pg.T("fin.status"), pg.T("fin.matches"), pg.T("fin.sent"), pg.T("fin.overdue"), pg.T("fin.created"), pg.T("fin.note")}}
	for _, d := range ds {
		t.Rows = append(t.Rows, []any{d.Number, d.BusinessName, pg.E("fin.ind", d.Industry), d.Amount, d.TermMonths,
			pg.E("fin.dst", d.Status), d.Matches, d.Sent, d.Overdue, d.CreatedAt, d.Note})
	}
	return sendTable(w, t, pg.T("fin.x_demands_title"), app.FormatXLSX)
}

// export sends the league table as an Excel workbook, its headings in the
// page's language: the finance office works in Excel.
func (p *financePages) export(w http.ResponseWriter, r *http.Request, me *org.User) error {
	f, err := p.figuresOf(r, me)
	if err != nil {
		return err
	}
	pg := p.newPage(w, r, me, "/finance/figures")
	t := &app.Table{Name: pg.T("fin.x_sheet"), Title: pg.T("fin.x_title", f.From, f.To),
		Columns: []string{pg.T("fin.bank"), pg.T("fin.f_products"), pg.T("fin.f_sent"), pg.T("fin.f_claimed"), pg.T("fin.f_late"),
			pg.T("fin.f_overdue"), pg.T("fin.f_answered"), pg.T("fin.f_approved"), pg.T("fin.f_declined"), pg.T("fin.f_rate"),
			pg.T("fin.f_disbursed"), pg.T("fin.x_amount"), pg.T("fin.f_claim_hours"), pg.T("fin.f_answer_hours")}}
	hours := func(h *float64) any {
		if h == nil {
			return nil
		}
		return strconv.FormatFloat(*h, 'f', 1, 64)
	}
	for _, b := range f.ByBank {
		t.Rows = append(t.Rows, []any{b.Name, b.Products, b.Sent, b.Claimed, b.ClaimedLate, b.Overdue, b.Answered, b.Approved,
			b.Declined, app.Percent{V: b.ApprovalRate}, b.Disbursed, b.DisbursedAmount, hours(b.ClaimHours), hours(b.AnswerHours)})
	}
	return sendTable(w, t, pg.T("fin.x_title", f.From, f.To), app.FormatXLSX)
}
