package ui

import (
	"net/http"
	"strings"

	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/ticket"
)

// searchData is what the search page shows.
type searchData struct {
	Q        string
	Status   string
	Statuses []ticket.Status
	Result   *app.SearchResult // nil before a search
}

// searchPage finds tickets by text (the box in the header): ranked hits
// with the matches in their snippet marked. The snippet is plain text;
// the template escapes it and adds <mark> round the matches.
func (u *UI) searchPage(w http.ResponseWriter, r *http.Request, me *org.User) error {
	q := r.URL.Query()
	p := u.newPage(w, r, me, "/search")
	p.Title = p.T("search.title")
	d := searchData{Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Statuses: ticket.Statuses}
	if d.Q != "" {
		sq := app.SearchQuery{Text: d.Q, Limit: 50}
		if d.Status != "" {
			sq.Statuses = []ticket.Status{ticket.Status(d.Status)}
		}
		res, err := u.svc.Search(r.Context(), me, sq)
		if err != nil {
			return err
		}
		d.Result = res
	}
	p.Data = d
	u.render(w, http.StatusOK, p, "search")
	return nil
}
