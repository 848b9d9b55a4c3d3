-- Small-business finance matching (甘霖工程, issue 18), SQLite dialect. Keep
-- in step with ../postgres/202612071600_finance.sql. Amounts are yuan,
-- rates basis points a year, terms months.

-- A bank of the programme, with its service promise: claim a match within
-- claim_days working days, answer within answer_days of the claim.
-- contact_phone is the bank's programme line, where reminders go.
CREATE TABLE finance_banks (
	id          INTEGER PRIMARY KEY,
	code        TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	claim_days  INTEGER NOT NULL,
	answer_days INTEGER NOT NULL,
	contact_phone TEXT NOT NULL DEFAULT '',
	active      BOOLEAN NOT NULL DEFAULT TRUE,
	created_at  TIMESTAMP NOT NULL
);

-- A bank's loan product. sizes, industries and collateral are
-- comma-separated codes of package finance; empty sizes or industries
-- admit every one.
CREATE TABLE finance_products (
	id          INTEGER PRIMARY KEY,
	bank_id     BIGINT NOT NULL REFERENCES finance_banks (id),
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	min_amount  BIGINT NOT NULL,
	max_amount  BIGINT NOT NULL,
	rate_min_bp INTEGER NOT NULL,
	rate_max_bp INTEGER NOT NULL,
	term_min    INTEGER NOT NULL,
	term_max    INTEGER NOT NULL,
	sizes       TEXT NOT NULL DEFAULT '',
	industries  TEXT NOT NULL DEFAULT '',
	min_years   INTEGER NOT NULL DEFAULT 0,
	collateral  TEXT NOT NULL DEFAULT '',
	min_tax     TEXT NOT NULL DEFAULT '',
	active      BOOLEAN NOT NULL DEFAULT TRUE,
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX finance_products_bank ON finance_products (bank_id);

-- Which bank a user of the bank_staff role works for: they see only the
-- matches sent to that bank.
CREATE TABLE finance_bank_staff (
	user_id BIGINT PRIMARY KEY REFERENCES users (id),
	bank_id BIGINT NOT NULL REFERENCES finance_banks (id)
);

-- A small business and its credit file. owner_* are personal data, shown
-- masked but for an audited reveal.
CREATE TABLE finance_businesses (
	id              INTEGER PRIMARY KEY,
	credit_code     TEXT NOT NULL UNIQUE,
	name            TEXT NOT NULL,
	industry        TEXT NOT NULL,
	size            TEXT NOT NULL,
	founded_on      TEXT NOT NULL,
	address         TEXT NOT NULL DEFAULT '',
	employees       INTEGER NOT NULL DEFAULT 0,
	revenue         BIGINT NOT NULL DEFAULT 0,
	tax_rating      TEXT NOT NULL DEFAULT '',
	owner_name      TEXT NOT NULL,
	owner_phone     TEXT NOT NULL,
	owner_id_number TEXT NOT NULL DEFAULT '',
	consent         BOOLEAN NOT NULL DEFAULT FALSE,
	consent_at      TIMESTAMP,
	unit_id         BIGINT NOT NULL REFERENCES units (id),
	unit_path       TEXT NOT NULL,
	created_at      TIMESTAMP NOT NULL,
	updated_at      TIMESTAMP NOT NULL
);

-- A business's credit demand.
CREATE TABLE finance_demands (
	id          INTEGER PRIMARY KEY,
	number      TEXT NOT NULL UNIQUE,
	business_id BIGINT NOT NULL REFERENCES finance_businesses (id),
	amount      BIGINT NOT NULL,
	term_months INTEGER NOT NULL,
	purpose     TEXT NOT NULL,
	collateral  TEXT NOT NULL,
	status      TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	closed_at   TIMESTAMP,
	version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX finance_demands_business ON finance_demands (business_id);
CREATE INDEX finance_demands_created ON finance_demands (created_at);

-- A demand matched to one product, and the bank's handling of it: the
-- service deadlines (claim_by, answer_by), the answer and the outcome.
-- reasons are the match's reason codes, comma-separated.
CREATE TABLE finance_matches (
	id               INTEGER PRIMARY KEY,
	demand_id        BIGINT NOT NULL REFERENCES finance_demands (id),
	product_id       BIGINT NOT NULL REFERENCES finance_products (id),
	bank_id          BIGINT NOT NULL REFERENCES finance_banks (id),
	score            INTEGER NOT NULL,
	reasons          TEXT NOT NULL DEFAULT '',
	status           TEXT NOT NULL,
	sent_at          TIMESTAMP,
	claim_by         TIMESTAMP,
	claimed_at       TIMESTAMP,
	answer_by        TIMESTAMP,
	answered_at      TIMESTAMP,
	approved_amount  BIGINT NOT NULL DEFAULT 0,
	decline_reason   TEXT NOT NULL DEFAULT '',
	disbursed_amount BIGINT NOT NULL DEFAULT 0,
	disbursed_on     TEXT NOT NULL DEFAULT '',
	reminded_at      TIMESTAMP,
	escalated_at     TIMESTAMP,
	created_at       TIMESTAMP NOT NULL,
	updated_at       TIMESTAMP NOT NULL,
	version          INTEGER NOT NULL DEFAULT 1,
	UNIQUE (demand_id, product_id)
);
CREATE INDEX finance_matches_bank ON finance_matches (bank_id, status);
CREATE INDEX finance_matches_status ON finance_matches (status);
