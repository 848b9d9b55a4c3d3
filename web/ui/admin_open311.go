package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/capability"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// This file holds the admin pages of Open311 (GeoReport v2): the client
// applications with their API keys, and each category's service settings
// and custom fields (attributes). A key is shown once, on the answer to
// the form that issued it, and never logged.

// open311Pages serves the Open311 admin pages.
type open311Pages struct {
	*UI
	o311 *open311.Service
}

// Open311Pages returns the Open311 admin pages of the open311 capability.
func (u *UI) Open311Pages(svc *open311.Service) []capability.Route {
	p := &open311Pages{UI: u, o311: svc}
	admin := org.RoleAdmin
	return []capability.Route{
		{Pattern: "GET /admin/clients", Handler: u.staff(p.adminClients, admin)},
		{Pattern: "POST /admin/clients", Handler: u.staff(p.adminCreateClient, admin)},
		{Pattern: "POST /admin/clients/{name}/rotate", Handler: u.staff(p.adminRotateClient, admin)},
		{Pattern: "POST /admin/clients/{name}/revoke", Handler: u.staff(p.adminRevokeClient, admin)},
		{Pattern: "POST /admin/clients/{name}/rate", Handler: u.staff(p.adminClientRate, admin)},
		{Pattern: "GET /admin/categories/{code}/service", Handler: u.staff(p.adminService, admin)},
		{Pattern: "POST /admin/categories/{code}/service", Handler: u.staff(p.adminSaveService, admin)},
		{Pattern: "POST /admin/categories/{code}/attributes", Handler: u.staff(p.adminCreateAttribute, admin)},
		{Pattern: "POST /admin/categories/{code}/attributes/{attr}", Handler: u.staff(p.adminUpdateAttribute, admin)},
		{Pattern: "POST /admin/categories/{code}/attributes/{attr}/delete", Handler: u.staff(p.adminDeleteAttribute, admin)},
	}
}

// Open311Nav is the open311 capability's entry in the admins' navigation.
var Open311Nav = []capability.NavItem{{Label: "nav.clients", Path: "/admin/clients", Roles: []org.Role{org.RoleAdmin}, District: true}}

// clientsData is the Open311 clients page.
type clientsData struct {
	Clients []*store.APIClient
	// NewKey is the key just issued or rotated: the only page that ever
	// shows it.
	NewKey  *open311.APIClientKey
	MaxRate int
}

// ClientPath is the base of a client's action URLs, the name escaped as
// one path segment: names are free text.
func (clientsData) ClientPath(name string) string { return "/admin/clients/" + url.PathEscape(name) }

func (u *open311Pages) clientsData(r *http.Request, me *org.User, key *open311.APIClientKey) (clientsData, error) {
	cs, err := u.o311.ListAPIClients(r.Context(), me)
	return clientsData{Clients: cs, NewKey: key, MaxRate: open311.MaxAPIClientRate}, err
}

func (u *open311Pages) adminClients(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.clientsPage(w, r, me, http.StatusOK, nil)
}

// clientsPage draws the clients page (a formPage).
func (u *open311Pages) clientsPage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
	d, err := u.clientsData(r, me, nil)
	if err != nil {
		return err
	}
	return u.adminPage(w, r, me, "open311/admin_clients", "/admin/clients", status, form, d)
}

// showKey answers a form that issued a key with the page that shows it.
// The answer is not a redirect: the key must not travel in a URL.
func (u *open311Pages) showKey(w http.ResponseWriter, r *http.Request, me *org.User, k *open311.APIClientKey) error {
	d, err := u.clientsData(r, me, k)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return u.adminPage(w, r, me, "open311/admin_clients", "/admin/clients", http.StatusOK, nil, d)
}

// parseRate reads a rate field: empty means 0, the server's default.
func parseRate(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, minsheng.FieldError("rate_per_minute", "rate_per_minute must be a whole number between 0 and %d", open311.MaxAPIClientRate).Because("not_a_number")
	}
	return n, nil
}

func (u *open311Pages) adminCreateClient(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	rate, err := parseRate(vals.Get("rate_per_minute"))
	if err != nil {
		return showRefused(u.clientsPage, w, r, me, "client", err, vals)
	}
	k, err := u.o311.CreateAPIClient(r.Context(), me, open311.NewAPIClient{Name: vals.Get("name"), RatePerMinute: rate})
	if err != nil {
		return showRefused(u.clientsPage, w, r, me, "client", err, vals)
	}
	return u.showKey(w, r, me, k)
}

func (u *open311Pages) adminRotateClient(w http.ResponseWriter, r *http.Request, me *org.User) error {
	if _, _, err := u.parseForm(w, r); err != nil {
		return err
	}
	k, err := u.o311.RotateAPIKey(r.Context(), me, r.PathValue("name"))
	if err != nil {
		return err
	}
	return u.showKey(w, r, me, k)
}

func (u *open311Pages) adminRevokeClient(w http.ResponseWriter, r *http.Request, me *org.User) error {
	if _, _, err := u.parseForm(w, r); err != nil {
		return err
	}
	if _, err := u.o311.RevokeAPIClient(r.Context(), me, r.PathValue("name")); err != nil {
		return err
	}
	redirect(w, r, "/admin/clients?ok=revoked")
	return nil
}

func (u *open311Pages) adminClientRate(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	rate, err := parseRate(vals.Get("rate_per_minute"))
	if err == nil {
		_, err = u.o311.SetAPIClientRate(r.Context(), me, name, rate)
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
		return 0, minsheng.FieldError("order", "order must be a positive whole number").Because("not_a_number")
	}
	return n, nil
}

func servicePath(code string) string { return "/admin/categories/" + url.PathEscape(code) + "/service" }

// serviceData reads a category's service page; form, when set, is a
// refused form whose values replace the stored ones.
func (u *open311Pages) serviceData(r *http.Request, me *org.User, code string, form *formState) (*serviceData, error) {
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
	if d.Attrs, err = u.o311.ListCategoryAttributes(ctx, code); err != nil {
		return nil, err
	}
	services, err := u.o311.Open311Services(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range services {
		d.IsService = d.IsService || s.Category.ID == d.Cat.ID
	}
	st, err := u.o311.ServiceSettings(ctx, me, code)
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

func (u *open311Pages) servicePage(w http.ResponseWriter, r *http.Request, me *org.User, status int, form *formState) error {
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
	u.render(w, status, p, "open311/admin_service")
	return nil
}

func (u *open311Pages) adminService(w http.ResponseWriter, r *http.Request, me *org.User) error {
	return u.servicePage(w, r, me, http.StatusOK, nil)
}

func (u *open311Pages) adminSaveService(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	private, desc := vals.Get("private") == "1", vals.Get("description")
	if _, err := u.o311.SetServiceSettings(r.Context(), me, code, open311.ServiceSettingsChange{Private: &private, Description: &desc}); err != nil {
		return showRefused(u.servicePage, w, r, me, "service", err, vals)
	}
	redirect(w, r, servicePath(code)+"?ok=saved")
	return nil
}

func (u *open311Pages) adminCreateAttribute(w http.ResponseWriter, r *http.Request, me *org.User) error {
	vals, _, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	order, err := parseOrder(vals.Get("order"))
	if err == nil {
		variable := vals.Get("variable") == "1"
		_, err = u.o311.CreateCategoryAttribute(r.Context(), me, code, open311.AttributeInput{Code: vals.Get("code"),
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

func (u *open311Pages) adminUpdateAttribute(w http.ResponseWriter, r *http.Request, me *org.User) error {
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
		c := open311.AttributeChange{Datatype: &datatype, Variable: &variable, Required: &required, Description: &desc,
			DescriptionEN: &descEN, DatatypeDescription: &dtDesc, DatatypeDescriptionEN: &dtDescEN, Values: &values}
		if strings.TrimSpace(vals.Get("order")) != "" {
			c.Order = &order
		}
		_, err = u.o311.UpdateCategoryAttribute(r.Context(), me, code, attr, c)
	}
	if err != nil {
		return showRefused(u.servicePage, w, r, me, "attr:"+attr, err, vals)
	}
	redirect(w, r, servicePath(code)+"?ok=saved")
	return nil
}

func (u *open311Pages) adminDeleteAttribute(w http.ResponseWriter, r *http.Request, me *org.User) error {
	if _, _, err := u.parseForm(w, r); err != nil {
		return err
	}
	code := r.PathValue("code")
	if err := u.o311.DeleteCategoryAttribute(r.Context(), me, code, r.PathValue("attr")); err != nil {
		return err
	}
	redirect(w, r, servicePath(code)+"?ok=deleted")
	return nil
}

// Open311Messages are the texts of the Open311 admin pages: key →
// {Chinese, English}.
var Open311Messages = map[string][2]string{
	// The reasons of Open311's own errors (see Say).
	"why.open311_order_taken":      {"该顺序已被本分类的另一个字段使用。", "Another field of this category has this order."},
	"why.open311_informs_required": {"仅作说明（无需填写）的字段不能设为必填。", "A field that only informs cannot be required."},
	"why.open311_values":           {"请检查可选值：仅单选和多选字段有可选值，每项需有键和名称，键不能重复，也不能含 [ ] 或逗号。", "Check the values: only single and multiple choice fields have them; each needs a key and a name, keys once each, without [ ] or commas."},
	"field.variable":               {"需填写", "to be filled in"},
	"field.datatype":               {"数据类型", "the data type"},
	"field.datatype_description":   {"数据类型说明", "the data type's description"},
	// The audit log's names of Open311's objects and changes.
	"auditobj.api_client":         {"Open311 客户端", "Open311 client"},
	"auditobj.open311_service":    {"Open311 服务设置", "Open311 service settings"},
	"auditobj.category_attribute": {"自定义字段", "Custom field"},
	"auditact.rotate_key":         {"更换密钥", "Key rotated"},
	"auditact.revoke":             {"吊销", "Revoked"},
	"auditact.set_rate":           {"修改请求上限", "Rate changed"},
	"nav.clients":                 {"Open311 客户端", "Open311 clients"},
	"admin_clients.title":         {"Open311 客户端", "Open311 clients"},
	"admin_clients.intro":         {"接入 Open311（GeoReport v2）接口的应用，每个应用使用自己的 API 密钥提交诉求。", "Applications that use the Open311 (GeoReport v2) interface; each submits requests with its own API key."},
	"admin_clients.new":           {"新增客户端并签发密钥", "New client and key"},
	"admin_clients.issue":         {"签发密钥", "Issue key"},
	"admin_clients.name":          {"客户端名称", "Client name"},
	"admin_clients.status":        {"状态", "Status"},
	"admin_clients.active":        {"启用", "Active"},
	"admin_clients.revoked":       {"已吊销", "Revoked"},
	"admin_clients.rate":          {"每分钟请求上限", "Requests a minute"},
	"admin_clients.rate_default":  {"默认", "server default"},
	"admin_clients.rate_hint":     {"留空或 0 表示使用服务器默认值。", "Blank or 0: the server's default."},
	"admin_clients.created":       {"创建时间", "Created"},
	"admin_clients.key_hint":      {"密钥开头", "Key starts"},
	"admin_clients.key_issued":    {"密钥签发时间", "Key issued"},
	"admin_clients.last_used":     {"最近使用", "Last used"},
	"admin_clients.never_used":    {"从未使用", "Never"},
	"admin_clients.rotate":        {"更换密钥", "Rotate key"},
	"admin_clients.reenable":      {"重新启用并签发新密钥", "Enable with a new key"},
	"admin_clients.revoke":        {"吊销", "Revoke"},
	"admin_clients.none":          {"尚无客户端。", "No clients yet."},
	"admin_clients.key_for":       {"“%s”的新密钥", "New key of “%s”"},
	"admin_clients.key":           {"API 密钥", "API key"},
	"admin_clients.key_once":      {"请立即复制并妥善保存：此密钥只显示这一次，关闭或刷新本页后将无法再次查看。", "Copy it now and keep it safe: this key is shown only once and cannot be shown again."},
	"admin_clients.shell":         {"也可在服务器上使用命令行管理：minsheng open311 key / revoke / list。", "The shell manages clients too: minsheng open311 key / revoke / list."},
	"admin_service.title":         {"Open311 服务设置", "Open311 service"},
	"admin_service.not_service":   {"此分类目前不是 Open311 服务（已停用或有下级分类）：其设置仍然有效，但自定义字段不会出现在服务定义中。", "This category is not an Open311 service now (inactive, or it has categories below it): its settings apply, but its attributes are not in a service definition."},
	"admin_service.settings":      {"服务设置", "Service settings"},
	"admin_service.private":       {"不公开内容（敏感分类）", "Private (sensitive category)"},
	"admin_service.private_hint":  {"公开查询（Open311、公开统计）只显示此分类工单的编号、状态和办理单位，不显示内容、地址、位置、回复和照片，也不能按位置搜索。", "Public listings (Open311) show only the number, status and unit of its requests: no description, address, point, replies or photos, and no search by place."},
	"admin_service.description":   {"服务说明", "Service description"},
	"admin_service.attributes":    {"自定义字段", "Attributes"},
	"admin_service.no_attributes": {"尚无自定义字段。", "No attributes yet."},
	"admin_service.new_attribute": {"新增自定义字段", "New attribute"},
	"admin_service.add":           {"添加字段", "Add attribute"},
	"admin_service.edit":          {"编辑", "Edit"},
	"admin_service.delete":        {"删除此字段", "Delete this attribute"},
	"admin_service.datatype":      {"类型", "Datatype"},
	"admin_service.order":         {"顺序", "Order"},
	"admin_service.order_auto":    {"留空排在最后", "Blank: last"},
	"admin_service.question":      {"问题（填写说明）", "Question"},
	"admin_service.question_en":   {"问题（英文）", "Question (English)"},
	"admin_service.hint":          {"填写提示", "Hint"},
	"admin_service.hint_en":       {"填写提示（英文）", "Hint (English)"},
	"admin_service.values":        {"可选值（列表类型）", "Values (list types)"},
	"admin_service.values_hint":   {"每行一个：编码=名称，可加 |英文名称，如 stopped=停运|Stopped。", "One a line: key=name, optionally |English name, e.g. stopped=停运|Stopped."},
	"admin_service.required":      {"必填", "Required"},
	"admin_service.variable":      {"需要用户填写（不勾选则仅作说明）", "The user answers it (unticked: information only)"},
	"admin_service.info_only":     {"（仅说明）", "(information only)"},
	"admin_service.code_hint":     {"字母、数字、. _ -，最多 40 个字符，保存后不可修改。", "Letters, digits, . _ -, at most 40; it cannot change later."},
}
