package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app"
	"github.com/minsheng/minsheng/ticket"
)

// Limits of multipart uploads.
const (
	// MaxUploadBody is the largest multipart body: the most files one
	// action takes, each at its largest, and room for the text fields.
	MaxUploadBody = ticket.MaxAttachmentsPerAction*ticket.MaxAttachmentSize + MaxBody
	// maxFormField is the longest text field of a multipart body, in bytes
	// (4000 characters of Chinese are 12,000).
	maxFormField = 64 << 10
	// uploadTime is how long a client may take to send an upload: a
	// phone on a slow network needs more than the server's usual timeouts.
	uploadTime = 15 * time.Minute
)

// isMultipart reports whether the request carries multipart/form-data.
func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}

// form is a multipart body read: its text fields, and its "file" parts,
// already in the blob store.
type form struct {
	values map[string]string
	files  []app.Upload
}

// readForm reads a multipart/form-data body part by part. Text fields must
// be among names, each given once; every "file" part is streamed into the
// blob store as it arrives (PutUpload checks its size and that it is a
// photo or a PDF by its content), so no file is held in memory. Files
// stored before a later part is refused stay in the store, unreferenced.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request, names ...string) (*form, error) {
	if !isMultipart(r) {
		return nil, minsheng.Errorf(minsheng.EINVALID, "Content-Type must be multipart/form-data, not %q", r.Header.Get("Content-Type"))
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(uploadTime)) // not every ResponseWriter supports deadlines
	rc.SetWriteDeadline(time.Now().Add(uploadTime + time.Minute))
	r.Body = http.MaxBytesReader(w, r.Body, MaxUploadBody)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, minsheng.Errorf(minsheng.EINVALID, "malformed multipart body")
	}
	f := &form{values: map[string]string{}}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return f, nil
		}
		if err != nil {
			return nil, formError(err)
		}
		err = f.read(s.svc, p.FormName(), p.FileName(), p, names)
		p.Close()
		if err != nil {
			return nil, err
		}
	}
}

// read takes one part of the body.
func (f *form) read(svc *app.Service, name, filename string, p io.Reader, names []string) error {
	body := &readErr{r: p}
	if name == "file" {
		if len(f.files) == ticket.MaxAttachmentsPerAction {
			return minsheng.FieldError("file", "at most %d files at a time", ticket.MaxAttachmentsPerAction)
		}
		up, err := svc.PutUpload(filename, body)
		switch {
		case body.err != nil:
			return formError(body.err)
		case minsheng.IsCode(err, minsheng.EINVALID):
			return minsheng.FieldError("file", "%s", minsheng.ErrorMessage(err))
		case err != nil:
			return err
		}
		f.files = append(f.files, up)
		return nil
	}
	switch {
	case !slices.Contains(names, name):
		return minsheng.FieldError(name, "unknown form field %q", name)
	case filename != "":
		return minsheng.FieldError(name, "%s is a text field, not a file; send files as \"file\"", name)
	}
	if _, ok := f.values[name]; ok {
		return minsheng.FieldError(name, "form field %q appears twice", name)
	}
	b, err := io.ReadAll(io.LimitReader(body, maxFormField+1))
	if err != nil {
		return formError(err)
	}
	if len(b) > maxFormField {
		return minsheng.FieldError(name, "%s is longer than %d bytes", name, maxFormField)
	}
	if !utf8.Valid(b) {
		return minsheng.FieldError(name, "%s must be UTF-8 text", name)
	}
	f.values[name] = string(b)
	return nil
}

// readErr remembers an error in reading the request, so that it is told
// apart from an error in storing what was read.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		e.err = err
	}
	return n, err
}

// formError turns an error in reading a multipart body into a problem.
func formError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return minsheng.Errorf(minsheng.ETOOLARGE, "the body is larger than %d MiB", tooBig.Limit>>20)
	}
	return minsheng.Errorf(minsheng.EINVALID, "malformed multipart body")
}

// sendFile serves the attachment that open finds by the path's id.
func sendFile(w http.ResponseWriter, r *http.Request, open func(id int64) (*ticket.Attachment, io.ReadSeekCloser, error)) error {
	id, err := pathID(r, "id", "file")
	if err != nil {
		return err
	}
	a, f, err := open(id)
	if err != nil {
		return err
	}
	serveFile(w, r, a, f)
	return nil
}

// serveFile sends a stored attachment. The type is the one sniffed from
// the content when it was stored; nosniff and a sandbox CSP keep a browser
// from running anything in it; photos are shown inline, other files
// downloaded. ServeContent answers ranges and conditional requests.
func serveFile(w http.ResponseWriter, r *http.Request, a *ticket.Attachment, f io.ReadSeekCloser) {
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("ETag", `"`+a.SHA256+`"`)
	disposition := "attachment"
	if strings.HasPrefix(a.ContentType, "image/") {
		disposition = "inline"
	}
	h.Set("Content-Disposition", contentDisposition(disposition, a.Name))
	http.ServeContent(w, r, "", a.CreatedAt, f)
}

// contentDisposition gives the file name twice: as ASCII for old clients,
// and in full as an RFC 5987 filename*.
func contentDisposition(disposition, name string) string {
	var ascii, ext strings.Builder
	for _, c := range name {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			ascii.WriteByte('_')
		} else {
			ascii.WriteRune(c)
		}
	}
	for _, b := range []byte(name) {
		if isAttrChar(b) {
			ext.WriteByte(b)
		} else {
			fmt.Fprintf(&ext, "%%%02X", b)
		}
	}
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, disposition, ascii.String(), ext.String())
}

// isAttrChar reports whether RFC 5987 lets the byte stand unencoded.
func isAttrChar(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0
}
