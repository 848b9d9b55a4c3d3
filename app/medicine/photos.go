package medicine

import (
	"context"
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// Photos of a request — the prescription, each handover, the delivery —
// are kept in the blob store, as tickets' attachments and visits' photos
// are (app.Service.PutUpload stores and sniffs them: at most
// ticket.MaxAttachmentSize bytes each); a request keeps photos only
// (JPEG, PNG, GIF, WebP), med.MaxPhotos at most of each subject. They are
// seen by whoever may see the request (the post, the agents, its
// carrier), never by the public; each upload is an event of the request's
// timeline.

// checkPhotos refuses files that are not photos, or too many.
func checkPhotos(photos []app.Upload, already int) error {
	if len(photos)+already > med.MaxPhotos {
		return minsheng.FieldError("file", "at most %d photos of each prescription, handover and delivery", med.MaxPhotos).
			Because("too_many_photos")
	}
	for _, p := range photos {
		if !med.PhotoType(p.Blob.ContentType) {
			return minsheng.FieldError("file", "%s is not a photo (JPEG, PNG, GIF, WebP)", p.Name).Because("photo_type")
		}
	}
	return nil
}

// PutPhoto stores an uploaded photo in the blob store and checks it: a
// file that is not a photo is refused with the reason photo_type.
func (s *Service) PutPhoto(name string, r io.Reader) (app.Upload, error) {
	up, err := s.tickets.PutUpload(name, r)
	var e *minsheng.Error
	if errors.As(err, &e) && e.Reason == "file_type" {
		return up, minsheng.FieldError("file", "%s is not a photo (JPEG, PNG, GIF, WebP)", name).Because("photo_type")
	}
	if err != nil {
		return up, err
	}
	return up, checkPhotos([]app.Upload{up}, 0)
}

// insertPhotosTx checks and writes photos of a subject of a request.
func insertPhotosTx(ctx context.Context, tx *store.Tx, actor *org.User, r *med.Request, of med.PhotoOf, leg int,
	photos []app.Upload, at time.Time) error {
	n, err := store.CountMedicinePhotos(ctx, tx, r.ID, of, leg)
	if err != nil {
		return err
	}
	if err := checkPhotos(photos, n); err != nil {
		return err
	}
	for _, p := range photos {
		id, err := tx.NextID(ctx)
		if err != nil {
			return err
		}
		ph := &med.Photo{ID: id, RequestID: r.ID, Of: of, Leg: leg, Name: p.Name, ContentType: p.Blob.ContentType,
			Size: p.Blob.Size, SHA256: p.Blob.SHA256, CreatedAt: at}
		if !kit.IsSystem(actor) {
			ph.CreatedBy = actor.ID
		}
		if err := store.InsertMedicinePhoto(ctx, tx, ph); err != nil {
			return err
		}
	}
	return nil
}

// AddPhotos adds photos to a request: of its prescription (the post and
// the agents, until it ends unfulfilled), of a handover already recorded
// (leg: its number) or of the delivery (the post and the carrier, once
// delivered). The photos and the timeline event are one transaction; bad
// input writes nothing. It returns the request with all its photos.
func (s *Service) AddPhotos(ctx context.Context, actor *org.User, id int64, of med.PhotoOf, leg int, photos ...app.Upload) (*View, error) {
	if len(photos) == 0 {
		return nil, minsheng.FieldError("file", "choose the photos").Because("photo_required")
	}
	if err := checkPhotos(photos, 0); err != nil {
		return nil, err
	}
	var out *View
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		r, ps, err := loadAs(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := med.CheckPhotos(r.Status, of, ps...); err != nil {
			return err
		}
		if of != med.PhotoHandover {
			leg = 0
		} else {
			hs, err := store.ListMedicineHandovers(ctx, tx, r.ID)
			if err != nil {
				return err
			}
			if leg < 1 || leg > len(hs) {
				return minsheng.FieldError("leg", "request %d has no handover %d", r.ID, leg).Because("no_such_leg")
			}
		}
		if err := insertPhotosTx(ctx, tx, actor, r, of, leg, photos, s.kit.Now()); err != nil {
			return err
		}
		d := map[string]string{"of": string(of), "photos": strconv.Itoa(len(photos))}
		if leg > 0 {
			d["leg"] = strconv.Itoa(leg)
		}
		if of == med.PhotoPrescription && !r.Prescription {
			r.Prescription = true
			if err := store.SetMedicinePrescription(ctx, tx, r.ID); err != nil {
				return err
			}
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectRequest, ObjectID: r.ID, Action: "photos", Data: d}); err != nil {
			return err
		}
		out, err = s.view(ctx, tx, r, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.kit.Log().InfoContext(ctx, "medicine photos", "request", id, "of", of, "photos", len(photos), "actor", actor.ID)
	return out, nil
}

// OpenPhoto returns a photo of a request the actor may see, and its
// content: ENOTFOUND to anyone else.
func (s *Service) OpenPhoto(ctx context.Context, actor *org.User, requestID, id int64) (*med.Photo, io.ReadSeekCloser, error) {
	var p *med.Photo
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		if _, _, err := loadAs(ctx, tx, actor, requestID); err != nil {
			return err
		}
		var err error
		p, err = store.GetMedicinePhoto(ctx, tx, requestID, id)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	_, f, err := s.tickets.OpenBlob(&ticket.Attachment{Name: p.Name, ContentType: p.ContentType, Size: p.Size, SHA256: p.SHA256})
	return p, f, err
}

// PhotosOf returns the request's photos of a subject (of a handover: of
// the leg), for the pages.
func (v *View) PhotosOf(of med.PhotoOf, leg int) []*med.Photo {
	var out []*med.Photo
	for _, p := range v.Photos {
		if p.Of == of && p.Leg == leg {
			out = append(out, p)
		}
	}
	return out
}
