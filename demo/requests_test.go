package demo

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// TestRequestTable checks the hand-written request texts: every slot they
// use is filled, every category is a leaf of the tree, every handling unit
// exists, and every kind of request is there.
func TestRequestTable(t *testing.T) {
	leaves := map[string]bool{}
	for _, top := range categoryTree {
		walkCats(top, func(d catDef) {
			if len(d.kids) == 0 {
				leaves[d.code] = true
			}
		})
	}
	depts := map[string]bool{toCommunity: true, toStreet: true}
	for _, d := range departments {
		depts[d.code] = true
	}
	s := &street{unit: &org.Unit{Name: "兴海路街道"}, def: &streets[0]}
	c := &community{unit: &org.Unit{Name: "海湖社区"}, def: &streets[0].communities[0], street: s}
	slots := newSlots(rand.New(rand.NewPCG(1, 2)), time.Now(), c)
	slots["hunit"] = "海湖社区"
	rep := replacer(slots)
	kinds := map[ticket.Kind]int{}
	if len(requests) < 40 {
		t.Errorf("%d requests, want 40 or more", len(requests))
	}
	for i, req := range requests {
		kinds[req.kind]++
		if !leaves[req.cat] {
			t.Errorf("request %d: %s is not a leaf category", i, req.cat)
		}
		if !depts[req.to] || (req.wrong != "" && !depts[req.wrong]) || req.wrong == req.to {
			t.Errorf("request %d (%s): handling unit %q, wrong unit %q", i, req.cat, req.to, req.wrong)
		}
		if !req.kind.Valid() || req.weight <= 0 || len(req.titles) == 0 || len(req.reply) == 0 || req.body == "" {
			t.Errorf("request %d (%s) is incomplete", i, req.cat)
		}
		texts := append(append([]string{req.body, req.answer}, req.titles...), req.reply...)
		for _, text := range texts {
			if out := rep.Replace(text); strings.ContainsAny(out, "{}") {
				t.Errorf("request %d (%s): unfilled slot in %q", i, req.cat, out)
			}
		}
		if req.kind == ticket.KindInquiry && req.answer == "" {
			t.Errorf("request %d (%s): an inquiry needs an answer for the call", i, req.cat)
		}
	}
	for _, k := range ticket.Kinds {
		if kinds[k] == 0 {
			t.Errorf("no request is a %s", k)
		}
	}
}
