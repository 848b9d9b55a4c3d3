package routing

import (
	"testing"

	"github.com/minsheng/minsheng/ticket"
)

func TestBest(t *testing.T) {
	rules := []Rule{
		{ID: 1, Name: "物业类归住建", CategoryPath: "/10/20/", UnitID: 100, Active: true},
		{ID: 2, Name: "兴海路街道物业", CategoryPath: "/10/20/", AreaPath: "/1/2/", UnitID: 200, Active: true},
		{ID: 3, Name: "燃气泄漏特急", Keywords: []string{"燃气", "煤气", "gas"}, UnitID: 300, Priority: 100, AutoDispatch: true, Active: true},
		{ID: 4, Name: "停用规则", Kind: ticket.KindInquiry, UnitID: 400, Priority: 500, Active: false},
		{ID: 5, Name: "咨询", Kind: ticket.KindInquiry, UnitID: 500, Active: true},
	}
	cases := []struct {
		name string
		q    Request
		want int64 // rule id, 0 for none
	}{
		{"category anywhere", Request{CategoryPath: "/10/20/30/", LocationPath: "/1/9/"}, 1},
		{"category in the street: more specific wins", Request{CategoryPath: "/10/20/30/", LocationPath: "/1/2/5/"}, 2},
		{"keyword of high priority beats everything", Request{CategoryPath: "/10/20/", LocationPath: "/1/2/", Text: "楼道里有很重的煤气味"}, 3},
		{"Latin keyword ignores case", Request{Text: "Smell of GAS in the stairwell"}, 3},
		{"inactive rules are ignored", Request{Kind: ticket.KindInquiry}, 5},
		{"nothing matches", Request{CategoryPath: "/11/", Kind: ticket.KindComplaint}, 0},
		{"no category does not match a category rule", Request{LocationPath: "/1/2/"}, 0},
	}
	for _, tc := range cases {
		got := Best(rules, tc.q)
		var id int64
		if got != nil {
			id = got.ID
		}
		if id != tc.want {
			t.Errorf("%s: rule %d, want %d", tc.name, id, tc.want)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Rule{Name: " 燃气 ", Keywords: []string{" 燃气 ", "", "煤气"}, UnitID: 3}
	if err := ok.Validate(); err != nil || ok.Name != "燃气" || len(ok.Keywords) != 2 {
		t.Fatalf("Validate = %v, %+v", err, ok)
	}
	bad := map[string]Rule{
		"no name":      {UnitID: 3, Kind: ticket.KindHelp},
		"no unit":      {Name: "x", Kind: ticket.KindHelp},
		"no condition": {Name: "x", UnitID: 3},
		"bad kind":     {Name: "x", UnitID: 3, Kind: "rant"},
		"priority":     {Name: "x", UnitID: 3, Kind: ticket.KindHelp, Priority: 5000},
	}
	for name, r := range bad {
		if err := r.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
