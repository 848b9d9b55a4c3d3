-- The screening ledger's counts (docs/grids.md): how many items of a
-- campaign are in each status, by the unit they were found in, the
-- responsible unit (0: none yet) and the day of their deadline (days since
-- 1970-01-01 in China; 0: none, or ticked off: never overdue), kept in the transaction of every item's
-- change (store.InsertLedgerItem, UpdateLedgerItem), so that a campaign's
-- progress reads a few rows per unit whatever the number of items.
-- Overdue is counted from the days before today and, for today, from the
-- items themselves (ledger_items_due). Keep in step with the other
-- dialect's file of the same name.
CREATE TABLE ledger_counts (
	campaign_id         BIGINT NOT NULL,
	unit_id             BIGINT NOT NULL,
	unit_path           TEXT NOT NULL,
	responsible_unit_id BIGINT NOT NULL,
	responsible_path    TEXT NOT NULL,
	status              TEXT NOT NULL,
	due_day             INTEGER NOT NULL,
	n                   INTEGER NOT NULL,
	PRIMARY KEY (campaign_id, unit_id, responsible_unit_id, status, due_day)
);
CREATE INDEX ledger_counts_progress ON ledger_counts (campaign_id, responsible_unit_id, status, due_day, n);
CREATE INDEX ledger_items_due ON ledger_items (campaign_id, deadline, status, responsible_unit_id);

INSERT INTO ledger_counts (campaign_id, unit_id, unit_path, responsible_unit_id, responsible_path, status, due_day, n)
SELECT campaign_id, unit_id, unit_path, COALESCE(responsible_unit_id, 0), responsible_path, status,
	CASE WHEN status = 'ticked_off' THEN 0 ELSE COALESCE(CAST((strftime('%s', deadline) + 28800) / 86400 AS INTEGER), 0) END, COUNT(*)
FROM ledger_items
GROUP BY campaign_id, unit_id, unit_path, COALESCE(responsible_unit_id, 0), responsible_path, status,
	CASE WHEN status = 'ticked_off' THEN 0 ELSE COALESCE(CAST((strftime('%s', deadline) + 28800) / 86400 AS INTEGER), 0) END;
