package classify

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadCSV reads labelled messages from CSV with a header naming the columns
// title, body and label (id and any other columns are ignored; their order
// does not matter). Quoted fields may span lines; rows may be ragged.
func ReadCSV(r io.Reader) ([]Example, error) {
	cr := csv.NewReader(r)
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("csv: empty file, want a header id,title,body,label")
	}
	if err != nil {
		return nil, fmt.Errorf("csv header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, ok := col[h]; !ok {
			col[h] = i
		}
	}
	ti, ok1 := col["title"]
	bi, ok2 := col["body"]
	li, ok3 := col["label"]
	if !ok1 || !ok2 || !ok3 {
		return nil, fmt.Errorf("csv header %q: want columns title, body and label", strings.Join(head, ","))
	}
	field := func(rec []string, i int) string {
		if i < len(rec) {
			return strings.Clone(rec[i])
		}
		return ""
	}
	var out []Example
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("csv: %w", err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		out = append(out, Example{
			Title: field(rec, ti),
			Body:  field(rec, bi),
			Label: strings.TrimSpace(field(rec, li)),
		})
	}
}
