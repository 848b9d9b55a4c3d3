-- Grids and the screening ledger (docs/grids.md): grid reports and their
-- GB/T 30428 loop, screening campaigns (大排查) and the items they found,
-- and the grid workers' field diaries (民情日记). Their changes and the
-- diaries' comments are on the timeline (timeline_events). Keep in step
-- with the other dialect's file of the same name.
CREATE TABLE grid_reports (
	id            BIGINT PRIMARY KEY,
	grid_id       BIGINT NOT NULL REFERENCES units (id),
	grid_path     TEXT NOT NULL,
	reporter_id   BIGINT NOT NULL REFERENCES users (id),
	class         TEXT NOT NULL,
	category      TEXT NOT NULL,
	title         TEXT NOT NULL,
	description   TEXT NOT NULL,
	address       TEXT NOT NULL,
	lat           DOUBLE PRECISION,
	lng           DOUBLE PRECISION,
	ticket_id     BIGINT NOT NULL REFERENCES tickets (id),
	status        TEXT NOT NULL,
	reported_at   TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL,
	checked_at    TIMESTAMP,
	checked_by    BIGINT REFERENCES users (id),
	check_passed  BOOLEAN,
	check_note    TEXT NOT NULL DEFAULT '',
	checks        INTEGER NOT NULL DEFAULT 0,
	failed_checks INTEGER NOT NULL DEFAULT 0,
	closed_at     TIMESTAMP
);
CREATE UNIQUE INDEX grid_reports_ticket ON grid_reports (ticket_id);
CREATE INDEX grid_reports_reporter ON grid_reports (reporter_id, reported_at);
CREATE INDEX grid_reports_grid ON grid_reports (grid_path, status);

CREATE TABLE ledger_campaigns (
	id         BIGINT PRIMARY KEY,
	title      TEXT NOT NULL,
	unit_id    BIGINT NOT NULL REFERENCES units (id),
	unit_path  TEXT NOT NULL,
	deadline   TIMESTAMP NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES users (id),
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX ledger_campaigns_unit ON ledger_campaigns (unit_path);

CREATE TABLE ledger_items (
	id                  BIGINT PRIMARY KEY,
	campaign_id         BIGINT NOT NULL REFERENCES ledger_campaigns (id),
	seq                 INTEGER NOT NULL,
	problem             TEXT NOT NULL,
	category            TEXT NOT NULL DEFAULT '',
	severity            TEXT NOT NULL,
	place               TEXT NOT NULL,
	unit_id             BIGINT NOT NULL REFERENCES units (id),
	unit_path           TEXT NOT NULL,
	responsible_unit_id BIGINT REFERENCES units (id),
	responsible_path    TEXT NOT NULL DEFAULT '',
	deadline            TIMESTAMP,
	lat                 DOUBLE PRECISION,
	lng                 DOUBLE PRECISION,
	status              TEXT NOT NULL,
	found_by            BIGINT REFERENCES users (id),
	found_at            TIMESTAMP NOT NULL,
	submitted_by        BIGINT REFERENCES users (id),
	submitted_at        TIMESTAMP,
	evidence            TEXT NOT NULL DEFAULT '',
	ticked_off_by       BIGINT REFERENCES users (id),
	ticked_off_at       TIMESTAMP,
	tick_off_note       TEXT NOT NULL DEFAULT '',
	rechecked_at        TIMESTAMP,
	relapses            INTEGER NOT NULL DEFAULT 0,
	updated_at          TIMESTAMP NOT NULL,
	version             INTEGER NOT NULL DEFAULT 1,
	UNIQUE (campaign_id, seq)
);
CREATE INDEX ledger_items_counts ON ledger_items (campaign_id, responsible_unit_id, status, deadline);
CREATE INDEX ledger_items_unit ON ledger_items (unit_path);

CREATE TABLE field_diaries (
	id           BIGINT PRIMARY KEY,
	author_id    BIGINT NOT NULL REFERENCES users (id),
	grid_id      BIGINT NOT NULL REFERENCES units (id),
	grid_path    TEXT NOT NULL,
	day          TEXT NOT NULL,
	text         TEXT NOT NULL,
	status       TEXT NOT NULL,
	created_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL,
	submitted_at TIMESTAMP,
	read_by      BIGINT REFERENCES users (id),
	read_at      TIMESTAMP,
	UNIQUE (author_id, day)
);
CREATE INDEX field_diaries_grid ON field_diaries (grid_path, day);
