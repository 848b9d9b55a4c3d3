package household

import (
	"context"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// MaxDuplicateScan is how many households one look for duplicates
// reads: a community or a street of a district; a city looks per street.
const MaxDuplicateScan = 20000

// Duplicates are the likely duplicate households of a unit.
type Duplicates struct {
	Pairs []household.Duplicate `json:"pairs"`
	// Truncated: the unit holds more than MaxDuplicateScan households and
	// only the first were compared; look in a smaller unit.
	Truncated bool `json:"truncated"`
}

// Duplicates returns the likely duplicate households among those of a
// unit (unitID 0: every unit the actor keeps), masked, the surest first,
// each marked when a merge of the two is already requested. For staff who
// may ask for changes (household.MayRequest).
func (s *Service) Duplicates(ctx context.Context, actor *org.User, unitID int64) (*Duplicates, error) {
	if err := kit.Require(actor, org.RoleAdmin, org.RoleHandler, org.RoleGridWorker); err != nil {
		return nil, err
	}
	out := &Duplicates{Pairs: []household.Duplicate{}}
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		paths := actor.ScopesAs(org.RoleAdmin, org.RoleHandler, org.RoleGridWorker)
		if kit.IsSystem(actor) {
			paths = nil
		}
		if unitID != 0 {
			u, err := store.GetUnit(ctx, tx, unitID)
			if err != nil {
				return err
			}
			if !kit.IsSystem(actor) && !household.MayRequest(actor, u.Path) {
				return minsheng.Errorf(minsheng.ENOTFOUND, "unit %d not found", unitID)
			}
			paths = []string{u.Path}
		}
		var hs []*household.Household
		for off := 0; ; off += 500 {
			page, err := store.ListHouseholds(ctx, tx, store.HouseholdFilter{Paths: paths, Limit: 500, Offset: off})
			if err != nil {
				return err
			}
			hs = append(hs, page...)
			if len(page) < 500 {
				break
			}
			if len(hs) >= MaxDuplicateScan {
				out.Truncated = true
				break
			}
		}
		merging := map[[2]int64]bool{}
		cs, err := store.ListChanges(ctx, tx, store.ChangeFilter{Paths: paths, Status: household.ChangeRequested, Limit: 1000})
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Kind == household.ChangeMerge {
				merging[pair(c.HouseholdID, c.Input.OtherID)] = true
			}
		}
		found := household.FindDuplicates(hs)
		var firsts []int64
		for _, d := range found {
			firsts = append(firsts, d.A.ID)
		}
		not, err := store.NotDuplicates(ctx, tx, firsts)
		if err != nil {
			return err
		}
		for _, d := range found {
			if not[pair(d.A.ID, d.B.ID)] {
				continue
			}
			d.Merging = merging[pair(d.A.ID, d.B.ID)]
			d.A, d.B = Masked(d.A), Masked(d.B)
			out.Pairs = append(out.Pairs, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func pair(a, b int64) [2]int64 {
	if b < a {
		a, b = b, a
	}
	return [2]int64{a, b}
}

// NotDuplicate records that two households suggested as duplicates are
// not (staff checked): the suggestion is no longer shown. For staff who
// may ask for changes of both.
func (s *Service) NotDuplicate(ctx context.Context, actor *org.User, a, b int64) error {
	if a == b {
		return minsheng.FieldError("other_id", "two different households")
	}
	return s.kit.Write(ctx, func(tx *store.Tx) error {
		for _, id := range []int64{a, b} {
			h, _, err := s.loadVisible(ctx, tx, actor, id)
			if err != nil {
				return err
			}
			if !mayRequest(actor, h.UnitPath) {
				return minsheng.Errorf(minsheng.EFORBIDDEN, "only registry staff of both households' units decide on a duplicate")
			}
		}
		p := pair(a, b)
		if err := store.InsertNotDuplicate(ctx, tx, p[0], p[1], actor.ID, s.now()); err != nil {
			return err
		}
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectHousehold, ObjectID: p[0], Action: "not_duplicate",
			Data: map[string]string{"household": strconv.FormatInt(p[1], 10)}})
		return err
	})
}

// RequestMerge asks that the household other join keep, as a suggested
// duplicate: a merge change request (RequestChange), which community
// staff other than whoever asked approve or reject.
func (s *Service) RequestMerge(ctx context.Context, actor *org.User, keep, other int64, reason string) (*household.Change, error) {
	if reason == "" {
		reason = "疑似重复登记（" + strconv.FormatInt(keep, 10) + " 与 " + strconv.FormatInt(other, 10) + "）"
	}
	return s.RequestChange(ctx, actor, keep, household.ChangeInput{Kind: household.ChangeMerge, OtherID: other, Reason: reason})
}

// CoverageByStreet returns, per street of a district (unitID 0: the
// units the actor's registry roles cover), the households visited in the
// last CoverageDays, due and overdue, read from the counts rolled up per
// street. The unit (or every scope of the actor) must be a district or a
// street: below a street, Coverage gives the grids (EINVALID on unit_id).
func (s *Service) CoverageByStreet(ctx context.Context, actor *org.User, unitID int64) ([]household.StreetCoverage, error) {
	if err := kit.Require(actor, household.RegistryRoles...); err != nil {
		return nil, err
	}
	now := s.now()
	today := household.Day(now)
	var out []household.StreetCoverage
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		var paths []string
		if !kit.IsSystem(actor) {
			paths = actor.ScopesAs(household.RegistryRoles...)
		}
		if unitID != 0 {
			u, err := store.GetUnit(ctx, tx, unitID)
			if err != nil {
				return err
			}
			if !kit.IsSystem(actor) && !actor.SeesAs(u.Path, household.RegistryRoles...) {
				return minsheng.Errorf(minsheng.ENOTFOUND, "unit %d not found", unitID)
			}
			paths = []string{u.Path}
		}
		for _, p := range paths {
			if street := store.StreetPath(p); street != "" && street != p {
				return minsheng.FieldError("unit_id", "the coverage by street is of a district or a street; below, ask for the grids").Because("coverage_street_level")
			}
		}
		var err error
		out, err = store.HouseholdStreetCoverage(ctx, tx, paths, now.AddDate(0, 0, -CoverageDays), today, today.AddDate(0, 0, household.DueSoonDays+1))
		return err
	})
	if out == nil {
		out = []household.StreetCoverage{}
	}
	return out, err
}

// ByStreet reports whether the coverage of a unit (0: the actor's
// units) is best shown by street: the unit, or every unit the actor's
// registry roles cover, is the district.
func (s *Service) ByStreet(ctx context.Context, actor *org.User, unitID int64) (bool, error) {
	if unitID != 0 {
		var path string
		err := s.kit.Read(ctx, func(tx *store.Tx) error {
			u, err := store.GetUnit(ctx, tx, unitID)
			if err == nil {
				path = u.Path
			}
			return err
		})
		return err == nil && store.StreetPath(path) == "", err
	}
	scopes := actor.ScopesAs(household.RegistryRoles...)
	for _, p := range scopes {
		if store.StreetPath(p) != "" {
			return false, nil
		}
	}
	return len(scopes) > 0, nil
}
