-- Photos taken at household visits (issue 14): the files are in the blob
-- store by their SHA-256, as tickets' attachments are; a row names one
-- photo of a visit. Keep in step with the other dialect's file of the same
-- name.
CREATE TABLE household_visit_photos (
	id           BIGINT PRIMARY KEY,
	visit_id     BIGINT NOT NULL REFERENCES household_visits (id),
	household_id BIGINT NOT NULL REFERENCES households (id),
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         BIGINT NOT NULL,
	sha256       TEXT NOT NULL,
	created_by   BIGINT REFERENCES users (id),
	created_at   TIMESTAMP NOT NULL
);
CREATE INDEX household_visit_photos_household ON household_visit_photos (household_id, visit_id);
