package store

import "testing"

// BenchmarkNestedWriteCheck measures what a Write pays to refuse a nested
// one while another goroutine is inside a Write (otherwise the check is one
// atomic load): a walk of the caller's stack, here about 40 frames deep as
// in an HTTP request's create.
//
//	go test ./store -run '^$' -bench NestedWriteCheck
func BenchmarkNestedWriteCheck(b *testing.B) {
	writeFns.Add(1)
	defer writeFns.Add(-1)
	var deep func(n int)
	deep = func(n int) {
		if n > 0 {
			deep(n - 1)
			return
		}
		for b.Loop() {
			if insideWrite() {
				b.Fatal("inside a write")
			}
		}
	}
	deep(40)
}
