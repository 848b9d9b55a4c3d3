package demo_test

import (
	"context"
	"testing"

	"github.com/minsheng/minsheng/demo"
	"github.com/minsheng/minsheng/store/storetest"
)

// BenchmarkSeed seeds the default demo district (2000 tickets) on each
// dialect:
//
//	go test ./demo -run '^$' -bench Seed -benchtime 1x
func BenchmarkSeed(b *testing.B) {
	for _, d := range storetest.Dialects() {
		b.Run(d, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := storetest.Open(b, d)
				b.StartTimer()
				if _, err := demo.Seed(context.Background(), db, demo.Options{Now: testNow, Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
