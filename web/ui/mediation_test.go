package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// mediationSetup adds a mediator of the street and a dispute call.
func mediationSetup(t *testing.T, e *env) *ticket.Ticket {
	t.Helper()
	ctx := context.Background()
	if _, err := e.f.Svc.CreateUser(ctx, kit.System(), app.NewUser{Username: "mediator", Name: "冶秀兰", Role: org.RoleMediator,
		UnitID: e.f.District.ID, Password: apptest.Password}); err != nil {
		t.Fatal(err)
	}
	cat, err := e.f.Svc.CreateCategory(ctx, kit.System(), app.NewCategory{Code: "dispute", Name: "矛盾纠纷"})
	if err != nil {
		t.Fatal(err)
	}
	tk, _, err := e.f.Svc.CreateTicket(ctx, e.f.Users["agent"], ticket.NewTicket{Title: "楼上漏水", Description: "请求调解",
		Kind: ticket.KindHelp, CallerName: "王秀兰", CallerPhone: "13897001234", Address: "海湖路18号", CategoryID: cat.ID}, "")
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// The mediation pages through their forms: a case from a ticket, the
// case page in both languages with refusals worded from their field in
// the page's language, private notes shown only to the case's mediator,
// masked parties and an audited reveal.
func TestMediationPages(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tk := mediationSetup(t, e)
		agent := e.signedIn(t, "agent")
		if r := agent.get("/mediation?ticket=" + tk.Number); r.status != http.StatusOK || !strings.Contains(r.body, `value="`+tk.Number+`"`) {
			t.Fatalf("the case form for the agent: %d %s", r.status, r.body)
		}
		r := agent.post("/mediation/cases", url.Values{"ticket": {tk.Number}, "type": {"neighbour"}, "title": {"漏水纠纷"},
			"respondent_name": {"李建国"}, "respondent_phone": {"12345"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "联系电话格式不正确") {
			t.Errorf("a bad phone: %d, want its error in Chinese", r.status)
		}
		r = agent.post("/mediation/cases", url.Values{"ticket": {tk.Number}, "type": {"neighbour"}, "title": {"漏水纠纷"},
			"respondent_name": {"李建国"}, "respondent_phone": {"13997005678"}})
		if r.status != http.StatusOK || !strings.Contains(r.url, "ok=med_registered") {
			i := strings.Index(r.body, "ferr")
			t.Fatalf("register: %d %s %s", r.status, r.url, r.body[max(i, 0):min(len(r.body), max(i, 0)+300)])
		}
		number := "TJ" + apptest.Start.Format("20060102") + "-0001"
		med := e.signedIn(t, "mediator")
		page := "/mediation/cases/" + number
		r = med.get(page)
		if r.status != http.StatusOK || !strings.Contains(r.body, "王**") || strings.Contains(r.body, "13897001234") || !strings.Contains(r.body, tk.Number) {
			t.Fatalf("the case page: %d %s", r.status, r.body)
		}
		med.post(page+"/act/accept", url.Values{})
		if r := med.post(page+"/sessions", url.Values{"at": {"2026-03-03T09:30"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "请填写调解地点") {
			t.Errorf("a session without a place: %d", r.status)
		}
		if r := med.post(page+"/sessions", url.Values{"at": {"2026-03-03T09:30"}}, "Accept-Language", "en"); !strings.Contains(r.body, "Give the place.") {
			t.Errorf("the refusal on the English page is not in English")
		}
		if r := med.post(page+"/sessions", url.Values{"at": {"2026-03-03T09:30"}, "place": {"调解室"}}); r.status != http.StatusOK {
			t.Fatalf("session: %d %s", r.status, r.body)
		}
		med.post(page+"/sessions/1", url.Values{"record": {"双方同意赔偿"}})
		r = med.get(page)
		if !strings.Contains(r.body, `id="form-agreement"`) || !strings.Contains(r.body, "调解中") {
			t.Fatalf("after the session the agreement form: %s", r.body)
		}
		// Private note of the applicant, then read by another mediator.
		var partyID string
		if i := strings.Index(r.body, `/parties/`); i > 0 {
			partyID = strings.SplitN(r.body[i+len("/parties/"):], "/", 2)[0]
		}
		med.post(page+"/notes", url.Values{"body": {"申请人私下表示可以接受分期"}, "party_id": {partyID}})
		med.post(page+"/notes", url.Values{"body": {"双方约定下周再谈"}})
		if _, err := e.f.Svc.CreateUser(context.Background(), kit.System(), app.NewUser{Username: "mediator2", Name: "马海", Role: org.RoleMediator,
			UnitID: e.f.District.ID, Password: apptest.Password}); err != nil {
			t.Fatal(err)
		}
		other := e.signedIn(t, "mediator2").get(page)
		if !strings.Contains(other.body, "双方约定下周再谈") || strings.Contains(other.body, "可以接受分期") {
			t.Errorf("another mediator's view of the notes is wrong")
		}
		if mine := med.get(page); !strings.Contains(mine.body, "可以接受分期") {
			t.Errorf("the case's mediator does not see the private note")
		}
		if r := med.post(page+"/parties/"+partyID+"/reveal", url.Values{"reason": {""}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "请填写查看原因") {
			t.Errorf("a reveal without a reason: %d", r.status)
		}
		if r := med.post(page+"/parties/"+partyID+"/reveal", url.Values{"reason": {"电话通知"}}); r.status != http.StatusOK ||
			!strings.Contains(r.body, "13897001234") || r.hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("the reveal: %d", r.status)
		}
		r = med.post(page+"/agreement", url.Values{"terms": {"赔偿3000元"}, "sign_mode": {"paper"}, "effective": {"2026-03-03"},
			"amount": {"3000"}, "instalments": {"2"}, "first_due": {"2026-03-01"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "履行日须按先后顺序") {
			t.Errorf("an instalment before the agreement: %d", r.status)
		}
		r = med.post(page+"/agreement", url.Values{"terms": {"赔偿3000元"}, "sign_mode": {"paper"}, "effective": {"2026-03-03"},
			"amount": {"3000"}, "instalments": {"2"}, "first_due": {"2026-03-15"}})
		if r.status != http.StatusOK || !strings.Contains(r.body, `id="schedule"`) || !strings.Contains(r.body, "1500.00") ||
			!strings.Contains(r.body, `id="judicial-last-day">2026-04-02<`) {
			t.Fatalf("the agreement: %d %s", r.status, r.body)
		}
		if r := med.get("/mediation"); !strings.Contains(r.body, "司法确认剩 31 天") {
			t.Errorf("the list does not track the 司法确认 period of the agreement in force")
		}
		med.post(page+"/instalments/1", url.Values{})
		med.post(page+"/instalments/2", url.Values{})
		if r := med.post(page+"/act/close", url.Values{"note": {"回访满意"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "请先记录回访情况") {
			t.Errorf("closed before the return visit: %d", r.status)
		}
		if r := med.post(page+"/visit", url.Values{"result": {""}, "satisfaction": {"satisfied"}, "note": {"电话回访"}}); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, "请从列表中选择") || !strings.Contains(r.body, "电话回访") {
			t.Errorf("a visit without its result: %d", r.status)
		}
		med.post(page+"/visit", url.Values{"result": {"performed"}, "satisfaction": {"satisfied"}, "note": {"电话回访，双方满意"}})
		med.post(page+"/act/close", url.Values{"note": {"回访满意"}})
		if r := med.get(page); !strings.Contains(r.body, "已结案") {
			t.Errorf("not closed")
		}
		if r := med.get("/mediation"); strings.Contains(r.body, "司法确认剩") {
			t.Errorf("the list tracks the 司法确认 period of a closed case")
		}
		list := e.signedIn(t, "leader").get("/mediation")
		if list.status != http.StatusOK || !strings.Contains(list.body, number) || !strings.Contains(list.body, `id="fig-perform"`) {
			t.Errorf("the leader's list: %d", list.status)
		}
		if r := e.signedIn(t, "handler").get(page); r.status != http.StatusForbidden {
			t.Errorf("a handler opened a case: %d", r.status)
		}
	})
}
