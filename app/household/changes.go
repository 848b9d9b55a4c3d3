package household

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// RequestChange asks for a change of a household (add or remove a
// member, change the head, split, merge): registry staff of its unit. It
// is checked against the household now and applied when approved.
func (s *Service) RequestChange(ctx context.Context, actor *org.User, householdID int64, in household.ChangeInput) (*household.Change, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	in.Address = strings.TrimSpace(in.Address)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *household.Change
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		h, _, err := s.loadVisible(ctx, tx, actor, householdID)
		if err != nil {
			return err
		}
		if !mayRequest(actor, h.UnitPath) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "only registry staff of the household's unit may ask for its changes")
		}
		if err := s.checkChange(ctx, tx, actor, h, &in); err != nil {
			return err
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		c := &household.Change{ID: id, HouseholdID: h.ID, UnitPath: h.UnitPath, Kind: in.Kind, Status: household.ChangeRequested,
			Input: in, RequestedBy: actor.ID, RequestedAt: s.now()}
		if err := store.InsertChange(ctx, tx, c); err != nil {
			return err
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectHousehold, ObjectID: h.ID, Action: "change_requested",
			Note: in.Reason, Data: map[string]string{"change": strconv.FormatInt(c.ID, 10), "kind": string(c.Kind)}})
		out = c
		return err
	})
	return masked(out), err
}

// masked hides the personal data of a change's new member.
func masked(c *household.Change) *household.Change {
	if c == nil || c.Input.Member == nil {
		return c
	}
	x := *c
	m := Masked(&household.Household{Members: []*household.Person{{Name: c.Input.Member.Name, IDNumber: c.Input.Member.IDNumber,
		Phone: c.Input.Member.Phone}}}).Members[0]
	x.Input.Member = &household.NewMember{Name: m.Name, IDNumber: m.IDNumber, Phone: m.Phone, Relation: c.Input.Member.Relation}
	return &x
}

// member returns the household's member with the id, or EINVALID on the
// field.
func member(h *household.Household, id int64, field string) (*household.Person, error) {
	for _, p := range h.Members {
		if p.ID == id {
			return p, nil
		}
	}
	return nil, minsheng.FieldError(field, "not a member of this household")
}

// checkChange checks a change against the household as it is (at the
// request and again at the approval).
func (s *Service) checkChange(ctx context.Context, tx *store.Tx, actor *org.User, h *household.Household, in *household.ChangeInput) error {
	if h.DissolvedAt != nil {
		return minsheng.Errorf(minsheng.ECONFLICT, "household %d no longer exists (merged or split)", h.ID)
	}
	switch in.Kind {
	case household.ChangeAddMember:
		return checkUnregistered(ctx, tx, []household.NewMember{*in.Member}, "member")
	case household.ChangeRemoveMember:
		p, err := member(h, in.PersonID, "person_id")
		if err != nil {
			return err
		}
		if p.Relation == household.RelationHead {
			return minsheng.FieldError("person_id", "the head cannot leave; change the head first")
		}
	case household.ChangeHead:
		p, err := member(h, in.PersonID, "person_id")
		if err != nil {
			return err
		}
		if p.Relation == household.RelationHead {
			return minsheng.FieldError("person_id", "this member is the head already")
		}
	case household.ChangeSplit:
		for _, id := range in.PersonIDs {
			p, err := member(h, id, "person_ids")
			if err != nil {
				return err
			}
			if p.Relation == household.RelationHead {
				return minsheng.FieldError("person_ids", "the head stays; change the head first")
			}
		}
		if len(in.PersonIDs) >= len(h.Members) {
			return minsheng.FieldError("person_ids", "someone stays in the household")
		}
	case household.ChangeMerge:
		if in.OtherID == h.ID {
			return minsheng.FieldError("other_id", "a household does not merge with itself")
		}
		o, _, err := s.loadVisible(ctx, tx, actor, in.OtherID)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.FieldError("other_id", "no such household")
		}
		if err != nil {
			return err
		}
		if o.DissolvedAt != nil {
			return minsheng.FieldError("other_id", "that household no longer exists")
		}
		if !mayRequest(actor, o.UnitPath) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "the other household is outside your units")
		}
	}
	return nil
}

// Changes returns the change requests of the units the actor approves
// (or asks for), in a status ("" for any), the oldest first.
func (s *Service) Changes(ctx context.Context, actor *org.User, status household.ChangeStatus) ([]*household.Change, error) {
	if err := kit.Require(actor, household.RegistryRoles...); err != nil {
		return nil, err
	}
	if status != "" && !slices.Contains(household.ChangeStatuses, status) {
		return nil, minsheng.FieldError("status", "unknown status %q", status)
	}
	f := store.ChangeFilter{Status: status}
	if !kit.IsSystem(actor) {
		f.Paths = actor.ScopesAs(household.RegistryRoles...)
	}
	var out []*household.Change
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		cs, err := store.ListChanges(ctx, tx, f)
		for _, c := range cs {
			out = append(out, masked(c))
		}
		return err
	})
	if out == nil {
		out = []*household.Change{}
	}
	return out, err
}

// DecideChange approves, rejects or withdraws a change request
// (household.MayActOnChange says who). An approved change is checked
// against the household as it is now and applied in the same
// transaction; either way the household's timeline tells it.
func (s *Service) DecideChange(ctx context.Context, actor *org.User, changeID int64, a household.ChangeAction, note string) (*household.Change, error) {
	if err := kit.Require(actor, household.RegistryRoles...); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if len([]rune(note)) > household.MaxNote {
		return nil, minsheng.FieldError("note", "the note is at most %d characters", household.MaxNote)
	}
	var out *household.Change
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		c, err := store.GetChange(ctx, tx, changeID)
		if err != nil {
			return err
		}
		h, _, err := s.loadVisible(ctx, tx, actor, c.HouseholdID)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "change request %d not found", changeID)
		}
		if err != nil {
			return err
		}
		if !kit.IsSystem(actor) && !household.MayActOnChange(actor, c.UnitPath, c.RequestedBy, a) {
			if a == household.ChangeWithdraw {
				return minsheng.Errorf(minsheng.EFORBIDDEN, "only whoever asked may withdraw a change request")
			}
			return minsheng.Errorf(minsheng.EFORBIDDEN, "community staff other than whoever asked approve or reject a change request")
		}
		to, err := household.NextChange(c.Status, a)
		if err != nil {
			return err
		}
		from := c.Status
		now := s.now()
		c.Status, c.DecidedBy, c.DecidedAt, c.DecisionNote = to, actor.ID, &now, note
		if err := store.DecideChange(ctx, tx, c, from); err != nil {
			return err
		}
		if to == household.ChangeApproved {
			if err := s.checkChange(ctx, tx, actor, h, &c.Input); err != nil {
				return err
			}
			if err := s.applyChange(ctx, tx, actor, h, c); err != nil {
				return err
			}
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectHousehold, ObjectID: h.ID, Action: "change_" + string(to),
			Note: note, Data: map[string]string{"change": strconv.FormatInt(c.ID, 10), "kind": string(c.Kind)}})
		out = c
		return err
	})
	return masked(out), err
}

// applyChange carries out an approved change.
func (s *Service) applyChange(ctx context.Context, tx *store.Tx, actor *org.User, h *household.Household, c *household.Change) error {
	now := s.now()
	in := c.Input
	switch in.Kind {
	case household.ChangeAddMember:
		if _, err := s.insertPerson(ctx, tx, h.ID, *in.Member, now); err != nil {
			return err
		}
	case household.ChangeRemoveMember:
		p, _ := member(h, in.PersonID, "person_id")
		if err := store.DeletePerson(ctx, tx, p); err != nil {
			return err
		}
	case household.ChangeHead:
		for _, p := range h.Members {
			switch {
			case p.ID == in.PersonID:
				p.Relation = household.RelationHead
			case p.Relation == household.RelationHead:
				p.Relation = household.RelationOther
			default:
				continue
			}
			if err := store.UpdatePerson(ctx, tx, p); err != nil {
				return err
			}
		}
	case household.ChangeSplit:
		return s.split(ctx, tx, actor, h, c)
	case household.ChangeMerge:
		return s.merge(ctx, tx, actor, h, c)
	}
	return s.replan(ctx, tx, h.ID)
}

// replan reads a household again and writes its visit plan (tags may
// have come or gone with members).
func (s *Service) replan(ctx context.Context, tx *store.Tx, id int64) error {
	h, err := store.GetHousehold(ctx, tx, id)
	if err != nil {
		return err
	}
	h.UpdatedAt = s.now()
	h.Replan()
	return store.UpdateHousehold(ctx, tx, h)
}

// split moves members to a new household in the same grid, with their
// tags, the first of them its head; the new household keeps the old one's
// cadre.
func (s *Service) split(ctx context.Context, tx *store.Tx, actor *org.User, h *household.Household, c *household.Change) error {
	now := s.now()
	id, err := tx.NextID(ctx)
	if err != nil {
		return err
	}
	n := &household.Household{ID: id, UnitID: h.UnitID, UnitPath: h.UnitPath, Address: c.Input.Address, ConsentAt: h.ConsentAt,
		ConsentBy: h.ConsentBy, CreatedAt: now, UpdatedAt: now}
	n.Replan()
	if err := store.InsertHousehold(ctx, tx, n); err != nil {
		return err
	}
	for _, pid := range c.Input.PersonIDs {
		p, _ := member(h, pid, "person_ids")
		p.HouseholdID = n.ID
		if p.ID == c.Input.PersonID {
			p.Relation = household.RelationHead
		}
		if err := store.UpdatePerson(ctx, tx, p); err != nil {
			return err
		}
		if err := store.MoveTags(ctx, tx, p.ID, h.ID, n.ID); err != nil {
			return err
		}
	}
	if cur, err := currentCadre(ctx, tx, h.ID); err != nil {
		return err
	} else if cur != nil {
		pid, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		if err := store.InsertPairing(ctx, tx, &household.Pairing{ID: pid, HouseholdID: n.ID, CadreID: cur.CadreID, From: now, CreatedBy: actor.ID}); err != nil {
			return err
		}
	}
	if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectHousehold, ObjectID: n.ID, Action: "split_from",
		Data: map[string]string{"household": strconv.FormatInt(h.ID, 10), "change": strconv.FormatInt(c.ID, 10)}}); err != nil {
		return err
	}
	if err := s.replan(ctx, tx, n.ID); err != nil {
		return err
	}
	return s.replan(ctx, tx, h.ID)
}

// merge moves the other household's members and tags into this one (its
// head becomes a member) and dissolves it, ending its pairing.
func (s *Service) merge(ctx context.Context, tx *store.Tx, actor *org.User, h *household.Household, c *household.Change) error {
	now := s.now()
	o, err := store.GetHousehold(ctx, tx, c.Input.OtherID)
	if err != nil {
		return err
	}
	for _, p := range o.Members {
		p.HouseholdID = h.ID
		if p.Relation == household.RelationHead {
			p.Relation = household.RelationOther
		}
		if err := store.UpdatePerson(ctx, tx, p); err != nil {
			return err
		}
	}
	if err := store.MoveHouseholdTags(ctx, tx, o.ID, h.ID); err != nil {
		return err
	}
	if cur, err := currentCadre(ctx, tx, o.ID); err != nil {
		return err
	} else if cur != nil {
		if err := store.EndPairing(ctx, tx, cur.ID, now); err != nil {
			return err
		}
	}
	o.DissolvedAt, o.UpdatedAt = &now, now
	if err := store.UpdateHousehold(ctx, tx, o); err != nil {
		return err
	}
	if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectHousehold, ObjectID: o.ID, Action: "merged_into",
		Data: map[string]string{"household": strconv.FormatInt(h.ID, 10), "change": strconv.FormatInt(c.ID, 10)}}); err != nil {
		return err
	}
	return s.replan(ctx, tx, h.ID)
}
