package app

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// MaxTokenLifetime is the longest expiry an API token may be given.
const MaxTokenLifetime = 5 * 366 * 24 * time.Hour

// signedIn refuses a missing actor (EUNAUTHORIZED) and a deactivated one
// (EFORBIDDEN): any active user may manage their own tokens.
func signedIn(actor *org.User) error {
	if actor == nil {
		return minsheng.Errorf(minsheng.EUNAUTHORIZED, "sign in first")
	}
	if !actor.Active {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "account is disabled")
	}
	return nil
}

// tokenOwner returns the user whose tokens the actor asks about: the
// actor's own, or those of a user the actor administers. Others are not
// found, so that asking does not tell which usernames exist.
func tokenOwner(ctx context.Context, tx *store.Tx, actor *org.User, username string) (*org.User, error) {
	if err := signedIn(actor); err != nil {
		return nil, err
	}
	u, err := store.GetUserByUsername(ctx, tx, username)
	if err != nil {
		return nil, err
	}
	if actor.ID != 0 && actor.ID == u.ID {
		return u, nil
	}
	if kit.RequireAdmin(actor) != nil {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "only admins may manage other users' API tokens")
	}
	if !actor.SeesAs(u.UnitPath, org.RoleAdmin) {
		return nil, minsheng.Errorf(minsheng.ENOTFOUND, "user %s not found", username)
	}
	return u, nil
}

// CreateAPIToken makes a new API token that lasts until revoked; see
// CreateAPITokenUntil.
func (s *Service) CreateAPIToken(ctx context.Context, actor *org.User, username, name string) (string, error) {
	secret, _, err := s.CreateAPITokenUntil(ctx, actor, username, name, nil)
	return secret, err
}

// CreateAPITokenUntil makes a new API token for the user and returns its
// secret, which is shown once and stored only as a hash. A user may make
// tokens for themself, admins for the users of their unit and below; the
// shell (minsheng user token) acts as the system actor. A nil expires
// lasts until revoked; otherwise it must be in the future, within
// MaxTokenLifetime.
func (s *Service) CreateAPITokenUntil(ctx context.Context, actor *org.User, username, name string, expires *time.Time) (string, *store.APIToken, error) {
	if err := signedIn(actor); err != nil {
		return "", nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return "", nil, minsheng.FieldError("name", "name is required, at most 100 characters").Because("required")
	}
	now := s.now()
	if expires != nil && (!expires.After(now) || expires.Sub(now) > MaxTokenLifetime) {
		return "", nil, minsheng.FieldError("expires_at", "expires_at must be in the future, within 5 years").Because("expires_at")
	}
	id, err := s.db.NextID(ctx)
	if err != nil {
		return "", nil, err
	}
	secret := org.NewSecret("mst_")
	var tok *store.APIToken
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		u, err := tokenOwner(ctx, tx, actor, username)
		if err != nil {
			return err
		}
		if err := store.InsertAPIToken(ctx, tx, id, u.ID, name, org.HashSecret(secret), now, expires); err != nil {
			return err
		}
		data := map[string]string{"user_id": idStr(u.ID), "username": u.Username, "name": name}
		if expires != nil {
			data["expires_at"] = expires.UTC().Format(time.RFC3339)
		}
		if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "api_token", ObjectID: id, Action: "create", Data: data}); err != nil {
			return err
		}
		tok, err = store.GetAPIToken(ctx, tx, u.ID, id)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return secret, tok, nil
}

// ListAPITokens returns a user's API tokens, revoked and expired ones
// too, newest first: to the user and to the admins of the user's unit.
func (s *Service) ListAPITokens(ctx context.Context, actor *org.User, username string) ([]*store.APIToken, error) {
	var out []*store.APIToken
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		u, err := tokenOwner(ctx, tx, actor, username)
		if err != nil {
			return err
		}
		out, err = store.ListAPITokens(ctx, tx, u.ID)
		return err
	})
	return out, err
}

// RevokeAPITokens revokes one of a user's API tokens (id), or all of them
// (id 0), for good, and returns the ids revoked; each revocation is
// audited. Revoking a revoked token is a no-op; an unknown id is
// ENOTFOUND.
func (s *Service) RevokeAPITokens(ctx context.Context, actor *org.User, username string, id int64) ([]int64, error) {
	var ids []int64
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		u, err := tokenOwner(ctx, tx, actor, username)
		if err != nil {
			return err
		}
		if id != 0 {
			if _, err := store.GetAPIToken(ctx, tx, u.ID, id); err != nil {
				return err
			}
		}
		if ids, err = store.RevokeAPITokens(ctx, tx, u.ID, id, s.now()); err != nil {
			return err
		}
		for _, i := range ids {
			if _, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: "api_token", ObjectID: i, Action: "revoke",
				Data: map[string]string{"user_id": idStr(u.ID), "username": u.Username}}); err != nil {
				return err
			}
		}
		return nil
	})
	return ids, err
}
