package ui

import (
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
)

// This file holds the shape the form handlers of the capabilities' pages
// share (employ, finance, grids, rides): read the form, run the use case,
// and send the browser where it leads; when what was refused is the
// user's to correct, draw the page again with the error beside the form
// and what was typed kept.

// sentForm is a form sent to a page, as its handler reads it.
type sentForm struct {
	// Action names the form in the templates: a refusal is shown beside
	// it. The use case may rename it (a form a row: "check:12").
	Action string
	Vals   url.Values
	Files  []*multipart.FileHeader
}

// forms answers the forms of a capability's pages, which embed it.
type forms struct {
	*UI
	// flat answers every refusal with 400 whatever its code (the finance
	// and ride pages, whose clients rely on it); otherwise a refusal is
	// answered with its code's status (formStatus).
	flat bool
}

// submit is the shape of a form handler: read the form, run the use case
// and redirect to the address it returns; a refusal the user can correct
// draws page again with the form's error (redraw). Other errors are
// returned as they are.
func (u forms) submit(w http.ResponseWriter, r *http.Request, me *org.User, page formPage, action string, run func(f *sentForm) (string, error)) error {
	vals, files, err := u.parseForm(w, r)
	if err != nil {
		return err
	}
	f := &sentForm{Action: action, Vals: vals, Files: files}
	to, err := run(f)
	if err != nil {
		return u.redraw(page, w, r, me, f.Action, err, vals)
	}
	redirect(w, r, to)
	return nil
}

// redraw answers a refused form with its page again, the error beside
// the form of the action (worded by page.Say) and what was typed kept;
// errors the user cannot correct are returned as they are.
func (u forms) redraw(page formPage, w http.ResponseWriter, r *http.Request, me *org.User, action string, err error, vals url.Values) error {
	form, err := refusal(action, err, vals)
	if err != nil {
		return err
	}
	status := http.StatusBadRequest
	if !u.flat {
		status = formStatus(form)
	}
	return page(w, r, me, status, form)
}

// refusal returns the refused form of an error the user can correct:
// invalid input, a state that changed under them, an action their role
// may not take, a limit reached. Other errors (not found, faults) are
// returned as they are.
func refusal(action string, err error, vals url.Values) (*formState, error) {
	if e := errorOf(err); e != nil {
		switch e.Code {
		case minsheng.EINVALID, minsheng.ECONFLICT, minsheng.EFORBIDDEN, minsheng.ERATELIMIT:
			return &formState{Action: action, Field: e.Field, Err: err, Values: vals}, nil
		}
	}
	return nil, err
}

// formStatus is the status of a page drawn after a refused form: the
// code's own (400 for invalid input); 200 without one.
func formStatus(form *formState) int {
	if form == nil {
		return http.StatusOK
	}
	switch minsheng.ErrorCode(form.Err) {
	case minsheng.ECONFLICT:
		return http.StatusConflict
	case minsheng.EFORBIDDEN:
		return http.StatusForbidden
	case minsheng.ERATELIMIT:
		return http.StatusTooManyRequests
	}
	return http.StatusBadRequest
}
