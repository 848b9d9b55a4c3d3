package app

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/app/kit"
	"github.com/minsheng/minsheng/calendar"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// This file reads the audit log, which every administrative use case
// writes through kit.Change in the transaction of its change (units,
// users, categories, dispatch setup, webhooks, contacts, articles, API
// tokens), beside the reveals of callers' data.
//
// Who reads it: admins of the district (an admin whose unit is the root:
// they keep the setup that the entries are about) read all of it. Other
// admins and leaders read, as TicketAudit lets them, only the entries
// about a ticket they see: they name it (object "ticket" and its id). The
// system actor reads all.

// AuditQuery selects entries of the audit log. Zero fields select all.
type AuditQuery struct {
	Object   string     // the object's type: "user", "routing_rule", "ticket" …
	ObjectID *int64     // the object's id; 0 names a singleton (the dispatch settings)
	Actor    string     // the acting user's username; "system" for the system actor unless an account has that name
	From, To *time.Time // From inclusive, To exclusive
	Cursor   string     // AuditPage.Next of the page before
	Limit    int        // 1 to store.MaxAuditPage; 0 is store.DefaultAuditPage
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Entries []store.AuditEntry `json:"entries"`
	// Next is the cursor of the following page, empty on the last one.
	Next string `json:"next,omitempty"`
}

// AuditLog returns a page of the audit log to admins of the district;
// other admins and leaders may read the entries about a ticket they see.
// Returns EFORBIDDEN otherwise, EINVALID for a bad cursor, limit or actor.
func (s *Service) AuditLog(ctx context.Context, actor *org.User, q AuditQuery) (*AuditPage, error) {
	if err := kit.Require(actor, org.RoleAdmin, org.RoleLeader); err != nil {
		return nil, err
	}
	wide := isDistrictAdmin(actor)
	if !wide && (q.Object != "ticket" || q.ObjectID == nil) {
		return nil, minsheng.Errorf(minsheng.EFORBIDDEN,
			"only admins of the district may read the whole audit log; name a ticket you see (object ticket and its id)")
	}
	if q.Limit < 0 || q.Limit > store.MaxAuditPage {
		return nil, minsheng.FieldError("limit", "limit must be from 1 to %d", store.MaxAuditPage)
	}
	if q.From != nil && q.To != nil && !q.To.After(*q.From) {
		return nil, minsheng.FieldError("to", "to must be after from")
	}
	f := store.AuditFilter{Object: q.Object, ObjectID: q.ObjectID, From: q.From, To: q.To, Limit: q.Limit}
	if f.Limit == 0 {
		f.Limit = store.DefaultAuditPage
	}
	limit := f.Limit
	f.Limit++ // one more tells whether a next page exists
	if q.Cursor != "" {
		at, id, err := parseAuditCursor(q.Cursor)
		if err != nil {
			return nil, err
		}
		f.BeforeAt, f.BeforeID = &at, id
	}
	page := &AuditPage{Entries: []store.AuditEntry{}}
	err := s.db.Read(ctx, func(tx *store.Tx) error {
		if !wide {
			if _, err := s.loadVisible(ctx, tx, actor, strconv.FormatInt(*q.ObjectID, 10)); err != nil {
				return err
			}
		}
		if q.Actor != "" {
			u, err := store.GetUserByUsername(ctx, tx, strings.TrimSpace(q.Actor))
			switch {
			case err == nil:
				f.ActorID = &u.ID
			case minsheng.IsCode(err, minsheng.ENOTFOUND) && q.Actor == kit.System().Username:
				f.ActorID = new(int64)
			case minsheng.IsCode(err, minsheng.ENOTFOUND):
				return minsheng.FieldError("actor", "no user is named %q", q.Actor)
			default:
				return err
			}
		}
		entries, err := store.ListAuditLog(ctx, tx, f)
		if err != nil {
			return err
		}
		if len(entries) > limit {
			entries = entries[:limit]
			last := entries[limit-1]
			page.Next = auditCursor(last.At, last.ID)
		}
		page.Entries = append(page.Entries, entries...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// isDistrictAdmin reports whether the actor is an admin of the district
// itself (its unit is the root), not of a street: they keep the
// district-wide setup and read the whole audit log. The system actor is one.
func isDistrictAdmin(actor *org.User) bool {
	return kit.RequireAdmin(actor) == nil && adminPaths(actor) == nil
}

// auditCursor is the opaque cursor after an entry: its time in
// microseconds and its id.
func auditCursor(at time.Time, id int64) string {
	return strconv.FormatInt(at.UnixMicro(), 10) + "." + strconv.FormatInt(id, 10)
}

func parseAuditCursor(c string) (time.Time, int64, error) {
	bad := minsheng.FieldError("cursor", "cursor is not one this server gave")
	a, b, ok := strings.Cut(c, ".")
	if !ok {
		return time.Time{}, 0, bad
	}
	micro, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || micro < 0 || id <= 0 {
		return time.Time{}, 0, bad
	}
	return time.UnixMicro(micro).UTC(), id, nil
}

// idStr writes an id for a change's data.
func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// changed puts "old → new" under key in data when the values differ: a
// change's data says what changed, not what stayed.
func changed[T comparable](data map[string]string, key string, old, new T) {
	if old != new {
		data[key] = fmt.Sprint(old) + " → " + fmt.Sprint(new)
	}
}

// userChanges says what an update changed of a user, without personal
// data: a new name or password is only said to have changed.
func userChanges(before, after *org.User, password bool) map[string]string {
	data := map[string]string{"username": after.Username}
	if before.Name != after.Name {
		data["name"] = "changed"
	}
	changed(data, "role", before.Role, after.Role)
	changed(data, "unit_id", before.UnitID, after.UnitID)
	changed(data, "active", before.Active, after.Active)
	if password {
		data["password"] = "changed"
	}
	return data
}

// ParseAuditTime reads a bound of an audit log query: an RFC 3339 time, or
// a date (YYYY-MM-DD) in China, taken as the start of that day for from
// and, for to (end true), as the end of it, so that from=to=one day
// selects that day. "" is no bound. Returns EINVALID naming field.
func ParseAuditTime(field, v string, end bool) (*time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return &t, nil
	}
	t, err := time.ParseInLocation(time.DateOnly, v, calendar.China)
	if err != nil {
		return nil, minsheng.FieldError(field, "%s must be a date (YYYY-MM-DD) or an RFC 3339 time", field)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return &t, nil
}
