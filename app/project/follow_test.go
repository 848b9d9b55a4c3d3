package project_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/apptest"
	appproject "github.com/minsheng/minsheng/app/project"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

func reason(err error) string {
	if e, ok := err.(*minsheng.Error); ok {
		return e.Reason
	}
	return ""
}

// smsTo returns the bodies of the SMS to a phone, oldest first.
func smsTo(t *testing.T, db *store.DB, phone string) []string {
	t.Helper()
	var out []string
	err := db.Read(ctx, func(tx *store.Tx) error {
		ds, err := store.ListDeliveries(ctx, tx, store.DeliveryFilter{Channel: "sms", Limit: 1000})
		for i := len(ds) - 1; i >= 0; i-- {
			if ds[i].Recipient == phone {
				out = append(out, ds[i].Body)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	followCodeRE = regexp.MustCompile(`验证码：(\d{6})`)
	unfollowRE   = regexp.MustCompile(`/projects/unfollow\?token=([a-z2-7]+)`)
)

// A resident follows a project: a code by SMS, typed back (a wrong one is
// refused and counted); then an SMS on each milestone reached and on
// completion, each with the link that ends the follow; after it, none.
// The phone never appears in the timeline.
func TestFollowByPhone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := apptest.New(t, db)
		svc := appproject.New(f.Svc.Kit(), f.Svc)
		start := f.Clock.Now()
		p, err := svc.Create(ctx, f.Users["admin"], appproject.NewProject{Year: 2026, Code: "2026-05", Title: "社区养老服务站",
			UnitID: f.Street.ID, Milestones: []project.Milestone{{Title: "选址", Planned: start}, {Title: "开放", Planned: start.AddDate(0, 1, 0)}}})
		if err != nil {
			t.Fatal(err)
		}
		const phone = "13912345678"
		if err := svc.Follow(ctx, p.Code, "12345"); reason(err) != "phone_format" {
			t.Errorf("a bad phone: %v", err)
		}
		if err := svc.Follow(ctx, p.Code, "139 1234 5678"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Follow(ctx, p.Code, phone); reason(err) != "code_too_soon" {
			t.Errorf("a second code at once: %v", err)
		}
		msgs := smsTo(t, db, phone)
		if len(msgs) != 1 {
			t.Fatalf("%d SMS", len(msgs))
		}
		code := followCodeRE.FindStringSubmatch(msgs[0])[1]
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		if err := svc.ConfirmFollow(ctx, p.Code, phone, wrong); reason(err) != "code_wrong" {
			t.Errorf("a wrong code: %v", err)
		}
		if err := svc.ConfirmFollow(ctx, p.Code, phone, code); err != nil {
			t.Fatal(err)
		}
		if err := svc.Follow(ctx, p.Code, phone); reason(err) != "following" {
			t.Errorf("asking again while following: %v", err)
		}
		f.Clock.Advance(time.Hour)
		day := f.Clock.Now()
		if _, err := svc.Report(ctx, f.Users["street_handler"], p.Code, appproject.Update{Milestone: 1, Actual: &day, Evidence: "选址确定"}); err != nil {
			t.Fatal(err)
		}
		fifty := 50
		if _, err := svc.Report(ctx, f.Users["street_handler"], p.Code, appproject.Update{Progress: &fifty}); err != nil {
			t.Fatal(err)
		}
		msgs = smsTo(t, db, phone)
		if len(msgs) != 3 || !strings.Contains(msgs[2], "已完成节点「选址」") || !unfollowRE.MatchString(msgs[2]) {
			t.Fatalf("SMS after the milestone (progress alone sends none): %q", msgs)
		}
		token := unfollowRE.FindStringSubmatch(msgs[2])[1]
		v, err := svc.FollowByLink(ctx, token)
		if err != nil || v.Phone != "139****5678" || v.Status != project.FollowActive {
			t.Errorf("the unfollow page: %+v %v", v, err)
		}
		if _, err := svc.Unfollow(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Unfollow(ctx, token); reason(err) != "not_following" {
			t.Errorf("unfollowed twice: %v", err)
		}
		if _, err := svc.FollowByLink(ctx, "nope"); reason(err) != "follow_link" {
			t.Errorf("a made-up link: %v", err)
		}
		if _, err := svc.Report(ctx, f.Users["street_handler"], p.Code, appproject.Update{Milestone: 2, Actual: &day}); err != nil {
			t.Fatal(err)
		}
		if msgs := smsTo(t, db, phone); len(msgs) != 3 {
			t.Errorf("an SMS after unfollowing: %q", msgs[len(msgs)-1])
		}
		_, tl, err := svc.Get(ctx, f.Users["admin"], p.Code)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range tl {
			for _, v := range e.Data {
				if strings.Contains(v, phone) {
					t.Errorf("the phone in the timeline: %+v", e)
				}
			}
		}
	})
}
