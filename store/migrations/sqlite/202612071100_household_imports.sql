-- Imports of a household list from a spreadsheet (issue 14), SQLite
-- dialect. Keep in step with the other dialect's file of the same name.

-- One upload: its rows as parsed (household.ImportRow as JSON, personal
-- data included, cleared once imported), how many were checked so far
-- (the progress bar) and the problems found (household.ImportProblem as
-- JSON, no personal data). status: checking → ready | refused → done.
CREATE TABLE household_imports (
	id          BIGINT PRIMARY KEY,
	created_by  BIGINT REFERENCES users (id),
	created_at  TIMESTAMP NOT NULL,
	filename    TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL,
	total       INTEGER NOT NULL,
	checked     INTEGER NOT NULL,
	rows_json   TEXT NOT NULL,
	problems    TEXT NOT NULL,
	households  INTEGER NOT NULL DEFAULT 0,
	done_at     TIMESTAMP
);
CREATE INDEX household_imports_creator ON household_imports (created_by, created_at);
