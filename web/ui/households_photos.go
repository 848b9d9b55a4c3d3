package ui

import (
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// The photos of visits: taken with the visit form (the phone's camera),
// stored in the blob store as tickets' files are, shown on the
// household's page.

// HouseholdPhotoPages returns the route that serves a visit's photo.
func (u *UI) HouseholdPhotoPages(svc *hh.Service) []capability.Route {
	p := &householdPages{UI: u, hh: svc}
	return []capability.Route{{Pattern: "GET /households/{id}/photos/{photo}", Handler: u.staff(p.photo, org.Roles...)}}
}

// photos stores the photos of a form (an empty file input is none).
func (u *householdPages) photos(files []*multipart.FileHeader) ([]app.Upload, error) {
	var out []app.Upload
	for _, fh := range files {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		if len(out) == household.MaxVisitPhotos {
			return nil, minsheng.FieldError("file", "at most %d photos", household.MaxVisitPhotos).Because("too_many_photos")
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		up, err := u.hh.PutPhoto(fh.Filename, f)
		f.Close()
		if err != nil {
			var e *minsheng.Error
			if errors.As(err, &e) && e.Code == minsheng.EINVALID {
				bad := minsheng.FieldError("file", "%s: %s", fh.Filename, e.Message)
				bad.Reason = e.Reason
				if bad.Reason == "file_type" {
					bad.Reason = "photo_type"
				}
				return nil, bad
			}
			return nil, err
		}
		out = append(out, up)
	}
	return out, nil
}

func (u *householdPages) photo(w http.ResponseWriter, r *http.Request, me *org.User) error {
	id, err := strconv.ParseInt(r.PathValue("photo"), 10, 64)
	if err != nil || id <= 0 {
		return minsheng.Errorf(minsheng.ENOTFOUND, "not found")
	}
	p, f, err := u.hh.OpenPhoto(r.Context(), me, id)
	if err != nil {
		return err
	}
	defer f.Close()
	if strconv.FormatInt(p.HouseholdID, 10) != r.PathValue("id") {
		return minsheng.Errorf(minsheng.ENOTFOUND, "not found")
	}
	serveFile(w, r, &ticket.Attachment{Name: p.Name, ContentType: p.ContentType, Size: p.Size, SHA256: p.SHA256}, f)
	return nil
}
