-- Open311 GeoReport v2 (issue 6), SQLite dialect. Keep in step with
-- ../postgres/0003_open311.sql.

-- What the public interface shows of a category: a private category's
-- requests are listed without their description, address, photos or replies;
-- description is the text of the Open311 service.
ALTER TABLE categories ADD COLUMN private BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE categories ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE categories ADD COLUMN updated_at TIMESTAMP;

-- Client applications allowed to submit requests (FixMyStreet, a city app,
-- the mini-program). Only the hash of a client's key is kept; key_hint is its
-- first characters, to tell keys apart in lists.
CREATE TABLE api_clients (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL UNIQUE,
	key_hash        TEXT NOT NULL UNIQUE,
	key_hint        TEXT NOT NULL,
	rate_per_minute INTEGER NOT NULL DEFAULT 0,
	created_at      TIMESTAMP NOT NULL,
	key_issued_at   TIMESTAMP NOT NULL,
	revoked_at      TIMESTAMP
);

-- Custom fields of a category (Open311 service attributes). vals holds the
-- allowed values of list types as a JSON array of {key, name, name_en}.
CREATE TABLE category_attributes (
	id                       INTEGER PRIMARY KEY,
	category_id              BIGINT NOT NULL REFERENCES categories (id),
	code                     TEXT NOT NULL,
	datatype                 TEXT NOT NULL,
	variable                 BOOLEAN NOT NULL DEFAULT TRUE,
	required                 BOOLEAN NOT NULL DEFAULT FALSE,
	position                 INTEGER NOT NULL,
	description              TEXT NOT NULL DEFAULT '',
	description_en           TEXT NOT NULL DEFAULT '',
	datatype_description     TEXT NOT NULL DEFAULT '',
	datatype_description_en  TEXT NOT NULL DEFAULT '',
	vals                     TEXT NOT NULL DEFAULT '[]',
	created_at               TIMESTAMP NOT NULL,
	updated_at               TIMESTAMP NOT NULL,
	UNIQUE (category_id, code)
);

-- The attribute values submitted with a request; a multivaluelist has one
-- row per chosen value.
CREATE TABLE ticket_attributes (
	ticket_id BIGINT NOT NULL REFERENCES tickets (id),
	code      TEXT NOT NULL,
	position  INTEGER NOT NULL,
	value     TEXT NOT NULL,
	PRIMARY KEY (ticket_id, code, position)
);

-- What an Open311 client sent with a request beyond the ticket itself. The
-- email is personal data and never leaves the staff side.
CREATE TABLE open311_requests (
	ticket_id  BIGINT PRIMARY KEY REFERENCES tickets (id),
	client_id  BIGINT NOT NULL REFERENCES api_clients (id),
	address_id TEXT NOT NULL DEFAULT '',
	media_url  TEXT NOT NULL DEFAULT '',
	device_id  TEXT NOT NULL DEFAULT '',
	account_id TEXT NOT NULL DEFAULT '',
	email      TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX open311_requests_client ON open311_requests (client_id);

-- Following a token, listing by last change, and listing updates by time.
CREATE INDEX tickets_tracking_hash ON tickets (tracking_hash);
CREATE INDEX tickets_updated ON tickets (updated_at, id);
CREATE INDEX ticket_events_at ON ticket_events (at);
