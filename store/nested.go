package store

import (
	"errors"
	"reflect"
	"runtime"
	"sync/atomic"
)

// ErrNestedWrite is returned by Write (and so by NextID and ReserveIDs) when
// it is called by a goroutine that is already inside the fn of another
// Write. On SQLite the inner write would wait forever for the one write
// connection, which the outer one holds; on PostgreSQL it could wait
// forever for a row the outer transaction has locked. Either way its
// changes would not be part of the outer transaction.
var ErrNestedWrite = errors.New("store: a write was opened inside another write's transaction; pass the *Tx down instead (use Tx.NextID for ids)")

// writeFns counts the functions of Writes (fn, and the work they defer)
// that are running in this process, on any database handle.
var writeFns atomic.Int64

// runWriteFn runs a Write's function. Its frame on a goroutine's stack is
// the mark that the goroutine is inside a Write: insideWrite looks for it.
//
// Go gives a goroutine no identity to hold on to. The check used to read the
// goroutine's id from runtime.Stack, which formats every frame of the
// stack: 125 µs at the 40 frames of an HTTP request on the shared machine,
// two or three times per ticket, 6% of the process under load
// (docs/performance.md). A walk of the program counters (runtime.Callers)
// costs 7 µs there and needs nothing recorded on the way in. A mark in the context was no option: fn
// closes over its caller's context, which Write cannot change, and would
// lose the mark as soon as it derived a context from another root.
//
//go:noinline
func runWriteFn(fn func(*Tx) error, tx *Tx) error {
	writeFns.Add(1)
	defer writeFns.Add(-1)
	return fn(tx)
}

// writeFnReturn is the return address of runWriteFn's call of fn: every
// goroutine inside a Write's function has it on its stack, and nothing else
// does. It is learnt once by calling runWriteFn.
var writeFnReturn = func() uintptr {
	var pc [1]uintptr
	runWriteFn(func(*Tx) error {
		runtime.Callers(2, pc[:]) // 0: Callers, 1: this function, 2: runWriteFn
		return nil
	}, nil)
	if f := runtime.FuncForPC(pc[0] - 1); f == nil || f.Entry() != runtime.FuncForPC(reflect.ValueOf(runWriteFn).Pointer()).Entry() {
		panic("store: the return address of runWriteFn is not in runWriteFn")
	}
	return pc[0]
}()

// insideWrite reports whether the calling goroutine is inside the fn of a
// Write, or in the work it deferred (Tx.Defer), of any database handle of
// the process: a Write on another handle of the same database would wait
// for the outer one's locks just the same. Goroutines that fn starts are
// not inside: they have stacks of their own. What it cannot see is a
// Write started by such a goroutine that fn waits for; that write waits in
// the queue until its context ends.
//
// It walks the stack only while some goroutine is inside a Write.
func insideWrite() bool {
	if writeFns.Load() == 0 {
		return false
	}
	var pcs [64]uintptr
	for skip := 2; ; skip += len(pcs) {
		n := runtime.Callers(skip, pcs[:])
		for _, pc := range pcs[:n] {
			if pc == writeFnReturn {
				return true
			}
		}
		if n < len(pcs) {
			return false
		}
	}
}
