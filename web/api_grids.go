package web

import (
	"context"
	_ "embed"
	"io"
	"net/http"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/grids"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/grid"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
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
	ok, created := http.StatusOK, http.StatusCreated
	return []capability.Route{
		h("GET /api/v1/grids/categories", a.categories),
		h("GET /api/v1/grids/reports", a.listReports),
		h("POST /api/v1/grids/reports", gridWrite(created, func(ctx context.Context, u *org.User, in grids.ReportInput) (*store.GridReport, error) {
			return svc.Report(ctx, u, in)
		})),
		h("GET /api/v1/grids/reports/{id}", gridByID("grid report", svc.GetReport)),
		h("POST /api/v1/grids/reports/{id}/check", gridWriteID(ok, "grid report", func(ctx context.Context, u *org.User, id int64, in grids.CheckInput) (*store.GridReport, error) {
			return svc.Check(ctx, u, id, in)
		})),
		h("GET /api/v1/grids/figures", gridRead(svc.ReportFigures)),
		h("GET /api/v1/grids/diary", a.myDiary),
		h("PUT /api/v1/grids/diary", gridWrite(ok, svc.SaveDiary)),
		h("GET /api/v1/grids/diaries", gridList("diaries", svc.ListDiaries)),
		h("GET /api/v1/grids/diaries/{id}", gridByID("diary", svc.GetDiary)),
		h("POST /api/v1/grids/diaries/{id}/actions", gridWriteID(ok, "diary", svc.ActOnDiary)),

		h("GET /api/v1/ledger/campaigns", gridList("campaigns", svc.ListCampaigns)),
		h("POST /api/v1/ledger/campaigns", gridWrite(created, svc.CreateCampaign)),
		h("GET /api/v1/ledger/campaigns/{id}", a.getLedger),
		h("POST /api/v1/ledger/campaigns/{id}/items", gridWriteID(created, "campaign", svc.AddItem)),
		h("POST /api/v1/ledger/campaigns/{id}/import", a.importItems),
		h("POST /api/v1/ledger/campaigns/{id}/inspections", gridWriteID(created, "campaign", svc.Inspect)),
		h("GET /api/v1/ledger/items/{id}", gridByID("ledger item", svc.GetItem)),
		h("POST /api/v1/ledger/items/{id}/actions", gridWriteID(ok, "ledger item", svc.ActOnItem)),

		h("POST /api/v1/grid-boundaries", a.uploadBoundaries),

		// Micro-stations: their setup is administration (audited, walked
		// by scope); the requests taken there are field work.
		h("GET /api/v1/grid-stations", gridList("stations", svc.ListStations)),
		h("POST /api/v1/grid-stations", gridWrite(created, func(ctx context.Context, u *org.User, in grid.NewStation) (*store.Station, error) {
			return svc.SaveStation(ctx, u, 0, in)
		})),
		h("GET /api/v1/grid-stations/{id}", gridByID("station", svc.GetStation)),
		h("PUT /api/v1/grid-stations/{id}", gridWriteID(ok, "station", svc.SaveStation)),
		h("POST /api/v1/grids/stations/{id}/requests", gridWriteID(created, "station", svc.TakeRequest)),
		h("GET /api/v1/grids/station-figures", gridRead(svc.StationFigures)),
		h("GET /api/v1/public/grid-stations", a.publicStations),
	}
}

//go:embed openapi_grids.json
var gridsOpenAPI []byte

// GridsOpenAPI is the OpenAPI fragment of the grids routes.
func GridsOpenAPI() []byte { return gridsOpenAPI }

type gridsAPI struct{ svc *grids.Service }

// The shapes of the capability's handlers, over the core's answer and
// userWrite: a read of the signed-in user, a list answered as {name: [...]},
// a read of the object of the path, a write with a JSON body, and a write
// to the object of the path.

func gridRead[T any](run func(context.Context, *org.User) (T, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return answer(w, r, http.StatusOK, func(u *org.User) (T, error) { return run(r.Context(), u) })
	}
}

func gridList[T any](name string, run func(context.Context, *org.User) ([]T, error)) handlerFunc {
	return gridRead(func(ctx context.Context, u *org.User) (map[string]any, error) {
		list, err := run(ctx, u)
		return map[string]any{name: orEmpty(list)}, err
	})
}

func gridByID[T any](what string, run func(context.Context, *org.User, int64) (T, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return answer(w, r, http.StatusOK, func(u *org.User) (out T, err error) {
			id, err := pathID(r, "id", what)
			if err != nil {
				return out, err
			}
			return run(r.Context(), u, id)
		})
	}
}

func gridWrite[In, Out any](status int, run func(context.Context, *org.User, In) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return userWrite(w, r, status, func(u *org.User, in In) (Out, error) { return run(r.Context(), u, in) })
	}
}

func gridWriteID[In, Out any](status int, what string, run func(context.Context, *org.User, int64, In) (Out, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return answer(w, r, status, func(u *org.User) (out Out, err error) {
			id, err := pathID(r, "id", what)
			if err != nil {
				return out, err
			}
			var in In
			if err := decode(w, r, &in); err != nil {
				return out, err
			}
			return run(r.Context(), u, id, in)
		})
	}
}

func (a *gridsAPI) categories(w http.ResponseWriter, r *http.Request) error {
	type cat struct {
		Code   string     `json:"code"`
		Class  grid.Class `json:"class"`
		Name   string     `json:"name"`
		NameEN string     `json:"name_en"`
		Maps   string     `json:"district_category,omitempty"`
	}
	return answer(w, r, http.StatusOK, func(*org.User) (map[string]any, error) {
		var out []cat
		for _, c := range grid.Categories {
			out = append(out, cat{c.Code, c.Class, c.Name, c.NameEN, c.District})
		}
		return map[string]any{"categories": out}, nil
	})
}

func (a *gridsAPI) listReports(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (map[string]any, error) {
		q := grids.ReportQuery{Mine: r.URL.Query().Get("mine") == "true"}
		if st := r.URL.Query().Get("status"); st != "" {
			if !grid.ReportStatus(st).Valid() {
				return nil, minsheng.FieldError("status", "unknown status %q", st)
			}
			q.Statuses = []grid.ReportStatus{grid.ReportStatus(st)}
		}
		list, err := a.svc.ListReports(r.Context(), u, q)
		return map[string]any{"reports": orEmpty(list)}, err
	})
}

func (a *gridsAPI) myDiary(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*grids.DiaryView, error) {
		return a.svc.Diary(r.Context(), u, r.URL.Query().Get("day"))
	})
}

func (a *gridsAPI) getLedger(w http.ResponseWriter, r *http.Request) error {
	return gridByID("campaign", func(ctx context.Context, u *org.User, id int64) (*grids.Ledger, error) {
		q := grids.LedgerQuery{Status: grid.ItemStatus(r.URL.Query().Get("status")), Overdue: r.URL.Query().Get("overdue") == "true"}
		l, err := a.svc.GetLedger(ctx, u, id, q)
		if err != nil {
			return nil, err
		}
		l.Items, l.Units = orEmpty(l.Items), orEmpty(l.Units)
		return l, nil
	})(w, r)
}

// uploadBoundaries takes a GeoJSON FeatureCollection of units' areas as the
// raw body (at most 4 MiB, as a single boundary).
func (a *gridsAPI) uploadBoundaries(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) (*grids.BoundaryUpload, error) {
		if err := needContentType(r, "application/geo+json", "application/json"); err != nil {
			return nil, err
		}
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBoundaryBody))
		if err != nil {
			return nil, readError(err)
		}
		return a.svc.UploadBoundaries(r.Context(), u, b)
	})
}

// publicStations lists the open micro-stations for residents, without an
// account: nearest the address (?address=) first when it can be placed.
func (a *gridsAPI) publicStations(w http.ResponseWriter, r *http.Request) error {
	if err := knownParams(r.URL.Query(), "address"); err != nil {
		return err
	}
	out, err := a.svc.PublicStations(r.Context(), r.URL.Query().Get("address"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// importIn is a ledger kept in Excel, sent inside JSON (base64).
type importIn struct {
	XLSX   []byte `json:"xlsx"`
	DryRun bool   `json:"dry_run"`
}

// importItems previews (dry_run) or imports a ledger file into a campaign:
// 200 with every row and its error for a preview, 201 when the items are
// written, 400 (reason grid_import_rows) and nothing written when any row
// is at fault — a preview says which.
func (a *gridsAPI) importItems(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "campaign")
	if err != nil {
		return err
	}
	var in importIn
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if len(in.XLSX) == 0 {
		return minsheng.FieldError("xlsx", "send the workbook, base64-encoded").Because("required")
	}
	res, err := a.svc.ImportItems(r.Context(), u, id, in.XLSX, !in.DryRun)
	if err != nil {
		return err
	}
	res.Rows, res.IDs = orEmpty(res.Rows), orEmpty(res.IDs)
	status := http.StatusCreated
	if in.DryRun {
		status = http.StatusOK
	}
	writeJSON(w, status, res)
	return nil
}
