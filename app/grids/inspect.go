package grids

import (
	"context"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// ObjectInspection is an inspection on the timeline and in the audit log.
const ObjectInspection = "ledger_inspection"

// InspectionResult is an inspection and the ledger items it made.
type InspectionResult struct {
	Inspection *store.Inspection   `json:"inspection"`
	Items      []*store.LedgerItem `json:"items"`
}

// Inspect records a place checked against the campaign's checklist (逐项排查)
// by a finder of the unit: every answer that shows a problem — a "no", or
// an answer marked a problem — becomes a ledger item in the same
// transaction, so that what was found is not typed again.
func (s *Service) Inspect(ctx context.Context, actor *org.User, campaignID int64, in grid.NewInspection) (*InspectionResult, error) {
	if err := kit.Require(actor, grid.Finders...); err != nil {
		return nil, err
	}
	out := &InspectionResult{Items: []*store.LedgerItem{}}
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		c, err := loadCampaign(ctx, tx, actor, campaignID)
		if err != nil {
			return err
		}
		found, err := in.Validate(c.Checklist)
		if err != nil {
			return err
		}
		u, err := unitField(ctx, tx, in.UnitID, "unit_id")
		if err != nil {
			return err
		}
		if !org.Within(u.Path, c.UnitPath) {
			return minsheng.FieldError("unit_id", "%s is outside the campaign's scope", u.Name).Because("grid_outside_campaign")
		}
		if !seesAs(actor, u.Path, grid.Finders...) {
			return minsheng.Errorf(minsheng.EFORBIDDEN, "%s is outside your units", u.Name)
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		ins := &store.Inspection{ID: id, CampaignID: c.ID, UnitID: u.ID, UnitPath: u.Path, Place: in.Place, Answers: in.Answers,
			Found: len(found), InspectedBy: actor.ID, InspectedAt: s.now()}
		if err := store.InsertInspection(ctx, tx, ins); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectInspection, ObjectID: id, Action: "inspect",
			Data: map[string]string{"campaign": strconv.FormatInt(c.ID, 10), "found": strconv.Itoa(len(found))}}); err != nil {
			return err
		}
		for _, f := range found {
			f.Normalize()
			if err := f.Validate(); err != nil {
				return err
			}
			it, err := s.addItemTx(ctx, tx, actor, c, f, map[string]string{"inspection": strconv.FormatInt(id, 10)})
			if err != nil {
				return err
			}
			out.Items = append(out.Items, it)
		}
		out.Inspection = ins
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
