package app

import (
	"context"
	"strings"
	"sync"
	"unicode"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/text"
	"github.com/minsheng/minsheng/ticket"
)

// textState is what the text features keep in memory: whether the search
// index has been checked for tickets written without it, and the models.
type textState struct {
	reindexMu   sync.Mutex
	reindexDone bool

	models modelCache // the dispatch classifier's (textviews.go)
	dedup  dedupState // duplicate candidates (duplicates.go)
}

// indexSearch keeps the search index (and this server's duplicate index)
// current: called in the transaction of every change of a ticket, after
// its event is written (a new ticket's document is written with its row,
// by store.RegisterTicket). The ticket's document is rewritten when a
// searchable field, a value the SQLite index filters on (status, units,
// kind, channel) or the notes (the new event has one) changed; other
// changes cost one look-up of the event.
func (s *Service) indexSearch(ctx context.Context, tx *store.Tx, before, after *ticket.Ticket) error {
	if before.Status.Open() != after.Status.Open() || store.SearchFieldsChanged(before, after) {
		s.noteDuplicateIndex(before, after)
	}
	if !store.SearchDocumentChanged(tx.Dialect(), before, after) {
		note, err := store.EventHasNote(ctx, tx, after.ID, after.Version)
		if err != nil || !note {
			return err
		}
	}
	return store.IndexTicket(ctx, tx, after)
}

// reindexBatch is how many tickets one transaction of ReindexSearch indexes.
const reindexBatch = 500

// ReindexSearch indexes the tickets missing from the search index: those
// written before the index existed or by the bulk loader, and all of them
// after a migration that changes the document's format (0010 emptied the
// index to add notes and filter tags). It runs in
// batches of reindexBatch tickets, each in its own transaction, and returns
// how many it indexed. Run it at start (the first search runs it too when
// the newest ticket is missing from the index).
func (s *Service) ReindexSearch(ctx context.Context) (int, error) {
	var n int
	var after int64
	for {
		var list []*ticket.Ticket
		err := s.db.Write(ctx, func(tx *store.Tx) error {
			var err error
			if list, err = store.UnindexedTickets(ctx, tx, after, reindexBatch); err != nil {
				return err
			}
			return store.IndexTickets(ctx, tx, list)
		})
		if err != nil {
			return n, err
		}
		n += len(list)
		if len(list) < reindexBatch {
			return n, nil
		}
		after = list[len(list)-1].ID
	}
}

// ensureIndexed runs ReindexSearch once per process when the index lacks
// tickets (the first search after an upgrade or a bulk load).
func (s *Service) ensureIndexed(ctx context.Context) error {
	st := &s.text
	st.reindexMu.Lock()
	defer st.reindexMu.Unlock()
	if st.reindexDone {
		return nil
	}
	var missing bool
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		missing, err = store.SearchIndexIncomplete(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	if missing {
		n, err := s.ReindexSearch(ctx)
		if err != nil {
			return err
		}
		s.log.InfoContext(ctx, "search index completed", "tickets", n)
	}
	st.reindexDone = true
	return nil
}

// SearchQuery is a full-text search: the text and optional filters (zero
// values do not filter).
type SearchQuery struct {
	Text     string
	Statuses []ticket.Status // any of these
	Kind     ticket.Kind
	Channel  ticket.Channel
	UnitID   int64 // the handling unit, exactly
	Limit    int   // 1..MaxSearchResults; 0 means 20
}

// MaxSearchResults is the most hits one search returns.
const MaxSearchResults = 100

// SearchHit is a ticket found by a search, with caller data masked, its
// rank (higher is better; comparable within one search only) and a snippet
// of the field that matched best.
type SearchHit struct {
	Ticket  ticket.Ticket `json:"ticket"`
	Score   float64       `json:"score"`
	Field   string        `json:"field"`
	Snippet []Fragment    `json:"snippet"`
}

// Fragment is a piece of a snippet; Match marks the query's terms.
type Fragment struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

// SearchResult is the answer to a search: the terms looked for (none when
// the query has nothing to search for) and the hits, best first.
type SearchResult struct {
	Terms []string    `json:"terms"`
	Hits  []SearchHit `json:"hits"`
}

// Search finds the tickets the user may see (the same rule as
// ListTickets) that contain every term of the query, best first. A query
// of only punctuation or emoji finds nothing; a long one is cut at
// store.MaxQueryChars characters.
func (s *Service) Search(ctx context.Context, actor *org.User, q SearchQuery) (*SearchResult, error) {
	if q.Limit == 0 {
		q.Limit = 20
	}
	if q.Limit < 1 || q.Limit > MaxSearchResults {
		return nil, minsheng.FieldError("limit", "limit must be between 1 and %d", MaxSearchResults)
	}
	for _, st := range q.Statuses {
		if !st.Valid() {
			return nil, minsheng.FieldError("status", "unknown status %q", st)
		}
	}
	if q.Kind != "" && !q.Kind.Valid() {
		return nil, minsheng.FieldError("kind", "unknown kind %q", q.Kind)
	}
	if q.Channel != "" && !q.Channel.Valid() {
		return nil, minsheng.FieldError("channel", "unknown channel %q", q.Channel)
	}
	if q.UnitID < 0 {
		return nil, minsheng.FieldError("unit_id", "unknown unit %d", q.UnitID)
	}
	res := &SearchResult{Terms: store.QueryTerms(q.Text), Hits: []SearchHit{}}
	if res.Terms == nil {
		res.Terms = []string{}
		return res, nil
	}
	if err := s.ensureIndexed(ctx); err != nil {
		return nil, err
	}
	sq := store.SearchQuery{Text: q.Text, Statuses: q.Statuses, Kind: q.Kind, Channel: q.Channel, UnitID: q.UnitID, Limit: q.Limit}
	paths, perr := visiblePaths(actor) // the user's subtrees, as ListTickets
	if perr != nil {
		return nil, perr
	}
	sq.VisiblePaths = paths
	var hits []store.SearchHit
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		hits, err = store.SearchTickets(ctx, tx, sq)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, h := range hits {
		if !ticket.Visible(actor, h.Ticket) {
			continue
		}
		field, frags := Snippet(h.Ticket, h.Notes, h.Terms)
		res.Hits = append(res.Hits, SearchHit{Ticket: h.Ticket.Mask(), Score: h.Score, Field: field, Snippet: frags})
	}
	return res, nil
}

// snippetChars is the length of a snippet, in characters.
const snippetChars = 80

// Snippet returns the searchable field of t with the most matches of the
// terms (title, description, address, reply or one of the notes of its
// timeline, field "notes"; the title when none matches) and a piece of it
// around the first match, cut to about snippetChars characters, with the
// matches marked. Matching folds case and full-width forms as the index
// does; the text shown is the original.
func Snippet(t *ticket.Ticket, notes []string, terms []string) (field string, frags []Fragment) {
	fields := []struct{ name, text string }{
		{"title", t.Title}, {"description", t.Description}, {"address", t.Address}, {"reply", t.Reply},
	}
	for _, n := range notes {
		fields = append(fields, struct{ name, text string }{"notes", n})
	}
	best := 0
	bestMarks, bestN := markTerms(fields[0].text, terms)
	for i := 1; i < len(fields); i++ {
		if marks, n := markTerms(fields[i].text, terms); n > bestN {
			best, bestN, bestMarks = i, n, marks
		}
	}
	return fields[best].name, fragments(fields[best].text, bestMarks, snippetChars)
}

// markTerms marks the characters of s that belong to a match of a term and
// counts the matches. A term of letters or digits matches a whole word or
// number only; a Han term matches anywhere.
func markTerms(s string, terms []string) ([]bool, int) {
	runes := []rune(s)
	folded := make([]rune, len(runes))
	for i, r := range runes {
		folded[i] = text.Fold(r)
	}
	marks := make([]bool, len(runes))
	n := 0
	alnum := func(i int) bool {
		return i >= 0 && i < len(folded) && !text.IsCJK(folded[i]) &&
			(unicode.IsLetter(folded[i]) || unicode.IsDigit(folded[i]))
	}
	for _, term := range terms {
		tr := []rune(term)
		if len(tr) == 0 {
			continue
		}
		word := !text.IsCJK(tr[0])
	next:
		for i := 0; i+len(tr) <= len(folded); i++ {
			for j, r := range tr {
				if folded[i+j] != r {
					continue next
				}
			}
			if word && (alnum(i-1) || alnum(i+len(tr))) {
				continue
			}
			n++
			for j := range tr {
				marks[i+j] = true
			}
		}
	}
	return marks, n
}

// fragments cuts s to a window of about width characters starting a little
// before the first marked one, and splits it into marked and unmarked
// pieces; "…" shows where text was left out.
func fragments(s string, marks []bool, width int) []Fragment {
	runes := []rune(s)
	first := 0
	for i, m := range marks {
		if m {
			first = i
			break
		}
	}
	start := max(first-width/4, 0)
	end := min(start+width, len(runes))
	if end-start < width {
		start = max(end-width, 0)
	}
	var out []Fragment
	var cur strings.Builder
	curMark := false
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, Fragment{Text: cur.String(), Match: curMark})
			cur.Reset()
		}
	}
	if start > 0 {
		cur.WriteString("…")
	}
	for i := start; i < end; i++ {
		if marks[i] != curMark {
			flush()
			curMark = marks[i]
		}
		r := runes[i]
		if r == '\n' || r == '\r' || r == '\t' {
			r = ' '
		}
		cur.WriteRune(r)
	}
	if end < len(runes) {
		if curMark {
			flush()
			curMark = false
		}
		cur.WriteString("…")
	}
	flush()
	if out == nil {
		out = []Fragment{}
	}
	return out
}
