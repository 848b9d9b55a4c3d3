-- Job matching (城西e就业, issue 18), SQLite dialect. Keep in step with
-- ../postgres/202612071500_employ.sql.

-- An employer; verified_at is set by staff; arrears flags owing wages (欠薪).
CREATE TABLE employ_employers (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL,
	credit_code   TEXT NOT NULL UNIQUE,
	contact_name  TEXT NOT NULL,
	contact_phone TEXT NOT NULL,
	area          TEXT NOT NULL DEFAULT '',
	user_id       BIGINT NOT NULL DEFAULT 0,
	verified_at   TIMESTAMP,
	arrears       BOOLEAN NOT NULL DEFAULT FALSE,
	arrears_note  TEXT NOT NULL DEFAULT '',
	created_at    TIMESTAMP NOT NULL,
	version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX employ_employers_user ON employ_employers (user_id);

-- A job post; status follows package employ's lifecycle.
CREATE TABLE employ_posts (
	id           INTEGER PRIMARY KEY,
	employer_id  BIGINT NOT NULL REFERENCES employ_employers (id),
	title        TEXT NOT NULL,
	occupation   TEXT NOT NULL,
	kind         TEXT NOT NULL,
	salary_min   INTEGER NOT NULL,
	salary_max   INTEGER NOT NULL,
	hours        TEXT NOT NULL DEFAULT '',
	area         TEXT NOT NULL,
	place        TEXT NOT NULL DEFAULT '',
	openings     INTEGER NOT NULL DEFAULT 1,
	requirements TEXT NOT NULL DEFAULT '',
	work_day     TIMESTAMP,
	status       TEXT NOT NULL,
	note         TEXT NOT NULL DEFAULT '',
	published_at TIMESTAMP,
	expires_at   TIMESTAMP,
	reminded     BOOLEAN NOT NULL DEFAULT FALSE,
	created_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL,
	version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX employ_posts_status ON employ_posts (status, expires_at);
CREATE INDEX employ_posts_employer ON employ_posts (employer_id, id);

-- A seeker; skills and kinds are comma-separated codes; id_number is
-- optional, for finding the person in the household registry.
CREATE TABLE employ_seekers (
	id            INTEGER PRIMARY KEY,
	name          TEXT NOT NULL,
	phone         TEXT NOT NULL,
	id_number     TEXT NOT NULL DEFAULT '',
	skills        TEXT NOT NULL,
	kinds         TEXT NOT NULL,
	area          TEXT NOT NULL,
	salary_min    INTEGER NOT NULL DEFAULT 0,
	hard          BOOLEAN NOT NULL DEFAULT FALSE,
	consent       BOOLEAN NOT NULL DEFAULT FALSE,
	subscribed    BOOLEAN NOT NULL DEFAULT FALSE,
	user_id       BIGINT NOT NULL DEFAULT 0,
	caseworker_id BIGINT NOT NULL DEFAULT 0,
	placed_at     TIMESTAMP,
	created_at    TIMESTAMP NOT NULL,
	version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX employ_seekers_user ON employ_seekers (user_id);
CREATE INDEX employ_seekers_subscribed ON employ_seekers (subscribed, consent);

-- An application of a seeker to a post, once per pair.
CREATE TABLE employ_applications (
	id         INTEGER PRIMARY KEY,
	post_id    BIGINT NOT NULL REFERENCES employ_posts (id),
	seeker_id  BIGINT NOT NULL REFERENCES employ_seekers (id),
	status     TEXT NOT NULL,
	score      INTEGER NOT NULL DEFAULT 0,
	note       TEXT NOT NULL DEFAULT '',
	applied_at TIMESTAMP NOT NULL,
	hired_at   TIMESTAMP,
	updated_at TIMESTAMP NOT NULL,
	version    INTEGER NOT NULL DEFAULT 1,
	UNIQUE (post_id, seeker_id)
);
CREATE INDEX employ_applications_seeker ON employ_applications (seeker_id, status);

-- The follow-ups of an assisted placement (就业援助): months 1, 3, 6.
CREATE TABLE employ_followups (
	application_id BIGINT NOT NULL REFERENCES employ_applications (id),
	month          INTEGER NOT NULL,
	seeker_id      BIGINT NOT NULL,
	due            TIMESTAMP NOT NULL,
	done_at        TIMESTAMP,
	outcome        TEXT NOT NULL DEFAULT '',
	note           TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (application_id, month)
);
CREATE INDEX employ_followups_due ON employ_followups (due);

-- The posts pushed to a seeker, for the rate limit and to push once.
CREATE TABLE employ_pushes (
	seeker_id BIGINT NOT NULL,
	post_id   BIGINT NOT NULL,
	at        TIMESTAMP NOT NULL,
	PRIMARY KEY (seeker_id, post_id)
);
CREATE INDEX employ_pushes_at ON employ_pushes (seeker_id, at);
