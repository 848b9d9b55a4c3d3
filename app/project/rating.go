package project

import (
	"context"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/personal"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store"
)

// Rate records a resident's acceptance rating (群众验收评价) of a completed
// project: 1 to 5 stars, one per phone and project. The phone is kept so
// that it rates once, and shown nowhere.
func (s *Service) Rate(ctx context.Context, code, phone string, stars int) (project.Rating, error) {
	phone, err := followPhone(phone)
	if err != nil {
		return project.Rating{}, err
	}
	var out project.Rating
	err = s.kit.Write(ctx, func(tx *store.Tx) error {
		p, err := store.GetProject(ctx, tx, strings.TrimSpace(code))
		if err != nil {
			return err
		}
		if err := project.CheckRating(p.Status, stars); err != nil {
			return err
		}
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		if err := store.InsertProjectRating(ctx, tx, id, p.ID, phone, stars, s.kit.Now()); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: kit.System(), Object: ObjectProject, ObjectID: p.ID, Action: "rating",
			Data: map[string]string{"stars": strconv.Itoa(stars), "phone": personal.MaskPhone(phone)}}); err != nil {
			return err
		}
		rs, err := store.ProjectRatings(ctx, tx, p.Year)
		out = rs[p.ID]
		return err
	})
	return out, err
}
