package open311

// The service catalogue: categories as Open311 services, and what the public sees of each.

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

// catalog is the category tree as Open311 sees it.
type catalog struct {
	byID     map[int64]*ticket.Category
	byCode   map[string]*ticket.Category
	children map[int64]int // active children
	settings map[int64]store.ServiceSettings
	attrs    map[int64]int
}

func loadCatalog(ctx context.Context, tx *store.Tx) (*catalog, error) {
	cs, err := store.ListCategories(ctx, tx)
	if err != nil {
		return nil, err
	}
	c := &catalog{byID: map[int64]*ticket.Category{}, byCode: map[string]*ticket.Category{}, children: map[int64]int{}}
	for _, x := range cs {
		c.byID[x.ID] = x
		c.byCode[x.Code] = x
		if x.Active && x.ParentID != 0 {
			c.children[x.ParentID]++
		}
	}
	if c.settings, err = store.ListServiceSettings(ctx, tx); err != nil {
		return nil, err
	}
	if c.attrs, err = store.CountCategoryAttributes(ctx, tx); err != nil {
		return nil, err
	}
	return c, nil
}

// top returns the top-level category above c (c itself at the top).
func (c *catalog) top(x *ticket.Category) *ticket.Category {
	for x.ParentID != 0 {
		p, ok := c.byID[x.ParentID]
		if !ok {
			break
		}
		x = p
	}
	return x
}

// isService reports whether the category is an Open311 service: active,
// under active categories, with no active category below it.
func (c *catalog) isService(x *ticket.Category) bool {
	if x == nil || !x.Active || c.children[x.ID] > 0 {
		return false
	}
	for p := x; p.ParentID != 0; {
		var ok bool
		if p, ok = c.byID[p.ParentID]; !ok || !p.Active {
			return false
		}
	}
	return true
}

// private reports whether the category, or one above it, is marked
// private: a sub-category of 家庭纠纷 is as private as 家庭纠纷.
func (c *catalog) private(x *ticket.Category) bool {
	for x != nil {
		if c.settings[x.ID].Private {
			return true
		}
		if x.ParentID == 0 {
			break
		}
		x = c.byID[x.ParentID]
	}
	return false
}

// privateIDs lists the categories whose requests the public listing
// leaves out (private, or below a private one), in id order.
func (c *catalog) privateIDs() []int64 {
	var out []int64
	for id, x := range c.byID {
		if c.private(x) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

func (c *catalog) service(x *ticket.Category) Open311Service {
	st := c.settings[x.ID]
	return Open311Service{Category: x, Group: c.top(x), Private: c.private(x), Description: st.Description, Attributes: c.attrs[x.ID]}
}

// Open311Service is a category offered as an Open311 service: one that
// has no active category below it. Its group is its top-level category.
type Open311Service struct {
	Category    *ticket.Category
	Group       *ticket.Category
	Private     bool
	Description string
	Attributes  int // how many custom fields; >0 means a definition to read
}

// Open311Services returns the services, in category tree order.
func (s *Service) Open311Services(ctx context.Context) ([]Open311Service, error) {
	var out []Open311Service
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		cs, err := store.ListCategories(ctx, tx)
		if err != nil {
			return err
		}
		for _, x := range cs {
			if x := c.byID[x.ID]; c.isService(x) {
				out = append(out, c.service(x))
			}
		}
		return nil
	})
	return out, err
}

func serviceNotFound(code string) error {
	return minsheng.Errorf(minsheng.ENOTFOUND, "service_code %q was not found; GET services for the list", code)
}

// Open311ServiceDefinition returns a service and its attributes in their
// order, or ENOTFOUND for a code that is not a service.
func (s *Service) Open311ServiceDefinition(ctx context.Context, code string) (*Open311Service, []*store.CategoryAttribute, error) {
	var svc Open311Service
	var attrs []*store.CategoryAttribute
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		x := c.byCode[code]
		if !c.isService(x) {
			return serviceNotFound(code)
		}
		svc = c.service(x)
		attrs, err = store.ListCategoryAttributes(ctx, tx, x.ID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return &svc, attrs, nil
}

// Open311Changed returns when the service catalogue last changed, for the
// discovery document.
func (s *Service) Open311Changed(ctx context.Context) (time.Time, error) {
	var t time.Time
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		var err error
		t, err = store.CatalogChanged(ctx, tx)
		return err
	})
	return t, err
}

// ServiceSettingsChange is what an admin may change of what the public
// sees of a category. Nil fields stay.
type ServiceSettingsChange struct {
	Private     *bool   `json:"private"`
	Description *string `json:"description"`
}

// ServiceSettings returns what the public sees of a category (its
// private flag and service description), for the admin who edits it; any
// category has them, Open311 service or not.
func (s *Service) ServiceSettings(ctx context.Context, actor *org.User, code string) (*store.ServiceSettings, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	var out store.ServiceSettings
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		cat, err := categoryByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		all, err := store.ListServiceSettings(ctx, tx)
		out = all[cat.ID]
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// SetServiceSettings marks a category private or public and sets the
// description its Open311 service shows.
func (s *Service) SetServiceSettings(ctx context.Context, actor *org.User, code string, c ServiceSettingsChange) (*store.ServiceSettings, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	if c.Description != nil {
		d := strings.TrimSpace(*c.Description)
		if err := checkAttrText("description", d, 500, true); err != nil {
			return nil, err
		}
		c.Description = &d
	}
	var out store.ServiceSettings
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		cat, err := categoryByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		all, err := store.ListServiceSettings(ctx, tx)
		if err != nil {
			return err
		}
		out = all[cat.ID]
		if c.Private != nil {
			out.Private = *c.Private
		}
		if c.Description != nil {
			out.Description = *c.Description
		}
		before := all[cat.ID]
		out.UpdatedAt = s.now()
		if err := store.SetServiceSettings(ctx, tx, cat.ID, out); err != nil {
			return err
		}
		data := map[string]string{"category": cat.Code}
		if before.Private != out.Private {
			data["private"] = strconv.FormatBool(before.Private) + " → " + strconv.FormatBool(out.Private)
		}
		if before.Description != out.Description {
			data["description"] = "changed"
		}
		_, err = s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectService, ObjectID: cat.ID, Action: "update", Data: data})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func categoryByCode(ctx context.Context, tx *store.Tx, code string) (*ticket.Category, error) {
	cs, err := store.ListCategories(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.Code == code {
			return c, nil
		}
	}
	return nil, minsheng.Errorf(minsheng.ENOTFOUND, "category %q not found", code)
}
