-- Files attached to a ticket's timeline events (photos with a report or a
-- reply). The bytes live in the blob store, addressed by sha256.
CREATE TABLE attachments (
	id           BIGINT PRIMARY KEY,
	ticket_id    BIGINT NOT NULL REFERENCES tickets (id),
	event_seq    INTEGER NOT NULL,
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         BIGINT NOT NULL,
	sha256       TEXT NOT NULL,
	created_by   BIGINT REFERENCES users (id),
	created_at   TIMESTAMPTZ NOT NULL,
	FOREIGN KEY (ticket_id, event_seq) REFERENCES ticket_events (ticket_id, seq)
);
CREATE INDEX attachments_ticket ON attachments (ticket_id, event_seq);

-- Requests from residents without an account (portal, Open311, apps) carry
-- a private tracking token; only its hash is kept.
ALTER TABLE tickets ADD COLUMN tracking_hash TEXT NOT NULL DEFAULT '';
