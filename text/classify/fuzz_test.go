package classify_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/text/classify"
)

// FuzzReadCSV reads any bytes as a training file: it never panics, and
// what it accepts, written out again as CSV and read back, gives the same
// examples (a label with no surrounding space). The seeds run in every
// `go test`; fuzz longer with scripts/fuzz.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"id,title,body,label\n1,路灯不亮,海湖路路灯坏了,市政\n",
		"\ufefflabel,body,title\n 供水 ,\"停水\n三天\",没水\n",
		"title,body,label\n\"a\"\"b\",c\n,,\n",
		"title,body\n1,2\n",
		"title,body,label\n\"unterminated,x,y\n",
		"",
		"\xff\xfe,\x80\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		exs, err := classify.ReadCSV(bytes.NewReader(b))
		if err != nil {
			return
		}
		var out bytes.Buffer
		w := csv.NewWriter(&out)
		w.Write([]string{"title", "body", "label"})
		for _, ex := range exs {
			if ex.Label != strings.TrimSpace(ex.Label) {
				t.Fatalf("label %q is not trimmed", ex.Label)
			}
			if strings.ContainsRune(ex.Title+ex.Body+ex.Label, '\r') {
				return // CSV reads a quoted \r\n as \n: no round trip
			}
			w.Write([]string{ex.Title, ex.Body, ex.Label})
		}
		w.Flush()
		again, err := classify.ReadCSV(&out)
		if err != nil {
			t.Fatalf("the examples written out do not read back: %v\n%q", err, out.String())
		}
		if len(again) != len(exs) {
			t.Fatalf("%d examples read back from %d", len(again), len(exs))
		}
		for i := range exs {
			if again[i] != exs[i] {
				t.Fatalf("example %d read back as %+v, want %+v", i, again[i], exs[i])
			}
		}
	})
}
