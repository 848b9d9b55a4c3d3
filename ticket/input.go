package ticket

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/personal"
)

// Limits on what a caller may submit, in characters (not bytes).
const (
	MaxTitle       = 200
	MaxDescription = 4000
	MaxName        = 50
	MaxAddress     = 300
	MaxNote        = 4000
)

// NewTicket is what is submitted to register a ticket.
type NewTicket struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Kind        Kind     `json:"kind"`
	Urgency     Urgency  `json:"urgency"`
	Channel     Channel  `json:"channel"`
	CallerName  string   `json:"caller_name"`
	CallerPhone string   `json:"caller_phone"`
	Address     string   `json:"address"`
	CategoryID  int64    `json:"category_id"`
	Lat         *float64 `json:"lat"`
	Lng         *float64 `json:"lng"`
}

// Normalize trims spaces and fills defaults: urgency normal, channel phone,
// a title taken from the description when none is given.
func (n *NewTicket) Normalize() {
	n.Title = strings.TrimSpace(n.Title)
	n.Description = strings.TrimSpace(n.Description)
	n.CallerName = strings.TrimSpace(n.CallerName)
	n.CallerPhone = personal.NormalizePhone(n.CallerPhone)
	n.Address = strings.TrimSpace(n.Address)
	if n.Urgency == "" {
		n.Urgency = UrgencyNormal
	}
	if n.Channel == "" {
		n.Channel = ChannelPhone
	}
	if n.Title == "" && n.Description != "" {
		n.Title = TitleFrom(n.Description)
	}
}

// Validate returns an EINVALID error naming the first field at fault.
func (n *NewTicket) Validate() error {
	if n.Title == "" && n.Description == "" {
		return minsheng.FieldError("description", "a title or a description is required").Because("description_required")
	}
	if err := checkText("title", n.Title, MaxTitle); err != nil {
		return err
	}
	if err := checkText("description", n.Description, MaxDescription); err != nil {
		return err
	}
	if !n.Kind.Valid() {
		return minsheng.FieldError("kind", "kind must be one of %s", list(Kinds)).Because("choose")
	}
	if !n.Urgency.Valid() {
		return minsheng.FieldError("urgency", "urgency must be one of %s", list(Urgencies)).Because("choose")
	}
	if !n.Channel.Valid() {
		return minsheng.FieldError("channel", "channel must be one of %s", list(Channels)).Because("choose")
	}
	if err := checkText("caller_name", n.CallerName, MaxName); err != nil {
		return err
	}
	if n.CallerPhone != "" && !personal.ValidPhone(n.CallerPhone) {
		return minsheng.FieldError("caller_phone", "caller_phone must be a phone number of 5 to 20 digits").Because("phone_format")
	}
	if err := checkText("address", n.Address, MaxAddress); err != nil {
		return err
	}
	if n.CategoryID < 0 {
		return minsheng.FieldError("category_id", "category_id must be a positive id")
	}
	if (n.Lat == nil) != (n.Lng == nil) {
		return minsheng.FieldError("lat", "lat and lng must be given together")
	}
	if n.Lat != nil {
		if *n.Lat < -90 || *n.Lat > 90 {
			return minsheng.FieldError("lat", "lat must be between -90 and 90")
		}
		if *n.Lng < -180 || *n.Lng > 180 {
			return minsheng.FieldError("lng", "lng must be between -180 and 180")
		}
	}
	return nil
}

// CheckNote validates the free text that comes with an action.
func CheckNote(field, s string, required bool) error {
	if required && strings.TrimSpace(s) == "" {
		return minsheng.FieldError(field, "%s is required", field).Because("required")
	}
	return checkText(field, s, MaxNote)
}

func checkText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return minsheng.FieldError(field, "%s is not valid UTF-8", field).Because("bad_text")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return minsheng.FieldError(field, "%s is %d characters long; the limit is %d", field, n, max).Because("too_long")
	}
	for _, r := range s {
		if r == 0 || (unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t') {
			return minsheng.FieldError(field, "%s contains control characters", field).Because("bad_text")
		}
	}
	return nil
}

// TitleFrom makes a title from the first line of a description, cut at 30
// characters.
func TitleFrom(desc string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(desc), "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) > 30 {
		r := []rune(line)
		return string(r[:30]) + "…"
	}
	return line
}

func list[T ~string](all []T) string {
	s := make([]string, len(all))
	for i, x := range all {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
