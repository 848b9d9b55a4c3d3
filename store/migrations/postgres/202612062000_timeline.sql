-- The timeline of every object that is not a ticket (a household, a ride,
-- a mediation case, an API client, a setting…): one row per change, written
-- in the transaction of the change (package app/kit, Change). Tickets keep
-- their own ticket_events, which carry statuses and units and are read by
-- the rates. Keep in step with the other dialect's file of the same name.
CREATE TABLE timeline_events (
	object_type TEXT NOT NULL,
	object_id   BIGINT NOT NULL,
	seq         INTEGER NOT NULL,
	at          TIMESTAMP NOT NULL,
	actor_id    BIGINT REFERENCES users (id),
	action      TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	data        TEXT NOT NULL DEFAULT '{}',
	PRIMARY KEY (object_type, object_id, seq)
);
CREATE INDEX timeline_events_actor ON timeline_events (actor_id, at);

-- Links between objects of different capabilities: a ride request and the
-- hotline ticket it came from, a visit's concern and the ticket it opened.
CREATE TABLE object_links (
	from_type  TEXT NOT NULL,
	from_id    BIGINT NOT NULL,
	to_type    TEXT NOT NULL,
	to_id      BIGINT NOT NULL,
	relation   TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	created_by BIGINT REFERENCES users (id),
	PRIMARY KEY (from_type, from_id, to_type, to_id, relation)
);
CREATE INDEX object_links_to ON object_links (to_type, to_id);

-- Outbox messages about any object, not only tickets.
ALTER TABLE deliveries ADD COLUMN object_type TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN object_id BIGINT NOT NULL DEFAULT 0;
CREATE INDEX deliveries_object ON deliveries (object_type, object_id) WHERE object_type <> '';

-- The audit log is read by actor and by time (admin page /admin/audit).
CREATE INDEX audit_log_at ON audit_log (at);
