-- Households, visits and cadre pairing (issue 14), PostgreSQL dialect. Keep in
-- step with the other dialect's file of the same name.

-- A household of the registry, placed in a grid (unit_id; unit_path for the
-- community's and the street's lists). The visit plan is kept on the row:
-- interval_days from the members' tags, next_due_at worked out by
-- household.NextDue at every change, so that the due list and the coverage
-- are index reads. dissolved_at is set when a merge or split ends it.
CREATE TABLE households (
	id             BIGINT PRIMARY KEY,
	unit_id        BIGINT NOT NULL REFERENCES units (id),
	unit_path      TEXT COLLATE "C" NOT NULL,
	address        TEXT NOT NULL,
	consent_at     TIMESTAMPTZ NOT NULL,
	consent_by     BIGINT REFERENCES users (id),
	interval_days  INTEGER NOT NULL,
	last_visit_at  TIMESTAMPTZ,
	rescheduled_to TIMESTAMPTZ,
	next_due_at    TIMESTAMPTZ NOT NULL,
	created_at     TIMESTAMPTZ NOT NULL,
	updated_at     TIMESTAMPTZ NOT NULL,
	dissolved_at   TIMESTAMPTZ
);
CREATE INDEX households_path ON households (unit_path, address) WHERE dissolved_at IS NULL;

-- The coverage by grid: how many households of each grid are due on each
-- day (kind 'due', by next_due_at) and were last visited on each day
-- (kind 'visit', by last_visit_at), kept in the transaction that moves a
-- household's plan (store.InsertHousehold, UpdateHousehold), so that the
-- coverage of a street or of a city reads about a hundred rows a grid
-- whatever the number of households. Days are China's, at midnight.
CREATE TABLE household_day_counts (
	unit_id   BIGINT NOT NULL,
	unit_path TEXT COLLATE "C" NOT NULL,
	kind      TEXT NOT NULL,
	day       TIMESTAMPTZ NOT NULL,
	n         INTEGER NOT NULL,
	PRIMARY KEY (unit_id, kind, day)
);
CREATE INDEX household_day_counts_path ON household_day_counts (unit_path, unit_id, kind, day, n);

-- A member of a household. A person is in one household at most: the ID
-- number is unique across the registry.
CREATE TABLE household_people (
	id           BIGINT PRIMARY KEY,
	household_id BIGINT NOT NULL REFERENCES households (id),
	name         TEXT NOT NULL,
	id_number    TEXT NOT NULL UNIQUE,
	phone        TEXT NOT NULL DEFAULT '',
	relation     TEXT NOT NULL,
	created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX household_people_household ON household_people (household_id);

-- Vulnerability tags of a household (person_id 0) or of one member, with
-- where each comes from and when it must be checked again.
CREATE TABLE household_tags (
	household_id BIGINT NOT NULL REFERENCES households (id),
	person_id    BIGINT NOT NULL DEFAULT 0,
	tag          TEXT NOT NULL,
	source       TEXT NOT NULL,
	since        TIMESTAMPTZ NOT NULL,
	recheck_by   TIMESTAMPTZ NOT NULL,
	created_at   TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (household_id, person_id, tag)
);
CREATE INDEX household_tags_recheck ON household_tags (recheck_by);

-- A cadre paired with a household (分户联系) from one day to another; the
-- rows of ended pairings are the history. A household has one cadre at a
-- time.
CREATE TABLE household_pairings (
	id           BIGINT PRIMARY KEY,
	household_id BIGINT NOT NULL REFERENCES households (id),
	cadre_id     BIGINT NOT NULL REFERENCES users (id),
	from_at      TIMESTAMPTZ NOT NULL,
	to_at        TIMESTAMPTZ,
	created_by   BIGINT REFERENCES users (id)
);
CREATE UNIQUE INDEX household_pairings_current ON household_pairings (household_id) WHERE to_at IS NULL;
CREATE INDEX household_pairings_cadre ON household_pairings (cadre_id, to_at);

-- Visits, and missed visits with the day they were rescheduled to.
CREATE TABLE household_visits (
	id             BIGINT PRIMARY KEY,
	household_id   BIGINT NOT NULL REFERENCES households (id),
	cadre_id       BIGINT REFERENCES users (id),
	at             TIMESTAMPTZ NOT NULL,
	outcome        TEXT NOT NULL,
	met            TEXT NOT NULL DEFAULT '',
	note           TEXT NOT NULL DEFAULT '',
	lat            DOUBLE PRECISION,
	lng            DOUBLE PRECISION,
	rescheduled_to TIMESTAMPTZ,
	created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX household_visits_household ON household_visits (household_id, at);

-- The work order each concern of a visit opened, and whether its outcome
-- was answered (the ticket replied or closed) and taken back to the
-- household by the cadre.
CREATE TABLE household_concerns (
	visit_id     BIGINT NOT NULL REFERENCES household_visits (id),
	ticket_id    BIGINT NOT NULL REFERENCES tickets (id),
	household_id BIGINT NOT NULL REFERENCES households (id),
	cadre_id     BIGINT REFERENCES users (id),
	answered_at  TIMESTAMPTZ,
	returned_at  TIMESTAMPTZ,
	PRIMARY KEY (visit_id, ticket_id)
);
CREATE INDEX household_concerns_ticket ON household_concerns (ticket_id);
CREATE INDEX household_concerns_household ON household_concerns (household_id, returned_at);

-- Change requests of a household, approved or rejected by community
-- staff. input is the household.ChangeInput as JSON.
CREATE TABLE household_changes (
	id            BIGINT PRIMARY KEY,
	household_id  BIGINT NOT NULL REFERENCES households (id),
	unit_path     TEXT COLLATE "C" NOT NULL,
	kind          TEXT NOT NULL,
	status        TEXT NOT NULL,
	input         TEXT NOT NULL,
	requested_by  BIGINT REFERENCES users (id),
	requested_at  TIMESTAMPTZ NOT NULL,
	decided_by    BIGINT REFERENCES users (id),
	decided_at    TIMESTAMPTZ,
	decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX household_changes_status ON household_changes (status, unit_path);
CREATE INDEX household_changes_household ON household_changes (household_id);
