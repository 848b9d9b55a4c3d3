package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// This file holds the admin pages of Open311 (GeoReport v2): the client
// applications with their API keys, and each category's service settings
// and custom fields (attributes). A key is shown once, on the answer to
// the form that issued it, and never logged.

// clientsData is the Open311 clients page.
type clientsData struct {
	Clients []*store.APIClient
	// NewKey is the key just issued or rotated: the only page that ever
	// shows it.
	NewKey  *app.APIClientKey
	MaxRate int
}

// ClientPath is the base of a client's action URLs, the name escaped as
// one path segment: names are free text.
func (clientsData) ClientPath(name string) string { return "/admin/clients/" + url.PathEscape(name) }

func (u *UI) clientsData(r *http.Request, me *org.User, key *app.APIClientKey) (clientsData, error) {
	cs, err := u.svc.ListAPIClients(r.Context(), me)
	return clientsData{Clients: cs, NewKey: key, MaxRate: app.MaxAPIClientRate}, err
}

func (u *UI) adminClients(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.clientsPage(w, r, me, http.StatusOK, nil)
}

// clientsPage draws the clients page (a formPage).
func (u *UI) clientsPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d, err := u.clientsData(r, me, nil)
	if err != nil {
		return err
	}
	return u.adminPage(w, r, me, "admin_clients", "/admin/clients", status, form, d)
}

// showKey answers a form that issued a key with the page that shows it.
// The answer is not a redirect: the key must not travel in a URL.
func (u *UI) showKey(w http.ResponseWriter, r *http.Request, me *org.User, k *app.APIClientKey) error {
	d, err := u.clientsData(r, me, k)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return u.adminPage(w, r, me, "admin_clients", "/admin/clients", http.StatusOK, nil, d)
}

// parseRate reads a rate field: empty means 0, the server's default.
func parseRate(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, minsheng.FieldError("rate_per_minute", "rate_per_minute must be a whole number between 0 and %d", app.MaxAPIClientRate)
	}
	return n, nil
}

func (u *UI) adminCreateClient(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	rate, err := parseRate(vals.Get("rate_per_minute"))
	if err != nil {
		return showRefused(u.clientsPage, w, r, me, "client", err, vals)
	}
	k, err := u.svc.CreateAPIClient(r.Context(), me, app.NewAPIClient{Name: vals.Get("name"), RatePerMinute: rate})
	if err != nil {
		return showRefused(u.clientsPage, w, r, me, "client", err, vals)
	}
	return u.showKey(w, r, me, k)
}

func (u *UI) adminRotateClient(w http.ResponseWriter, r *http.Request, me *org.User) error {
	if _, _, err := u.parseForm(w, r); err != nil {
		return err
	}
	k, err := u.svc.RotateAPIKey(r.Context(), me, r.PathValue("name"))
	if err != nil {
		return err
	}
	return u.showKey(w, r, me, k)
}

func (u *UI) adminRevokeClient(w http.ResponseWriter, r *http.Request, me *org.User) error {
	if _, _, err := u.parseForm(w, r); err != nil {
		return err
	}
	if _, err := u.svc.RevokeAPIClient(r.Context(), me, r.PathValue("name")); err != nil {
		return err
	}
	redirect(w, r, "/admin/clients?ok=revoked")
	return nil
}

func (u *UI) adminClientRate(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	rate, err := parseRate(vals.Get("rate_per_minute"))
	if err == nil {
		_, err = u.svc.SetAPIClientRate(r.Context(), me, name, rate)
	}
	if err != nil {
		return showRefused(u.clientsPage, w, r, me, "rate:"+name, err, vals)
	}
	redirect(w, r, "/admin/clients?ok=saved")
	return nil
}

// serviceData is the page of a category's Open311 service: its settings
// and its custom fields.
type serviceData struct {
	Cat *ticket.Category
	// IsService reports whether Open311 offers the category: an active
	// category with no active category below it. Others keep their
	// settings (a ticket may sit in any category) but list no definition.
	IsService bool
	Settings  attrForm // the settings form
	Attrs     []*store.CategoryAttribute
	Edit      map[string]attrForm // the edit form of each attribute, by code
	New       attrForm
	Datatypes []string
}

// attrForm is the values of a form on the service page: what was stored,
// or what the user sent when the form was refused.
type attrForm struct {
	Action string
	vals   url.Values
}

// Val returns a field's value.
func (f attrForm) Val(field string) string { return f.vals.Get(field) }

// On reports whether a checkbox is ticked.
func (f attrForm) On(field string) bool { return f.vals.Get(field) == "1" }

func boolField(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// attrValues fills a form with a stored attribute.
func attrValues(a *store.CategoryAttribute) url.Values {
	var lines []string
	for _, v := range a.Values {
		l := v.Key + "=" + v.Name
		if v.NameEN != "" {
			l += "|" + v.NameEN
		}
		lines = append(lines, l)
	}
	return url.Values{"code": {a.Code}, "datatype": {a.Datatype}, "variable": {boolField(a.Variable)},
		"required": {boolField(a.Required)}, "order": {strconv.Itoa(a.Order)}, "description": {a.Description},
		"description_en": {a.DescriptionEN}, "datatype_description": {a.DatatypeDescription},
		"datatype_description_en": {a.DatatypeDescriptionEN}, "values": {strings.Join(lines, "\n")}}
}

// parseValues reads the values of a list attribute, one a line:
// "key=name" or "key=name|English name". A line without a name is kept
// so that the service refuses it with its message.
func parseValues(s string) []store.AttributeValue {
	s = strings.NewReplacer("＝", "=", "｜", "|", "\r", "").Replace(s)
	out := []store.AttributeValue{}
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		key, rest, _ := strings.Cut(line, "=")
		name, nameEN, _ := strings.Cut(rest, "|")
		out = append(out, store.AttributeValue{Key: strings.TrimSpace(key), Name: strings.TrimSpace(name), NameEN: strings.TrimSpace(nameEN)})
	}
	return out
}

// parseOrder reads an order field: empty means 0 (after the others).
func parseOrder(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, minsheng.FieldError("order", "order must be a positive whole number")
	}
	return n, nil
}

func servicePath(code string) string { return "/admin/categories/" + url.PathEscape(code) + "/service" }

// serviceData reads a category's service page; form, when set, is a
// refused form whose values replace the stored ones.
func (u *UI) serviceData(r *http.Request, me *org.User, code string, form *formState) (*serviceData, error) {
	ctx := r.Context()
	cats, err := u.svc.ListCategories(ctx)
	if err != nil {
		return nil, err
	}
	d := &serviceData{Edit: map[string]attrForm{}, Datatypes: store.Datatypes}
	for _, c := range cats {
		if c.Code == code {
			d.Cat = c
		}
	}
	if d.Cat == nil {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "category %q not found", code)
	}
	if d.Attrs, err = u.svc.ListCategoryAttributes(ctx, code); err != nil {
		return nil, err
	}
	services, err := u.svc.Open311Services(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range services {
		d.IsService = d.IsService || s.Category.ID == d.Cat.ID
	}
	st, err := u.svc.ServiceSettings(ctx, me, code)
	if err != nil {
		return nil, err
	}
	refusedVals := func(action string, stored url.Values) url.Values {
		if form != nil && form.Action == action {
			return form.Values
		}
		return stored
	}
	d.Settings = attrForm{Action: "service", vals: refusedVals("service",
		url.Values{"private": {boolField(st.Private)}, "description": {st.Description}})}
	d.New = attrForm{Action: "attr", vals: refusedVals("attr", url.Values{"variable": {"1"}, "datatype": {store.DatatypeString}})}
	for _, a := range d.Attrs {
		act := "attr:" + a.Code
		d.Edit[a.Code] = attrForm{Action: act, vals: refusedVals(act, attrValues(a))}
	}
	return d, nil
}

func (u *UI) servicePage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d, err := u.serviceData(r, me, r.PathValue("code"), form)
	if err != nil {
		return err
	}
	p := u.newPage(w, r, me, "/admin/categories")
	rf, err := u.loadRefs(r.Context(), p)
	if err != nil {
		return err
	}
	p.Title = p.T("admin_service.title") + " · " + rf.CatPath(d.Cat.ID)
	p.R, p.Form, p.Data = rf, form, d
	u.render(w, status, p, "admin_service")
	return nil
}

func (u *UI) adminService(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.servicePage(w, r, me, http.StatusOK, nil)
}

func (u *UI) adminSaveService(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	private, desc := vals.Get("private") == "1", vals.Get("description")
	if _, err := u.svc.SetServiceSettings(r.Context(), me, code, app.ServiceSettingsChange{Private: &private, Description: &desc}); err != nil {
		return showRefused(u.servicePage, w, r, me, "service", err, vals)
	}
	redirect(w, r, servicePath(code)+"?ok=saved")
	return nil
}

func (u *UI) adminCreateAttribute(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	order, err := parseOrder(vals.Get("order"))
	if err == nil {
		variable := vals.Get("variable") == "1"
		_, err = u.svc.CreateCategoryAttribute(r.Context(), me, code, app.AttributeInput{Code: vals.Get("code"),
			Datatype: strings.TrimSpace(vals.Get("datatype")), Variable: &variable, Required: vals.Get("required") == "1",
			Order: order, Description: vals.Get("description"), DescriptionEN: vals.Get("description_en"),
			DatatypeDescription: vals.Get("datatype_description"), DatatypeDescriptionEN: vals.Get("datatype_description_en"),
			Values: parseValues(vals.Get("values"))})
	}
	if err != nil {
		return showRefused(u.servicePage, w, r, me, "attr", err, vals)
	}
	redirect(w, r, servicePath(code)+"?ok=saved")
	return nil
}

func (u *UI) adminUpdateAttribute(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	code, attr := r.PathValue("code"), r.PathValue("attr")
	// The edit form sends every field; the code cannot change.
	vals.Set("code", attr)
	order, err := parseOrder(vals.Get("order"))
	if err == nil {
		datatype, variable, required := strings.TrimSpace(vals.Get("datatype")), vals.Get("variable") == "1", vals.Get("required") == "1"
		desc, descEN := vals.Get("description"), vals.Get("description_en")
		dtDesc, dtDescEN := vals.Get("datatype_description"), vals.Get("datatype_description_en")
		values := parseValues(vals.Get("values"))
		c := app.AttributeChange{Datatype: &datatype, Variable: &variable, Required: &required, Description: &desc,
			DescriptionEN: &descEN, DatatypeDescription: &dtDesc, DatatypeDescriptionEN: &dtDescEN, Values: &values}
		if strings.TrimSpace(vals.Get("order")) != "" {
			c.Order = &order
		}
		_, err = u.svc.UpdateCategoryAttribute(r.Context(), me, code, attr, c)
	}
	if err != nil {
		return showRefused(u.servicePage, w, r, me, "attr:"+attr, err, vals)
	}
	redirect(w, r, servicePath(code)+"?ok=saved")
	return nil
}

func (u *UI) adminDeleteAttribute(w http.ResponseWriter, r *http.Request, me *org.User) error {
	if _, _, err := u.parseForm(w, r); err != nil {
		return err
	}
	code := r.PathValue("code")
	if err := u.svc.DeleteCategoryAttribute(r.Context(), me, code, r.PathValue("attr")); err != nil {
		return err
	}
	redirect(w, r, servicePath(code)+"?ok=deleted")
	return nil
}
