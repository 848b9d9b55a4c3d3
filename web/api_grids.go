package web

import (
	_ "embed"
	"io"
	"net/http"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/grids"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/grid"
)

// GridsAPI returns the JSON routes of grids and the screening ledger
// (docs/grids.md): grid reports and their on-the-spot check, field diaries,
// screening campaigns and their items. Their document is
// openapi_grids.json (GridsOpenAPI).
func (s *Server) GridsAPI(svc *grids.Service) []capability.Route {
	a := &gridsAPI{svc: svc}
	h := func(pattern string, fn handlerFunc) capability.Route {
		return capability.Route{Pattern: pattern, Handler: s.handle(fn)}
	}
	return []capability.Route{
		h("GET /api/v1/grids/categories", a.categories),
		h("GET /api/v1/grids/reports", a.listReports),
		h("POST /api/v1/grids/reports", a.createReport),
		h("GET /api/v1/grids/reports/{id}", a.getReport),
		h("POST /api/v1/grids/reports/{id}/check", a.checkReport),
		h("GET /api/v1/grids/figures", a.figures),
		h("GET /api/v1/grids/diary", a.myDiary),
		h("PUT /api/v1/grids/diary", a.saveDiary),
		h("GET /api/v1/grids/diaries", a.listDiaries),
		h("GET /api/v1/grids/diaries/{id}", a.getDiary),
		h("POST /api/v1/grids/diaries/{id}/actions", a.actOnDiary),

		h("GET /api/v1/ledger/campaigns", a.listCampaigns),
		h("POST /api/v1/ledger/campaigns", a.createCampaign),
		h("GET /api/v1/ledger/campaigns/{id}", a.getLedger),
		h("POST /api/v1/ledger/campaigns/{id}/items", a.addItem),
		h("GET /api/v1/ledger/items/{id}", a.getItem),
		h("POST /api/v1/ledger/items/{id}/actions", a.actOnItem),

		h("POST /api/v1/grid-boundaries", a.uploadBoundaries),
	}
}

//go:embed openapi_grids.json
var gridsOpenAPI []byte

// GridsOpenAPI is the OpenAPI fragment of the grids routes.
func GridsOpenAPI() []byte { return gridsOpenAPI }

type gridsAPI struct{ svc *grids.Service }

func (a *gridsAPI) categories(w http.ResponseWriter, r *http.Request) error {
	if _, err := currentUser(r); err != nil {
		return err
	}
	type cat struct {
		Code   string     `json:"code"`
		Class  grid.Class `json:"class"`
		Name   string     `json:"name"`
		NameEN string     `json:"name_en"`
		Maps   string     `json:"district_category,omitempty"`
	}
	var out []cat
	for _, c := range grid.Categories {
		out = append(out, cat{c.Code, c.Class, c.Name, c.NameEN, c.District})
	}
	writeJSON(w, http.StatusOK, map[string]any{"categories": out})
	return nil
}

func (a *gridsAPI) listReports(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	q := grids.ReportQuery{Mine: r.URL.Query().Get("mine") == "true"}
	if st := r.URL.Query().Get("status"); st != "" {
		if !grid.ReportStatus(st).Valid() {
			return minsheng.FieldError("status", "unknown status %q", st)
		}
		q.Statuses = []grid.ReportStatus{grid.ReportStatus(st)}
	}
	list, err := a.svc.ListReports(r.Context(), u, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": orEmpty(list)})
	return nil
}

func (a *gridsAPI) createReport(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in grids.ReportInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rep, err := a.svc.Report(r.Context(), u, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rep)
	return nil
}

func (a *gridsAPI) getReport(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "grid report")
	if err != nil {
		return err
	}
	v, err := a.svc.GetReport(r.Context(), u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *gridsAPI) checkReport(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "grid report")
	if err != nil {
		return err
	}
	var in grids.CheckInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rep, err := a.svc.Check(r.Context(), u, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (a *gridsAPI) figures(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	f, err := a.svc.ReportFigures(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (a *gridsAPI) myDiary(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	d, err := a.svc.Diary(r.Context(), u, r.URL.Query().Get("day"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (a *gridsAPI) saveDiary(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in grids.DiaryInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := a.svc.SaveDiary(r.Context(), u, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (a *gridsAPI) listDiaries(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	list, err := a.svc.ListDiaries(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"diaries": orEmpty(list)})
	return nil
}

func (a *gridsAPI) getDiary(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "diary")
	if err != nil {
		return err
	}
	d, err := a.svc.GetDiary(r.Context(), u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (a *gridsAPI) actOnDiary(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "diary")
	if err != nil {
		return err
	}
	var in grids.DiaryActInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := a.svc.ActOnDiary(r.Context(), u, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (a *gridsAPI) listCampaigns(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	list, err := a.svc.ListCampaigns(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaigns": orEmpty(list)})
	return nil
}

func (a *gridsAPI) createCampaign(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	var in grid.NewCampaign
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := a.svc.CreateCampaign(r.Context(), u, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (a *gridsAPI) getLedger(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "campaign")
	if err != nil {
		return err
	}
	q := grids.LedgerQuery{Status: grid.ItemStatus(r.URL.Query().Get("status")), Overdue: r.URL.Query().Get("overdue") == "true"}
	l, err := a.svc.GetLedger(r.Context(), u, id, q)
	if err != nil {
		return err
	}
	l.Items = orEmpty(l.Items)
	l.Units = orEmpty(l.Units)
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (a *gridsAPI) addItem(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "campaign")
	if err != nil {
		return err
	}
	var in grid.NewItem
	if err := decode(w, r, &in); err != nil {
		return err
	}
	it, err := a.svc.AddItem(r.Context(), u, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, it)
	return nil
}

func (a *gridsAPI) getItem(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "ledger item")
	if err != nil {
		return err
	}
	v, err := a.svc.GetItem(r.Context(), u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *gridsAPI) actOnItem(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "ledger item")
	if err != nil {
		return err
	}
	var in grids.ItemInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	it, err := a.svc.ActOnItem(r.Context(), u, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

// uploadBoundaries takes a GeoJSON FeatureCollection of units' areas as the
// raw body (at most 4 MiB, as a single boundary).
func (a *gridsAPI) uploadBoundaries(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	if err := needContentType(r, "application/geo+json", "application/json"); err != nil {
		return err
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBoundaryBody))
	if err != nil {
		return readError(err)
	}
	up, err := a.svc.UploadBoundaries(r.Context(), u, b)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, up)
	return nil
}
