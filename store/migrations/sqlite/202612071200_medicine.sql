-- The special-medicine post (特殊用药专岗, docs/medicine.md): requests for
-- medicines residents cannot get, each from a hotline ticket, the
-- pharmacies and hospitals asked, and the legs of the delivery.
-- Keep in step with the other dialect's file of the same name.
CREATE TABLE medicine_requests (
	id            BIGINT PRIMARY KEY,
	status        TEXT NOT NULL,
	version       INTEGER NOT NULL,
	ticket_id     BIGINT,
	patient_name  TEXT NOT NULL,
	patient_phone TEXT NOT NULL,
	address       TEXT NOT NULL,
	medicine      TEXT NOT NULL,
	spec          TEXT NOT NULL DEFAULT '',
	quantity      INTEGER NOT NULL,
	unit          TEXT NOT NULL DEFAULT '',
	chronic       BOOLEAN NOT NULL DEFAULT FALSE,
	days_supply   INTEGER NOT NULL DEFAULT 0,
	urgency       TEXT NOT NULL,
	prescription  BOOLEAN NOT NULL DEFAULT FALSE,
	note          TEXT NOT NULL DEFAULT '',
	place         TEXT NOT NULL DEFAULT '',
	place_kind    TEXT NOT NULL DEFAULT '',
	expected_at   TIMESTAMP,
	mode          TEXT NOT NULL DEFAULT '',
	carrier_id    BIGINT REFERENCES users (id),
	delivered_qty INTEGER NOT NULL DEFAULT 0,
	closed_by     BIGINT REFERENCES users (id),
	reason        TEXT NOT NULL DEFAULT '',
	created_at    TIMESTAMP NOT NULL,
	created_by    BIGINT REFERENCES users (id),
	updated_at    TIMESTAMP NOT NULL,
	delivered_at  TIMESTAMP,
	confirmed_at  TIMESTAMP
);
CREATE INDEX medicine_requests_status ON medicine_requests (status, created_at);
CREATE INDEX medicine_requests_created ON medicine_requests (created_at);
CREATE INDEX medicine_requests_ticket ON medicine_requests (ticket_id);
CREATE INDEX medicine_requests_carrier ON medicine_requests (carrier_id, status);

CREATE TABLE medicine_attempts (
	request_id  BIGINT NOT NULL REFERENCES medicine_requests (id),
	seq         INTEGER NOT NULL,
	at          TIMESTAMP NOT NULL,
	actor_id    BIGINT REFERENCES users (id),
	place       TEXT NOT NULL,
	place_kind  TEXT NOT NULL,
	in_stock    BOOLEAN NOT NULL,
	expected_at TIMESTAMP,
	note        TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (request_id, seq)
);

CREATE TABLE medicine_handovers (
	request_id BIGINT NOT NULL REFERENCES medicine_requests (id),
	seq        INTEGER NOT NULL,
	at         TIMESTAMP NOT NULL,
	actor_id   BIGINT REFERENCES users (id),
	from_party TEXT NOT NULL,
	to_party   TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (request_id, seq)
);
