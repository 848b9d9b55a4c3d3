-- Where requests belong and when they are due: unit boundaries, routing
-- rules, deadline rules, the working calendar, extensions, settings.

CREATE TABLE unit_boundaries (
	unit_id    BIGINT PRIMARY KEY REFERENCES units (id),
	geojson    TEXT NOT NULL,
	min_lat    DOUBLE PRECISION NOT NULL,
	min_lng    DOUBLE PRECISION NOT NULL,
	max_lat    DOUBLE PRECISION NOT NULL,
	max_lng    DOUBLE PRECISION NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE routing_rules (
	id            BIGINT PRIMARY KEY,
	name          TEXT NOT NULL,
	priority      INTEGER NOT NULL DEFAULT 0,
	category_id   BIGINT REFERENCES categories (id),
	kind          TEXT NOT NULL DEFAULT '',
	area_unit_id  BIGINT REFERENCES units (id),
	keywords      TEXT NOT NULL DEFAULT '',
	unit_id       BIGINT NOT NULL REFERENCES units (id),
	auto_dispatch BOOLEAN NOT NULL DEFAULT FALSE,
	active        BOOLEAN NOT NULL DEFAULT TRUE,
	created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE sla_rules (
	id          BIGINT PRIMARY KEY,
	category_id BIGINT REFERENCES categories (id),
	kind        TEXT NOT NULL DEFAULT '',
	urgency     TEXT NOT NULL DEFAULT '',
	sla         TEXT NOT NULL,
	created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE calendar_years (
	year       INTEGER PRIMARY KEY,
	notice     TEXT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	updated_by BIGINT REFERENCES users (id)
);

CREATE TABLE settings (
	key        TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);

ALTER TABLE tickets ADD COLUMN location_unit_id BIGINT REFERENCES units (id);
ALTER TABLE tickets ADD COLUMN location_unit_path TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN suggested_unit_id BIGINT REFERENCES units (id);
ALTER TABLE tickets ADD COLUMN final_assignment BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tickets ADD COLUMN extension_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN extension_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN supervise_level INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tickets_location_path ON tickets (location_unit_path, created_at);
-- created_at and id too, so that the overdue list (newest first) can pick
-- its page from this index alone (docs/performance.md).
CREATE INDEX tickets_reply_by ON tickets (status, reply_by, created_at, id);
