package ui

import (
	"errors"
	"strings"

	"github.com/minsheng/minsheng"
)

// How the pages word an error. An application error carries an English
// message (for the JSON API and the logs), a code, and often the field at
// fault and a reason; a page never shows the English message on a Chinese
// page but words the error in its own language, from the most precise
// text the catalogue holds:
//
//  1. the reason's text ("why.phone_required"), which may name the field
//     ("why.too_long": "「%s」太长");
//  2. on English pages, the error's own message (it is English already);
//  3. the code's text about the field ("err.invalid.field": "请检查「%s」"),
//     when the catalogue names the field ("field.caller_phone": 电话);
//  4. the code's text alone ("err.invalid.any").
//
// Reasons and field names are stable keys: a test checks that every
// reason and every literal field of the code base has its text.

// errorOf returns the application error in err's chain, or nil.
func errorOf(err error) *minsheng.Error {
	var e *minsheng.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Say words an error in the page's language. Faults of ours say only
// "internal error".
func (p *page) Say(err error) string {
	e := errorOf(err)
	if e == nil || e.Code == minsheng.EINTERNAL {
		return p.T("err.internal.any")
	}
	label := p.fieldLabel(e.Field)
	if e.Reason != "" && p.has("why."+e.Reason) {
		if strings.Contains(p.T("why."+e.Reason), "%") {
			if label == "" {
				label = p.T("field.any")
			}
			return p.T("why."+e.Reason, label)
		}
		return p.T("why." + e.Reason)
	}
	if p.Lang == "en" && e.Message != "" {
		return upperFirst(e.Message)
	}
	if label != "" && p.has("err."+e.Code+".field") {
		return p.T("err."+e.Code+".field", label)
	}
	if p.has("err." + e.Code + ".any") {
		return p.T("err." + e.Code + ".any")
	}
	return p.T("err.internal.any")
}

// sayDetail words an error for the error page, below its title and help:
// "" when it would only repeat them (no reason, no field it can name, on
// a Chinese page).
func (p *page) sayDetail(err error) string {
	e := errorOf(err)
	if e == nil || e.Code == minsheng.EINTERNAL {
		return ""
	}
	if p.Lang != "en" && (e.Reason == "" || !p.has("why."+e.Reason)) && p.fieldLabel(e.Field) == "" {
		return ""
	}
	return p.Say(err)
}

// fieldLabel names an input field in the page's language, or "" when the
// catalogue does not know it. Fields of lists ("holidays[2].first") and
// of attributes ("attribute[floor]") are named by their stem.
func (p *page) fieldLabel(field string) string {
	if field == "" {
		return ""
	}
	stem := field
	if i := strings.IndexAny(stem, "[."); i > 0 {
		stem = stem[:i]
	}
	stem = strings.ToLower(stem)
	if p.has("field." + stem) {
		return p.T("field." + stem)
	}
	return ""
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
