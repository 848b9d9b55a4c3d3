// Package open311 serves Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2)
// over a Service, so that apps, city portals and other systems (FixMyStreet,
// SeeClickFix, Mark-a-Spot, CitySDK clients) can discover the district's
// services, submit requests with attributes and photos, and follow them:
//
//	GET  discovery                       the service discovery document
//	GET  services                        the services: leaf categories
//	GET  services/{service_code}         a service's attributes
//	POST requests                        submit a request (api_key required)
//	GET  requests                        the public list of requests
//	GET  requests/{service_request_id}   one request
//	GET  tokens/{token}                  the request of a tracking token
//	GET  servicerequestupdates           public updates (FixMyStreet)
//	POST servicerequestupdates           a resident's update (api_key required)
//	GET  requests/{id}/media/{file}      a public photo of a request
//
// Every path takes a .xml or .json suffix; without one, the Accept header
// chooses, and XML is the default. Errors are the spec's error list with
// status 400, 403, 404 or 429, and 503 with Retry-After while the database
// cannot be reached. Names follow Accept-Language (zh or en).
// See docs/open311.md.
package open311

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	o311 "github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
	"github.com/minsheng/minsheng/web/httpstatus"
)

// Config holds what the Open311 handler needs. Only Service is required.
type Config struct {
	Service *o311.Service
	Logger  *slog.Logger // defaults to slog.Default()

	// Prefix is the path the handler is mounted at; default "/open311/v2".
	Prefix string
	// BaseURL is the public scheme and host of the server, e.g.
	// "https://12345.chengxi.gov.cn", used in links (media_url, discovery).
	// Without it links are made from the request's Host header, which a
	// client can set: set it in production.
	BaseURL string
	// JurisdictionID, when set, is the only jurisdiction_id accepted; a
	// request naming another gets 404. Requests may always leave it out.
	JurisdictionID string
	// Contact and KeyService are the discovery document's texts: whom to
	// contact, and how a client application gets an API key.
	Contact    string
	KeyService string
	// EndpointType is "production" (default) or "test", for discovery.
	EndpointType string

	// RatePerMinute is how many requests a minute an API key may send,
	// unless the client has its own rate; default 60. Burst is how many may
	// come at once; default 20.
	RatePerMinute int
	Burst         int
	// AnonymousPerMinute limits requests without a key, per client
	// address; default 600, negative for no limit.
	AnonymousPerMinute int
	// ClientIP tells the address of a request without a key, for its rate
	// limit; default the connection's remote address. Behind a proxy, give
	// one that reads the proxy's header.
	ClientIP func(*http.Request) string

	// Location is the time zone of dates in answers; default UTC+8.
	Location *time.Location
	// Now is the clock of the rate limiter; default time.Now.
	Now func() time.Time
}

// Limits of what a client may send.
const (
	maxFormBody      = 1 << 20                                                         // a form without files
	maxMultipartBody = ticket.MaxAttachmentsPerAction*ticket.MaxAttachmentSize + 1<<20 // with files
)

type handler struct {
	cfg     Config
	svc     *o311.Service
	log     *slog.Logger
	limiter *limiter
}

// New returns the handler of everything under cfg.Prefix.
func New(cfg Config) http.Handler {
	if cfg.Prefix == "" {
		cfg.Prefix = "/open311/v2"
	}
	cfg.Prefix = strings.TrimSuffix(cfg.Prefix, "/")
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.EndpointType == "" {
		cfg.EndpointType = "production"
	}
	if cfg.RatePerMinute == 0 {
		cfg.RatePerMinute = o311.DefaultAPIClientRate
	}
	if cfg.Burst == 0 {
		cfg.Burst = 20
	}
	if cfg.AnonymousPerMinute == 0 {
		cfg.AnonymousPerMinute = 600
	}
	if cfg.ClientIP == nil {
		cfg.ClientIP = remoteIP
	}
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("CST", 8*3600)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.KeyService == "" {
		cfg.KeyService = "Reading is open to all. To submit requests, ask the district's administrators for an API key " +
			"(minsheng open311 key NAME) and send it as api_key."
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &handler{cfg: cfg, svc: cfg.Service, log: log, limiter: newLimiter(cfg.Now)}
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// call is one request being served.
type call struct {
	*responder
	h      *handler
	client *store.APIClient // nil without a key
	base   string           // scheme://host + prefix
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, h.cfg.Prefix+"/")
	if !ok {
		rest = ""
	}
	segs := strings.Split(rest, "/")
	last := segs[len(segs)-1]
	suffix := ""
	for _, ext := range []string{".json", ".xml"} {
		if s, ok := strings.CutSuffix(last, ext); ok && s != "" {
			segs[len(segs)-1], suffix = s, ext
		}
	}
	c := &call{
		responder: &responder{w: w, r: r, format: negotiate(r, suffix), lang: language(r), log: h.log},
		h:         h,
	}
	c.base = h.baseURL(r) + h.cfg.Prefix
	if err := c.serve(segs); err != nil {
		c.fail(err)
	}
	if r.MultipartForm != nil {
		r.MultipartForm.RemoveAll()
	}
}

func (h *handler) baseURL(r *http.Request) string {
	if h.cfg.BaseURL != "" {
		return h.cfg.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// negotiate picks the answer's format: the path's suffix, else the Accept
// header, else XML, the spec's required format.
func negotiate(r *http.Request, suffix string) format {
	switch suffix {
	case ".json":
		return formatJSON
	case ".xml":
		return formatXML
	}
	best, bestQ := formatXML, 0.0
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, err := strconv.ParseFloat(params["q"], 64); err == nil {
			q = v
		}
		var f format
		switch {
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			f = formatJSON
		case mt == "text/xml" || mt == "application/xml" || strings.HasSuffix(mt, "+xml"):
			f = formatXML
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = f, q
		}
	}
	return best
}

// language picks zh or en from Accept-Language; zh by default.
func language(r *http.Request) string {
	best, bestQ := "zh", 0.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tag = strings.ToLower(strings.TrimSpace(tag))
		var l string
		switch {
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			l = "en"
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			l = "zh"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// serve checks what every call needs (jurisdiction, key, rate) and routes.
func (c *call) serve(segs []string) error {
	r := c.r
	route, methods := c.route(segs)
	if route == nil {
		return minsheng.Errorf(minsheng.ENOTFOUND, "no such resource: %s; see %s/discovery", r.URL.Path, c.h.cfg.Prefix)
	}
	if !strings.Contains(methods+" ", r.Method+" ") {
		c.w.Header().Set("Allow", methods)
		return errMethod{methods}
	}
	if r.Method == http.MethodPost {
		if err := c.parseBody(); err != nil {
			return err
		}
	}
	if j := strings.TrimSpace(r.FormValue("jurisdiction_id")); j != "" && c.h.cfg.JurisdictionID != "" && j != c.h.cfg.JurisdictionID {
		return minsheng.Errorf(minsheng.ENOTFOUND, "jurisdiction_id %q was not found; this server serves %s", j, c.h.cfg.JurisdictionID)
	}
	if key := r.FormValue("api_key"); key != "" || r.Method == http.MethodPost {
		client, err := c.h.svc.AuthenticateAPIKey(r.Context(), key)
		if err != nil {
			return err
		}
		c.client = client
	}
	if err := c.limit(); err != nil {
		return err
	}
	return route()
}

// route returns the handler of a path and the methods it takes, or nil.
func (c *call) route(segs []string) (func() error, string) {
	switch {
	case len(segs) == 1 && segs[0] == "discovery":
		return c.discovery, "GET HEAD"
	case len(segs) == 1 && segs[0] == "services":
		return c.services, "GET HEAD"
	case len(segs) == 2 && segs[0] == "services" && segs[1] != "":
		return func() error { return c.definition(segs[1]) }, "GET HEAD"
	case len(segs) == 1 && segs[0] == "requests":
		if c.r.Method == http.MethodPost {
			return c.create, "GET HEAD POST"
		}
		return c.requests, "GET HEAD POST"
	case len(segs) == 2 && segs[0] == "requests" && segs[1] != "":
		return func() error { return c.request(segs[1]) }, "GET HEAD"
	case len(segs) == 4 && segs[0] == "requests" && segs[2] == "media":
		return func() error { return c.media(segs[1], segs[3]) }, "GET HEAD"
	case len(segs) == 2 && segs[0] == "tokens" && segs[1] != "":
		return func() error { return c.token(segs[1]) }, "GET HEAD"
	case len(segs) == 1 && segs[0] == "servicerequestupdates":
		if c.r.Method == http.MethodPost {
			return c.postUpdate, "GET HEAD POST"
		}
		return c.updates, "GET HEAD POST"
	}
	return nil, ""
}

// parseBody reads a form: urlencoded, or multipart with files.
func (c *call) parseBody() error {
	r := c.r
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch mt {
	case "multipart/form-data":
		r.Body = http.MaxBytesReader(c.w, r.Body, maxMultipartBody)
		err = r.ParseMultipartForm(1 << 20)
	case "application/x-www-form-urlencoded", "":
		r.Body = http.MaxBytesReader(c.w, r.Body, maxFormBody)
		err = r.ParseForm()
	default:
		return minsheng.Errorf(minsheng.EINVALID, "send the form as application/x-www-form-urlencoded or multipart/form-data, not %s", mt)
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return minsheng.Errorf(minsheng.ETOOLARGE, "the request is larger than %d bytes", tooBig.Limit)
	}
	if err != nil {
		return minsheng.Errorf(minsheng.EINVALID, "the form cannot be read: it is malformed")
	}
	return nil
}

// limit takes a token from the caller's bucket: its client's, or its
// address's. A client's reads (GET and HEAD) are allowed at least the
// anonymous rate, in a bucket of their own: a key never makes reading
// slower than asking without one. Its writes keep the client's rate.
func (c *call) limit() error {
	cfg := c.h.cfg
	key, rate := "ip:"+cfg.ClientIP(c.r), cfg.AnonymousPerMinute
	if c.client != nil {
		key, rate = "client:"+strconv.FormatInt(c.client.ID, 10), cfg.RatePerMinute
		if c.client.RatePerMinute > 0 {
			rate = c.client.RatePerMinute
		}
		if c.r.Method == http.MethodGet || c.r.Method == http.MethodHead {
			key += ":read"
			if cfg.AnonymousPerMinute < 0 {
				rate = -1 // reads without a key are not limited either
			} else {
				rate = max(rate, cfg.AnonymousPerMinute)
			}
		}
	}
	// A burst is ten seconds' worth at the rate, and at least cfg.Burst.
	ok, wait := c.h.limiter.allow(key, rate, max(cfg.Burst, rate/6))
	if ok {
		return nil
	}
	secs := int(math.Ceil(wait.Seconds()))
	c.w.Header().Set("Retry-After", strconv.Itoa(secs))
	return minsheng.Errorf(minsheng.ERATELIMIT, "too many requests: at most %d a minute; try again in %d seconds", rate, secs)
}

// errMethod is a request with a method the resource does not take.
type errMethod struct{ allow string }

func (e errMethod) Error() string {
	return "this resource takes " + strings.ReplaceAll(strings.ReplaceAll(e.allow, " HEAD", ""), " ", " and ")
}

// statusOf maps error codes to the spec's statuses: 404 for what does not
// exist, 403 for a missing or wrong api_key, 429 for too many requests, 400
// for the rest of the client's faults; 503 (with Retry-After) while the
// database cannot be reached, as the JSON API answers.
var statusOf = map[string]int{
	minsheng.EINVALID:      http.StatusBadRequest,
	minsheng.ECONFLICT:     http.StatusBadRequest,
	minsheng.EIDEMPOTENCY:  http.StatusBadRequest,
	minsheng.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	minsheng.ENOTFOUND:     http.StatusNotFound,
	minsheng.EFORBIDDEN:    http.StatusForbidden,
	minsheng.EUNAUTHORIZED: http.StatusForbidden,
	minsheng.ERATELIMIT:    http.StatusTooManyRequests,
	minsheng.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// fail writes an error as the spec's error list. Faults of ours are logged
// and shown only as "internal error" with the request id.
func (c *call) fail(err error) {
	var status int
	var msg string
	var me errMethod
	switch {
	case errors.As(err, &me):
		status, msg = http.StatusMethodNotAllowed, me.Error()
	default:
		var ok bool
		if status, ok = statusOf[minsheng.ErrorCode(err)]; !ok {
			status = http.StatusInternalServerError
		}
		msg = minsheng.ErrorMessage(err)
	}
	if status == http.StatusInternalServerError {
		id := c.w.Header().Get("X-Request-Id")
		c.log.ErrorContext(c.r.Context(), "open311 request failed", "err", err, "method", c.r.Method, "path", c.r.URL.Path)
		msg = "internal error"
		if id != "" {
			msg += " (request id " + id + ")"
		}
	}
	if status == http.StatusServiceUnavailable {
		c.log.WarnContext(c.r.Context(), "open311 request failed: database unavailable", "err", err, "method", c.r.Method, "path", c.r.URL.Path)
		c.w.Header().Set("Retry-After", httpstatus.RetryAfter)
	}
	if status == http.StatusTooManyRequests && c.w.Header().Get("Retry-After") == "" {
		// The client's rate across all servers: a new minute starts soon.
		c.w.Header().Set("Retry-After", strconv.Itoa(60-c.h.cfg.Now().Second()))
	}
	c.w.Header().Set("Cache-Control", "no-store")
	list(c.responder, status, "errors", "error", []errorEntry{{Code: status, Description: msg}})
}

func (c *call) cache(v string) { c.w.Header().Set("Cache-Control", v) }

func (c *call) discovery() error {
	changed, err := c.h.svc.Open311Changed(c.r.Context())
	if err != nil {
		return err
	}
	if changed.IsZero() {
		changed = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	cs := w3c(changed, c.h.cfg.Location)
	contact := c.h.cfg.Contact
	if contact == "" {
		contact = "The district's citizen service hotline."
	}
	c.cache("public, max-age=300")
	c.one(http.StatusOK, discovery{
		Changeset: cs, Contact: contact, KeyService: c.h.cfg.KeyService,
		Endpoints: []endpoint{{
			Specification: "http://wiki.open311.org/GeoReport_v2", URL: c.base, Changeset: cs,
			Type: c.h.cfg.EndpointType, Formats: []string{"text/xml", "application/json"},
		}},
	})
	return nil
}

// name picks the English name when asked for and there is one.
func (c *call) name(zh, en string) string {
	if c.lang == "en" && en != "" {
		return en
	}
	return zh
}

func (c *call) serviceOf(s o311.Open311Service) service {
	name := c.name(s.Category.Name, s.Category.NameEN)
	group := c.name(s.Group.Name, s.Group.NameEN)
	desc := s.Description
	if desc == "" && s.Group.ID != s.Category.ID {
		desc = group + " › " + name
	}
	var kw []string
	for _, k := range []string{s.Category.Name, s.Category.NameEN, s.Group.Name, s.Group.NameEN} {
		if k != "" && k != name && !contains(kw, k) {
			kw = append(kw, k)
		}
	}
	return service{
		Code: s.Category.Code, Name: name, Description: str(desc), Metadata: s.Attributes > 0, Type: "realtime",
		Keywords: str(strings.Join(kw, ", ")), Group: str(group),
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (c *call) services() error {
	ss, err := c.h.svc.Open311Services(c.r.Context())
	if err != nil {
		return err
	}
	out := make([]service, len(ss))
	for i, s := range ss {
		out[i] = c.serviceOf(s)
	}
	c.cache("public, max-age=60")
	list(c.responder, http.StatusOK, "services", "service", out)
	return nil
}

func (c *call) definition(code string) error {
	_, attrs, err := c.h.svc.Open311ServiceDefinition(c.r.Context(), code)
	if err != nil {
		return err
	}
	d := serviceDefinition{ServiceCode: code, Attributes: make([]attribute, 0, len(attrs))}
	for _, a := range attrs {
		at := attribute{
			Variable: a.Variable, Code: a.Code, Datatype: a.Datatype, Required: a.Required, Order: a.Order,
			DatatypeDescription: str(c.name(a.DatatypeDescription, a.DatatypeDescriptionEN)),
			Description:         c.name(a.Description, a.DescriptionEN),
		}
		for _, v := range a.Values {
			at.Values = append(at.Values, attrValue{Key: v.Key, Name: c.name(v.Name, v.NameEN)})
		}
		d.Attributes = append(d.Attributes, at)
	}
	c.cache("public, max-age=60")
	c.one(http.StatusOK, d)
	return nil
}

// floatParam reads an optional number.
func (c *call) floatParam(name string) (*float64, error) {
	v := strings.TrimSpace(c.r.FormValue(name))
	if v == "" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return nil, minsheng.FieldError(name, "%s must be a number, not %q", name, v)
	}
	return &f, nil
}

// attributes gathers attribute[CODE] and attribute[CODE][] values.
func (c *call) attributes() map[string][]string {
	out := map[string][]string{}
	for k, vs := range c.r.Form {
		code, ok := strings.CutPrefix(k, "attribute[")
		if !ok {
			continue
		}
		code = strings.TrimSuffix(code, "[]")
		code, ok = strings.CutSuffix(code, "]")
		if !ok || code == "" {
			continue
		}
		out[code] = append(out[code], vs...)
	}
	return out
}

// fileCount tells how many files were sent as media.
func (c *call) fileCount() int {
	if c.r.MultipartForm == nil {
		return 0
	}
	return len(c.r.MultipartForm.File["media"]) + len(c.r.MultipartForm.File["media[]"])
}

// uploads stores the files sent as media.
func (c *call) uploads() ([]app.Upload, error) {
	if c.r.MultipartForm == nil {
		return nil, nil
	}
	var out []app.Upload
	for _, field := range []string{"media", "media[]"} {
		for _, fh := range c.r.MultipartForm.File[field] {
			if len(out) == ticket.MaxAttachmentsPerAction {
				return nil, minsheng.FieldError("media", "at most %d files at a time", ticket.MaxAttachmentsPerAction)
			}
			f, err := fh.Open()
			if err != nil {
				return nil, fmt.Errorf("open upload: %w", err)
			}
			up, err := c.h.svc.PutUpload(fh.Filename, f)
			f.Close()
			if err != nil {
				var e *minsheng.Error
				if errors.As(err, &e) && e.Field == "file" {
					e2 := *e
					e2.Field = "media"
					return nil, &e2
				}
				return nil, err
			}
			out = append(out, up)
		}
	}
	return out, nil
}

func (c *call) create() error {
	r := c.r
	lat, err := c.floatParam("lat")
	if err != nil {
		return err
	}
	long, err := c.floatParam("long")
	if err != nil {
		return err
	}
	in := o311.Open311Submission{
		ServiceCode: r.FormValue("service_code"), Lat: lat, Long: long,
		AddressString: r.FormValue("address_string"), AddressID: r.FormValue("address_id"),
		Description: r.FormValue("description"), Email: r.FormValue("email"), Phone: r.FormValue("phone"),
		FirstName: r.FormValue("first_name"), LastName: r.FormValue("last_name"), DeviceID: r.FormValue("device_id"),
		AccountID: r.FormValue("account_id"), MediaURL: r.FormValue("media_url"), Attributes: c.attributes(),
		IdempotencyKey: r.Header.Get("Idempotency-Key"),
	}
	// Check the request before storing its files: a bad request stores
	// nothing. SubmitOpen311Request checks again, with the files.
	if err := c.h.svc.CheckOpen311Request(r.Context(), c.client, in); err != nil {
		return err
	}
	files, err := c.uploads()
	if err != nil {
		return err
	}
	rc, err := c.h.svc.SubmitOpen311Request(r.Context(), c.client, in, files...)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !rc.Created {
		status = http.StatusOK
		c.w.Header().Set("Idempotent-Replayed", "true")
	}
	c.w.Header().Set("Location", c.base+"/requests/"+rc.Number+c.ext())
	c.cache("no-store")
	list(c.responder, status, "service_requests", "request", []created{{
		ServiceRequestID: rc.Number, Token: rc.Token, ServiceNotice: str(c.replyNotice(rc.ReplyWithin)), AccountID: str(rc.AccountID),
	}})
	return nil
}

func (c *call) ext() string {
	if c.format == formatJSON {
		return ".json"
	}
	return ".xml"
}

func (c *call) replyNotice(s ticket.Span) string {
	if c.lang == "en" {
		if s.Hours > 0 {
			return fmt.Sprintf("The office in charge will reply within %d hours of receiving it.", s.Hours)
		}
		return fmt.Sprintf("The office in charge will reply within %d working days of receiving it.", s.WorkingDays)
	}
	if s.Hours > 0 {
		return fmt.Sprintf("承办单位将在收到后%d小时内答复。", s.Hours)
	}
	return fmt.Sprintf("承办单位将在收到后%d个工作日内答复。", s.WorkingDays)
}

func (c *call) token(tok string) error {
	n, err := c.h.svc.Open311TokenRequest(c.r.Context(), tok)
	if err != nil {
		return err
	}
	c.cache("no-store")
	list(c.responder, http.StatusOK, "service_requests", "request", []tokenAnswer{{ServiceRequestID: n, Token: tok}})
	return nil
}

// split reads a parameter that may be repeated and comma-separated.
func (c *call) split(name string) []string {
	var out []string
	for _, v := range c.r.Form[name] {
		for _, x := range strings.Split(v, ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
	}
	return out
}

func (c *call) timeParam(name string) (*time.Time, error) {
	v := strings.TrimSpace(c.r.FormValue(name))
	if v == "" {
		return nil, nil
	}
	t, err := o311.ParseW3CTime(v)
	if err != nil {
		return nil, minsheng.FieldError(name, "%s must be a W3C date and time with a time zone, such as 2026-03-02T00:00:00+08:00 or 2026-03-01T16:00:00Z, not %q", name, v)
	}
	return &t, nil
}

func (c *call) intParam(name string) (int, error) {
	v := strings.TrimSpace(c.r.FormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, minsheng.FieldError(name, "%s must be a positive whole number, not %q", name, v)
	}
	return n, nil
}

func (c *call) boolParam(name string) (bool, error) {
	v := strings.TrimSpace(c.r.FormValue(name))
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(strings.ToLower(v))
	if err != nil {
		return false, minsheng.FieldError(name, "%s must be true or false, not %q", name, v)
	}
	return b, nil
}

func (c *call) requests() error {
	var q o311.PublicRequestQuery
	var err error
	q.Numbers, q.ServiceCodes, q.Statuses = c.split("service_request_id"), c.split("service_code"), c.split("status")
	for _, p := range []struct {
		name string
		dst  **time.Time
	}{{"start_date", &q.Start}, {"end_date", &q.End}, {"updated_after", &q.UpdatedAfter}, {"updated_before", &q.UpdatedBefore}} {
		if *p.dst, err = c.timeParam(p.name); err != nil {
			return err
		}
	}
	if q.Page, err = c.intParam("page"); err != nil {
		return err
	}
	if q.PageSize, err = c.intParam("page_size"); err != nil {
		return err
	}
	lat, err := c.floatParam("lat")
	if err != nil {
		return err
	}
	long, err := c.floatParam("long")
	if err != nil {
		return err
	}
	radius, err := c.floatParam("radius")
	if err != nil {
		return err
	}
	if (lat == nil) != (long == nil) || (radius != nil && lat == nil) {
		return minsheng.FieldError("lat", "lat and long are needed together, and radius needs them")
	}
	if lat != nil {
		r := 1000.0
		if radius != nil {
			r = *radius
		}
		q.Near = &store.Circle{Lat: *lat, Lng: *long, Radius: r}
	}
	ext, err := c.boolParam("extensions")
	if err != nil {
		return err
	}
	page, err := c.h.svc.PublicRequests(c.r.Context(), q)
	if err != nil {
		return err
	}
	out := make([]request, len(page.Requests))
	for i := range page.Requests {
		out[i] = c.requestOf(&page.Requests[i], ext)
	}
	if page.More {
		c.w.Header().Set("Link", "<"+c.nextPage(q)+`>; rel="next"`)
	}
	c.cache("no-cache")
	list(c.responder, http.StatusOK, "service_requests", "request", out)
	return nil
}

// nextPage is the URL of the page after this one.
func (c *call) nextPage(q o311.PublicRequestQuery) string {
	v := url.Values{}
	for k, vs := range c.r.URL.Query() {
		v[k] = vs
	}
	v.Set("page", strconv.Itoa(max(q.Page, 1)+1))
	return c.base + "/requests" + c.ext() + "?" + v.Encode()
}

func (c *call) request(id string) error {
	ext, err := c.boolParam("extensions")
	if err != nil {
		return err
	}
	r, err := c.h.svc.PublicRequest(c.r.Context(), id)
	if err != nil {
		return err
	}
	c.cache("no-cache")
	list(c.responder, http.StatusOK, "service_requests", "request", []request{c.requestOf(r, ext)})
	return nil
}

func (c *call) mediaURL(number string, id int64) string {
	return c.base + "/requests/" + url.PathEscape(number) + "/media/" + strconv.FormatInt(id, 10)
}

func (c *call) requestOf(r *o311.PublicRequest, ext bool) request {
	loc := c.h.cfg.Location
	var media []string
	for _, m := range r.Media {
		media = append(media, c.mediaURL(r.Number, m.ID))
	}
	first := r.MediaURL
	if len(media) > 0 {
		first = media[0]
	}
	out := request{
		ServiceRequestID: r.Number, Status: o311.Open311Status(r.Status), StatusNotes: str(c.statusNotes(r)),
		ServiceName: str(c.name(r.ServiceName, r.ServiceNameEN)), ServiceCode: r.ServiceCode, Description: str(r.Description),
		AgencyResponsible: str(r.Agency), RequestedDatetime: w3c(r.RequestedAt, loc), UpdatedDatetime: optTime(&r.UpdatedAt, loc),
		ExpectedDatetime: optTime(r.ExpectedAt, loc), Address: str(r.Address), AddressID: str(r.AddressID),
		Lat: num(r.Lat), Long: num(r.Long), MediaURL: str(first),
	}
	if !ext {
		return out
	}
	x := &extended{DetailedStatus: string(r.Status), Title: str(r.Title), Group: str(c.name(r.Group, r.GroupEN)),
		DuplicateOf: str(r.Parent), MediaURLs: []string{}, Notes: []note{}}
	if r.MediaURL != "" {
		x.MediaURLs = append(x.MediaURLs, r.MediaURL)
	}
	x.MediaURLs = append(x.MediaURLs, media...)
	for _, n := range r.Notes {
		x.Notes = append(x.Notes, c.noteOf(&n))
	}
	out.Extended = x
	return out
}

func (c *call) noteOf(n *o311.PublicNote) note {
	out := note{
		UpdateID: n.UpdateID(), Datetime: w3c(n.At, c.h.cfg.Location), Status: o311.Open311Status(n.Status),
		DetailedStatus: string(n.Status), Action: string(n.Action), AgencyResponsible: str(n.Unit),
		Description: c.noteText(n), MediaURLs: []string{},
	}
	for _, m := range n.Media {
		out.MediaURLs = append(out.MediaURLs, c.mediaURL(n.Number, m.ID))
	}
	return out
}

// statusNotes explains a request's status: the reply once there is one,
// the request it duplicates, or where it stands.
func (c *call) statusNotes(r *o311.PublicRequest) string {
	en := c.lang == "en"
	switch r.Status {
	case ticket.StatusMerged:
		if en {
			return "Duplicate of request " + r.Parent + "; it is handled there."
		}
		return "重复诉求，已并入" + r.Parent + "一并办理。"
	case ticket.StatusReplied, ticket.StatusResolvedAtIntake, ticket.StatusClosed:
		if r.Reply != "" {
			return r.Reply
		}
		if en {
			return "The office in charge has replied."
		}
		return "承办单位已办结答复。"
	case ticket.StatusRegistered:
		if en {
			return "Received; it will be sent to the office in charge."
		}
		return "已受理，待派单。"
	case ticket.StatusDispatched:
		if en {
			return "Sent to " + r.Agency + "."
		}
		return "已派至" + r.Agency + "。"
	case ticket.StatusAcknowledged:
		if en {
			return r.Agency + " is working on it."
		}
		return r.Agency + "正在办理。"
	case ticket.StatusReturned:
		if en {
			return "Being passed to another office."
		}
		return "正在重新派单。"
	case ticket.StatusReopened:
		if en {
			return "Reopened: it is being handled again."
		}
		return "重新办理中。"
	}
	return ""
}

// noteText tells what a step of the history did.
func (c *call) noteText(n *o311.PublicNote) string {
	if n.Text != "" {
		return n.Text
	}
	en := c.lang == "en"
	pick := func(zh, e string) string {
		if en {
			return e
		}
		return zh
	}
	switch n.Action {
	case ticket.ActionRegister:
		return pick("已受理。", "Received.")
	case ticket.ActionDispatch, ticket.ActionRedispatch:
		return pick("已派至"+n.Unit+"。", "Sent to "+n.Unit+".")
	case ticket.ActionAcknowledge:
		return pick(n.Unit+"已签收，正在办理。", n.Unit+" has taken it on.")
	case ticket.ActionReply, ticket.ActionResolveAtIntake:
		return pick("已办结答复。", "Answered.")
	case ticket.ActionClose:
		return pick("已结案。", "Closed.")
	case ticket.ActionReopen:
		return pick("重新办理。", "Reopened.")
	case ticket.ActionMerge:
		if n.Parent != "" {
			return pick("重复诉求，已并入"+n.Parent+"。", "Duplicate; merged into request "+n.Parent+".")
		}
		return pick("重复诉求"+n.Child+"已并入本件。", "Request "+n.Child+" was merged into this one.")
	case ticket.ActionAttach:
		return pick("市民补充了情况。", "The resident added information.")
	}
	return ""
}

// extendedStatus is the status of an update in FixMyStreet's extended set.
func extendedStatus(s ticket.Status) string {
	switch s {
	case ticket.StatusRegistered:
		return "open"
	case ticket.StatusDispatched, ticket.StatusReturned:
		return "investigating"
	case ticket.StatusAcknowledged:
		return "in_progress"
	case ticket.StatusReplied, ticket.StatusResolvedAtIntake, ticket.StatusClosed:
		return "fixed"
	case ticket.StatusReopened:
		return "reopen"
	case ticket.StatusMerged:
		return "duplicate"
	}
	return "closed"
}

func (c *call) updateOf(n *o311.PublicNote) requestUpdate {
	media := ""
	if len(n.Media) > 0 {
		media = c.mediaURL(n.Number, n.Media[0].ID)
	}
	return requestUpdate{
		UpdateID: n.UpdateID(), ServiceRequestID: n.Number, Status: extendedStatus(n.Status),
		UpdatedDatetime: w3c(n.At, c.h.cfg.Location), Description: c.noteText(n), MediaURL: media,
		ExternalStatusCode: string(n.Status),
	}
}

func (c *call) updates() error {
	var q o311.PublicUpdateQuery
	var err error
	q.Numbers = c.split("service_request_id")
	if q.Start, err = c.timeParam("start_date"); err != nil {
		return err
	}
	if q.End, err = c.timeParam("end_date"); err != nil {
		return err
	}
	if q.Page, err = c.intParam("page"); err != nil {
		return err
	}
	if q.PageSize, err = c.intParam("page_size"); err != nil {
		return err
	}
	page, err := c.h.svc.PublicUpdates(c.r.Context(), q)
	if err != nil {
		return err
	}
	out := make([]requestUpdate, len(page.Updates))
	for i := range page.Updates {
		out[i] = c.updateOf(&page.Updates[i])
	}
	if page.More {
		v := url.Values{}
		for k, vs := range c.r.URL.Query() {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(max(q.Page, 1)+1))
		c.w.Header().Set("Link", "<"+c.base+"/servicerequestupdates"+c.ext()+"?"+v.Encode()+`>; rel="next"`)
	}
	c.cache("no-cache")
	list(c.responder, http.StatusOK, "service_requests_updates", "request_update", out)
	return nil
}

func (c *call) postUpdate() error {
	r := c.r
	in := o311.Open311UpdateInput{
		Number: r.FormValue("service_request_id"), Description: r.FormValue("description"),
		UpdateID: firstNonEmpty(r.FormValue("update_id"), r.FormValue("update_id_ext")), Status: r.FormValue("status"),
		MediaURL: r.FormValue("media_url"),
	}
	// As for requests: check before storing files.
	if err := c.h.svc.CheckOpen311Update(r.Context(), c.client, in, c.fileCount()); err != nil {
		return err
	}
	files, err := c.uploads()
	if err != nil {
		return err
	}
	n, err := c.h.svc.PostOpen311Update(r.Context(), c.client, in, files...)
	if err != nil {
		return err
	}
	c.cache("no-store")
	list(c.responder, http.StatusOK, "service_request_updates", "request_update", []updateCreated{{UpdateID: n.UpdateID()}})
	return nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func (c *call) media(number, idText string) error {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return minsheng.Errorf(minsheng.ENOTFOUND, "file %q not found", idText)
	}
	a, rd, err := c.h.svc.OpenPublicMedia(c.r.Context(), number, id)
	if err != nil {
		return err
	}
	defer rd.Close()
	h := c.w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": a.Name}))
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("Access-Control-Allow-Origin", "*")
	http.ServeContent(c.w, c.r, "", a.CreatedAt, rd)
	return nil
}
