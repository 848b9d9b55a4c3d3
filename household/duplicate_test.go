package household_test

import (
	"testing"

	"github.com/minsheng/minsheng/household"
)

func TestSameAddress(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"海湖佳苑 3 号楼 2 单元 501 室", "海湖佳苑3栋2单元501", true},
		{"海湖佳苑３号楼２单元５０１室", "海湖佳苑 3 号楼 2 单元 501 室", true},
		{"海湖佳苑 3 号楼 2 单元 501 室", "海湖佳苑 3 号楼 2 单元 502 室", false},
		{"海湖佳苑 3 号楼 2 单元 501 室", "光华苑 3 号楼 2 单元 501 室", false},
	}
	for _, tc := range tests {
		if got := household.SameAddress(tc.a, tc.b); got != tc.want {
			t.Errorf("SameAddress(%q, %q) = %v (dice %.2f), want %v", tc.a, tc.b, got, household.AddressDice(tc.a, tc.b), tc.want)
		}
	}
}

func TestNearIDNumbers(t *testing.T) {
	id := household.CompleteIDNumber("63010419480312002")
	typo := id[:10] + "4" + id[11:] // 1948-03 → 1948-04: one digit
	other := household.CompleteIDNumber("63010419520101007")
	switch {
	case !household.NearIDNumbers(id, typo):
		t.Error("one digit apart is not near")
	case household.NearIDNumbers(id, other):
		t.Error("different people are near")
	case !household.NearIDNumbers(id, household.CompleteIDNumber("63022319480312118")):
		t.Error("the same birth date is not near")
	}
}

// Pairs are suggested when a member's name is shared and their ID numbers
// are near or the addresses the same; a common name alone is not enough.
func TestFindDuplicates(t *testing.T) {
	hh := func(id int64, addr string, members ...*household.Person) *household.Household {
		return &household.Household{ID: id, Address: addr, Members: members}
	}
	p := func(name, first17 string) *household.Person {
		return &household.Person{Name: name, IDNumber: household.CompleteIDNumber(first17)}
	}
	hs := []*household.Household{
		hh(1, "海湖佳苑 3 号楼 2 单元 501 室", p("马秀英", "63010419480312002")),
		hh(2, "海湖佳苑3栋2单元501", p("马秀英", "63010419480312012"), p("韩立新", "63010419460705001")), // the same, a typo and the same flat
		hh(3, "光华苑 1 号楼 101 室", p("马秀英", "63010419700101002")),                              // another 马秀英
		hh(4, "光华苑 1 号楼 102 室", p("韩德明", "63010419500101002")),
		hh(5, "西关大街 8 号", p("韩德明", "63010419500101029")), // the same 韩德明, moved: near ID
	}
	ds := household.FindDuplicates(hs)
	if len(ds) != 2 {
		t.Fatalf("%d pairs: %+v", len(ds), ds)
	}
	if ds[0].A.ID != 1 || ds[0].B.ID != 2 || len(ds[0].Reasons) != 2 {
		t.Errorf("first pair %d–%d %v: want 1–2 by ID number and address", ds[0].A.ID, ds[0].B.ID, ds[0].Reasons)
	}
	if ds[1].A.ID != 4 || ds[1].B.ID != 5 || ds[1].Reasons[0] != household.DupIDNumber {
		t.Errorf("second pair %d–%d %v: want 4–5 by ID number", ds[1].A.ID, ds[1].B.ID, ds[1].Reasons)
	}
}
