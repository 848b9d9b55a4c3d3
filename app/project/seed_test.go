package project

import (
	"bytes"
	"context"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store/storetest"
)

// The demo's twenty projects, seeded at the end of the year through the
// use cases: completed ones, one delayed with its explanation, and the
// table reported upward as an XLSX workbook with a row for each.
func TestSeedAndExport(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds the demo district; skipped in -short")
	}
	db := storetest.Open(t, "sqlite")
	f := apptest.New(t, db)
	ctx := context.Background()
	f.Clock.Set(f.Clock.Now().AddDate(0, 9, 0)) // December
	made := map[string]bool{}
	for _, sp := range seedProjects {
		if made[sp.unit] {
			continue
		}
		made[sp.unit] = true
		if _, err := f.Svc.CreateUnit(ctx, kit.System(), app.NewUnit{ParentID: f.District.ID, Kind: org.KindDepartment, Code: sp.unit, Name: sp.unit}); err != nil {
			t.Fatal(err)
		}
	}
	s := New(f.Svc.Kit(), f.Svc)
	if err := Seed(ctx, s); err != nil {
		t.Fatal(err)
	}
	pub, err := s.Public(ctx, 2026)
	if err != nil {
		t.Fatal(err)
	}
	var top []PublicView
	for _, p := range pub {
		if p.Parent == "" {
			top = append(top, p)
		}
	}
	if len(top) != 20 || len(pub) != 22 {
		t.Fatalf("%d projects and %d parts, want 20 and 2", len(top), len(pub)-len(top))
	}
	if r := pub[0].Rating; pub[0].Status != project.StatusCompleted || r.Count != 7 || r.Average != 4.4 {
		t.Errorf("the first project's ratings: %+v", r)
	}
	for _, p := range pub {
		if p.Code == "2026-15" && (len(p.Parts) != 2 || p.Progress != 65) {
			t.Errorf("the gas pipes' parts %v, progress %d rolled up (want 65: (80×1200+45×900)/2100)", p.Parts, p.Progress)
		}
	}
	pub = top
	count := map[project.Status]int{}
	for _, p := range pub {
		count[p.Status]++
		if p.Status == project.StatusDelayed && p.Explanation == "" {
			t.Errorf("%s is delayed without its explanation", p.Code)
		}
	}
	health := map[project.RAG]int{}
	for _, p := range pub {
		health[p.Health]++
	}
	if count[project.StatusDelayed] != 1 || count[project.StatusCompleted] < 5 || count[project.StatusInProgress] < 5 {
		t.Errorf("statuses %v", count)
	}
	if health[project.Red] != 1 || health[project.Amber] != 1 {
		t.Errorf("health %v: want the delayed project red and the late one amber", health)
	}
	var buf bytes.Buffer
	if err := s.ExportXLSX(ctx, f.Users["leader"], 2026, &buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 23 || rows[len(rows)-22][2] != seedProjects[0].title {
		t.Errorf("the workbook has %d rows; first project row %v", len(rows), rows[len(rows)-22])
	}
}
