-- The volunteer fleet (爱心车队, docs/ride.md): vehicles, drivers (users
-- holding the driver grant), rides and the offers of rides to drivers.
-- Keep in step with the other dialect's file of the same name.
CREATE TABLE ride_vehicles (
	id              BIGINT PRIMARY KEY,
	plate           TEXT NOT NULL UNIQUE,
	seats           INTEGER NOT NULL,
	wheelchair      BOOLEAN NOT NULL DEFAULT FALSE,
	owner           TEXT NOT NULL DEFAULT '',
	insurance_until TIMESTAMP NOT NULL,
	active          BOOLEAN NOT NULL DEFAULT TRUE,
	created_at      TIMESTAMP NOT NULL
);

CREATE TABLE ride_drivers (
	id           BIGINT PRIMARY KEY,
	user_id      BIGINT NOT NULL UNIQUE REFERENCES users (id),
	name         TEXT NOT NULL,
	phone        TEXT NOT NULL,
	vehicle_id   BIGINT REFERENCES ride_vehicles (id),
	documents    TEXT NOT NULL DEFAULT '[]',
	availability TEXT NOT NULL DEFAULT '[]',
	areas        TEXT NOT NULL DEFAULT '',
	active       BOOLEAN NOT NULL DEFAULT TRUE,
	-- bumped by every acceptance, so that two rides accepted for one driver
	-- at once are taken one after the other
	version      INTEGER NOT NULL DEFAULT 0,
	created_at   TIMESTAMP NOT NULL
);

CREATE TABLE rides (
	id              BIGINT PRIMARY KEY,
	status          TEXT NOT NULL,
	version         INTEGER NOT NULL,
	series_id       BIGINT NOT NULL DEFAULT 0,
	return_of       BIGINT NOT NULL DEFAULT 0,
	ticket_id       BIGINT,
	rider_name      TEXT NOT NULL,
	rider_phone     TEXT NOT NULL,
	pickup          TEXT NOT NULL,
	destination     TEXT NOT NULL,
	area            TEXT NOT NULL DEFAULT '',
	pickup_at       TIMESTAMP NOT NULL,
	appointment_at  TIMESTAMP,
	passengers      INTEGER NOT NULL,
	wheelchair      BOOLEAN NOT NULL DEFAULT FALSE,
	purpose         TEXT NOT NULL,
	note            TEXT NOT NULL DEFAULT '',
	driver_id       BIGINT REFERENCES ride_drivers (id),
	vehicle_id      BIGINT REFERENCES ride_vehicles (id),
	offer_deadline  TIMESTAMP,
	closed_by       BIGINT REFERENCES users (id),
	reason          TEXT NOT NULL DEFAULT '',
	odometer_start  INTEGER,
	odometer_end    INTEGER,
	created_at      TIMESTAMP NOT NULL,
	created_by      BIGINT REFERENCES users (id),
	updated_at      TIMESTAMP NOT NULL,
	accepted_at     TIMESTAMP,
	started_at      TIMESTAMP,
	completed_at    TIMESTAMP
);
CREATE INDEX rides_status ON rides (status, pickup_at);
CREATE INDEX rides_driver ON rides (driver_id, pickup_at);
CREATE INDEX rides_pickup ON rides (pickup_at);
CREATE INDEX rides_ticket ON rides (ticket_id);

CREATE TABLE ride_offers (
	ride_id     BIGINT NOT NULL REFERENCES rides (id),
	driver_id   BIGINT NOT NULL REFERENCES ride_drivers (id),
	status      TEXT NOT NULL,
	offered_at  TIMESTAMP NOT NULL,
	deadline    TIMESTAMP NOT NULL,
	answered_at TIMESTAMP,
	PRIMARY KEY (ride_id, driver_id)
);
CREATE INDEX ride_offers_driver ON ride_offers (driver_id, status);
