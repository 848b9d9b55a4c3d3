-- Leaders' responsibility assignments (包保, 三包; issue 14), PostgreSQL dialect.
-- Keep in step with ../sqlite/202612071000_responsibilities.sql.

-- A matter a leader has taken charge of: a petition case, a key project
-- or a key enterprise. status follows package responsibility's lifecycle.
CREATE TABLE responsibilities (
	id         BIGINT PRIMARY KEY,
	kind       TEXT NOT NULL,
	title      TEXT NOT NULL,
	summary    TEXT NOT NULL DEFAULT '',
	goal       TEXT NOT NULL DEFAULT '',
	leader_id  BIGINT NOT NULL REFERENCES users (id),
	unit_id    BIGINT NOT NULL REFERENCES units (id),
	unit_path  TEXT NOT NULL,
	status     TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	version    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX responsibilities_leader ON responsibilities (leader_id, status);

-- Its milestones, each due on a day; done_at is set when it is recorded done.
CREATE TABLE responsibility_milestones (
	responsibility_id BIGINT NOT NULL REFERENCES responsibilities (id),
	seq               INTEGER NOT NULL,
	title             TEXT NOT NULL,
	due               TIMESTAMPTZ NOT NULL,
	done_at           TIMESTAMPTZ,
	note              TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (responsibility_id, seq)
);
