package web

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// HouseholdImportAPI returns the JSON routes of the import of household
// lists from XLSX workbooks and of the registry's export: the template,
// the upload, the check in steps (the progress), the confirmation that
// writes every household in one transaction, the masked export, and the
// likely duplicate households (merged through a change request).
// Their document is openapi_household_registry.json.
func (s *Server) HouseholdImportAPI(svc *hh.Service) []capability.Route {
	a := &householdAPI{svc: svc, s: s}
	h := func(pattern string, fn handlerFunc) capability.Route {
		return capability.Route{Pattern: pattern, Handler: s.handle(fn)}
	}
	return []capability.Route{
		h("GET /api/v1/households/export", a.export),
		h("GET /api/v1/household-imports/template", a.importTemplate),
		h("POST /api/v1/household-imports", a.upload),
		h("GET /api/v1/household-imports/{id}", a.getImport),
		h("POST /api/v1/household-imports/{id}/check", a.checkImport),
		h("POST /api/v1/household-imports/{id}/confirm", a.confirmImport),
		h("GET /api/v1/household-duplicates", a.duplicates),
		h("POST /api/v1/household-duplicates/not-duplicate", a.notDuplicate),
		h("GET /api/v1/households/coverage-by-street", a.coverageByStreet),
		h("POST /api/v1/household-visits/{id}/photos", a.addPhotos),
		h("GET /api/v1/household-visit-photos/{id}", a.photo),
	}
}

//go:embed openapi_household_registry.json
var householdImportOpenAPI []byte

// HouseholdImportOpenAPI is the OpenAPI fragment of the import routes.
func HouseholdImportOpenAPI() []byte { return householdImportOpenAPI }

// MergeOpenAPI returns one fragment holding the paths, components and tags
// of several (a capability serves one): a path or component defined twice
// is an error.
func MergeOpenAPI(fragments ...[]byte) ([]byte, error) {
	d := &openAPIDoc{paths: map[string]json.RawMessage{}, components: map[string]map[string]json.RawMessage{}}
	for i, f := range fragments {
		if err := d.merge(fmt.Sprintf("fragment %d", i), f); err != nil {
			return nil, err
		}
	}
	return d.marshal()
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendXLSX answers a workbook as a download named stem.xlsx.
func sendXLSX(w http.ResponseWriter, stem string, write func(io.Writer) error) error {
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", `attachment; filename="households.xlsx"; filename*=UTF-8''`+url.PathEscape(stem)+".xlsx")
	w.Header().Set("Cache-Control", "no-store")
	return write(w)
}

func (a *householdAPI) export(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	grid, err := oneParam(r, "grid_id")
	if err != nil {
		return err
	}
	t, err := a.svc.Export(r.Context(), u, grid)
	if err != nil {
		return err
	}
	return sendXLSX(w, "住户名单", func(w io.Writer) error { return t.Write(w, app.FormatXLSX) })
}

func (a *householdAPI) importTemplate(w http.ResponseWriter, r *http.Request) error {
	if _, err := currentUser(r); err != nil {
		return err
	}
	b, err := hh.ImportTemplate()
	if err != nil {
		return err
	}
	return sendXLSX(w, "住户名单模板", func(w io.Writer) error { _, err := w.Write(b); return err })
}

// uploadIn is the body of an upload: the workbook in base64.
type uploadIn struct {
	File     []byte `json:"file"`
	Filename string `json:"filename"`
	Consent  bool   `json:"consent"`
}

// maxUploadJSON is the largest upload body: the largest workbook in
// base64 and room for the other fields.
const maxUploadJSON = household.MaxImportBytes/3*4 + 8<<10

// upload takes the workbook in a JSON body (base64, as JSON carries
// bytes); consent says the households agreed to be registered and
// visited.
func (a *householdAPI) upload(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in uploadIn
	if err := decodeFiles(w, r, maxUploadJSON, &in,
		minsheng.FieldError("file", "the body is a JSON object whose file is the workbook in base64").Because("import_not_xlsx")); err != nil {
		return err
	}
	im, err := a.svc.Upload(r.Context(), u, in.Filename, in.File, in.Consent)
	if err != nil {
		return err
	}
	v, err := a.svc.GetImport(r.Context(), u, im.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/household-imports/"+strconv.FormatInt(im.ID, 10))
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (a *householdAPI) getImport(w http.ResponseWriter, r *http.Request) error {
	return a.importStep(w, r, nil)
}

// importStep runs one step of an import (nil: none, the import is only
// read, and not kept by caches) and answers its view.
func (a *householdAPI) importStep(w http.ResponseWriter, r *http.Request, step func(id int64) (*household.Import, error)) error {
	u, id, err := withID(r, "import")
	if err != nil {
		return err
	}
	if step != nil {
		if _, err := step(id); err != nil {
			return err
		}
	}
	v, err := a.svc.GetImport(r.Context(), u, id)
	if err != nil {
		return err
	}
	if step == nil {
		w.Header().Set("Cache-Control", "no-store")
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *householdAPI) checkImport(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	return a.importStep(w, r, func(id int64) (*household.Import, error) { return a.svc.CheckImport(r.Context(), u, id) })
}

func (a *householdAPI) confirmImport(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	return a.importStep(w, r, func(id int64) (*household.Import, error) { return a.svc.ConfirmImport(r.Context(), u, id) })
}

func (a *householdAPI) duplicates(w http.ResponseWriter, r *http.Request) error {
	return unitAnswer(w, r, func(u *org.User, unit int64) (any, error) { return a.svc.Duplicates(r.Context(), u, unit) })
}

func (a *householdAPI) coverageByStreet(w http.ResponseWriter, r *http.Request) error {
	return unitAnswer(w, r, func(u *org.User, unit int64) (any, error) {
		c, err := a.svc.CoverageByStreet(r.Context(), u, unit)
		return coverageJSON("streets", c), err
	})
}

// photosIn is the body of photos added to a visit: each file in base64.
type photosIn struct {
	Photos []struct {
		Name string `json:"name"`
		Data []byte `json:"data"`
	} `json:"photos"`
}

// maxPhotosJSON is the largest body of photos: three at their largest, in
// base64.
const maxPhotosJSON = 3*ticket.MaxAttachmentSize/3*4 + 64<<10

func (a *householdAPI) addPhotos(w http.ResponseWriter, r *http.Request) error {
	u, id, err := withID(r, "visit")
	if err != nil {
		return err
	}
	var in photosIn
	if err := decodeFiles(w, r, maxPhotosJSON, &in, minsheng.FieldError("photos", "photos is a list of {name, data} with data in base64")); err != nil {
		return err
	}
	if len(in.Photos) > 3 {
		return minsheng.FieldError("photos", "at most 3 photos a request").Because("too_many_photos")
	}
	var ups []app.Upload
	for _, p := range in.Photos {
		up, err := a.svc.PutPhoto(p.Name, bytes.NewReader(p.Data))
		if err != nil {
			return err
		}
		ups = append(ups, up)
	}
	ps, err := a.svc.AddPhotos(r.Context(), u, id, ups...)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"photos": ps})
	return nil
}

func (a *householdAPI) photo(w http.ResponseWriter, r *http.Request) error {
	u, id, err := withID(r, "photo")
	if err != nil {
		return err
	}
	p, f, err := a.svc.OpenPhoto(r.Context(), u, id)
	if err != nil {
		return err
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", p.ContentType)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", contentDisposition("inline", p.Name))
	http.ServeContent(w, r, "", p.CreatedAt, f)
	return nil
}

// pairIn is the body of a decision on a suggested pair.
type pairIn struct {
	A int64 `json:"a"`
	B int64 `json:"b"`
}

func (a *householdAPI) notDuplicate(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in pairIn
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.svc.NotDuplicate(r.Context(), u, in.A, in.B); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
