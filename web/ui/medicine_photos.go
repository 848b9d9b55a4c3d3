package ui

import (
	"errors"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/capability"
	med "github.com/minsheng/minsheng/medicine"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// The photos of medicine requests: the prescription's (with the form that
// opens a request, or later on the request's page), each handover's and
// the delivery's (the driver's phone camera), stored in the blob store as
// tickets' files are, shown on the request's page and the driver's page
// to whoever may see the request.

// medicinePhotoRoutes returns the routes that add photos to a request and
// serve them.
func (p *medicinePages) photoRoutes(request []org.Role) []capability.Route {
	return []capability.Route{
		{Pattern: "GET /medicine/requests/{id}/photos/{photo}", Handler: p.staff(p.photo, request...)},
		{Pattern: "POST /medicine/requests/{id}/photos", Handler: p.staff(p.addPhotos, request...)},
	}
}

// photos stores the photos of a form (an empty file input is none),
// with the reasons the households' visit forms give.
func (p *medicinePages) photos(files []*multipart.FileHeader) ([]app.Upload, error) {
	var out []app.Upload
	for _, fh := range files {
		if fh.Size == 0 && fh.Filename == "" {
			continue
		}
		if len(out) == med.MaxPhotos {
			return nil, minsheng.FieldError("file", "at most %d photos", med.MaxPhotos).Because("too_many_photos")
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		up, err := p.med.PutPhoto(fh.Filename, f)
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

// addPhotos adds photos of the prescription, of a handover (leg) or of
// the delivery from the request's page.
func (p *medicinePages) addPhotos(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, files, err := p.parseForm(w, r)
	if err != nil {
		return err
	}
	defer removeForm(r)
	id, err := medicineID(r)
	if err != nil {
		return err
	}
	of := med.PhotoOf(vals.Get("of"))
	leg, err := formInt(vals, "leg")
	var ups []app.Upload
	if err == nil {
		ups, err = p.photos(files)
	}
	if err == nil {
		_, err = p.med.AddPhotos(r.Context(), me, id, of, leg, ups...)
	}
	if err != nil {
		form, err := medicineRefused(medPhotosKey(id, string(of), leg), err, vals)
		if err != nil {
			return err
		}
		return p.requestPage(w, r, me, http.StatusBadRequest, form)
	}
	redirect(w, r, "/medicine/requests/"+strconv.FormatInt(id, 10)+"?ok=medicine_photos")
	return nil
}

// photo serves a photo of a request to whoever may see the request.
func (p *medicinePages) photo(w http.ResponseWriter, r *http.Request, me *org.User) error {
	id, err := medicineID(r)
	if err != nil {
		return err
	}
	pid, err := strconv.ParseInt(r.PathValue("photo"), 10, 64)
	if err != nil || pid <= 0 {
		return minsheng.Errorf(minsheng.ENOTFOUND, "not found")
	}
	ph, f, err := p.med.OpenPhoto(r.Context(), me, id, pid)
	if err != nil {
		return err
	}
	defer f.Close()
	serveFile(w, r, &ticket.Attachment{Name: ph.Name, ContentType: ph.ContentType, Size: ph.Size, SHA256: ph.SHA256, CreatedAt: ph.CreatedAt}, f)
	return nil
}
