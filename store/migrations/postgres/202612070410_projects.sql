-- Public livelihood projects (民生实事, issue 17), PostgreSQL dialect. Keep in
-- step with ../sqlite/202612070410_projects.sql.

-- A committed project of a year. status follows package project's
-- lifecycle; explanation says why a delayed project is late.
CREATE TABLE projects (
	id          BIGINT PRIMARY KEY,
	year        INTEGER NOT NULL,
	code        TEXT NOT NULL UNIQUE,
	title       TEXT NOT NULL,
	category    TEXT NOT NULL DEFAULT '',
	area        TEXT NOT NULL DEFAULT '',
	summary     TEXT NOT NULL DEFAULT '',
	budget_yuan BIGINT NOT NULL DEFAULT 0,
	unit_id     BIGINT NOT NULL REFERENCES units (id),
	unit_path   TEXT NOT NULL,
	leader      TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL,
	progress    INTEGER NOT NULL DEFAULT 0,
	explanation TEXT NOT NULL DEFAULT '',
	updated_at  TIMESTAMPTZ NOT NULL,
	version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX projects_year ON projects (year, code);

-- The milestones of a project, in order of their planned days.
CREATE TABLE project_milestones (
	project_id BIGINT NOT NULL REFERENCES projects (id),
	seq        INTEGER NOT NULL,
	title      TEXT NOT NULL,
	planned    TIMESTAMPTZ NOT NULL,
	actual     TIMESTAMPTZ,
	evidence   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (project_id, seq)
);
