-- Proactive service (未诉先办, issue 14), PostgreSQL dialect. Keep in step with
-- ../sqlite/202612071010_household_triggers.sql.

-- The trigger rules as a district admin set them (a kind missing here
-- runs with its default). tags are comma-separated.
CREATE TABLE household_trigger_rules (
	kind          TEXT PRIMARY KEY,
	enabled       BOOLEAN NOT NULL,
	days          INTEGER NOT NULL DEFAULT 0,
	tags          TEXT NOT NULL DEFAULT '',
	escalate_days INTEGER NOT NULL,
	updated_at    TIMESTAMPTZ NOT NULL,
	updated_by    BIGINT REFERENCES users (id)
);

-- Heat and cold alert days entered by an admin.
CREATE TABLE household_alert_days (
	id         BIGINT PRIMARY KEY,
	day        TIMESTAMPTZ NOT NULL,
	kind       TEXT NOT NULL,
	tags       TEXT NOT NULL DEFAULT '',
	note       TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES users (id),
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX household_alert_days_day ON household_alert_days (day);

-- The proactive work orders the rules opened, and their escalation: one
-- open order at most per household and rule.
CREATE TABLE household_proactive (
	id           BIGINT PRIMARY KEY,
	household_id BIGINT NOT NULL REFERENCES households (id),
	unit_path    TEXT NOT NULL,
	rule         TEXT NOT NULL,
	reason       TEXT NOT NULL,
	ticket_id    BIGINT NOT NULL REFERENCES tickets (id),
	opened_at    TIMESTAMPTZ NOT NULL,
	step         INTEGER NOT NULL DEFAULT 0,
	stepped_at   TIMESTAMPTZ NOT NULL,
	closed_at    TIMESTAMPTZ
);
CREATE UNIQUE INDEX household_proactive_open ON household_proactive (household_id, rule) WHERE closed_at IS NULL;
CREATE INDEX household_proactive_path ON household_proactive (unit_path, closed_at);
