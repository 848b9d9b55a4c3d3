package web

import (
	"net/http"
)

// hstsMaxAge is the Strict-Transport-Security sent when the public URL is
// https: a year, the usual value; subdomains are left out, since a
// government domain's other sites are not ours to pin.
const hstsMaxAge = "max-age=31536000"

// withHTTPS is the middleware for a server whose public URL is https. The
// TLS may end at a proxy in front, so the request's own r.TLS says nothing:
// every answer gets Strict-Transport-Security, and every cookie any handler
// sets (the session, the pages' CSRF cookie, a capability's) is made
// Secure, so that a browser never sends it over plain HTTP.
func withHTTPS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", hstsMaxAge)
		next.ServeHTTP(&secureCookieWriter{ResponseWriter: w}, r)
	})
}

// secureCookieWriter adds the Secure attribute to the Set-Cookie headers
// when the header is written.
type secureCookieWriter struct {
	http.ResponseWriter
	done bool
}

func (w *secureCookieWriter) secure() {
	if w.done {
		return
	}
	w.done = true
	h := w.Header()
	for i, line := range h["Set-Cookie"] {
		c, err := http.ParseSetCookie(line)
		if err != nil || c.Secure {
			continue
		}
		c.Secure = true
		if s := c.String(); s != "" {
			h["Set-Cookie"][i] = s
		}
	}
}

func (w *secureCookieWriter) WriteHeader(code int) {
	if code >= 200 {
		w.secure()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *secureCookieWriter) Write(b []byte) (int, error) {
	w.secure()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (Flush, deadlines).
func (w *secureCookieWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
