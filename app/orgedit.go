package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// orgName checks the name of a unit or category: required, at most 100
// characters.
func orgName(raw string) (string, error) {
	name := strings.TrimSpace(raw)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", minsheng.FieldError("name", "name is required, at most 100 characters").Because("required")
	}
	return name, nil
}

// UnitChange is what an admin changes of a unit; nil fields stay. A unit
// keeps its place in the tree and its code (tickets and grants name it).
type UnitChange struct {
	Name   *string `json:"name"`
	Active *bool   `json:"active"`
}

// UpdateUnit renames a unit or disables it (or enables it again). A
// disabled unit is no longer offered for dispatch and its routing rules
// no longer apply; its tickets, users and history keep it. District-wide:
// only the district's admins.
func (s *Service) UpdateUnit(ctx context.Context, actor *org.User, id int64, c UnitChange) (*org.Unit, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	var u *org.Unit
	err := s.adminWrite(ctx, actor, func(tx *store.Tx) (kit.Change, error) {
		var err error
		if u, err = store.GetUnit(ctx, tx, id); err != nil {
			return kit.Change{}, err
		}
		before := *u
		if c.Name != nil {
			if u.Name, err = orgName(*c.Name); err != nil {
				return kit.Change{}, err
			}
		}
		if c.Active != nil {
			if !*c.Active && u.ParentID == 0 {
				return kit.Change{}, minsheng.FieldError("active", "the district itself cannot be disabled").Because("in_use")
			}
			u.Active = *c.Active
		}
		if err := store.UpdateUnit(ctx, tx, u); err != nil {
			return kit.Change{}, err
		}
		data := map[string]string{"code": u.Code}
		changed(data, "name", before.Name, u.Name)
		changed(data, "active", before.Active, u.Active)
		return kit.Change{Object: "unit", ObjectID: u.ID, Action: "update", Data: data}, nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// CategoryChange is what an admin changes of a category; nil fields stay.
type CategoryChange struct {
	Name   *string `json:"name"`
	NameEN *string `json:"name_en"`
	Active *bool   `json:"active"`
}

// UpdateCategory renames a category or disables it (or enables it again).
// A disabled category is not offered for new tickets (registering one
// with it is refused); tickets that have it keep it. District-wide: only
// the district's admins.
func (s *Service) UpdateCategory(ctx context.Context, actor *org.User, id int64, c CategoryChange) (*ticket.Category, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	var cat *ticket.Category
	err := s.adminWrite(ctx, actor, func(tx *store.Tx) (kit.Change, error) {
		var err error
		if cat, err = store.GetCategory(ctx, tx, id); err != nil {
			return kit.Change{}, err
		}
		before := *cat
		if c.Name != nil {
			if cat.Name, err = orgName(*c.Name); err != nil {
				return kit.Change{}, err
			}
		}
		if c.NameEN != nil {
			en := strings.TrimSpace(*c.NameEN)
			if utf8.RuneCountInString(en) > 100 {
				return kit.Change{}, minsheng.FieldError("name_en", "name_en is at most 100 characters").Because("too_long")
			}
			cat.NameEN = en
		}
		if c.Active != nil {
			cat.Active = *c.Active
		}
		if err := store.UpdateCategory(ctx, tx, cat); err != nil {
			return kit.Change{}, err
		}
		data := map[string]string{"code": cat.Code}
		changed(data, "name", before.Name, cat.Name)
		changed(data, "name_en", before.NameEN, cat.NameEN)
		changed(data, "active", before.Active, cat.Active)
		return kit.Change{Object: "category", ObjectID: cat.ID, Action: "update", Data: data}, nil
	})
	if err != nil {
		return nil, err
	}
	return cat, nil
}
