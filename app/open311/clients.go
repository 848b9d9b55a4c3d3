package open311

// API client applications (Open311 "jurisdictions' apps"): their keys, rates and the count of what each has had accepted.

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// APIClientKey is a client with its new key, which is shown once.
type APIClientKey struct {
	Client *store.APIClient `json:"client"`
	Key    string           `json:"key"`
}

// NewAPIClient is what an admin submits to register a client application.
type NewAPIClient struct {
	Name          string `json:"name"`
	RatePerMinute int    `json:"rate_per_minute"` // 0: the server's default
}

func checkClientName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return "", minsheng.FieldError("name", "the client's name is required, at most 60 characters").Because("required")
	}
	if strings.HasPrefix(name, "-") || strings.ContainsFunc(name, unicode.IsControl) {
		return "", minsheng.FieldError("name", "the client's name may not start with '-' or hold control characters").Because("bad_text")
	}
	return name, nil
}

func checkRate(rate int) error {
	if rate < 0 || rate > MaxAPIClientRate {
		return minsheng.FieldError("rate_per_minute", "rate_per_minute must be between 0 (the server's default) and %d", MaxAPIClientRate).Because("out_of_range")
	}
	return nil
}

func newAPIKey() (key, hint string) {
	key = org.NewSecret(APIClientKeyPrefix)
	return key, key[:len(APIClientKeyPrefix)+4]
}

// CreateAPIClient registers a client application and issues its key.
func (s *Service) CreateAPIClient(ctx context.Context, actor *org.User, n NewAPIClient) (*APIClientKey, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	name, err := checkClientName(n.Name)
	if err != nil {
		return nil, err
	}
	if err := checkRate(n.RatePerMinute); err != nil {
		return nil, err
	}
	id, err := s.db.NextID(ctx)
	if err != nil {
		return nil, err
	}
	key, hint := newAPIKey()
	now := s.now()
	c := &store.APIClient{ID: id, Name: name, KeyHash: org.HashSecret(key), KeyHint: hint, RatePerMinute: n.RatePerMinute,
		CreatedAt: now, KeyIssuedAt: now}
	if err := s.db.Write(ctx, func(tx *store.Tx) error {
		if err := store.InsertAPIClient(ctx, tx, c); err != nil {
			return err
		}
		_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectAPIClient, ObjectID: c.ID, Action: "create",
			Data: map[string]string{"name": c.Name, "rate_per_minute": strconv.Itoa(c.RatePerMinute)}})
		return err
	}); err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "open311 client created", "client", name)
	return &APIClientKey{Client: c, Key: key}, nil
}

// RotateAPIKey issues a new key to a client; the old one stops working at
// once. A revoked client is enabled again.
func (s *Service) RotateAPIKey(ctx context.Context, actor *org.User, name string) (*APIClientKey, error) {
	key, hint := newAPIKey()
	c, err := s.changeAPIClient(ctx, actor, name, "rotate_key", func(c *store.APIClient, now time.Time) error {
		c.KeyHash, c.KeyHint, c.KeyIssuedAt, c.RevokedAt = org.HashSecret(key), hint, now, nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "open311 key issued", "client", c.Name)
	return &APIClientKey{Client: c, Key: key}, nil
}

// IssueAPIKey gives the named client a new key, registering the client
// first if it does not exist (minsheng open311 key NAME).
func (s *Service) IssueAPIKey(ctx context.Context, actor *org.User, name string) (*APIClientKey, bool, error) {
	k, err := s.RotateAPIKey(ctx, actor, name)
	if minsheng.IsCode(err, minsheng.ENOTFOUND) {
		k, err = s.CreateAPIClient(ctx, actor, NewAPIClient{Name: name})
		return k, err == nil, err
	}
	return k, false, err
}

// RevokeAPIClient stops a client's key from working. The client and the
// requests it sent stay.
func (s *Service) RevokeAPIClient(ctx context.Context, actor *org.User, name string) (*store.APIClient, error) {
	c, err := s.changeAPIClient(ctx, actor, name, "revoke", func(c *store.APIClient, now time.Time) error {
		if c.RevokedAt == nil {
			c.RevokedAt = &now
		}
		return nil
	})
	if err == nil {
		s.log.InfoContext(ctx, "open311 client revoked", "client", c.Name)
	}
	return c, err
}

// SetAPIClientRate changes how many requests a minute a client may send
// (0: the server's default).
func (s *Service) SetAPIClientRate(ctx context.Context, actor *org.User, name string, rate int) (*store.APIClient, error) {
	if err := checkRate(rate); err != nil {
		return nil, err
	}
	return s.changeAPIClient(ctx, actor, name, "set_rate", func(c *store.APIClient, _ time.Time) error {
		c.RatePerMinute = rate
		return nil
	})
}

func (s *Service) changeAPIClient(ctx context.Context, actor *org.User, name, action string, fn func(*store.APIClient, time.Time) error) (*store.APIClient, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	var c *store.APIClient
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		c, err = store.GetAPIClientByName(ctx, tx, strings.TrimSpace(name))
		if minsheng.IsCode(err, minsheng.ENOTFOUND) {
			return minsheng.Errorf(minsheng.ENOTFOUND, "no Open311 client named %q", name)
		}
		if err != nil {
			return err
		}
		before := *c
		if err := fn(c, s.now()); err != nil {
			return err
		}
		if err := store.UpdateAPIClient(ctx, tx, c); err != nil {
			return err
		}
		data := map[string]string{"name": c.Name}
		if before.RatePerMinute != c.RatePerMinute {
			data["rate_per_minute"] = strconv.Itoa(before.RatePerMinute) + " → " + strconv.Itoa(c.RatePerMinute)
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectAPIClient, ObjectID: c.ID, Action: action, Data: data})
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ListAPIClients returns every client application, revoked ones included.
func (s *Service) ListAPIClients(ctx context.Context, actor *org.User) ([]*store.APIClient, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	var out []*store.APIClient
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = store.ListAPIClients(ctx, tx)
		return err
	})
	return out, err
}

// AuthenticateAPIKey returns the active client of a key. A missing,
// unknown or revoked key is EFORBIDDEN, as Open311 wants (403).
func (s *Service) AuthenticateAPIKey(ctx context.Context, key string) (*store.APIClient, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "api_key is required")
	}
	var c *store.APIClient
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		c, err = store.GetAPIClientByKeyHash(ctx, tx, org.HashSecret(key))
		return err
	})
	if minsheng.IsCode(err, minsheng.ENOTFOUND) || (err == nil && !c.Active()) {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN, "invalid api_key: it is unknown or has been revoked")
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}
