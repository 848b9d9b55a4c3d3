// Package kit is what the use cases of every capability share: the write
// and read transactions, the clock, the acting user (with an explicit
// system actor for the shell, jobs and demo seeding), role checks in one
// place, and Change, which records in the transaction of a change its
// timeline event, its audit entry and its outbox messages together.
//
// A capability's use-case package holds a *Kit and the core services it
// needs (the ticket engine, for one); the core never imports a capability.
package kit

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/minsheng/minsheng"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// Kit is the shared machinery of use cases. It is safe for concurrent use.
type Kit struct {
	db    *store.DB
	clock minsheng.Clock
	log   *slog.Logger
}

// New returns a Kit over the store. A nil clock is the system clock, a nil
// logger slog.Default().
func New(db *store.DB, clock minsheng.Clock, log *slog.Logger) *Kit {
	if clock == nil {
		clock = minsheng.SystemClock{}
	}
	if log == nil {
		log = slog.Default()
	}
	return &Kit{db: db, clock: clock, log: log}
}

// DB returns the store.
func (k *Kit) DB() *store.DB { return k.db }

// Clock returns the clock use cases read.
func (k *Kit) Clock() minsheng.Clock { return k.clock }

// Log returns the logger. Never log personal data (names, phones, ID
// numbers): log ids.
func (k *Kit) Log() *slog.Logger { return k.log }

// Now reads the clock in UTC, cut to microseconds: the precision
// PostgreSQL keeps, so that a time reads back equal on both dialects.
func (k *Kit) Now() time.Time { return k.clock.Now().UTC().Truncate(time.Microsecond) }

// Write runs fn in one read-write transaction, committed if fn returns
// nil. Pass the *store.Tx down to helpers; a Write opened inside fn fails
// (store refuses nested writes rather than waiting on itself).
//
// On PostgreSQL the partitions of the present month's tickets are made
// first (at once when they exist): a ticket opened in fn
// (app.Service.OpenTicketTx) needs them, and they cannot be made once
// fn's transaction holds locks (store.Tx.NextTicketID).
func (k *Kit) Write(ctx context.Context, fn func(*store.Tx) error) error {
	now := k.Now()
	if err := k.db.MakeTicketMonths(ctx, now, now); err != nil {
		return err
	}
	return k.db.Write(ctx, fn)
}

// Read runs fn in one read-only transaction, a consistent view over
// several queries.
func (k *Kit) Read(ctx context.Context, fn func(*store.Tx) error) error { return k.db.Read(ctx, fn) }

// systemUsername names the system actor. An account may have the same
// name, but never the id 0 that only the system actor has.
const systemUsername = "system"

// System returns the actor of what no person does: the shell (minsheng
// user create, open311 key …), background jobs, and the demo seed. It acts
// as an admin of the whole district and is recorded in the timeline and
// the audit log with no user id. Use cases refuse a nil actor.
func System() *org.User {
	return &org.User{Username: systemUsername, Name: "system", Role: org.RoleAdmin, Active: true, UnitPath: "/"}
}

// IsSystem reports whether u is the system actor.
func IsSystem(u *org.User) bool { return u != nil && u.ID == 0 && u.Username == systemUsername }

// Require returns nil if the actor is active and holds one of the roles
// (the system actor holds every role), and an EFORBIDDEN error otherwise.
// It is the one role check of use cases; scoped checks (which units the
// actor sees) come after it.
func Require(actor *org.User, roles ...org.Role) error {
	if actor == nil {
		return minsheng.Errorf(minsheng.EUNAUTHORIZED, "sign in first")
	}
	if !actor.Active {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "account is disabled")
	}
	if IsSystem(actor) {
		return nil
	}
	for _, r := range roles {
		if hasRole(actor, r) {
			return nil
		}
	}
	return minsheng.Errorf(minsheng.EFORBIDDEN, "your role may not do this")
}

// RequireAdmin is Require(actor, org.RoleAdmin).
func RequireAdmin(actor *org.User) error { return Require(actor, org.RoleAdmin) }

// hasRole reports whether the user holds the role (any of their grants).
func hasRole(u *org.User, r org.Role) bool { return u.Has(r) }

// AdminPaths returns the subtrees over which the actor holds the admin
// role, none below another, for list filters; nil when one of them is the
// whole district (a unit at most two levels deep: the district, or the
// root above it) or the actor is the system actor.
func AdminPaths(actor *org.User) []string {
	if IsSystem(actor) {
		return nil
	}
	paths := actor.ScopesAs(org.RoleAdmin)
	for _, p := range paths {
		if strings.Count(p, "/") <= 2 {
			return nil
		}
	}
	return paths
}

// RequireDistrictAdmin returns nil if the actor is an admin of the whole
// district (AdminPaths is nil), and an EFORBIDDEN error for an admin of a
// street or anything below: district-wide objects (categories, webhooks,
// Open311 clients and services, the knowledge base, routing and deadline
// rules, the calendar, settings) are theirs alone.
func RequireDistrictAdmin(actor *org.User) error {
	if err := RequireAdmin(actor); err != nil {
		return err
	}
	if AdminPaths(actor) != nil {
		return minsheng.Errorf(minsheng.EFORBIDDEN, "only admins of the district may change district-wide setup")
	}
	return nil
}

// Own reports whether a record of personal data is the actor's own: owner
// is the user account the record belongs to (a seeker's or an employer's
// account), 0 when it belongs to none. It is the one rule of who sees
// personal data as themselves: a person always sees their own name, phone
// and ID number unmasked, and seeing them is no reveal (nothing audited).
// The system actor owns nothing.
func Own(actor *org.User, owner int64) bool {
	return actor != nil && owner != 0 && actor.ID == owner && !IsSystem(actor)
}

// MaskedFor returns the record v as the actor sees it: as it is when it is
// the actor's own (Own), masked by mask otherwise. Use cases return
// records of people through it, e.g.
// kit.MaskedFor(actor, k.UserID, *k, employ.Seeker.Masked).
func MaskedFor[T any](actor *org.User, owner int64, v T, mask func(T) T) T {
	if Own(actor, owner) {
		return v
	}
	return mask(v)
}
