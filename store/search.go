package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/minsheng/minsheng/text"
	"github.com/minsheng/minsheng/ticket"
)

// Full-text search (issue 7). Both dialects index the same terms, computed
// in Go by text.Terms: SQLite in the FTS5 table ticket_search (rowid =
// ticket id, one column per field, the notes of the timeline, and the
// filter tags), PostgreSQL in tickets.search_terms with a generated
// tsvector and a GIN index (migrations 0009_search.sql, 0010).

// MaxQueryChars is how much of a search query is read; the rest is cut.
const MaxQueryChars = 200

// maxQueryTerms bounds the terms of a query (each one narrows the result).
const maxQueryTerms = 24

// searchFields are a ticket's searchable fields, in the order of the FTS5
// columns (the notes, from the timeline, come after them).
func searchFields(t *ticket.Ticket) [4]string {
	return [4]string{t.Title, t.Description, t.Address, t.Reply}
}

// textColumns are the FTS5 columns that hold text: a query's terms are
// looked for in these only, never in tags.
const textColumns = `{title description address reply notes}`

// SearchFieldsChanged reports whether a change of a ticket from before to
// after touched a searchable field (before nil: a new ticket).
func SearchFieldsChanged(before, after *ticket.Ticket) bool {
	return before == nil || searchFields(before) != searchFields(after)
}

// SearchDocumentChanged reports whether a change of a ticket from before
// to after changes what the search index of dialect d holds for it, notes
// aside: a searchable field or, on SQLite, a value the search filters on
// (status, intake or handling unit, kind, channel). before nil: a new
// ticket.
func SearchDocumentChanged(d Dialect, before, after *ticket.Ticket) bool {
	return SearchFieldsChanged(before, after) || d == SQLite && searchTags(before) != searchTags(after)
}

// searchTags returns the filter tokens of a ticket, for the tags column of
// the SQLite index: "s" and the status, "u" and the id of every unit on the
// paths of the intake and the handling unit (so that "the subtree of unit
// 12" is the one token u12), "h" and the id of the handling unit, "k" and
// the kind, "c" and the channel, with anything but letters and digits
// dropped (the tokenizer would split there). They live in their own
// column and the text terms are queried in the other columns, so they
// cannot collide with what users type.
func searchTags(t *ticket.Ticket) string {
	tags := []string{statusTag(t.Status)}
	seen := map[string]bool{}
	for _, p := range []string{t.IntakeUnitPath, t.UnitPath} {
		for id := range strings.SplitSeq(strings.Trim(p, "/"), "/") {
			if id != "" && !seen[id] {
				seen[id] = true
				tags = append(tags, "u"+tagWord(id))
			}
		}
	}
	if t.UnitID != 0 {
		tags = append(tags, "h"+strconv.FormatInt(t.UnitID, 10))
	}
	tags = append(tags, "k"+tagWord(string(t.Kind)), "c"+tagWord(string(t.Channel)))
	return strings.Join(tags, " ")
}

// statusTag is the tag of a status.
func statusTag(s ticket.Status) string { return "s" + tagWord(string(s)) }

// unitTag returns the tag of the last unit of a unit path ("/1/5/12/" →
// u12), false when the path names no unit.
func unitTag(path string) (string, bool) {
	p := strings.Trim(path, "/")
	id := p[strings.LastIndexByte(p, '/')+1:]
	if id == "" {
		return "", false
	}
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		return "", false
	}
	return "u" + id, true
}

// tagWord keeps the ASCII letters and digits of s, lower-cased.
func tagWord(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return -1
	}, s)
}

// ticketNotes returns the non-empty notes of the timelines of the tickets,
// by ticket id, oldest first.
func ticketNotes(ctx context.Context, tx *Tx, ids []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := tx.Query(ctx, `SELECT ticket_id, note FROM ticket_events
		WHERE ticket_id IN (`+ph+`) AND note <> '' ORDER BY ticket_id, seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("ticket notes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var note string
		if err := rows.Scan(&id, &note); err != nil {
			return nil, fmt.Errorf("ticket notes: %w", err)
		}
		out[id] = append(out[id], note)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ticket notes: %w", err)
	}
	return out, nil
}

// EventHasNote reports whether the event seq of the ticket has a note (a
// change that adds a note must rewrite the ticket's search document).
func EventHasNote(ctx context.Context, tx *Tx, ticketID int64, seq int) (bool, error) {
	var has bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ticket_events WHERE ticket_id = ? AND seq = ? AND note <> '')`,
		ticketID, seq).Scan(&has)
	if err != nil {
		return false, fmt.Errorf("event %d/%d: %w", ticketID, seq, err)
	}
	return has, nil
}

// IndexTicket writes the ticket's search document (its fields, the notes of
// its timeline as stored in tx, and on SQLite its filter tags) into the
// search index, replacing what was indexed before. Call it in the
// transaction that writes the ticket, after its event.
func IndexTicket(ctx context.Context, tx *Tx, t *ticket.Ticket) error {
	notes, err := ticketNotes(ctx, tx, []int64{t.ID})
	if err != nil {
		return fmt.Errorf("index ticket %d: %w", t.ID, err)
	}
	return indexTicket(ctx, tx, t, notes[t.ID])
}

// NewTicketTerms are the search terms of a ticket not yet registered, from
// its title, description and address (a new ticket has no reply and no
// notes). They are worked out before the registering transaction, so that
// SQLite's one writer does not spend its turn tokenising text.
type NewTicketTerms [3]string

// TermsOfNewTicket returns the search terms of a new ticket.
func TermsOfNewTicket(t *ticket.Ticket) NewTicketTerms {
	f := searchFields(t)
	return NewTicketTerms{text.Terms(f[0]), text.Terms(f[1]), text.Terms(f[2])}
}

// newTicketDocument is the search document of a new ticket: its terms and
// its reply's (a ticket registered with its answer, an inquiry answered on
// the spot); a new ticket has no notes.
func newTicketDocument(t *ticket.Ticket, terms NewTicketTerms) [5]string {
	return [5]string{terms[0], terms[1], terms[2], text.Terms(t.Reply)}
}

func indexTicket(ctx context.Context, tx *Tx, t *ticket.Ticket, notes []string) error {
	var terms [5]string
	for i, s := range searchFields(t) {
		terms[i] = text.Terms(s)
	}
	noteTerms := make([]string, 0, len(notes))
	for _, n := range notes {
		if nt := text.Terms(n); nt != "" {
			noteTerms = append(noteTerms, nt)
		}
	}
	terms[4] = strings.Join(noteTerms, " ")
	return writeTerms(ctx, tx, t, terms, false)
}

// writeTerms writes the ticket's search document: its terms (title,
// description, address, reply, notes) and, on SQLite, its filter tags.
// fresh says that the ticket has no entry yet.
func writeTerms(ctx context.Context, tx *Tx, t *ticket.Ticket, terms [5]string, fresh bool) error {
	if tx.Dialect() == Postgres {
		if _, err := tx.Exec(ctx, `UPDATE tickets SET search_terms = ? WHERE id = ?`,
			strings.Join(terms[:], " "), t.ID); err != nil {
			return fmt.Errorf("index ticket %d: %w", t.ID, err)
		}
		return nil
	}
	// After the rest of the write, outside the group commit's savepoints
	// (Tx.Defer).
	id, tags := t.ID, searchTags(t)
	tx.Defer(func(tx *Tx) error {
		var err error
		if !fresh {
			_, err = tx.Exec(ctx, `DELETE FROM ticket_search WHERE rowid = ?`, id)
		}
		if err == nil {
			_, err = tx.Exec(ctx, `INSERT INTO ticket_search (rowid, title, description, address, reply, notes, tags)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, id, terms[0], terms[1], terms[2], terms[3], terms[4], tags)
		}
		if err != nil {
			return fmt.Errorf("index ticket %d: %w", id, err)
		}
		return nil
	})
	return nil
}

// IndexTickets is IndexTicket for a batch of tickets (one query for the
// notes of all).
func IndexTickets(ctx context.Context, tx *Tx, list []*ticket.Ticket) error {
	ids := make([]int64, len(list))
	for i, t := range list {
		ids[i] = t.ID
	}
	notes, err := ticketNotes(ctx, tx, ids)
	if err != nil {
		return err
	}
	for _, t := range list {
		if err := indexTicket(ctx, tx, t, notes[t.ID]); err != nil {
			return err
		}
	}
	return nil
}

// UnindexedTickets returns up to limit tickets with an id above afterID
// that are missing from the search index, by id.
func UnindexedTickets(ctx context.Context, tx *Tx, afterID int64, limit int) ([]*ticket.Ticket, error) {
	q := `SELECT ` + ticketColumns + ` FROM tickets t WHERE id > ? AND NOT EXISTS
		(SELECT 1 FROM ticket_search s WHERE s.rowid = t.id) ORDER BY id LIMIT ` + strconv.Itoa(limit)
	if tx.Dialect() == Postgres {
		q = `SELECT ` + ticketColumns + ` FROM tickets WHERE id > ? AND search_terms IS NULL ORDER BY id LIMIT ` + strconv.Itoa(limit)
	}
	out, err := queryAll(ctx, tx, scanTicket, q, afterID)
	if err != nil {
		return nil, fmt.Errorf("unindexed tickets: %w", err)
	}
	return out, nil
}

// SearchIndexIncomplete reports whether some ticket is missing from the
// search index, cheaply: on SQLite whether the newest ticket is missing or
// the index is empty while tickets exist; on PostgreSQL whether any ticket
// has no terms yet.
func SearchIndexIncomplete(ctx context.Context, tx *Tx) (bool, error) {
	q := `SELECT EXISTS (SELECT 1 FROM tickets WHERE search_terms IS NULL)`
	if tx.Dialect() == SQLite {
		q = `SELECT EXISTS (SELECT 1 FROM tickets t WHERE t.id = (SELECT max(id) FROM tickets)
			AND NOT EXISTS (SELECT 1 FROM ticket_search s WHERE s.rowid = t.id))`
	}
	var missing bool
	if err := tx.QueryRow(ctx, q).Scan(&missing); err != nil {
		return false, fmt.Errorf("search index: %w", err)
	}
	return missing, nil
}

// QueryTerms returns the terms a query requires, at most maxQueryTerms:
// pairs of adjacent Han characters covering each run of them (a lone
// character stands for itself), the words and the numbers, folded, each
// once. Nil when the
// query has nothing to search for (empty, punctuation, emoji).
func QueryTerms(q string) []string {
	q = text.Cut(q, MaxQueryChars)
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] && len(out) < maxQueryTerms {
			seen[s] = true
			out = append(out, s)
		}
	}
	var run []string // the current run of adjacent Han characters
	flush := func() {
		// Pairs that cover the run without overlapping (and the last
		// pair): 楼道墙体开裂 → 楼道 墙体 开裂. Every pair of the text is
		// indexed, so this finds what all pairs would (nearly always), and
		// half the terms halve the cost of ranking, which reads the whole
		// list of tickets of each term.
		if len(run) == 1 {
			add(run[0])
		}
		for i := 1; i < len(run); i += 2 {
			add(run[i-1] + run[i])
		}
		if n := len(run); n > 2 && n%2 == 1 {
			add(run[n-2] + run[n-1])
		}
		run = run[:0]
	}
	text.Scan(q, MaxQueryChars, func(u text.Unit) {
		if u.Kind == text.Han {
			if u.Break {
				flush()
			}
			run = append(run, text.FoldString(u.Text))
			return
		}
		flush()
		add(text.FoldString(u.Text))
	})
	flush()
	return out
}

// SearchQuery selects tickets by text. Zero fields other than Text do not
// filter.
type SearchQuery struct {
	Text     string
	Statuses []ticket.Status
	Kind     ticket.Kind
	Channel  ticket.Channel
	UnitID   int64 // handling unit exactly
	// VisiblePaths limits the result as in TicketFilter.
	VisiblePaths []string
	Limit        int
}

// SearchHit is a ticket found by a search, with its rank: higher is better.
type SearchHit struct {
	Ticket *ticket.Ticket
	// Notes are the notes of the ticket's timeline, oldest first (they are
	// searched too).
	Notes []string
	Score float64
	// Terms are the query's terms (for highlighting).
	Terms []string
}

// RankWindow bounds the work of a search on SQLite: the newest RankWindow
// tickets that match and pass the filters are ranked, older ones are not
// looked at. A word found in every ticket then costs reading 300 tickets,
// not 1,000,000; newer requests matter more to a hotline, and a broad query
// is refined rather than paged through.
const RankWindow = 300

// SearchTickets returns the tickets containing every term of the query,
// best first (termScore on SQLite, among the newest RankWindow matches;
// ts_rank on PostgreSQL). A query without terms finds nothing.
func SearchTickets(ctx context.Context, tx *Tx, q SearchQuery) ([]SearchHit, error) {
	terms := QueryTerms(q.Text)
	if len(terms) == 0 {
		return nil, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	var where, filters []string
	var args, filterArgs []any
	var from, score, order string
	switch tx.Dialect() {
	case Postgres:
		from = `tickets t`
		score = `ts_rank(t.search_vector, plainto_tsquery('simple', ?))`
		args = append(args, strings.Join(terms, " "), strings.Join(terms, " "))
		where = append(where, `t.search_vector @@ plainto_tsquery('simple', ?)`)
		order = `score DESC, t.id DESC`
	default:
		// Each term a quoted string: FTS5 syntax in the query is inert.
		// Terms hold only letters and digits, so no quote to escape.
		quoted := make([]string, len(terms))
		for i, t := range terms {
			quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
		}
		match := textColumns + ` : (` + strings.Join(quoted, " ") + `)`
		if tags := filterTags(q); tags != "" {
			match += ` AND ` + tags
		}
		return searchSQLite(ctx, tx, q, terms, match, limit)
	}
	filters, filterArgs = searchFilters(q)
	where, args = append(where, filters...), append(args, filterArgs...)
	cols := "t." + strings.ReplaceAll(strings.Join(strings.Fields(ticketColumns), " "), ", ", ", t.")
	query := `SELECT ` + cols + `, ` + score + ` AS score FROM ` + from
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY ` + order + ` LIMIT ` + strconv.Itoa(limit)
	out, err := queryAll(ctx, tx, func(s scanner) (SearchHit, error) {
		h := SearchHit{Terms: terms}
		var err error
		h.Ticket, err = scanTicket(scoreScanner{s, &h.Score})
		return h, err
	}, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	if err := addNotes(ctx, tx, out); err != nil {
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	return out, nil
}

// addNotes fills the hits' notes.
func addNotes(ctx context.Context, tx *Tx, hits []SearchHit) error {
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.Ticket.ID
	}
	notes, err := ticketNotes(ctx, tx, ids)
	if err != nil {
		return err
	}
	for i := range hits {
		hits[i].Notes = notes[hits[i].Ticket.ID]
	}
	return nil
}

// searchFilters returns the conditions of the query's filters on tickets t.
func searchFilters(q SearchQuery) ([]string, []any) {
	var where []string
	var args []any
	if len(q.Statuses) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(q.Statuses)), ", ")
		where = append(where, "t.status IN ("+ph+")")
		for _, s := range q.Statuses {
			args = append(args, s)
		}
	}
	if q.Kind != "" {
		where, args = append(where, "t.kind = ?"), append(args, q.Kind)
	}
	if q.Channel != "" {
		where, args = append(where, "t.channel = ?"), append(args, q.Channel)
	}
	if q.UnitID != 0 {
		where, args = append(where, "t.unit_id = ?"), append(args, q.UnitID)
	}
	if cond, a := pathsCond(q.VisiblePaths, "t.intake_unit_path", "t.unit_path"); cond != "" {
		where, args = append(where, cond), append(args, a...)
	}
	return where, args
}

// filterTags returns the query's filters as an FTS5 expression over the
// tags column ("" when it has none): MATCH then yields only the tickets
// that pass them, so a broad text with narrow filters no longer looks up
// tens of thousands of matches in tickets. The filters are still checked
// on tickets' columns too (searchFilters), at no cost worth measuring.
func filterTags(q SearchQuery) string {
	var parts []string
	if len(q.Statuses) > 0 {
		st := make([]string, len(q.Statuses))
		for i, s := range q.Statuses {
			st[i] = `"` + statusTag(s) + `"`
		}
		parts = append(parts, `tags : (`+strings.Join(st, " OR ")+`)`)
	}
	if q.Kind != "" {
		parts = append(parts, `tags : "k`+tagWord(string(q.Kind))+`"`)
	}
	if q.Channel != "" {
		parts = append(parts, `tags : "c`+tagWord(string(q.Channel))+`"`)
	}
	if q.UnitID != 0 {
		parts = append(parts, `tags : "h`+strconv.FormatInt(q.UnitID, 10)+`"`)
	}
	if len(q.VisiblePaths) == 1 { // several: the columns' condition alone
		if u, ok := unitTag(q.VisiblePaths[0]); ok {
			parts = append(parts, `tags : "`+u+`"`)
		}
	}
	return strings.Join(parts, " AND ")
}

// searchSQLite reads the newest RankWindow matches that pass the filters
// (FTS5 walks its lists by rowid, newest first, without ranking, and the
// filters are tags in match) and ranks them in Go with termScore. FTS5's bm25 was not used: to weigh each term
// it reads the whole list of tickets holding it, which at 1,000,000
// tickets took 40 ms a query for common pairs (建议, 问题) even when only
// 180 tickets matched all terms, and a query's hits all hold all its terms
// anyway, so the weights change little.
func searchSQLite(ctx context.Context, tx *Tx, q SearchQuery, terms []string, match string, limit int) ([]SearchHit, error) {
	filters, filterArgs := searchFilters(q)
	cols := "t." + strings.ReplaceAll(strings.Join(strings.Fields(ticketColumns), " "), ", ", ", t.")
	query := `SELECT ` + cols + ` FROM ticket_search s JOIN tickets t ON t.id = s.rowid WHERE ticket_search MATCH ?`
	for _, f := range filters {
		query += ` AND ` + f
	}
	query += ` ORDER BY s.rowid DESC LIMIT ` + strconv.Itoa(RankWindow)
	out, err := queryAll(ctx, tx, func(s scanner) (SearchHit, error) {
		t, err := scanTicket(s)
		return SearchHit{Ticket: t, Terms: terms}, err
	}, query, append([]any{match}, filterArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	if err := addNotes(ctx, tx, out); err != nil {
		return nil, fmt.Errorf("search tickets: %w", err)
	}
	for i := range out {
		out[i].Score = termScore(out[i].Ticket, out[i].Notes, terms)
	}
	slices.SortStableFunc(out, func(a, b SearchHit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(b.Ticket.ID, a.Ticket.ID)
	})
	return out[:min(limit, len(out))], nil
}

// Field weights and typical lengths (characters) of termScore, in the
// order of searchFields, then the notes.
var (
	fieldWeight = [5]float64{4, 1, 2, 1, 1}
	fieldLength = [5]float64{16, 80, 16, 80, 80}
)

// termScore ranks a ticket that holds all the terms: BM25's term-frequency
// part (k1 1.2, b 0.75) per field, weighted by field (a term in the title
// counts four times one in the description; the notes, joined, count as
// one field), without the terms' rarity.
func termScore(t *ticket.Ticket, notes []string, terms []string) float64 {
	const k1, b = 1.2, 0.75
	var score float64
	f4 := searchFields(t)
	fields := append(f4[:], strings.Join(notes, "\n"))
	for i, f := range fields {
		if f == "" {
			continue
		}
		folded := text.FoldString(text.Cut(f, text.DefaultLimit))
		n := float64(utf8.RuneCountInString(folded))
		norm := k1 * (1 - b + b*n/fieldLength[i])
		for _, term := range terms {
			if tf := float64(strings.Count(folded, term)); tf > 0 {
				score += fieldWeight[i] * tf * (k1 + 1) / (tf + norm)
			}
		}
	}
	return score
}

// scoreScanner reads a ticket's columns and one more, the score.
type scoreScanner struct {
	s     scanner
	score *float64
}

func (s scoreScanner) Scan(dest ...any) error { return s.s.Scan(append(dest, s.score)...) }
