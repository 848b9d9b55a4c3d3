-- The outbox is its own queue. A message used to be sent by a job of its
-- own (kind notify.deliver): one more row per message, written with the
-- event, claimed, finished and pruned, which on SQLite was a tenth of what
-- the one writer did per registration (docs/performance.md, "7 December, late night").
-- Now the scheduler claims due deliveries themselves, in batches, with the
-- jobs' lease, back-off and attempts (jobs.RowQueue, notify.Notifier):
-- next_at is when a pending or retrying delivery is due, and while it is
-- claimed, when its lease ends; lease_token names the claim. Both are
-- NULL once the delivery is finished (sent, dead or skipped).
ALTER TABLE deliveries ADD COLUMN next_at TIMESTAMP;
ALTER TABLE deliveries ADD COLUMN lease_token TEXT;
CREATE INDEX deliveries_due ON deliveries (next_at) WHERE status IN ('pending', 'retrying');

-- Deliveries waiting for their job are due now: a retrying one is tried
-- once more at once rather than at the end of its back-off. The jobs that
-- would have sent them are cancelled; a job running on a server of the
-- previous version while this runs loses its lease, records nothing, and
-- its message may be sent twice (messages are sent at least once; the
-- receiver de-duplicates by the delivery's id, notify.HeaderDelivery).
UPDATE deliveries SET next_at = created_at WHERE status IN ('pending', 'retrying');
UPDATE jobs SET status = 'cancelled', lease_token = NULL
	WHERE kind = 'notify.deliver' AND status IN ('pending', 'running');
