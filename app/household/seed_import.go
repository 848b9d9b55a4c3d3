package household

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// SeedImport adds to the demo a household list of the last grid imported
// the way a community does it (upload, check, confirm), its households
// paired with the grid's cadre, and one of them registered again by hand
// under a mistyped ID number at its address written another way — the
// duplicate the duplicates page shows. It does nothing when an import was
// made already or the district has no grid.
func SeedImport(ctx context.Context, s *Service) error {
	var g *org.Unit
	var cadre *org.User
	n := 0
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM household_imports`).Scan(&n); err != nil {
			return err
		}
		units, err := store.ListUnits(ctx, tx, "")
		if err != nil {
			return err
		}
		for _, u := range units {
			if u.Kind == org.KindGrid && u.Active {
				g = u
			}
		}
		if g == nil {
			return nil
		}
		users, err := store.ListUsers(ctx, tx, nil)
		community := g.Path[:strings.LastIndex(strings.TrimSuffix(g.Path, "/"), "/")+1]
		for _, u := range users {
			if u.Active && u.Has(org.RoleGridWorker) && org.Within(u.UnitPath, community) && (cadre == nil || u.UnitID == g.ID) {
				cadre = u
			}
		}
		return err
	})
	if err != nil || n > 0 || g == nil {
		return err
	}
	r := rand.New(rand.NewPCG(7, 14))
	now := s.now()
	rows := [][]string{household.ImportColumns()}
	var first []string
	for i := range 8 {
		born := time.Date(now.Year()-65-r.IntN(20), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		head := seedSurnames[r.IntN(len(seedSurnames))] + seedOld[r.IntN(len(seedOld))]
		id := household.CompleteIDNumber(fmt.Sprintf("630105%s%03d", born.Format("20060102"), 100+i))
		row := []string{head, id, fmt.Sprintf("13%d%08d", 5+r.IntN(5), r.IntN(100_000_000)), fmt.Sprintf("%s%d号楼%d单元%d0%d室",
			gridEstate(i+3), 1+r.IntN(12), 1+r.IntN(4), 1+r.IntN(6), 1+r.IntN(4)), g.Name}
		tags := []string{"独居老人", "低保", "独居老人、失能", "残疾", "特困", "重病", "低保", ""}[i]
		if i%3 == 1 { // a couple
			spouse := seedSurnames[r.IntN(len(seedSurnames))] + seedOld[r.IntN(len(seedOld))]
			row = append(row, spouse, household.CompleteIDNumber(fmt.Sprintf("630105%s%03d", born.AddDate(-2, 3, 0).Format("20060102"), 200+i)), "配偶", "")
		} else {
			row = append(row, "", "", "", "")
		}
		row = append(row, "", "", "", "", "", "", "", "", tags, "社区低保及关爱对象名册")
		rows = append(rows, row)
		if i == 0 {
			first = row
		}
	}
	f := excelize.NewFile()
	for i, row := range rows {
		for j, c := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			f.SetCellStr("Sheet1", cell, c)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return err
	}
	sys := kit.System()
	im, err := s.Upload(ctx, sys, g.Name+"关爱对象名册.xlsx", buf.Bytes(), true)
	if err != nil {
		return err
	}
	for im.Status == household.ImportChecking {
		if im, err = s.CheckImport(ctx, sys, im.ID); err != nil {
			return err
		}
	}
	if im.Status != household.ImportReady {
		return fmt.Errorf("demo import: %d problems: %+v", len(im.Problems), im.Problems)
	}
	if _, err := s.ConfirmImport(ctx, sys, im.ID); err != nil {
		return err
	}
	hs, err := s.List(ctx, sys, g.ID, 500, 0)
	if err != nil {
		return err
	}
	var dupOf *household.Household
	for _, h := range hs {
		if cadre != nil {
			if err := s.Pair(ctx, sys, h.ID, cadre.ID); err != nil {
				return err
			}
		}
		if h.Address == first[3] {
			dupOf = h
		}
	}
	if dupOf == nil {
		return nil
	}
	// The same widow, entered again by hand: one digit of her number
	// mistyped, her address written with 栋 and without spaces.
	id := first[1]
	typo := household.CompleteIDNumber(id[:14] + string('0'+(id[14]-'0'+1)%10) + id[15:17])
	dup, err := s.Register(ctx, sys, household.NewHousehold{GridID: g.ID, Consent: true,
		Address: strings.NewReplacer("号楼", "栋", "单元", "-", "室", "").Replace(first[3]),
		Members: []household.NewMember{{Name: first[0], IDNumber: typo, Phone: first[2], Relation: household.RelationHead}}})
	if err != nil {
		return err
	}
	if cadre != nil {
		return s.Pair(ctx, sys, dup.ID, cadre.ID)
	}
	return nil
}
