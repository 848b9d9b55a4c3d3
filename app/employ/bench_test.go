package employ_test

import (
	"fmt"
	"testing"
	"time"

	appemploy "github.com/minsheng/minsheng/app/employ"
	"github.com/minsheng/minsheng/employ"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/store/storetest"
)

// benchSeekers makes n seekers spread over skills, kinds and areas: about
// one in twelve matches the benchmark's post well enough to be pushed.
func benchSeekers(n int) []*employ.Seeker {
	skills := []string{"4-01", "4-01-02", "4-03", "4-10", "6-29", "3-01"}
	areas := []string{"兴海路街道", "虎台街道", "胜利路街道", "古城台街道"}
	kinds := []employ.Kind{employ.KindFullTime, employ.KindPartTime, employ.KindGig}
	now := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	out := make([]*employ.Seeker, n)
	for i := range out {
		out[i] = &employ.Seeker{ID: int64(i + 1), Name: "求职者", Phone: fmt.Sprintf("139%08d", i), Skills: []string{skills[i%len(skills)]},
			Kinds: []employ.Kind{kinds[i%len(kinds)]}, Area: areas[i%len(areas)], SalaryMin: 2500 + i%5*500, Consent: true, Subscribed: true,
			CreatedAt: now, Version: 1}
	}
	return out
}

var benchPost = &employ.Post{ID: 1, Title: "超市理货员", Occupation: "4-01-02", Kind: employ.KindFullTime, SalaryMin: 3000, SalaryMax: 4000,
	Area: "兴海路街道", Openings: 1}

// BenchmarkMatch100k scores a new post against 100,000 seekers in memory
// and keeps the best: the matching itself, without the database.
func BenchmarkMatch100k(b *testing.B) {
	ks := benchSeekers(100_000)
	b.ResetTimer()
	for b.Loop() {
		if got := appemploy.Best(benchPost, ks, 20); len(got) != 20 {
			b.Fatalf("%d candidates", len(got))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/post")
}

// BenchmarkPush100k publishes a post with 100,000 subscribed seekers in
// SQLite: loading them, scoring them and writing the pushes and their
// outbox messages, in the publishing transaction.
func BenchmarkPush100k(b *testing.B) {
	db := storetest.Open(b, "sqlite")
	f := newFixture(b, db, appemploy.Config{})
	e := must[*employ.Employer](b)(f.svc.RegisterEmployer(ctx, f.boss, appemploy.EmployerInput{Name: "惠民超市", CreditCode: creditCode,
		ContactName: "王经理", ContactPhone: "13897001234"}))
	must[*employ.Employer](b)(f.svc.VerifyEmployer(ctx, f.staff, e.ID))
	ks := benchSeekers(100_000)
	if err := db.Write(ctx, func(tx *store.Tx) error {
		for _, k := range ks {
			k.ID += 1_000_000
			if err := store.InsertSeeker(ctx, tx, k); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		in := clerk(e.ID)
		in.Title = fmt.Sprintf("理货员 %d", i)
		p := must[*employ.Post](b)(f.svc.CreatePost(ctx, f.boss, in))
		must[*employ.Post](b)(f.svc.ActPost(ctx, f.boss, p.ID, employ.PostSubmit, ""))
		f.Clock.Advance(25 * time.Hour) // past the push limit of the day before
		b.StartTimer()
		must[*employ.Post](b)(f.svc.ActPost(ctx, f.staff, p.ID, employ.PostApprove, ""))
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/post")
}
