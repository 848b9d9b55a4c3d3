-- Residents' acceptance ratings of completed projects, SQLite dialect. Keep
-- in step with ../postgres/202612071440_project_ratings.sql.

-- One rating (1 to 5 stars) per phone and project; the phone is personal
-- data, never shown, kept so that a phone rates a project once.
CREATE TABLE project_ratings (
	id         INTEGER PRIMARY KEY,
	project_id BIGINT NOT NULL REFERENCES projects (id),
	phone      TEXT NOT NULL,
	stars      INTEGER NOT NULL,
	created_at TIMESTAMP NOT NULL,
	UNIQUE (project_id, phone)
);
