-- The mediation centre (矛盾纠纷调解, issue 17), PostgreSQL dialect. Keep in step
-- with ../sqlite/202612070400_mediation.sql.

-- A dispute case. status follows package mediation's lifecycle; version
-- guards concurrent changes. outcome is the reason of a decline or where a
-- failed case was referred on; repeats lists earlier cases it repeats
-- (JSON). ticket_id is the hotline ticket it came from (also linked in
-- object_links).
CREATE TABLE mediation_cases (
	id            BIGINT PRIMARY KEY,
	number        TEXT NOT NULL UNIQUE,
	type          TEXT NOT NULL,
	source        TEXT NOT NULL,
	status        TEXT NOT NULL,
	title         TEXT NOT NULL,
	summary       TEXT NOT NULL DEFAULT '',
	address       TEXT NOT NULL DEFAULT '',
	address_key   TEXT NOT NULL DEFAULT '',
	referred_by   TEXT NOT NULL DEFAULT '',
	unit_id       BIGINT NOT NULL REFERENCES units (id),
	unit_path     TEXT NOT NULL,
	mediator_id   BIGINT REFERENCES users (id),
	ticket_id     BIGINT,
	outcome       TEXT NOT NULL DEFAULT '',
	repeats       TEXT NOT NULL DEFAULT '[]',
	registered_at TIMESTAMPTZ NOT NULL,
	accepted_at   TIMESTAMPTZ,
	agreement_at  TIMESTAMPTZ,
	closed_at     TIMESTAMPTZ,
	updated_at    TIMESTAMPTZ NOT NULL,
	version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX mediation_cases_unit ON mediation_cases (unit_path, registered_at);
CREATE INDEX mediation_cases_ticket ON mediation_cases (ticket_id);
-- Repeat detection looks cases up by their normalized address.
CREATE INDEX mediation_cases_address ON mediation_cases (address_key, registered_at);

-- The parties of a case, with their personal data (masked when shown).
CREATE TABLE mediation_parties (
	id          BIGINT PRIMARY KEY,
	case_id     BIGINT NOT NULL REFERENCES mediation_cases (id),
	position    INTEGER NOT NULL,
	side        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	name        TEXT NOT NULL,
	phone       TEXT NOT NULL DEFAULT '',
	id_number   TEXT NOT NULL DEFAULT '',
	address     TEXT NOT NULL DEFAULT '',
	agent_name  TEXT NOT NULL DEFAULT '',
	agent_phone TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mediation_parties_case ON mediation_parties (case_id, position);
CREATE INDEX mediation_parties_phone ON mediation_parties (phone) WHERE phone <> '';
CREATE INDEX mediation_parties_id_number ON mediation_parties (id_number) WHERE id_number <> '';

-- Mediation sessions: scheduled, then held with their record (调解笔录).
CREATE TABLE mediation_sessions (
	id           BIGINT PRIMARY KEY,
	case_id      BIGINT NOT NULL REFERENCES mediation_cases (id),
	seq          INTEGER NOT NULL,
	scheduled_at TIMESTAMPTZ NOT NULL,
	place        TEXT NOT NULL,
	participants TEXT NOT NULL DEFAULT '',
	held_at      TIMESTAMPTZ,
	record       TEXT NOT NULL DEFAULT '',
	created_by   BIGINT REFERENCES users (id),
	UNIQUE (case_id, seq)
);

-- Notes of a case: joint (party_id NULL) or private to one party's talk
-- with the mediator (背靠背), read only by the case's mediator.
CREATE TABLE mediation_notes (
	id         BIGINT PRIMARY KEY,
	case_id    BIGINT NOT NULL REFERENCES mediation_cases (id),
	session_id BIGINT REFERENCES mediation_sessions (id),
	party_id   BIGINT REFERENCES mediation_parties (id),
	author_id  BIGINT REFERENCES users (id),
	at         TIMESTAMPTZ NOT NULL,
	body       TEXT NOT NULL
);
CREATE INDEX mediation_notes_case ON mediation_notes (case_id, at);

-- The agreement of a case and its 司法确认 deadline.
CREATE TABLE mediation_agreements (
	case_id             BIGINT PRIMARY KEY REFERENCES mediation_cases (id),
	terms               TEXT NOT NULL,
	sign_mode           TEXT NOT NULL,
	effective_at        TIMESTAMPTZ NOT NULL,
	judicial_deadline   TIMESTAMPTZ NOT NULL,
	judicial_prompted_at TIMESTAMPTZ,
	judicial_applied_at TIMESTAMPTZ,
	created_at          TIMESTAMPTZ NOT NULL,
	created_by          BIGINT REFERENCES users (id)
);

-- The performance schedule of an agreement.
CREATE TABLE mediation_instalments (
	case_id     BIGINT NOT NULL REFERENCES mediation_cases (id),
	seq         INTEGER NOT NULL,
	due         TIMESTAMPTZ NOT NULL,
	amount_fen  BIGINT NOT NULL,
	what        TEXT NOT NULL DEFAULT '',
	paid_at     TIMESTAMPTZ,
	reminded_at TIMESTAMPTZ,
	PRIMARY KEY (case_id, seq)
);
CREATE INDEX mediation_instalments_due ON mediation_instalments (due) WHERE paid_at IS NULL;
