package ui

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	hh "github.com/minsheng/minsheng/app/household"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/household"
	"github.com/minsheng/minsheng/org"
)

// This file holds the pages of the import of a household list from an
// XLSX workbook (the form districts keep in Excel) and of the registry's
// export: the upload form with the template and its columns, the import's
// page — a progress bar while its rows are checked in steps, then each
// row's problems or the confirmation that writes them all at once — and
// the masked export.

// HouseholdImportPages returns the import's and the export's pages.
func (u *UI) HouseholdImportPages(svc *hh.Service) []capability.Route {
	p := &householdPages{UI: u, hh: svc}
	keepers := household.ApproverRoles
	return []capability.Route{
		{Pattern: "GET /households/export.xlsx", Handler: u.staff(p.export, household.RegistryRoles...)},
		{Pattern: "GET /households/import", Handler: u.staff(p.importForm, keepers...)},
		{Pattern: "GET /households/import/template.xlsx", Handler: u.staff(p.importTemplate, keepers...)},
		{Pattern: "POST /households/import", Handler: u.staff(p.upload, keepers...)},
		{Pattern: "GET /households/import/{id}", Handler: u.staff(p.importPage, keepers...)},
		{Pattern: "POST /households/import/{id}/check", Handler: u.staff(p.checkImport, keepers...)},
		{Pattern: "POST /households/import/{id}/confirm", Handler: u.staff(p.confirmImport, keepers...)},
	}
}

// importFormData is the upload form: the columns to explain.
type importFormData struct {
	Columns   []string
	Required  []string
	Relations []string
	Tags      []string
	MaxRows   int
}

func (u *householdPages) importForm(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.drawImportForm(w, r, me, http.StatusOK, nil)
}

func (u *householdPages) drawImportForm(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d := importFormData{Columns: household.ImportColumns(), Required: household.RequiredColumns, MaxRows: household.MaxImportRows}
	for k := range household.RelationLabels {
		d.Relations = append(d.Relations, k)
	}
	for _, t := range household.Tags {
		for k, v := range household.TagLabels {
			if v == t {
				d.Tags = append(d.Tags, k)
			}
		}
	}
	return u.importRender(w, r, me, "import", status, form, d)
}

// importRender draws an import page; a refused form is worded from its
// error (its reason, or its field) in the page's language.
func (u *householdPages) importRender(w http.ResponseWriter, r *http.Request, me *org.User, name string, status int, form *formState, data any) error {
	p := u.newPage(w, r, me, "/households")
	p.Title = p.T("hh.imp.title")
	rf, err := u.loadRefs(r.Context(), p)
	if err != nil {
		return err
	}
	p.R, p.Form, p.Data = rf, form, data
	if form != nil {
		form.Message = p.Say(form.Err)
	}
	u.UI.render(w, status, p, "households/"+name)
	return nil
}

func (u *householdPages) importTemplate(w http.ResponseWriter, r *http.Request, me *org.User) error {
	b, err := hh.ImportTemplate()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", app.ContentType(app.FormatXLSX))
	w.Header().Set("Content-Disposition", `attachment; filename="households-template.xlsx"; filename*=UTF-8''%E4%BD%8F%E6%88%B7%E5%90%8D%E5%8D%95%E6%A8%A1%E6%9D%BF.xlsx`)
	_, err = w.Write(b)
	return err
}

func (u *householdPages) upload(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, files, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	var im *household.Import
	switch {
	case len(files) != 1:
		err = minsheng.FieldError("file", "choose the workbook").Because("import_not_xlsx")
	case files[0].Size > household.MaxImportBytes:
		err = minsheng.FieldError("file", "the file is too large").Because("import_too_large")
	default:
		var b []byte
		if b, err = readFile(files[0]); err == nil {
			im, err = u.hh.Upload(r.Context(), me, files[0].Filename, b, vals.Get("consent") != "")
		}
	}
	if err != nil {
		if minsheng.ErrorCode(err) != minsheng.EINVALID {
			return err
		}
		return u.drawImportForm(w, r, me, http.StatusBadRequest, &formState{Action: "import", Field: fieldOf(err), Err: err, Values: vals})
	}
	redirect(w, r, "/households/import/"+strconv.FormatInt(im.ID, 10))
	return nil
}

// fieldOf is the field of an error.
func fieldOf(err error) string {
	if e, ok := err.(*minsheng.Error); ok {
		return e.Field
	}
	return ""
}

// importPageData is an import's page.
type importPageData struct {
	hhFmt
	View *hh.ImportView
	// Hidden is how many rows with a problem the preview leaves out.
	Hidden int
	// Stale: the confirmation found a row that fails now.
	Stale bool
}

func (u *householdPages) importPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.drawImport(w, r, me, http.StatusOK, false)
}

func (u *householdPages) drawImport(w http.ResponseWriter, r *http.Request, me *org.User, status int, stale bool) error {
	id, err := hhID(r)
	if err != nil {
		return err
	}
	v, err := u.hh.GetImport(r.Context(), me, id)
	if err != nil {
		return err
	}
	d := importPageData{View: v, Stale: stale}
	rows := map[int]bool{}
	for _, p := range v.Problems {
		rows[p.Row] = true
	}
	for _, p := range v.Preview {
		delete(rows, p.Row)
	}
	d.Hidden = len(rows)
	w.Header().Set("Cache-Control", "no-store")
	return u.importRender(w, r, me, "import_status", status, nil, d)
}

// checkImport checks the next rows: the page's script asks for JSON (the
// progress), a browser without it is sent back to the page.
func (u *householdPages) checkImport(w http.ResponseWriter, r *http.Request, me *org.User) error {
	id, err := hhID(r)
	if err != nil {
		return err
	}
	im, err := u.hh.CheckImport(r.Context(), me, id)
	if err != nil {
		return err
	}
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		return json.NewEncoder(w).Encode(map[string]any{"status": im.Status, "checked": im.Checked, "total": im.Total,
			"progress": im.Progress()})
	}
	redirect(w, r, "/households/import/"+strconv.FormatInt(id, 10))
	return nil
}

func (u *householdPages) confirmImport(w http.ResponseWriter, r *http.Request, me *org.User) error {
	id, err := hhID(r)
	if err != nil {
		return err
	}
	im, err := u.hh.ConfirmImport(r.Context(), me, id)
	if minsheng.IsCode(err, minsheng.ECONFLICT) {
		return u.drawImport(w, r, me, http.StatusConflict, true)
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/households?ok=hh_imported&n="+strconv.Itoa(im.Households))
	return nil
}

// export sends the registry (of a grid, or of every unit the user sees)
// as a workbook, masked.
func (u *householdPages) export(w http.ResponseWriter, r *http.Request, me *org.User) error {
	grid, _ := strconv.ParseInt(r.URL.Query().Get("grid_id"), 10, 64)
	t, err := u.hh.Export(r.Context(), me, max(grid, 0))
	if err != nil {
		return err
	}
	return sendTable(w, t, "住户名单", app.FormatXLSX)
}
