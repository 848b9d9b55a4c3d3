-- Links that let a resident follow and rate their request without an
-- account, besides the token a resident gets on the portal (or an Open311
-- client on submission), which stays in tickets.tracking_hash: each SMS to
-- the caller with a link (on registration, with the reply) and each lookup
-- by ticket number and phone makes a token of its own. Only the SHA-256 of
-- a token is kept. Keep in step with the other dialect's file of the same
-- name.
CREATE TABLE tracking_links (
	hash       TEXT PRIMARY KEY,
	ticket_id  BIGINT NOT NULL REFERENCES tickets (id),
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX tracking_links_ticket ON tracking_links (ticket_id);
