package open311_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
	"github.com/minsheng/minsheng/ticket"
)

func TestAPIClients(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		o, admin := use311(f), f.Users["admin"]
		k, err := o.CreateAPIClient(ctx, admin, open311.NewAPIClient{Name: "FixMyStreet"})
		if err != nil || !strings.HasPrefix(k.Key, open311.APIClientKeyPrefix) || !strings.HasPrefix(k.Key, k.Client.KeyHint) {
			t.Fatalf("create = %+v, %v", k, err)
		}
		if _, err := o.CreateAPIClient(ctx, admin, open311.NewAPIClient{Name: "FixMyStreet"}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("duplicate name: %v", err)
		}
		if _, err := o.CreateAPIClient(ctx, f.Users["dispatcher"], open311.NewAPIClient{Name: "x"}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("dispatcher created a client: %v", err)
		}
		if _, err := o.CreateAPIClient(ctx, admin, open311.NewAPIClient{Name: "y", RatePerMinute: -1}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("negative rate: %v", err)
		}
		c, err := o.AuthenticateAPIKey(ctx, k.Key)
		if err != nil || c.Name != "FixMyStreet" {
			t.Fatalf("authenticate = %+v, %v", c, err)
		}
		for _, bad := range []string{"", "mso_wrong", k.Key + "x"} {
			if _, err := o.AuthenticateAPIKey(ctx, bad); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
				t.Fatalf("key %q: %v", bad, err)
			}
		}
		// A new key replaces the old one at once.
		k2, err := o.RotateAPIKey(ctx, admin, "FixMyStreet")
		if err != nil || k2.Key == k.Key {
			t.Fatalf("rotate = %+v, %v", k2, err)
		}
		if _, err := o.AuthenticateAPIKey(ctx, k.Key); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("the old key still works: %v", err)
		}
		if _, err := o.RevokeAPIClient(ctx, admin, "FixMyStreet"); err != nil {
			t.Fatal(err)
		}
		if _, err := o.AuthenticateAPIKey(ctx, k2.Key); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("a revoked key works: %v", err)
		}
		// The shell's "key NAME" creates a client or gives it a new key.
		k3, created, err := o.IssueAPIKey(ctx, kit.System(), "FixMyStreet")
		if err != nil || created {
			t.Fatalf("issue to existing = %v, %v", created, err)
		}
		if _, err := o.AuthenticateAPIKey(ctx, k3.Key); err != nil {
			t.Fatalf("a new key after revocation: %v", err)
		}
		if _, created, err := o.IssueAPIKey(ctx, kit.System(), "城西e家 app"); err != nil || !created {
			t.Fatalf("issue to new = %v, %v", created, err)
		}
		list, err := o.ListAPIClients(ctx, admin)
		if err != nil || len(list) != 2 {
			t.Fatalf("list = %d, %v", len(list), err)
		}
		if _, err := o.SetAPIClientRate(ctx, admin, "FixMyStreet", 120); err != nil {
			t.Fatal(err)
		}
		if _, err := o.RevokeAPIClient(ctx, admin, "nobody"); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("revoke unknown: %v", err)
		}
	})
}

// defineAttributes gives the fixture's service one attribute of every
// datatype, and returns the client key.
func defineAttributes(t *testing.T, f *apptest.Fixture) string {
	t.Helper()
	admin := f.Users["admin"]
	no := false
	defs := []open311.AttributeInput{
		{Code: "building", Datatype: store.DatatypeString, Required: true, Description: "楼号", DescriptionEN: "Building"},
		{Code: "floors", Datatype: store.DatatypeNumber, Description: "停运楼层数"},
		{Code: "since", Datatype: store.DatatypeDatetime, Description: "何时开始停运"},
		{Code: "detail", Datatype: store.DatatypeText, Description: "补充说明"},
		{Code: "kind", Datatype: store.DatatypeSingleValueList, Required: true, Description: "问题类型", Values: []store.AttributeValue{
			{Key: "stopped", Name: "停运", NameEN: "Stopped"}, {Key: "noisy", Name: "异响", NameEN: "Noisy"}}},
		{Code: "who", Datatype: store.DatatypeMultiValueList, Description: "受影响人群", Values: []store.AttributeValue{
			{Key: "elderly", Name: "老人"}, {Key: "children", Name: "儿童"}, {Key: "disabled", Name: "残障人士"}}},
		{Code: "notice", Datatype: store.DatatypeText, Variable: &no, Description: "电梯困人请直接拨打119。"},
	}
	for _, d := range defs {
		if _, err := use311(f).CreateCategoryAttribute(ctx, admin, f.Category.Code, d); err != nil {
			t.Fatalf("attribute %s: %v", d.Code, err)
		}
	}
	k, err := use311(f).CreateAPIClient(ctx, admin, open311.NewAPIClient{Name: "fms"})
	if err != nil {
		t.Fatal(err)
	}
	return k.Key
}

func countTickets(t *testing.T, f *apptest.Fixture) int {
	t.Helper()
	p, err := f.Svc.ListTickets(ctx, f.Users["dispatcher"], app.ListQuery{Limit: app.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return len(p.Tickets)
}

func fl(v float64) *float64 { return &v }

func goodSubmission(code string) open311.Open311Submission {
	return open311.Open311Submission{
		ServiceCode: code, Lat: fl(36.6171), Long: fl(101.7782), AddressString: "海湖路18号",
		Description: "3号楼电梯停运三天，联系电话13897001234。", FirstName: "秀兰", LastName: "王", Phone: "13897001234",
		Email: "wxl@example.com", DeviceID: "dev-1", AccountID: "acc-9",
		Attributes: map[string][]string{"building": {"3号楼"}, "floors": {"18"}, "since": {"2026-02-27T08:00:00+08:00"},
			"kind": {"stopped"}, "who": {"elderly", "children"}},
	}
}

func TestCategoryAttributes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		o, admin := use311(f), f.Users["admin"]
		defineAttributes(t, f)
		list, err := o.ListCategoryAttributes(ctx, f.Category.Code)
		if err != nil || len(list) != 7 {
			t.Fatalf("list = %d, %v", len(list), err)
		}
		for i, a := range list {
			if a.Order != i+1 {
				t.Errorf("%s has order %d, want %d", a.Code, a.Order, i+1)
			}
		}
		no := false
		bad := []struct {
			name string
			in   open311.AttributeInput
		}{
			{"bad code", open311.AttributeInput{Code: "a[b]", Datatype: "string", Description: "x"}},
			{"bad datatype", open311.AttributeInput{Code: "a", Datatype: "boolean", Description: "x"}},
			{"no description", open311.AttributeInput{Code: "a", Datatype: "string"}},
			{"list without values", open311.AttributeInput{Code: "a", Datatype: "singlevaluelist", Description: "x"}},
			{"values on a string", open311.AttributeInput{Code: "a", Datatype: "string", Description: "x", Values: []store.AttributeValue{{Key: "k", Name: "n"}}}},
			{"duplicate key", open311.AttributeInput{Code: "a", Datatype: "multivaluelist", Description: "x", Values: []store.AttributeValue{{Key: "k", Name: "n"}, {Key: "k", Name: "m"}}}},
			{"order taken", open311.AttributeInput{Code: "a", Datatype: "string", Description: "x", Order: 1}},
			{"required information", open311.AttributeInput{Code: "a", Datatype: "text", Description: "x", Variable: &no, Required: true}},
			{"code taken", open311.AttributeInput{Code: "building", Datatype: "string", Description: "x"}},
		}
		for _, tc := range bad {
			if _, err := o.CreateCategoryAttribute(ctx, admin, f.Category.Code, tc.in); !minsheng.IsCode(err, minsheng.EINVALID) {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if _, err := o.CreateCategoryAttribute(ctx, f.Users["agent"], f.Category.Code, open311.AttributeInput{Code: "a", Datatype: "string", Description: "x"}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Errorf("agent defined an attribute: %v", err)
		}
		if _, err := o.CreateCategoryAttribute(ctx, admin, "nope", open311.AttributeInput{Code: "a", Datatype: "string", Description: "x"}); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Errorf("unknown category: %v", err)
		}
		req := false
		desc := "哪一栋楼？"
		a, err := o.UpdateCategoryAttribute(ctx, admin, f.Category.Code, "building", open311.AttributeChange{Required: &req, Description: &desc})
		if err != nil || a.Required || a.Description != desc || a.Datatype != store.DatatypeString {
			t.Fatalf("update = %+v, %v", a, err)
		}
		list2 := "singlevaluelist"
		if _, err := o.UpdateCategoryAttribute(ctx, admin, f.Category.Code, "building", open311.AttributeChange{Datatype: &list2}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("a list without values: %v", err)
		}
		if err := o.DeleteCategoryAttribute(ctx, admin, f.Category.Code, "detail"); err != nil {
			t.Fatal(err)
		}
		if err := o.DeleteCategoryAttribute(ctx, admin, f.Category.Code, "detail"); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("second delete: %v", err)
		}
		svc, attrs, err := o.Open311ServiceDefinition(ctx, f.Category.Code)
		if err != nil || len(attrs) != 6 || svc.Attributes != 6 || svc.Group.Code != "city" {
			t.Fatalf("definition = %+v %d, %v", svc, len(attrs), err)
		}
		if _, _, err := o.Open311ServiceDefinition(ctx, "city"); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("a group is not a service: %v", err)
		}
	})
}

func TestSubmitOpen311Request(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, o := f.Svc, use311(f)
		key := defineAttributes(t, f)
		client, err := o.AuthenticateAPIKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		code := f.Category.Code
		bad := []struct {
			name  string
			edit  func(*open311.Open311Submission)
			code  string
			field string
		}{
			{"missing service_code", func(in *open311.Open311Submission) { in.ServiceCode = "" }, minsheng.EINVALID, "service_code"},
			{"unknown service", func(in *open311.Open311Submission) { in.ServiceCode = "nope" }, minsheng.ENOTFOUND, ""},
			{"a group", func(in *open311.Open311Submission) { in.ServiceCode = "city" }, minsheng.ENOTFOUND, ""},
			{"no location", func(in *open311.Open311Submission) { in.Lat, in.Long, in.AddressString = nil, nil, "" }, minsheng.EINVALID, "lat"},
			{"lat alone", func(in *open311.Open311Submission) { in.Long = nil }, minsheng.EINVALID, "lat"},
			{"lat out of range", func(in *open311.Open311Submission) { in.Lat = fl(91) }, minsheng.EINVALID, "lat"},
			{"required missing", func(in *open311.Open311Submission) { delete(in.Attributes, "kind") }, minsheng.EINVALID, "attribute[kind]"},
			{"required blank", func(in *open311.Open311Submission) { in.Attributes["building"] = []string{" "} }, minsheng.EINVALID, "attribute[building]"},
			{"not allowed value", func(in *open311.Open311Submission) { in.Attributes["kind"] = []string{"broken"} }, minsheng.EINVALID, "attribute[kind]"},
			{"two values for one", func(in *open311.Open311Submission) { in.Attributes["kind"] = []string{"stopped", "noisy"} }, minsheng.EINVALID, "attribute[kind]"},
			{"not a number", func(in *open311.Open311Submission) { in.Attributes["floors"] = []string{"many"} }, minsheng.EINVALID, "attribute[floors]"},
			{"not a datetime", func(in *open311.Open311Submission) { in.Attributes["since"] = []string{"last week"} }, minsheng.EINVALID, "attribute[since]"},
			{"datetime without zone", func(in *open311.Open311Submission) { in.Attributes["since"] = []string{"2026-02-27T08:00:00"} }, minsheng.EINVALID, "attribute[since]"},
			{"line break in a string", func(in *open311.Open311Submission) { in.Attributes["building"] = []string{"3号\n楼"} }, minsheng.EINVALID, "attribute[building]"},
			{"unknown attribute", func(in *open311.Open311Submission) { in.Attributes["colour"] = []string{"red"} }, minsheng.EINVALID, "attribute[colour]"},
			{"repeated value", func(in *open311.Open311Submission) { in.Attributes["who"] = []string{"elderly", "elderly"} }, minsheng.EINVALID, "attribute[who]"},
			{"bad phone", func(in *open311.Open311Submission) { in.Phone = "call me" }, minsheng.EINVALID, "phone"},
			{"bad email", func(in *open311.Open311Submission) { in.Email = "not an email" }, minsheng.EINVALID, "email"},
			{"bad media_url", func(in *open311.Open311Submission) { in.MediaURL = "javascript:alert(1)" }, minsheng.EINVALID, "media_url"},
			{"long description", func(in *open311.Open311Submission) { in.Description = strings.Repeat("长", 4001) }, minsheng.EINVALID, "description"},
		}
		for _, tc := range bad {
			in := goodSubmission(code)
			tc.edit(&in)
			_, err := o.SubmitOpen311Request(ctx, client, in)
			var e *minsheng.Error
			if !minsheng.IsCode(err, tc.code) {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			} else if tc.field != "" && (!asErr(err, &e) || e.Field != tc.field) {
				t.Errorf("%s: field of %v, want %s", tc.name, err, tc.field)
			}
		}
		if n := countTickets(t, f); n != 0 {
			t.Fatalf("bad submissions created %d tickets", n)
		}
		lastUsed := func() *time.Time {
			t.Helper()
			c, err := o.AuthenticateAPIKey(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			return c.LastUsedAt
		}
		if at := lastUsed(); at != nil {
			t.Fatalf("refused submissions mark the key used at %v", at)
		}

		photo, err := s.PutUpload("lift.png", bytes.NewReader(pngBytes))
		if err != nil {
			t.Fatal(err)
		}
		in := goodSubmission(code)
		in.IdempotencyKey = "fms-report-1"
		rc, err := o.SubmitOpen311Request(ctx, client, in, photo)
		if err != nil || !rc.Created || rc.Token == "" || rc.AccountID != "acc-9" || rc.ReplyWithin.WorkingDays != 7 {
			t.Fatalf("submit = %+v, %v", rc, err)
		}
		v := mustView(t, f, "dispatcher", rc.Number)
		tk := v.Ticket
		// The admins see when the key was last used.
		if at := lastUsed(); at == nil || !at.Equal(tk.CreatedAt) {
			t.Fatalf("key last used at %v, want %v", at, tk.CreatedAt)
		}
		if tk.Channel != ticket.ChannelOpen311 || tk.CategoryID != f.Category.ID || tk.CallerName != "王**" || tk.Address != "海湖路18号" ||
			v.Events[0].Data["client"] != "fms" || len(v.Attachments) != 1 {
			t.Fatalf("ticket = %+v, events %+v", tk, v.Events)
		}
		op, err := o.TicketOpen311(ctx, f.Users["dispatcher"], rc.Number)
		if err != nil || op.Client != "fms" || op.Request.Email != "wxl@example.com" || op.Request.DeviceID != "dev-1" || len(op.Attributes) != 5 {
			t.Fatalf("open311 view = %+v, %v", op, err)
		}
		for _, a := range op.Attributes {
			switch a.Code {
			case "who":
				if strings.Join(a.Values, ",") != "elderly,children" || strings.Join(a.Names, ",") != "老人,儿童" {
					t.Errorf("who = %+v", a)
				}
			case "since":
				if a.Values[0] != "2026-02-27T08:00:00+08:00" {
					t.Errorf("since = %+v", a)
				}
			}
		}
		if op, err := o.TicketOpen311(ctx, f.Users["leader"], rc.Number); err != nil || op.Request.Email != "w**@example.com" {
			t.Fatalf("leader sees email %+v, %v", op, err)
		}
		// The same submission again gives the same request.
		again, err := o.SubmitOpen311Request(ctx, client, in, photo)
		if err != nil || again.Created || again.Number != rc.Number {
			t.Fatalf("retry = %+v, %v", again, err)
		}
		if n, err := o.Open311TokenRequest(ctx, again.Token); err != nil || n != rc.Number {
			t.Fatalf("token = %q, %v", n, err)
		}
		if _, err := o.Open311TokenRequest(ctx, "msr_nope"); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("unknown token: %v", err)
		}
		// An address_id alone is a location; a description is not required.
		rc2, err := o.SubmitOpen311Request(ctx, client, open311.Open311Submission{ServiceCode: code, AddressID: "QH-630104-0001",
			Attributes: map[string][]string{"building": {"1"}, "kind": {"noisy"}}})
		if err != nil {
			t.Fatal(err)
		}
		if v := mustView(t, f, "dispatcher", rc2.Number); v.Ticket.Title != "物业管理" || !strings.Contains(v.Ticket.Address, "QH-630104-0001") {
			t.Fatalf("address_id ticket = %+v", v.Ticket)
		}
		// A revoked client is refused.
		if _, err := o.RevokeAPIClient(ctx, kit.System(), "fms"); err != nil {
			t.Fatal(err)
		}
		client.RevokedAt = &tk.CreatedAt
		if _, err := o.SubmitOpen311Request(ctx, client, goodSubmission(code)); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("revoked client: %v", err)
		}
	})
}

func asErr(err error, target **minsheng.Error) bool {
	e, ok := err.(*minsheng.Error)
	if ok {
		*target = e
	}
	return ok
}

// TestChannelRecordsAreAtomic checks that what a channel adds to a new
// ticket (an Open311 client's attributes) is written in the transaction
// that registers it: when that write fails, no ticket exists and the
// idempotency key is still free for the retry.
func TestChannelRecordsAreAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		in := ticket.NewTicket{Title: "路灯不亮", Description: "海湖路18号门口路灯不亮", CallerPhone: "13897001234",
			Address: "海湖路18号", CategoryID: f.Category.ID}
		p := app.PublicIntake{Channel: ticket.ChannelOpen311, Client: "fms", Key: "retry-1"}
		failed := errors.New("attributes could not be written")
		_, _, err := f.Svc.CreatePublicTicket(ctx, in, within(p, func(context.Context, *store.Tx, *ticket.Ticket) error { return failed }))
		if !errors.Is(err, failed) {
			t.Fatalf("create = %v, want the hook's error", err)
		}
		if n := countTickets(t, f); n != 0 {
			t.Fatalf("a failed channel write left %d tickets", n)
		}
		var wrote int64
		rc, created, err := f.Svc.CreatePublicTicket(ctx, in, within(p, func(_ context.Context, _ *store.Tx, tk *ticket.Ticket) error {
			wrote = tk.ID
			return nil
		}))
		if err != nil || !created || wrote == 0 || rc.Ticket.ID != wrote {
			t.Fatalf("retry = %+v, created %v, hook saw %d, %v", rc, created, wrote, err)
		}
		if n := countTickets(t, f); n != 1 {
			t.Fatalf("after the retry %d tickets, want 1", n)
		}
	})
}

func TestPublicRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		s, o, u := f.Svc, use311(f), f.Users
		key := defineAttributes(t, f)
		client, _ := o.AuthenticateAPIKey(ctx, key)
		rc, err := o.SubmitOpen311Request(ctx, client, goodSubmission(f.Category.Code))
		if err != nil {
			t.Fatal(err)
		}
		n := rc.Number
		// A phone call in the same category, and one without a category,
		// which the public listing leaves out.
		phone := apptest.NewTicket()
		phone.CategoryID = f.Category.ID
		phone.Description = "张先生反映：身份证号630104199001011234丢失，手机13800001111，邮箱zhang@example.com，座机0971-8881234。"
		pt, _, err := s.CreateTicket(ctx, u["agent"], phone, "")
		if err != nil {
			t.Fatal(err)
		}
		f.Register(t)

		page, err := o.PublicRequests(ctx, open311.PublicRequestQuery{})
		if err != nil || len(page.Requests) != 2 || page.More {
			t.Fatalf("list = %+v, %v", page, err)
		}
		for _, r := range page.Requests {
			all := strings.Join([]string{r.Description, r.Title, r.Address, r.Reply}, " ")
			for _, secret := range []string{"13897001234", "13800001111", "630104199001011234", "zhang@example.com", "8881234", "王秀兰"} {
				if strings.Contains(all, secret) {
					t.Errorf("request %s shows %q: %s", r.Number, secret, all)
				}
			}
		}
		if d := page.Requests[0].Description; page.Requests[0].Number != pt.Number || !strings.Contains(d, "138****1111") || !strings.Contains(d, "z****@example.com") {
			t.Errorf("masked description = %q", d)
		}
		r, err := o.PublicRequest(ctx, n)
		if err != nil || r.Status != ticket.StatusRegistered || r.Agency != "" || r.ExpectedAt != nil || r.ServiceCode != f.Category.Code ||
			r.Group != "城乡建设" || r.GroupEN != "Urban construction" || len(r.Notes) != 1 || r.Notes[0].Action != ticket.ActionRegister {
			t.Fatalf("request = %+v, %v", r, err)
		}
		if open311.Open311Status(r.Status) != "open" {
			t.Fatal("a registered request is not open")
		}

		// Staff work on it; the public sees units, never staff.
		ok(t)(s.Dispatch(ctx, u["dispatcher"], n, f.Community.ID, "请尽快处理"))
		ok(t)(s.Acknowledge(ctx, u["handler"], n, ""))
		f.Clock.Advance(2 * time.Hour)
		ok(t)(s.Reply(ctx, u["handler"], n, "已联系维保单位更换配件，电梯恢复运行。如有问题请拨打13912345678。"))
		r, err = o.PublicRequest(ctx, n)
		if err != nil || r.Status != ticket.StatusReplied || r.Agency != "海湖社区" || r.ExpectedAt == nil || len(r.Notes) != 4 {
			t.Fatalf("after reply = %+v, %v", r, err)
		}
		if open311.Open311Status(r.Status) != "closed" || !strings.Contains(r.Reply, "139****5678") || r.Notes[3].Text != r.Reply {
			t.Fatalf("reply = %q, notes %+v", r.Reply, r.Notes)
		}
		for _, note := range r.Notes {
			if strings.Contains(note.Unit+note.Text, "姓名") || strings.Contains(note.Text, "请尽快处理") {
				t.Errorf("note shows staff or internal notes: %+v", note)
			}
		}

		// Status filters.
		closed, err := o.PublicRequests(ctx, open311.PublicRequestQuery{Statuses: []string{"closed"}})
		if err != nil || len(closed.Requests) != 1 || closed.Requests[0].Number != n {
			t.Fatalf("closed = %+v, %v", closed, err)
		}
		if _, err := o.PublicRequests(ctx, open311.PublicRequestQuery{Statuses: []string{"pending"}}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("bad status: %v", err)
		}
		// Private categories keep their text to themselves.
		private := true
		if _, err := o.SetServiceSettings(ctx, u["admin"], f.Category.Code, open311.ServiceSettingsChange{Private: &private}); err != nil {
			t.Fatal(err)
		}
		r, err = o.PublicRequest(ctx, n)
		if err != nil || !r.Private || r.Description != "" || r.Address != "" || r.Lat != nil || r.Reply != "" || r.Notes[3].Text != "" {
			t.Fatalf("private request = %+v, %v", r, err)
		}
		near := &store.Circle{Lat: 36.6171, Lng: 101.7782, Radius: 500}
		if p, err := o.PublicRequests(ctx, open311.PublicRequestQuery{Near: near}); err != nil || len(p.Requests) != 0 {
			t.Fatalf("a private request was found by location: %+v, %v", p, err)
		}
		// Nor is it listed at all, nor its steps among the updates; asked
		// for by number (its client follows it) it shows its status only.
		if p, err := o.PublicRequests(ctx, open311.PublicRequestQuery{}); err != nil || len(p.Requests) != 0 {
			t.Fatalf("private requests listed: %+v, %v", p, err)
		}
		if ups, err := o.PublicUpdates(ctx, open311.PublicUpdateQuery{}); err != nil || len(ups.Updates) != 0 {
			t.Fatalf("private updates listed: %+v, %v", ups, err)
		}
		if ups, err := o.PublicUpdates(ctx, open311.PublicUpdateQuery{Numbers: []string{n}}); err != nil || len(ups.Updates) == 0 || ups.Updates[0].Text != "" {
			t.Fatalf("private updates by number: %+v, %v", ups, err)
		}
		private = false
		if _, err := o.SetServiceSettings(ctx, u["admin"], f.Category.Code, open311.ServiceSettingsChange{Private: &private}); err != nil {
			t.Fatal(err)
		}
		if p, err := o.PublicRequests(ctx, open311.PublicRequestQuery{Near: near}); err != nil || len(p.Requests) != 1 {
			t.Fatalf("near = %+v, %v", p, err)
		}
		// The public point is blurred to the 0.001° grid (about 100 m).
		if r, err := o.PublicRequest(ctx, n); err != nil || r.Lat == nil || *r.Lat != 36.617 || *r.Long != 101.778 {
			t.Fatalf("public point = %v, %v (%v)", r.Lat, r.Long, err)
		}
		// The distance filter measures from the public point too: a 5 m
		// circle round it finds the request, one round the true point
		// (about 21 m away) does not, so probing cannot find the true place.
		onPublic := &store.Circle{Lat: 36.617, Lng: 101.778, Radius: 5}
		if p, err := o.PublicRequests(ctx, open311.PublicRequestQuery{Near: onPublic}); err != nil || len(p.Requests) != 1 {
			t.Fatalf("5 m round the public point = %+v, %v", p, err)
		}
		offPublic := &store.Circle{Lat: 36.6171, Lng: 101.7782, Radius: 5}
		if p, err := o.PublicRequests(ctx, open311.PublicRequestQuery{Near: offPublic}); err != nil || len(p.Requests) != 0 {
			t.Fatalf("5 m round the true point found it: %+v, %v", p, err)
		}
		far := &store.Circle{Lat: 36.6171, Lng: 101.7882, Radius: 500} // about 900 m east
		if p, err := o.PublicRequests(ctx, open311.PublicRequestQuery{Near: far}); err != nil || len(p.Requests) != 0 {
			t.Fatalf("far = %+v, %v", p, err)
		}
		// Dates: a window, and its limit.
		from := apptest.Start.Add(-time.Hour)
		to := apptest.Start.Add(time.Hour)
		if p, err := o.PublicRequests(ctx, open311.PublicRequestQuery{Start: &from, End: &to}); err != nil || len(p.Requests) != 2 {
			t.Fatalf("window = %+v, %v", p, err)
		}
		long := from.Add(91 * 24 * time.Hour)
		if _, err := o.PublicRequests(ctx, open311.PublicRequestQuery{Start: &from, End: &long}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("91 days: %v", err)
		}
		if _, err := o.PublicRequests(ctx, open311.PublicRequestQuery{PageSize: open311.MaxOpen311PageSize + 1}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("page size: %v", err)
		}
		p1, err := o.PublicRequests(ctx, open311.PublicRequestQuery{PageSize: 1})
		p2, err2 := o.PublicRequests(ctx, open311.PublicRequestQuery{PageSize: 1, Page: 2})
		if err != nil || err2 != nil || !p1.More || p2.More || p1.Requests[0].Number == p2.Requests[0].Number {
			t.Fatalf("pages = %+v %+v, %v %v", p1, p2, err, err2)
		}

		// Updates: the resident comments through the same client.
		photo, _ := s.PutUpload("again.png", bytes.NewReader(pngBytes))
		upd, err := o.PostOpen311Update(ctx, client, open311.Open311UpdateInput{Number: n, Description: "电梯又停了，请再看看。", UpdateID: "fms-77", Status: "OPEN"}, photo)
		if err != nil || upd.Action != ticket.ActionAttach || upd.Text == "" || len(upd.Media) != 1 || upd.UpdateID() == "" {
			t.Fatalf("update = %+v, %v", upd, err)
		}
		again, err := o.PostOpen311Update(ctx, client, open311.Open311UpdateInput{Number: n, Description: "电梯又停了，请再看看。", UpdateID: "fms-77"})
		if err != nil || again.Seq != upd.Seq {
			t.Fatalf("the same update_id twice = %+v, %v", again, err)
		}
		other, _ := o.CreateAPIClient(ctx, u["admin"], open311.NewAPIClient{Name: "other"})
		oc, _ := o.AuthenticateAPIKey(ctx, other.Key)
		if _, err := o.PostOpen311Update(ctx, oc, open311.Open311UpdateInput{Number: n, Description: "x"}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("another client's update: %v", err)
		}
		if _, err := o.PostOpen311Update(ctx, client, open311.Open311UpdateInput{Number: pt.Number, Description: "x"}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("update on a phone ticket: %v", err)
		}
		if _, err := o.PostOpen311Update(ctx, client, open311.Open311UpdateInput{Number: "20990101-00001", Description: "x"}); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("update on no ticket: %v", err)
		}
		if _, err := o.PostOpen311Update(ctx, client, open311.Open311UpdateInput{Number: n}); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("empty update: %v", err)
		}
		ups, err := o.PublicUpdates(ctx, open311.PublicUpdateQuery{})
		if err != nil || len(ups.Updates) != 6 { // register ×2, dispatch, acknowledge, reply, comment
			t.Fatalf("updates = %+v, %v", ups, err)
		}
		last := ups.Updates[len(ups.Updates)-1]
		if last.Seq != upd.Seq || last.Text != "电梯又停了，请再看看。" {
			t.Fatalf("last update = %+v", last)
		}
		// A staff member's photo is not a public update.
		staffPhoto, _ := s.PutUpload("inside.png", bytes.NewReader(pngBytes))
		ok(t)(s.Attach(ctx, u["handler"], n, "机房内部照片", staffPhoto))
		if ups2, _ := o.PublicUpdates(ctx, open311.PublicUpdateQuery{Numbers: []string{n}}); len(ups2.Updates) != 5 {
			t.Fatalf("staff attach shown: %+v", ups2.Updates)
		}
		r, _ = o.PublicRequest(ctx, n)
		if len(r.Media) != 1 {
			t.Fatalf("public media = %+v", r.Media)
		}
		if _, rd, err := o.OpenPublicMedia(ctx, n, r.Media[0].ID); err != nil {
			t.Fatal(err)
		} else {
			rd.Close()
		}
		v := mustView(t, f, "dispatcher", n)
		staffAtt := v.Attachments[len(v.Attachments)-1].ID
		if _, _, err := o.OpenPublicMedia(ctx, n, staffAtt); !minsheng.IsCode(err, minsheng.ENOTFOUND) {
			t.Fatalf("staff photo served: %v", err)
		}
	})
}

func TestMaskPersonal(t *testing.T) {
	cases := []struct{ in, want string }{
		{"电话13897001234", "电话138****1234"},
		{"+8613897001234", "+86138****1234"},
		{"身份证630104199001011234", "身份证**************1234"},
		{"身份证63010419900101123X", "身份证**************123X"},
		{"座机0971-8881234", "座机0971-*****34"},
		{"座机09718881234", "座机097******34"},
		{"工单20260302-00042已办结", "工单20260302-00042已办结"},
		{"3号楼18层", "3号楼18层"},
		{"邮箱 zhang.san@example.com", "邮箱 z********@example.com"},
	}
	for _, tc := range cases {
		if got := open311.MaskPersonal(tc.in); got != tc.want {
			t.Errorf("MaskPersonal(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestAPIClientRateAcrossServers checks that a client's rate holds across
// servers: two services on one database (two processes) together accept
// at most the rate in a minute, refused writes change nothing, and the next
// minute accepts again.
func TestAPIClientRateAcrossServers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		key := defineAttributes(t, f)
		if _, err := use311(f).SetAPIClientRate(ctx, kit.System(), "fms", 3); err != nil {
			t.Fatal(err)
		}
		otherTickets := app.New(app.Config{DB: db, Clock: f.Clock, Logger: slog.New(slog.DiscardHandler)})
		t.Cleanup(otherTickets.Wait)
		other := open311.New(otherTickets.Kit(), otherTickets)
		client, err := use311(f).AuthenticateAPIKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		code := f.Category.Code
		var first string
		for i, svc := range []*open311.Service{use311(f), other, use311(f)} {
			rc, err := svc.SubmitOpen311Request(ctx, client, goodSubmission(code))
			if err != nil {
				t.Fatalf("request %d of 3: %v", i+1, err)
			}
			first = cmp.Or(first, rc.Number)
		}
		// The fourth in the minute is refused on either server, and an
		// update counts as well.
		for _, svc := range []*open311.Service{other, use311(f)} {
			if _, err := svc.SubmitOpen311Request(ctx, client, goodSubmission(code)); !minsheng.IsCode(err, minsheng.ERATELIMIT) {
				t.Fatalf("fourth request in a minute: %v, want %s", err, minsheng.ERATELIMIT)
			}
			if _, err := svc.PostOpen311Update(ctx, client, open311.Open311UpdateInput{Number: first, Description: "又停了"}); !minsheng.IsCode(err, minsheng.ERATELIMIT) {
				t.Fatalf("update over the rate: %v, want %s", err, minsheng.ERATELIMIT)
			}
		}
		if n := countTickets(t, f); n != 3 {
			t.Fatalf("%d tickets after refused requests; want 3", n)
		}
		if v := mustView(t, f, "dispatcher", first); len(v.Events) != 1 {
			t.Fatalf("a refused update was recorded: %+v", v.Events)
		}
		// A new minute accepts again.
		f.Clock.Advance(time.Minute)
		if _, err := other.SubmitOpen311Request(ctx, client, goodSubmission(code)); err != nil {
			t.Fatalf("next minute: %v", err)
		}
		if _, err := use311(f).PostOpen311Update(ctx, client, open311.Open311UpdateInput{Number: first, Description: "又停了"}); err != nil {
			t.Fatalf("update in the next minute: %v", err)
		}
	})
}

// use311 returns the Open311 use cases over the fixture's ticket engine.
func use311(f *apptest.Fixture) *open311.Service { return open311.New(f.Svc.Kit(), f.Svc) }

// Every administrative change of Open311 leaves exactly one audit entry
// naming its object, written with the change; a refused change leaves none.
func TestOpen311AdminChangesAreAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		o, admin := use311(f), f.Users["admin"]
		count := func() int {
			t.Helper()
			var n int
			if err := db.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&n)
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		last := func() store.AuditEntry {
			t.Helper()
			var e store.AuditEntry
			if err := db.Read(ctx, func(tx *store.Tx) error {
				return tx.QueryRow(ctx, `SELECT action, object, object_id, COALESCE(actor_id, 0) FROM audit_log ORDER BY at DESC, id DESC LIMIT 1`).
					Scan(&e.Action, &e.Object, &e.ObjectID, &e.ActorID)
			}); err != nil {
				t.Fatal(err)
			}
			return e
		}
		desc, req := "小区物业", true
		for _, tc := range []struct {
			name, object, action string
			do                   func() error
		}{
			{"create client", open311.ObjectAPIClient, "create", func() error {
				_, err := o.CreateAPIClient(ctx, admin, open311.NewAPIClient{Name: "fms"})
				return err
			}},
			{"rotate key", open311.ObjectAPIClient, "rotate_key", func() error { _, err := o.RotateAPIKey(ctx, admin, "fms"); return err }},
			{"set rate", open311.ObjectAPIClient, "set_rate", func() error { _, err := o.SetAPIClientRate(ctx, admin, "fms", 30); return err }},
			{"revoke", open311.ObjectAPIClient, "revoke", func() error { _, err := o.RevokeAPIClient(ctx, admin, "fms"); return err }},
			{"service settings", open311.ObjectService, "update", func() error {
				_, err := o.SetServiceSettings(ctx, admin, f.Category.Code, open311.ServiceSettingsChange{Description: &desc})
				return err
			}},
			{"create attribute", open311.ObjectAttribute, "create", func() error {
				_, err := o.CreateCategoryAttribute(ctx, admin, f.Category.Code, open311.AttributeInput{Code: "floor", Datatype: "number", Description: "楼层"})
				return err
			}},
			{"update attribute", open311.ObjectAttribute, "update", func() error {
				_, err := o.UpdateCategoryAttribute(ctx, admin, f.Category.Code, "floor", open311.AttributeChange{Required: &req})
				return err
			}},
			{"delete attribute", open311.ObjectAttribute, "delete", func() error {
				return o.DeleteCategoryAttribute(ctx, admin, f.Category.Code, "floor")
			}},
		} {
			before := count()
			if err := tc.do(); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if n := count() - before; n != 1 {
				t.Errorf("%s: %d audit entries, want 1", tc.name, n)
			}
			if e := last(); e.Object != tc.object || e.Action != tc.action || e.ActorID != admin.ID || e.ObjectID == 0 {
				t.Errorf("%s: audit entry %+v, want %s %s by the admin", tc.name, e, tc.object, tc.action)
			}
		}
		before := count()
		if _, err := o.SetAPIClientRate(ctx, admin, "fms", -1); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Fatalf("negative rate: %v", err)
		}
		if _, err := o.CreateAPIClient(ctx, f.Users["dispatcher"], open311.NewAPIClient{Name: "x"}); !minsheng.IsCode(err, minsheng.EFORBIDDEN) {
			t.Fatalf("dispatcher: %v", err)
		}
		if n := count() - before; n != 0 {
			t.Errorf("refused changes left %d audit entries", n)
		}
	})
}
