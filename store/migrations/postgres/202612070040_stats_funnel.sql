-- The status funnel counts one cohort (issue 13): of the valid tickets
-- received on a day, how many were dispatched, acknowledged, replied and
-- closed, each within the stage before (stats.Counters.Funnel*). Tickets
-- written before this migration are not in these counts, so a database
-- that holds tickets is marked to have its summaries rebuilt
-- ("minsheng stats rebuild"), as migration 0011 does.
ALTER TABLE ticket_stats ADD COLUMN funnel_dispatched BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ticket_stats ADD COLUMN funnel_acknowledged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ticket_stats ADD COLUMN funnel_replied BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ticket_stats ADD COLUMN funnel_closed BIGINT NOT NULL DEFAULT 0;
INSERT INTO settings (key, value, updated_at)
SELECT 'stats.rebuild_needed', 'funnel', CURRENT_TIMESTAMP
WHERE EXISTS (SELECT 1 FROM tickets)
ON CONFLICT (key) DO NOTHING;
