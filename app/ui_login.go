package app

import (
	"context"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/store"
)

// LockedUntil tells whether sign-in for the username is locked after too
// many failures, and until when, so that the sign-in page can say so
// instead of "wrong password". An unknown username is not locked.
func (s *Service) LockedUntil(ctx context.Context, username string) (*time.Time, error) {
	var until *time.Time
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		u, err := store.GetUserByUsername(ctx, tx, strings.TrimSpace(username))
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return nil
		}
		if err != nil {
			return err
		}
		st, err := store.GetLoginState(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		if st.LockedUntil != nil && s.now().Before(*st.LockedUntil) {
			until = st.LockedUntil
		}
		return nil
	})
	return until, err
}
