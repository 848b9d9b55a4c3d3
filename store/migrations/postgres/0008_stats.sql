-- Summaries behind the dashboards: counts by day, unit (every ancestor of
-- the ticket's unit too, so a subtree is one row per day), and dimension
-- (dim 'all' with val '', or 'kind', 'channel', 'category' with its value).
-- Maintained in the same transaction as every ticket change (stats package).
CREATE TABLE ticket_stats (
	day                 INTEGER NOT NULL,
	unit_id             BIGINT NOT NULL,
	dim                 TEXT NOT NULL,
	val                 TEXT NOT NULL,
	received            BIGINT NOT NULL DEFAULT 0,
	invalid             BIGINT NOT NULL DEFAULT 0,
	merged              BIGINT NOT NULL DEFAULT 0,
	closed              BIGINT NOT NULL DEFAULT 0,
	ack_due             BIGINT NOT NULL DEFAULT 0,
	ack_on_time         BIGINT NOT NULL DEFAULT 0,
	replied             BIGINT NOT NULL DEFAULT 0,
	replied_on_time     BIGINT NOT NULL DEFAULT 0,
	open_due            BIGINT NOT NULL DEFAULT 0,
	callbacks           BIGINT NOT NULL DEFAULT 0,
	resolved            BIGINT NOT NULL DEFAULT 0,
	satisfied           BIGINT NOT NULL DEFAULT 0,
	basically_satisfied BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (unit_id, dim, day, val)
);
