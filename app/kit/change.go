package kit

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/minsheng/minsheng/notify"
	"github.com/minsheng/minsheng/org"
	"github.com/minsheng/minsheng/store"
)

// Change is one change of an object, as the use case that made it tells
// it: Record writes, in the change's own transaction, the event on the
// object's timeline, the audit entry and the outbox messages, so that
// there is never a change without its trace nor a message about a change
// that did not happen.
//
// Data and Note are shown to staff who may see the object and kept in the
// audit log: never put personal data (names, phones, ID numbers) in them —
// name the object by its id, and say what changed ("rate: 60 → 30").
type Change struct {
	Actor    *org.User // who; the system actor for the shell and jobs
	Object   string    // the object's type: "api_client", "household", "setting" …
	ObjectID int64     // its id; 0 for a singleton such as the dispatch settings
	Action   string    // what was done: "create", "revoke", "set_rate" …
	Note     string    // free text, for people
	Data     map[string]string
	IP       string // the client's address, when the change came over HTTP

	// NoTimeline leaves the object's timeline alone and writes the audit
	// entry only: for objects with a timeline of their own (tickets) and
	// for reads that must be audited (a reveal of personal data).
	NoTimeline bool

	// Messages go to the outbox with the change; Record fills in what they
	// tell of (object, id, the timeline event's seq) and when.
	Messages []notify.Message
}

// Record writes the change's timeline event (unless NoTimeline), its
// audit entry and its outbox messages in tx, and returns the event (nil
// with NoTimeline).
func (k *Kit) Record(ctx context.Context, tx *store.Tx, c Change) (*store.TimelineEvent, error) {
	if c.Actor == nil {
		return nil, fmt.Errorf("record %s %s/%d: no actor", c.Action, c.Object, c.ObjectID)
	}
	if c.Object == "" || c.Action == "" {
		return nil, fmt.Errorf("record: a change needs an object type and an action")
	}
	now := k.Now()
	var ev *store.TimelineEvent
	if !c.NoTimeline {
		ev = &store.TimelineEvent{ObjectType: c.Object, ObjectID: c.ObjectID, At: now, ActorID: c.Actor.ID,
			Action: c.Action, Note: c.Note, Data: c.Data}
		if err := store.AppendTimeline(ctx, tx, ev); err != nil {
			return nil, err
		}
	}
	if err := store.InsertAudit(ctx, tx, &store.AuditEntry{At: now, ActorID: c.Actor.ID, Action: c.Action,
		Object: c.Object, ObjectID: c.ObjectID, Detail: auditDetail(c.Note, c.Data), IP: c.IP}); err != nil {
		return nil, err
	}
	for _, m := range c.Messages {
		m.Object, m.ObjectID, m.At = c.Object, c.ObjectID, now
		if ev != nil {
			m.EventSeq = ev.Seq
		}
		if _, err := notify.Enqueue(ctx, tx, m); err != nil {
			return nil, err
		}
	}
	return ev, nil
}

// auditDetail is the audit log's one line about a change: the note, then
// the data as key=value in key order.
func auditDetail(note string, data map[string]string) string {
	parts := []string{}
	if note != "" {
		parts = append(parts, note)
	}
	for _, k := range slices.Sorted(maps.Keys(data)) {
		parts = append(parts, k+"="+data[k])
	}
	return strings.Join(parts, " ")
}
