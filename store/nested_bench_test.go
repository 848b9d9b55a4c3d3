package store

import "testing"

// BenchmarkNestedWriteCheck measures what every Write pays to refuse a
// nested one: reading the goroutine's id and recording it, then leaving.
//
//	go test ./store -run '^$' -bench NestedWriteCheck
func BenchmarkNestedWriteCheck(b *testing.B) {
	var w writers
	for b.Loop() {
		g := goid()
		if !w.enter(g) {
			b.Fatal("entered twice")
		}
		w.leave(g)
	}
}
