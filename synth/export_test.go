package synth

// SetStatsSplit makes the generator write its settled summaries whenever n
// rows have gathered, until the returned function is called.
func SetStatsSplit(n int) (restore func()) {
	old := statsSplit
	statsSplit = n
	return func() { statsSplit = old }
}
