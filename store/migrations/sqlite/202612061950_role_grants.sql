-- Role grants: a user holds one or more roles, each over their own unit
-- (unit_id NULL) or over another unit and the units below it
-- (grid_worker@grid-3). position orders a user's grants; the first
-- (position 0) is the primary role, which users.role keeps in step so that
-- older readers still find one role there.
CREATE TABLE role_grants (
	user_id    BIGINT NOT NULL REFERENCES users (id),
	position   INTEGER NOT NULL,
	role       TEXT NOT NULL,
	unit_id    BIGINT REFERENCES units (id),
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (user_id, position)
);
-- One grant of a role over a unit per user; NULL (the user's own unit)
-- counts as one unit.
CREATE UNIQUE INDEX role_grants_unique ON role_grants (user_id, role, COALESCE(unit_id, 0));
-- Who holds a role over a unit (the contacts of a unit's notifications).
CREATE INDEX role_grants_unit ON role_grants (unit_id, role);

INSERT INTO role_grants (user_id, position, role, unit_id, created_at)
SELECT id, 0, role, NULL, created_at FROM users;
