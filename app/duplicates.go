package app

import (
	"context"
	"sync"
	"time"

	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text/dedup"
	"github.com/minsheng/minsheng/ticket"
)

// Duplicate detection (重复件, text/dedup): an in-memory MinHash index of
// the open tickets of the last dedupWindow, built in the background on
// first use and every dedupRebuild after (so that tickets registered on
// other servers are seen), and kept current with this server's changes in
// indexSearch. A request never waits for it: until it is built, no
// duplicates are shown.

const (
	dedupWindow  = 30 * 24 * time.Hour
	dedupRebuild = 10 * time.Minute
	dedupShown   = 5
)

// dedupState holds the index.
type dedupState struct {
	mu       sync.Mutex
	ix       *dedup.Index // nil until built
	built    time.Time
	building bool
}

// Duplicate is an open ticket that may report the same matter, with the
// parts of its score for the dispatcher to judge.
type Duplicate struct {
	Ticket    ticket.Ticket `json:"ticket"`
	Score     float64       `json:"score"`
	Text      float64       `json:"text_similarity"`
	Meters    *float64      `json:"meters,omitempty"` // absent when either has no point
	SamePhone bool          `json:"same_phone"`
}

func dedupText(t *ticket.Ticket) string { return t.Title + "\n" + t.Description }

func point(t *ticket.Ticket) (float64, float64) {
	if t.Lat == nil || t.Lng == nil {
		return dedup.NoPlace, dedup.NoPlace
	}
	return *t.Lat, *t.Lng
}

// dedupIndex returns the index (nil while none is built), starting a
// rebuild in the background when due.
func (s *Service) dedupIndex() *dedup.Index {
	d := &s.text.dedup
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.building && s.clock.Now().Sub(d.built) >= dedupRebuild {
		d.building = true
		s.goBackground(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			if err := s.BuildDuplicateIndex(ctx); err != nil {
				s.log.Warn("build duplicate index", "err", err)
			}
		})
	}
	return d.ix
}

// BuildDuplicateIndex (re)builds the duplicate index from the open
// tickets of the last 30 days now (at start, in tests); otherwise it is
// built in the background on first use.
func (s *Service) BuildDuplicateIndex(ctx context.Context) error {
	d := &s.text.dedup
	defer func() {
		d.mu.Lock()
		d.building, d.built = false, s.clock.Now()
		d.mu.Unlock()
	}()
	since := s.now().Add(-dedupWindow)
	var list []*ticket.Ticket
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		list, err = store.ListTickets(ctx, tx, store.TicketFilter{CreatedFrom: &since, Limit: 1 << 30,
			Statuses: openStatuses()})
		return err
	})
	if err != nil {
		return err
	}
	ix := dedup.NewIndex(dedup.DefaultConfig(), len(list))
	for _, t := range list {
		lat, lng := point(t)
		ix.Add(t.ID, dedupText(t), lat, lng, t.CreatedAt, t.CallerPhone)
	}
	d.mu.Lock()
	d.ix = ix
	d.mu.Unlock()
	return nil
}

func openStatuses() []ticket.Status {
	var out []ticket.Status
	for _, st := range ticket.Statuses {
		if st.Open() {
			out = append(out, st)
		}
	}
	return out
}

// noteDuplicateIndex keeps the index current with a change made here.
func (s *Service) noteDuplicateIndex(before, after *ticket.Ticket) {
	d := &s.text.dedup
	d.mu.Lock()
	ix := d.ix
	d.mu.Unlock()
	if ix == nil {
		return
	}
	switch {
	case !after.Status.Open():
		ix.Remove(after.ID)
	case before == nil || store.SearchFieldsChanged(before, after):
		lat, lng := point(after)
		ix.Add(after.ID, dedupText(after), lat, lng, after.CreatedAt, after.CallerPhone)
	}
}

// duplicates returns the open tickets the user may see that may report
// the same matter as t, best first.
func (s *Service) duplicates(ctx context.Context, tx *store.Tx, visible func(*ticket.Ticket) bool, t *ticket.Ticket) ([]Duplicate, error) {
	ix := s.dedupIndex()
	if ix == nil {
		return nil, nil
	}
	lat, lng := point(t)
	out := []Duplicate{}
	for _, c := range ix.Candidates(t.ID, dedupText(t), lat, lng, t.CreatedAt, t.CallerPhone, dedupShown) {
		o, err := store.GetTicket(ctx, tx, c.ID)
		if err != nil {
			continue // gone meanwhile
		}
		if !o.Status.Open() || !visible(o) {
			continue
		}
		d := Duplicate{Ticket: o.Mask(), Score: c.Score, Text: c.Text, SamePhone: c.SamePhone}
		if c.Meters >= 0 {
			m := c.Meters
			d.Meters = &m
		}
		out = append(out, d)
	}
	return out, nil
}

// MetersApart is Meters, or -1 when unknown (for templates).
func (d Duplicate) MetersApart() float64 {
	if d.Meters == nil {
		return -1
	}
	return *d.Meters
}
