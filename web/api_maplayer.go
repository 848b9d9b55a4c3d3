package web

import (
	"io"
	"net/http"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
)

// MaxBaseLayerBody is the largest base layer accepted (32 MiB: a
// district's roads and places with their shapes).
const MaxBaseLayerBody = 32 << 20

// BaseLayerImport is the answer to a base layer's import.
type BaseLayerImport struct {
	Features int `json:"features"`
}

// putBaseLayer replaces the district's base layer with the GeoJSON body.
func (s *Server) putBaseLayer(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	if err := needContentType(r, "application/geo+json", "application/json"); err != nil {
		return err
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBaseLayerBody))
	if err != nil {
		return readError(err)
	}
	n, err := s.svc.ImportBaseLayer(r.Context(), u, b)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, BaseLayerImport{Features: n})
	return nil
}

// getBaseLayer answers the base layer as GeoJSON.
func (s *Server) getBaseLayer(w http.ResponseWriter, r *http.Request) error {
	if _, err := currentUser(r); err != nil {
		return err
	}
	b, err := s.svc.BaseLayer(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/geo+json")
	_, err = w.Write(b)
	return err
}

// geocode places an address by the base layer's roads and places.
func (s *Server) geocode(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(*org.User) (*app.GeoMatch, error) {
		q := r.URL.Query()
		if err := knownParams(q, "address"); err != nil {
			return nil, err
		}
		addr := q.Get("address")
		if addr == "" || len(addr) > 300 {
			return nil, minsheng.FieldError("address", "an address of 1 to 300 bytes is needed")
		}
		m, err := s.svc.Geocode(r.Context(), addr)
		if err != nil {
			return nil, err
		}
		if m == nil {
			return nil, minsheng.Errorf(minsheng.ENOTFOUND, "the address names no road or place of the base layer")
		}
		return m, nil
	})
}
