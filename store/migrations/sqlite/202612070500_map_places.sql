-- The district's base layer (底图): its roads and named places (estates,
-- buildings, squares), drawn under every map and used to place an address
-- typed on a form (package geo, Gazetteer). Replaced as a whole when a
-- district loads its layer (minsheng map import). Keep in step with the
-- other dialect's file of the same name.
CREATE TABLE map_places (
	id       BIGINT PRIMARY KEY,
	name     TEXT NOT NULL,
	kind     TEXT NOT NULL,
	lat      DOUBLE PRECISION NOT NULL,
	lng      DOUBLE PRECISION NOT NULL,
	geometry TEXT NOT NULL
);
