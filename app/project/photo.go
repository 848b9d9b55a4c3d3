package project

// Photos of a project's progress, shown on the public page.

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/project"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// PutUpload keeps a photo until AddPhotos records it (checked by content).
func (s *Service) PutUpload(name string, r io.Reader) (app.Upload, error) {
	return s.tickets.PutUpload(name, r)
}

// AddPhotos keeps photos of a project's progress, of a milestone (its
// number) or of the project (0), by those who update the project. They
// are shown in public: photos only (no PDF), at most project.MaxPhotos.
func (s *Service) AddPhotos(ctx context.Context, actor *org.User, code string, milestone int, ups ...app.Upload) ([]project.Photo, error) {
	if len(ups) == 0 {
		return nil, minsheng.FieldError("file", "attach a photo").Because("no_file")
	}
	for _, up := range ups {
		if !strings.HasPrefix(up.Blob.ContentType, "image/") || !ticket.AllowedAttachment(up.Blob.ContentType) {
			return nil, minsheng.FieldError("file", "%s is not a photo", up.Name).Because("photo_type")
		}
	}
	var out []project.Photo
	err := s.kit.Write(ctx, func(tx *store.Tx) error {
		p, err := store.GetProject(ctx, tx, strings.TrimSpace(code))
		if err != nil {
			return err
		}
		if !kit.IsSystem(actor) {
			if err := project.CheckActor(actor, p.UnitPath); err != nil {
				return err
			}
		}
		if milestone < 0 || milestone > len(p.Milestones) {
			return minsheng.FieldError("milestone", "no milestone %d", milestone)
		}
		have, err := store.ListProjectPhotos(ctx, tx, p.Year)
		if err != nil {
			return err
		}
		if len(have[p.ID])+len(ups) > project.MaxPhotos {
			return minsheng.FieldError("file", "at most %d photos", project.MaxPhotos).Because("too_many_files")
		}
		now := s.kit.Now()
		for _, up := range ups {
			id, err := tx.NextID(ctx)
			if err != nil {
				return err
			}
			ph := project.Photo{ID: id, ProjectID: p.ID, Milestone: milestone, Name: up.Name, ContentType: up.Blob.ContentType,
				Size: up.Blob.Size, SHA256: up.Blob.SHA256, CreatedAt: now}
			if !kit.IsSystem(actor) {
				ph.CreatedBy = actor.ID
			}
			if err := store.InsertProjectPhoto(ctx, tx, &ph); err != nil {
				return err
			}
			out = append(out, ph)
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectProject, ObjectID: p.ID, Action: "photos",
			Data: map[string]string{"photos": strconv.Itoa(len(ups)), "milestone": strconv.Itoa(milestone)}})
		return err
	})
	return out, err
}

// OpenPhoto returns a photo of a project and its content, to anyone: the
// photos are public evidence.
func (s *Service) OpenPhoto(ctx context.Context, code string, id int64) (*project.Photo, io.ReadSeekCloser, error) {
	var ph *project.Photo
	err := s.kit.Read(ctx, func(tx *store.Tx) error {
		p, err := store.GetProject(ctx, tx, strings.TrimSpace(code))
		if err != nil {
			return err
		}
		ph, err = store.GetProjectPhoto(ctx, tx, p.ID, id)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	_, r, err := s.tickets.OpenBlob(&ticket.Attachment{Name: ph.Name, ContentType: ph.ContentType, Size: ph.Size, SHA256: ph.SHA256})
	if err != nil {
		return nil, nil, err
	}
	return ph, r, nil
}
