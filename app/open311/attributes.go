package open311

// Custom fields (attributes) of categories.

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
	"github.com/minsheng/minsheng/ticket"
)

var attrCodeRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,40}$`)

// AttributeInput is what an admin submits to define a custom field of a
// category.
type AttributeInput struct {
	Code                  string                 `json:"code"`
	Datatype              string                 `json:"datatype"`
	Variable              *bool                  `json:"variable"` // default true
	Required              bool                   `json:"required"`
	Order                 int                    `json:"order"` // 0: after the others
	Description           string                 `json:"description"`
	DescriptionEN         string                 `json:"description_en"`
	DatatypeDescription   string                 `json:"datatype_description"`
	DatatypeDescriptionEN string                 `json:"datatype_description_en"`
	Values                []store.AttributeValue `json:"values"`
}

// AttributeChange is what an admin may change of a custom field; nil
// fields stay. The code cannot change: submitted values refer to it.
type AttributeChange struct {
	Datatype              *string                 `json:"datatype"`
	Variable              *bool                   `json:"variable"`
	Required              *bool                   `json:"required"`
	Order                 *int                    `json:"order"`
	Description           *string                 `json:"description"`
	DescriptionEN         *string                 `json:"description_en"`
	DatatypeDescription   *string                 `json:"datatype_description"`
	DatatypeDescriptionEN *string                 `json:"datatype_description_en"`
	Values                *[]store.AttributeValue `json:"values"`
}

func checkAttrText(field, s string, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return minsheng.FieldError(field, "%s is not valid UTF-8", field).Because("bad_text")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return minsheng.FieldError(field, "%s is %d characters long; the limit is %d", field, n, max).Because("too_long")
	}
	for _, r := range s {
		if r == 0 || (unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))) {
			return minsheng.FieldError(field, "%s contains control characters", field).Because("bad_text")
		}
	}
	return nil
}

// checkAttribute validates a definition against the others of its category.
func checkAttribute(a *store.CategoryAttribute, others []*store.CategoryAttribute) error {
	if !attrCodeRE.MatchString(a.Code) {
		return minsheng.FieldError("code", "code must be 1 to 40 letters, digits, '.', '_' or '-'").Because("code_format")
	}
	if !slices.Contains(store.Datatypes, a.Datatype) {
		return minsheng.FieldError("datatype", "datatype must be one of %s", strings.Join(store.Datatypes, ", ")).Because("choose")
	}
	if a.Order < 1 {
		return minsheng.FieldError("order", "order must be a positive number").Because("not_a_number")
	}
	for _, o := range others {
		if o.ID != a.ID && o.Order == a.Order {
			return minsheng.FieldError("order", "order %d is taken by attribute %s of this category", a.Order, o.Code).Because("open311_order_taken")
		}
	}
	a.Description = strings.TrimSpace(a.Description)
	if a.Description == "" {
		return minsheng.FieldError("description", "description (the question the user answers) is required").Because("required")
	}
	for _, f := range []struct {
		name string
		v    string
	}{{"description", a.Description}, {"description_en", a.DescriptionEN}, {"datatype_description", a.DatatypeDescription},
		{"datatype_description_en", a.DatatypeDescriptionEN}} {
		if err := checkAttrText(f.name, f.v, 1000, true); err != nil {
			return err
		}
	}
	if !a.Variable && a.Required {
		return minsheng.FieldError("required", "an attribute that only informs (variable false) cannot be required").Because("open311_informs_required")
	}
	if !a.IsList() {
		if len(a.Values) > 0 {
			return minsheng.FieldError("values", "only singlevaluelist and multivaluelist attributes have values").Because("open311_values")
		}
		a.Values = []store.AttributeValue{}
		return nil
	}
	if len(a.Values) == 0 || len(a.Values) > 200 {
		return minsheng.FieldError("values", "a %s needs 1 to 200 values", a.Datatype).Because("open311_values")
	}
	seen := map[string]bool{}
	for i := range a.Values {
		v := &a.Values[i]
		v.Key, v.Name, v.NameEN = strings.TrimSpace(v.Key), strings.TrimSpace(v.Name), strings.TrimSpace(v.NameEN)
		if v.Key == "" || v.Name == "" {
			return minsheng.FieldError("values", "every value needs a key and a name").Because("open311_values")
		}
		if seen[v.Key] {
			return minsheng.FieldError("values", "value key %q appears twice", v.Key).Because("open311_values")
		}
		seen[v.Key] = true
		if strings.ContainsAny(v.Key, "[],") {
			return minsheng.FieldError("values", "value key %q may not hold '[', ']' or ','", v.Key).Because("open311_values")
		}
		for _, t := range []string{v.Key, v.Name, v.NameEN} {
			if err := checkAttrText("values", t, 100, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// ListCategoryAttributes returns the custom fields of a category, for any
// staff user.
func (s *Service) ListCategoryAttributes(ctx context.Context, code string) ([]*store.CategoryAttribute, error) {
	var out []*store.CategoryAttribute
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		c, err := categoryByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		out, err = store.ListCategoryAttributes(ctx, tx, c.ID)
		return err
	})
	return out, err
}

// CreateCategoryAttribute adds a custom field to a category.
func (s *Service) CreateCategoryAttribute(ctx context.Context, actor *org.User, code string, in AttributeInput) (*store.CategoryAttribute, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	id, err := s.db.NextID(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a := &store.CategoryAttribute{ID: id, Code: strings.TrimSpace(in.Code), Datatype: in.Datatype, Variable: true,
		Required: in.Required, Order: in.Order, Description: in.Description, DescriptionEN: strings.TrimSpace(in.DescriptionEN),
		DatatypeDescription: strings.TrimSpace(in.DatatypeDescription), DatatypeDescriptionEN: strings.TrimSpace(in.DatatypeDescriptionEN),
		Values: in.Values, CreatedAt: now, UpdatedAt: now}
	if in.Variable != nil {
		a.Variable = *in.Variable
	}
	err = s.db.Write(ctx, func(tx *store.Tx) error {
		c, err := categoryByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		a.CategoryID = c.ID
		others, err := store.ListCategoryAttributes(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if a.Order == 0 {
			a.Order = 1
			for _, o := range others {
				a.Order = max(a.Order, o.Order+1)
			}
		}
		if err := checkAttribute(a, others); err != nil {
			return err
		}
		if err := store.InsertCategoryAttribute(ctx, tx, a); err != nil {
			return err
		}
		if err := s.recordAttribute(ctx, tx, actor, c, a, "create"); err != nil {
			return err
		}
		return store.TouchCategory(ctx, tx, c.ID, now)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateCategoryAttribute changes a custom field of a category.
func (s *Service) UpdateCategoryAttribute(ctx context.Context, actor *org.User, code, attrCode string, ch AttributeChange) (*store.CategoryAttribute, error) {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return nil, err
	}
	var a *store.CategoryAttribute
	err := s.db.Write(ctx, func(tx *store.Tx) error {
		c, others, err := s.findAttribute(ctx, tx, code, attrCode, &a)
		if err != nil {
			return err
		}
		set := func(dst *string, src *string) {
			if src != nil {
				*dst = strings.TrimSpace(*src)
			}
		}
		set(&a.Datatype, ch.Datatype)
		set(&a.Description, ch.Description)
		set(&a.DescriptionEN, ch.DescriptionEN)
		set(&a.DatatypeDescription, ch.DatatypeDescription)
		set(&a.DatatypeDescriptionEN, ch.DatatypeDescriptionEN)
		if ch.Variable != nil {
			a.Variable = *ch.Variable
		}
		if ch.Required != nil {
			a.Required = *ch.Required
		}
		if ch.Order != nil {
			a.Order = *ch.Order
		}
		if ch.Values != nil {
			a.Values = *ch.Values
		} else if !a.IsList() {
			a.Values = nil
		}
		a.UpdatedAt = s.now()
		if err := checkAttribute(a, others); err != nil {
			return err
		}
		if err := store.UpdateCategoryAttribute(ctx, tx, a); err != nil {
			return err
		}
		if err := s.recordAttribute(ctx, tx, actor, c, a, "update"); err != nil {
			return err
		}
		return store.TouchCategory(ctx, tx, c.ID, a.UpdatedAt)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DeleteCategoryAttribute removes a custom field from a category. Values
// already submitted with requests stay with them.
func (s *Service) DeleteCategoryAttribute(ctx context.Context, actor *org.User, code, attrCode string) error {
	if err := kit.RequireDistrictAdmin(actor); err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *store.Tx) error {
		var a *store.CategoryAttribute
		c, _, err := s.findAttribute(ctx, tx, code, attrCode, &a)
		if err != nil {
			return err
		}
		if err := store.DeleteCategoryAttribute(ctx, tx, a.ID); err != nil {
			return err
		}
		if err := s.recordAttribute(ctx, tx, actor, c, a, "delete"); err != nil {
			return err
		}
		return store.TouchCategory(ctx, tx, c.ID, s.now())
	})
}

// recordAttribute writes a change of a custom field to its timeline and the
// audit log.
func (s *Service) recordAttribute(ctx context.Context, tx *store.Tx, actor *org.User, c *ticket.Category, a *store.CategoryAttribute, action string) error {
	_, err := s.kit.Record(ctx, tx, kit.Change{Actor: actor, Object: ObjectAttribute, ObjectID: a.ID, Action: action,
		Data: map[string]string{"category": c.Code, "code": a.Code, "datatype": a.Datatype, "required": strconv.FormatBool(a.Required)}})
	return err
}

func (s *Service) findAttribute(ctx context.Context, tx *store.Tx, code, attrCode string, out **store.CategoryAttribute) (*ticket.Category, []*store.CategoryAttribute, error) {
	c, err := categoryByCode(ctx, tx, code)
	if err != nil {
		return nil, nil, err
	}
	all, err := store.ListCategoryAttributes(ctx, tx, c.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, a := range all {
		if a.Code == attrCode {
			*out = a
			return c, all, nil
		}
	}
	return nil, nil, minsheng.Errorf(minsheng.ENOTFOUND, "category %s has no attribute %q", code, attrCode)
}
