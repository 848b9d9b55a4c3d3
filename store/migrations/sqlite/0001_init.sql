-- Minsheng schema, SQLite dialect. Keep in step with ../postgres/0001_init.sql.
-- Times are stored in UTC. Ids are made by the application (store/ids.go).

CREATE TABLE counters (
	name  TEXT PRIMARY KEY,
	value BIGINT NOT NULL
);

CREATE TABLE units (
	id         INTEGER PRIMARY KEY,
	parent_id  BIGINT REFERENCES units (id),
	kind       TEXT NOT NULL,
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	path       TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_path ON units (path);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	unit_id       BIGINT NOT NULL REFERENCES units (id),
	password_hash TEXT NOT NULL DEFAULT '',
	active        BOOLEAN NOT NULL DEFAULT TRUE,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until  TIMESTAMP,
	created_at    TIMESTAMP NOT NULL
);
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id    BIGINT NOT NULL REFERENCES users (id),
	created_at TIMESTAMP NOT NULL,
	expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	user_id      BIGINT NOT NULL REFERENCES users (id),
	name         TEXT NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	created_at   TIMESTAMP NOT NULL,
	last_used_at TIMESTAMP,
	revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE categories (
	id         INTEGER PRIMARY KEY,
	parent_id  BIGINT REFERENCES categories (id),
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	name_en    TEXT NOT NULL DEFAULT '',
	level      INTEGER NOT NULL,
	path       TEXT NOT NULL,
	active     BOOLEAN NOT NULL DEFAULT TRUE,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX categories_parent ON categories (parent_id);

CREATE TABLE tickets (
	id               INTEGER PRIMARY KEY,
	number           TEXT NOT NULL UNIQUE,
	title            TEXT NOT NULL,
	description      TEXT NOT NULL,
	kind             TEXT NOT NULL,
	urgency          TEXT NOT NULL,
	channel          TEXT NOT NULL,
	status           TEXT NOT NULL,
	category_id      BIGINT REFERENCES categories (id),
	caller_name      TEXT NOT NULL DEFAULT '',
	caller_phone     TEXT NOT NULL DEFAULT '',
	address          TEXT NOT NULL DEFAULT '',
	lat              DOUBLE PRECISION,
	lng              DOUBLE PRECISION,
	intake_unit_id   BIGINT NOT NULL REFERENCES units (id),
	intake_unit_path TEXT NOT NULL,
	unit_id          BIGINT REFERENCES units (id),
	unit_path        TEXT NOT NULL DEFAULT '',
	parent_id        BIGINT REFERENCES tickets (id),
	created_by       BIGINT REFERENCES users (id),
	created_at       TIMESTAMP NOT NULL,
	updated_at       TIMESTAMP NOT NULL,
	dispatched_at    TIMESTAMP,
	acknowledged_at  TIMESTAMP,
	replied_at       TIMESTAMP,
	closed_at        TIMESTAMP,
	acknowledge_by   TIMESTAMP,
	reply_by         TIMESTAMP,
	callback_by      TIMESTAMP,
	reply            TEXT NOT NULL DEFAULT '',
	resolved         BOOLEAN,
	satisfaction     TEXT NOT NULL DEFAULT '',
	callback_at      TIMESTAMP,
	return_count     INTEGER NOT NULL DEFAULT 0,
	reopen_count     INTEGER NOT NULL DEFAULT 0,
	version          INTEGER NOT NULL
);
CREATE INDEX tickets_created ON tickets (created_at, id);
CREATE INDEX tickets_status_created ON tickets (status, created_at, id);
CREATE INDEX tickets_unit_status_created ON tickets (unit_id, status, created_at, id);
CREATE INDEX tickets_unit_path ON tickets (unit_path, created_at);
CREATE INDEX tickets_intake_path ON tickets (intake_unit_path, created_at);
CREATE INDEX tickets_category_created ON tickets (category_id, created_at, id);
CREATE INDEX tickets_phone_created ON tickets (caller_phone, created_at);
CREATE INDEX tickets_parent ON tickets (parent_id);

CREATE TABLE ticket_events (
	ticket_id   BIGINT NOT NULL REFERENCES tickets (id),
	seq         INTEGER NOT NULL,
	at          TIMESTAMP NOT NULL,
	actor_id    BIGINT REFERENCES users (id),
	action      TEXT NOT NULL,
	from_status TEXT NOT NULL DEFAULT '',
	to_status   TEXT NOT NULL,
	unit_id     BIGINT REFERENCES units (id),
	note        TEXT NOT NULL DEFAULT '',
	data        TEXT NOT NULL DEFAULT '{}',
	PRIMARY KEY (ticket_id, seq)
);

CREATE TABLE idempotency_keys (
	scope       TEXT NOT NULL,
	key         TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	ticket_id   BIGINT NOT NULL REFERENCES tickets (id),
	created_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (scope, key)
);

CREATE TABLE audit_log (
	id         INTEGER PRIMARY KEY,
	at         TIMESTAMP NOT NULL,
	actor_id   BIGINT REFERENCES users (id),
	action     TEXT NOT NULL,
	object     TEXT NOT NULL,
	object_id  BIGINT NOT NULL,
	detail     TEXT NOT NULL DEFAULT '',
	ip         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_object ON audit_log (object, object_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
