package store_test

import (
	"testing"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/employ"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// Employers, posts, seekers, applications, follow-ups and pushes read back
// as written; a credit code twice, an application twice and stale versions
// are refused.
func TestEmployRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
		exp := now.AddDate(0, 0, 30)
		e := &employ.Employer{ID: 1, Name: "城西某超市", CreditCode: "91350100M000100Y43", ContactName: "王经理", ContactPhone: "13897001234",
			UserID: 7, CreatedAt: now, Version: 1}
		p := &employ.Post{ID: 2, EmployerID: 1, Title: "理货员", Occupation: "4-01-02", Kind: employ.KindFullTime, SalaryMin: 3000,
			SalaryMax: 4000, Area: "兴海路街道", Openings: 1, Status: employ.PostPublished, Published: &now, ExpiresAt: &exp,
			CreatedAt: now, UpdatedAt: now, Version: 1}
		k := &employ.Seeker{ID: 3, Name: "马小花", Phone: "13997001234", Skills: []string{"4-01", "4-07"},
			Kinds: []employ.Kind{employ.KindFullTime, employ.KindGig}, Area: "兴海路街道", Hard: true, Consent: true, Subscribed: true,
			Caseworker: 9, CreatedAt: now, Version: 1}
		a := &employ.Application{ID: 4, PostID: 2, SeekerID: 3, Status: employ.AppApplied, Score: 100, AppliedAt: now, UpdatedAt: now, Version: 1}
		err := db.Write(ctx, func(tx *store.Tx) error {
			for _, f := range []func() error{
				func() error { return store.InsertEmployer(ctx, tx, e) },
				func() error { return store.InsertPost(ctx, tx, p) },
				func() error { return store.InsertSeeker(ctx, tx, k) },
				func() error { return store.InsertApplication(ctx, tx, a) },
				func() error {
					return store.InsertFollowUp(ctx, tx, &employ.FollowUp{ApplicationID: 4, SeekerID: 3, Month: 1, Due: now.AddDate(0, 1, 0)})
				},
			} {
				if err := f(); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		dup := *e
		dup.ID = 5
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertEmployer(ctx, tx, &dup) }); !minsheng.IsCode(err, minsheng.EINVALID) {
			t.Errorf("credit code twice: %v", err)
		}
		a2 := *a
		a2.ID = 6
		if err := db.Write(ctx, func(tx *store.Tx) error { return store.InsertApplication(ctx, tx, &a2) }); !minsheng.IsCode(err, minsheng.ECONFLICT) {
			t.Errorf("application twice: %v", err)
		}
		err = db.Write(ctx, func(tx *store.Tx) error {
			gp, err := store.GetPost(ctx, tx, 2)
			if err != nil {
				return err
			}
			if gp.Employer != "城西某超市" || !gp.ExpiresAt.Equal(exp) || gp.SalaryMax != 4000 {
				t.Errorf("post %+v", gp)
			}
			gk, err := store.GetSeeker(ctx, tx, 3)
			if err != nil {
				return err
			}
			if len(gk.Skills) != 2 || gk.Kinds[1] != employ.KindGig || !gk.Hard || gk.Caseworker != 9 {
				t.Errorf("seeker %+v", gk)
			}
			ga, err := store.GetApplication(ctx, tx, 4)
			if err != nil {
				return err
			}
			ga.Status, ga.HiredAt, ga.Version = employ.AppHired, &now, ga.Version+1
			if err := store.UpdateApplication(ctx, tx, ga); err != nil {
				return err
			}
			if err := store.UpdateApplication(ctx, tx, ga); !minsheng.IsCode(err, minsheng.ECONFLICT) {
				t.Errorf("stale application: %v", err)
			}
			if id, err := store.HiredFullTime(ctx, tx, 3); err != nil || id != 4 {
				t.Errorf("hired full time: %d %v", id, err)
			}
			ok, err := store.InsertPush(ctx, tx, 3, 2, now)
			if err != nil || !ok {
				t.Errorf("push: %v %v", ok, err)
			}
			if ok, err := store.InsertPush(ctx, tx, 3, 2, now); err != nil || ok {
				t.Errorf("push twice: %v %v", ok, err)
			}
			n, err := store.CountPushes(ctx, tx, now.Add(-time.Hour))
			if err != nil || n[3] != 1 {
				t.Errorf("count pushes %v %v", n, err)
			}
			f := &employ.FollowUp{ApplicationID: 4, Month: 1, DoneAt: &now, Outcome: employ.OutcomeEmployed}
			if err := store.RecordFollowUp(ctx, tx, f); err != nil {
				return err
			}
			if err := store.RecordFollowUp(ctx, tx, f); !minsheng.IsCode(err, minsheng.ECONFLICT) {
				t.Errorf("follow-up twice: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Read(ctx, func(tx *store.Tx) error {
			ps, err := store.ListPostsExpiring(ctx, tx, exp, true)
			if err != nil || len(ps) != 1 {
				t.Errorf("expiring %v %v", ps, err)
			}
			if ps, _ := store.ListPostsExpiring(ctx, tx, exp.Add(-time.Hour), false); len(ps) != 0 {
				t.Errorf("not yet expiring: %v", ps)
			}
			if n, err := store.CountPosts(ctx, tx); err != nil || n[employ.PostPublished] != 1 || len(n) != 1 {
				t.Errorf("count posts: %v %v", n, err)
			}
			if ps, _ := store.ListPosts(ctx, tx, store.PostFilter{UserID: 7}); len(ps) != 1 {
				t.Errorf("posts of user: %v", ps)
			}
			if ks, _ := store.ListSeekers(ctx, tx, store.SeekerFilter{Subscribed: true, Hard: true}); len(ks) != 1 {
				t.Errorf("subscribed seekers: %v", ks)
			}
			fs, err := store.ListFollowUps(ctx, tx, store.FollowUpFilter{Caseworker: 9})
			if err != nil || len(fs) != 1 || fs[0].Outcome != employ.OutcomeEmployed || fs[0].DoneAt == nil {
				t.Errorf("follow-ups %v %v", fs, err)
			}
			if fs, _ := store.ListFollowUps(ctx, tx, store.FollowUpFilter{Open: true}); len(fs) != 0 {
				t.Errorf("open follow-ups %v", fs)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
