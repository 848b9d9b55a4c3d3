package synth

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// bar draws a progress bar with the rate on one terminal line.
type bar struct {
	w     io.Writer
	total int
	start time.Time
	last  time.Time
}

func newBar(w io.Writer, total int, start time.Time) *bar {
	return &bar{w: w, total: total, start: start}
}

func (b *bar) update(done int) {
	if b.w == nil || (time.Since(b.last) < 200*time.Millisecond && done < b.total) {
		return
	}
	b.last = time.Now()
	const width = 30
	filled := width * done / b.total
	rate := float64(done) / time.Since(b.start).Seconds()
	fmt.Fprintf(b.w, "\r[%s%s] %3d%% %d/%d tickets, %.0f/s ", strings.Repeat("#", filled), strings.Repeat(" ", width-filled),
		100*done/b.total, done, b.total, rate)
}

func (b *bar) finish() {
	if b.w != nil {
		fmt.Fprintln(b.w)
	}
}
