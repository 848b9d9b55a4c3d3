package household

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// Photos of visits are kept in the blob store, as tickets' attachments
// are (app.Service.PutUpload stores and sniffs them: at most
// ticket.MaxAttachmentSize bytes each); a visit keeps photos only (JPEG,
// PNG, GIF, WebP), household.MaxVisitPhotos at most. They are seen by
// whoever sees the household.

// checkPhotos refuses files that are not photos, or too many.
func checkPhotos(photos []app.Upload, already int) error {
	if len(photos)+already > household.MaxVisitPhotos {
		return minsheng.FieldError("file", "a visit keeps at most %d photos", household.MaxVisitPhotos).Because("too_many_photos")
	}
	for _, p := range photos {
		if !household.PhotoType(p.Blob.ContentType) {
			return minsheng.FieldError("file", "%s is not a photo (JPEG, PNG, GIF, WebP)", p.Name).Because("photo_type")
		}
	}
	return nil
}

// insertPhotos writes the photos of a visit.
func insertPhotos(ctx context.Context, tx *store.Tx, actor *org.User, v *household.Visit, photos []app.Upload, at time.Time) error {
	for _, p := range photos {
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		if err := store.InsertVisitPhoto(ctx, tx, &household.VisitPhoto{ID: id, VisitID: v.ID, HouseholdID: v.HouseholdID, Name: p.Name,
			ContentType: p.Blob.ContentType, Size: p.Blob.Size, SHA256: p.Blob.SHA256, CreatedBy: actor.ID, CreatedAt: at}); err != nil {
			return err
		}
	}
	return nil
}

// PutPhoto stores an uploaded photo in the blob store and checks it.
func (s *Service) PutPhoto(name string, r io.Reader) (app.Upload, error) {
	up, err := s.tickets.PutUpload(name, r)
	if err != nil {
		return up, err
	}
	return up, checkPhotos([]app.Upload{up}, 0)
}

// AddPhotos adds photos to a visit already recorded: whoever may record
// the household's visits.
func (s *Service) AddPhotos(ctx context.Context, actor *org.User, visitID int64, photos ...app.Upload) ([]*household.VisitPhoto, error) {
	if len(photos) == 0 {
		return nil, minsheng.FieldError("file", "choose the photos").Because("photo_required")
	}
	if err := checkPhotos(photos, 0); err != nil {
		return nil, err
	}
	var out []*household.VisitPhoto
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		v, err := store.GetVisit(ctx, tx, visitID)
		if err != nil {
			return err
		}
		h, cur, err := s.loadVisible(ctx, tx, actor, v.HouseholdID)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "visit %d not found", visitID)
		}
		if err != nil {
			return err
		}
		if err := mayVisit(actor, h, cur); err != nil {
			return err
		}
		n, err := store.CountVisitPhotos(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		if err := checkPhotos(photos, n); err != nil {
			return err
		}
		if err := insertPhotos(ctx, tx, actor, v, photos, s.now()); err != nil {
			return err
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectHousehold, ObjectID: h.ID, Action: "visit_photos",
			Data: map[string]string{"visit": strconv.FormatInt(v.ID, 10), "photos": strconv.Itoa(len(photos))}}); err != nil {
			return err
		}
		all, err := store.ListVisitPhotos(ctx, tx, h.ID)
		for _, p := range all {
			if p.VisitID == v.ID {
				out = append(out, p)
			}
		}
		return err
	})
	return out, err
}

// OpenPhoto returns a photo of a visit of a household the actor sees, and
// its content.
func (s *Service) OpenPhoto(ctx context.Context, actor *org.User, id int64) (*household.VisitPhoto, io.ReadSeekCloser, error) {
	var p *household.VisitPhoto
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = store.GetVisitPhoto(ctx, tx, id); err != nil {
			return err
		}
		_, _, err = s.loadVisible(ctx, tx, actor, p.HouseholdID)
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "photo %d not found", id)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	_, f, err := s.tickets.OpenBlob(&ticket.Attachment{Name: p.Name, ContentType: p.ContentType, Size: p.Size, SHA256: p.SHA256})
	return p, f, err
}
