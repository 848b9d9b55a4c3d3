-- The coverage of households by street (issue 14): household_day_counts
-- rolled up per street (the level below the district), kept in the same
-- transactions (store.InsertHousehold, UpdateHousehold), so that the
-- district's table reads a few rows a street and day instead of every
-- grid's. Keep in step with the other dialect's file of the same name.
CREATE TABLE household_street_day_counts (
	street_path TEXT NOT NULL,
	kind        TEXT NOT NULL,
	day         TIMESTAMPTZ NOT NULL,
	n           INTEGER NOT NULL,
	PRIMARY KEY (street_path, kind, day)
);

-- The counts kept so far, rolled up.
INSERT INTO household_street_day_counts (street_path, kind, day, n)
SELECT s.path, d.kind, d.day, SUM(d.n) FROM household_day_counts d
	JOIN units s ON s.kind IN ('street', 'town') AND d.unit_path >= s.path AND d.unit_path < s.path || '~'
	GROUP BY s.path, d.kind, d.day;
