-- Changes to the summaries not yet added to ticket_stats. On PostgreSQL a
-- ticket change adds its counts here, in a row of its own connection
-- (slot: the server process of the connection), instead of updating the
-- shared rows of ticket_stats: the day's rows of a busy unit would be
-- locked by every change until its commit, and changes would run one at a
-- time whatever the number of app nodes. A job folds the rows into
-- ticket_stats (store.FoldStats); readers add both tables, so totals are
-- exact at every moment. SQLite has one writer and writes ticket_stats
-- directly; the table stays empty there.
-- A column added to ticket_stats must be added here too.
CREATE TABLE ticket_stats_delta (
	slot                BIGINT NOT NULL,
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
	funnel_dispatched   BIGINT NOT NULL DEFAULT 0,
	funnel_acknowledged BIGINT NOT NULL DEFAULT 0,
	funnel_replied      BIGINT NOT NULL DEFAULT 0,
	funnel_closed       BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (slot, unit_id, dim, day, val)
);
