-- Residents following a public livelihood project by SMS (issue 17), PostgreSQL
-- dialect. Keep in step with ../sqlite/202612071410_project_followers.sql.

-- One phone's follow of one project. phone is personal data, never shown.
-- The signing code is kept only as a hash; unsubscribe is the token of the
-- link in every SMS that ends the follow (it can do nothing else).
CREATE TABLE project_followers (
	id              BIGINT PRIMARY KEY,
	project_id      BIGINT NOT NULL REFERENCES projects (id),
	phone           TEXT NOT NULL,
	status          TEXT NOT NULL,
	code_hash       TEXT NOT NULL DEFAULT '',
	code_sent_at    TIMESTAMPTZ,
	code_expires_at TIMESTAMPTZ,
	sends           INTEGER NOT NULL DEFAULT 0,
	attempts        INTEGER NOT NULL DEFAULT 0,
	unsubscribe     TEXT NOT NULL,
	created_at      TIMESTAMPTZ NOT NULL,
	confirmed_at    TIMESTAMPTZ,
	UNIQUE (project_id, phone)
);
CREATE UNIQUE INDEX project_followers_unsubscribe ON project_followers (unsubscribe);
CREATE INDEX project_followers_active ON project_followers (project_id, status);
