package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// newToken is the answer to creating an API token: the token and its
// secret, shown this once.
type newToken struct {
	*store.APIToken
	Token string `json:"token"`
}

func (s *Server) listAPITokens(w http.ResponseWriter, r *http.Request) error {
	return answer(w, r, http.StatusOK, func(u *org.User) ([]*store.APIToken, error) {
		return s.svc.ListAPITokens(r.Context(), u, r.PathValue("username"))
	})
}

func (s *Server) createAPIToken(w http.ResponseWriter, r *http.Request) error {
	type in struct {
		Name      string     `json:"name"`
		ExpiresAt *time.Time `json:"expires_at"`
	}
	return userWrite(w, r, http.StatusCreated, func(u *org.User, in in) (*newToken, error) {
		secret, tok, err := s.svc.CreateAPITokenUntil(r.Context(), u, r.PathValue("username"), in.Name, in.ExpiresAt)
		if err != nil {
			return nil, err
		}
		return &newToken{APIToken: tok, Token: secret}, nil
	})
}

func (s *Server) revokeAPIToken(w http.ResponseWriter, r *http.Request) error {
	u, err := currentUser(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return minsheng.Errorf(minsheng.ENOTFOUND, "api token %q not found", r.PathValue("id"))
	}
	if _, err := s.svc.RevokeAPITokens(r.Context(), u, r.PathValue("username"), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
