package ui

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// Photos of a project's progress: uploaded on the staff page, shown on
// the public page.

func (p *projectPages) addPhotos(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return p.projectChange(w, r, me, "photos", func(vals url.Values) error {
		if r.MultipartForm == nil {
			return minsheng.FieldError("file", "attach a photo").Because("no_file")
		}
		ups, err := p.uploads(r.MultipartForm.File["file"])
		if err != nil {
			return err
		}
		m, _ := strconv.Atoi(vals.Get("milestone"))
		_, err = p.prj.AddPhotos(r.Context(), me, r.PathValue("code"), m, ups...)
		return err
	})
}

// photo sends a project's photo to anyone, inline, with the headers that
// keep a browser from running anything in it.
func (p *projectPages) photo(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return minsheng.Errorf(minsheng.ENOTFOUND, "photo not found")
	}
	ph, rc, err := p.prj.OpenPhoto(r.Context(), r.PathValue("code"), id)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", ph.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("ETag", `"`+ph.SHA256+`"`)
	h.Set("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape(ph.Name))
	http.ServeContent(w, r, "", ph.CreatedAt, rc)
	return nil
}
