package open311_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/minsheng/minsheng/app/apptest"
	"github.com/minsheng/minsheng/app/kit"
	o311 "github.com/minsheng/minsheng/app/open311"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/web/open311"
)

var ctx = context.Background()

// pngBytes is a real 1×1 PNG image.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cb\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")

const base = "https://12345.example.gov.cn"

// env is the fixture district behind the Open311 handler, with a client
// key and a service with an attribute of every datatype.
type env struct {
	f   *apptest.Fixture
	h   http.Handler
	key string
}

func newEnv(t *testing.T, db *store.DB, edit ...func(*open311.Config)) *env {
	t.Helper()
	f := apptest.New(t, db)
	cfg := open311.Config{Service: o311.New(f.Svc.Kit(), f.Svc), BaseURL: base, JurisdictionID: "chengxi.gov.cn", Contact: "6112345",
		Logger: slog.New(slog.DiscardHandler), Now: f.Clock.Now}
	for _, e := range edit {
		e(&cfg)
	}
	e := &env{f: f, h: open311.New(cfg)}
	k, err := o311.New(f.Svc.Kit(), f.Svc).CreateAPIClient(ctx, kit.System(), o311.NewAPIClient{Name: "FixMyStreet"})
	if err != nil {
		t.Fatal(err)
	}
	e.key = k.Key
	no := false
	for _, d := range []o311.AttributeInput{
		{Code: "building", Datatype: "string", Required: true, Description: "楼号", DescriptionEN: "Building", DatatypeDescription: "如：3号楼"},
		{Code: "floors", Datatype: "number", Description: "停运楼层数"},
		{Code: "since", Datatype: "datetime", Description: "何时开始停运"},
		{Code: "detail", Datatype: "text", Description: "补充说明"},
		{Code: "kind", Datatype: "singlevaluelist", Required: true, Description: "问题类型", DescriptionEN: "Problem", Values: []store.AttributeValue{
			{Key: "stopped", Name: "停运", NameEN: "Stopped"}, {Key: "noisy", Name: "异响", NameEN: "Noisy"}}},
		{Code: "who", Datatype: "multivaluelist", Description: "受影响人群", Values: []store.AttributeValue{
			{Key: "elderly", Name: "老人"}, {Key: "children", Name: "儿童"}}},
		{Code: "notice", Datatype: "text", Variable: &no, Description: "电梯困人请直接拨打119。"},
	} {
		if _, err := o311.New(f.Svc.Kit(), f.Svc).CreateCategoryAttribute(ctx, kit.System(), f.Category.Code, d); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// res is an answer of the handler.
type res struct {
	status int
	hdr    http.Header
	body   []byte
}

func (r *res) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// do sends a request; body is nil, url.Values (a urlencoded form) or a
// *form (multipart). hdr holds header name/value pairs.
func (e *env) do(t *testing.T, method, path string, body any, hdr ...string) *res {
	t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded; charset=utf-8"
	case *form:
		rd, ct = bytes.NewReader(b.buf.Bytes()), b.w.FormDataContentType()
	case string:
		rd = strings.NewReader(b)
	default:
		t.Fatalf("body %T", body)
	}
	req := httptest.NewRequest(method, path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return &res{status: rec.Code, hdr: rec.Header(), body: rec.Body.Bytes()}
}

// form is a multipart form being built.
type form struct {
	buf bytes.Buffer
	w   *multipart.Writer
}

func multipartForm(t *testing.T, v url.Values, files map[string][]byte) *form {
	t.Helper()
	f := &form{}
	f.w = multipart.NewWriter(&f.buf)
	for k, vs := range v {
		for _, x := range vs {
			if err := f.w.WriteField(k, x); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, b := range files {
		fw, err := f.w.CreateFormFile("media", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(b)
	}
	if err := f.w.Close(); err != nil {
		t.Fatal(err)
	}
	return f
}

func mustStatus(t *testing.T, r *res, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
}

// node is an XML element with its children, for checking answers element
// by element.
type node struct {
	Name     string
	Text     string
	Children []*node
}

func (n *node) child(name string) *node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (n *node) names() []string {
	out := make([]string, len(n.Children))
	for i, c := range n.Children {
		out[i] = c.Name
	}
	return out
}

func (n *node) text(name string) string {
	if c := n.child(name); c != nil {
		return c.Text
	}
	return ""
}

// parseXML parses a document with its declaration into a tree, failing on
// namespaces (the spec's XML has none) and attributes.
func parseXML(t *testing.T, b []byte) *node {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(`<?xml version="1.0" encoding="utf-8"?>`)) {
		t.Fatalf("no XML declaration with encoding utf-8: %.80s", b)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	var stack []*node
	var root *node
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("bad XML: %v\n%s", err, b)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Space != "" || len(tok.Attr) > 0 {
				t.Fatalf("element %v has a namespace or attributes", tok.Name)
			}
			n := &node{Name: tok.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tok)
			}
		}
	}
	if root == nil {
		t.Fatalf("empty XML document")
	}
	trim(root)
	return root
}

func trim(n *node) {
	if len(n.Children) > 0 {
		n.Text = ""
	}
	for _, c := range n.Children {
		trim(c)
	}
}
