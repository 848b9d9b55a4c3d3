-- Photos of a project's progress, PostgreSQL dialect. Keep in step with
-- ../sqlite/202612071430_project_photos.sql.

-- A photo in the blob store, shown on the public page; milestone is the
-- number of the milestone it shows (0: the project's progress).
CREATE TABLE project_photos (
	id           BIGINT PRIMARY KEY,
	project_id   BIGINT NOT NULL REFERENCES projects (id),
	milestone    INTEGER NOT NULL DEFAULT 0,
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         BIGINT NOT NULL,
	sha256       TEXT NOT NULL,
	created_by   BIGINT REFERENCES users (id),
	created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX project_photos_project ON project_photos (project_id, id);
