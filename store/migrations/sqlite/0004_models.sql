-- Trained models (issue 7): the dispatch classifier's category and unit
-- models, each name with numbered versions; the newest version is in use.
-- Keep in step with ../postgres/0004_models.sql.
CREATE TABLE models (
	name       TEXT NOT NULL,
	version    BIGINT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	bytes      BLOB NOT NULL,
	metrics    TEXT NOT NULL DEFAULT '{}',
	PRIMARY KEY (name, version)
);
