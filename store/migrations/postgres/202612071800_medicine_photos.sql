-- Photos of medicine requests (docs/medicine.md): the prescription, each
-- handover of the delivery (leg = its seq) and the delivery to the
-- patient. The content is in the blob store, by its SHA-256.
-- Keep in step with the other dialect's file of the same name.
CREATE TABLE medicine_photos (
	id           BIGINT PRIMARY KEY,
	request_id   BIGINT NOT NULL REFERENCES medicine_requests (id),
	photo_of     TEXT NOT NULL,
	leg          INTEGER NOT NULL DEFAULT 0,
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         BIGINT NOT NULL,
	sha256       TEXT NOT NULL,
	created_by   BIGINT REFERENCES users (id),
	created_at   TIMESTAMP NOT NULL
);
CREATE INDEX medicine_photos_request ON medicine_photos (request_id, photo_of, leg);
