-- Grid micro-stations (网格微管站, docs/grids.md): where each is, when it
-- is open, what it offers (services, one a line), who serves there, and
-- the residents' requests taken there, each carried by a work order
-- (answered on the spot: resolved at intake). Keep in step with the other
-- dialect's file of the same name.
CREATE TABLE grid_stations (
	id         BIGINT PRIMARY KEY,
	name       TEXT NOT NULL,
	unit_id    BIGINT NOT NULL REFERENCES units (id),
	unit_path  TEXT NOT NULL,
	address    TEXT NOT NULL,
	lat        DOUBLE PRECISION,
	lng        DOUBLE PRECISION,
	hours      TEXT NOT NULL,
	services   TEXT NOT NULL,
	active     BOOLEAN NOT NULL,
	created_at TIMESTAMP NOT NULL,
	updated_at TIMESTAMP NOT NULL
);
CREATE INDEX grid_stations_unit ON grid_stations (unit_path);

CREATE TABLE grid_station_staff (
	station_id BIGINT NOT NULL REFERENCES grid_stations (id),
	user_id    BIGINT NOT NULL REFERENCES users (id),
	PRIMARY KEY (station_id, user_id)
);
CREATE INDEX grid_station_staff_user ON grid_station_staff (user_id);

CREATE TABLE grid_station_requests (
	id           BIGINT PRIMARY KEY,
	station_id   BIGINT NOT NULL REFERENCES grid_stations (id),
	station_path TEXT NOT NULL,
	ticket_id    BIGINT NOT NULL REFERENCES tickets (id),
	service      TEXT NOT NULL DEFAULT '',
	taken_by     BIGINT NOT NULL REFERENCES users (id),
	taken_at     TIMESTAMP NOT NULL,
	answered     BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX grid_station_requests_ticket ON grid_station_requests (ticket_id);
CREATE INDEX grid_station_requests_station ON grid_station_requests (station_id, taken_at);
CREATE INDEX grid_station_requests_path ON grid_station_requests (station_path, taken_at);
CREATE INDEX grid_station_requests_taker ON grid_station_requests (taken_by, taken_at);
