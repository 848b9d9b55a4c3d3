-- Background jobs (package jobs), the notification outbox and delivery log
-- (package notify), webhook subscribers, and the contact details of staff
-- users. Keep in step with ../sqlite/0005_jobs.sql.

-- jobs is the work queue that every server process polls. A job is
-- pending until a process claims it: it is then running, and run_at holds
-- the end of that process's lease, after which any process may claim it
-- again. It ends done, dead (out of attempts; last_error says why) or
-- cancelled. job_key, when set, names the job so that enqueuing is
-- idempotent: at most one live (pending or running) job per key.
CREATE TABLE jobs (
	id          BIGINT PRIMARY KEY,
	kind        TEXT NOT NULL,
	job_key     TEXT,
	payload     TEXT NOT NULL DEFAULT '{}',
	status      TEXT NOT NULL,
	run_at      TIMESTAMPTZ NOT NULL,
	attempts    INTEGER NOT NULL DEFAULT 0,
	node        TEXT NOT NULL DEFAULT '',
	lease_token TEXT,
	last_error  TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMPTZ NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL,
	done_at     TIMESTAMPTZ
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE status IN ('pending', 'running');
CREATE UNIQUE INDEX jobs_live_key ON jobs (job_key) WHERE status IN ('pending', 'running');
CREATE INDEX jobs_key ON jobs (job_key);
-- Partial indexes only, so that no index on status competes with jobs_due
-- in the planner's eyes: one for pruning finished jobs, one for the dead.
CREATE INDEX jobs_finished ON jobs (updated_at) WHERE status IN ('done', 'cancelled');
CREATE INDEX jobs_dead ON jobs (updated_at) WHERE status = 'dead';

-- webhooks are the subscribers told of every ticket event by a signed
-- POST. The secret signs the bodies (HMAC-SHA256), so it is kept as it is.
CREATE TABLE webhooks (
	id         BIGINT PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	url        TEXT NOT NULL,
	secret     TEXT NOT NULL,
	events     TEXT NOT NULL DEFAULT '',
	active     BOOLEAN NOT NULL DEFAULT TRUE,
	created_at TIMESTAMPTZ NOT NULL
);

-- deliveries is the outbox and the delivery log: one row per message to
-- one recipient, written in the transaction of the event it tells of, and
-- sent by one job. dedup_key refuses the same message twice.
CREATE TABLE deliveries (
	id            BIGINT PRIMARY KEY,
	dedup_key     TEXT NOT NULL UNIQUE,
	channel       TEXT NOT NULL,
	recipient     TEXT NOT NULL,
	webhook_id    BIGINT REFERENCES webhooks (id),
	user_id       BIGINT REFERENCES users (id),
	ticket_id     BIGINT REFERENCES tickets (id),
	event_seq     INTEGER NOT NULL DEFAULT 0,
	template      TEXT NOT NULL,
	lang          TEXT NOT NULL,
	subject       TEXT NOT NULL DEFAULT '',
	body          TEXT NOT NULL,
	status        TEXT NOT NULL,
	attempts      INTEGER NOT NULL DEFAULT 0,
	response_code INTEGER NOT NULL DEFAULT 0,
	last_error    TEXT NOT NULL DEFAULT '',
	created_at    TIMESTAMPTZ NOT NULL,
	updated_at    TIMESTAMPTZ NOT NULL,
	sent_at       TIMESTAMPTZ
);
CREATE INDEX deliveries_ticket ON deliveries (ticket_id, event_seq);
CREATE INDEX deliveries_status ON deliveries (status, created_at);

-- Where staff are told of work: e-mail, mobile phone, and the language of
-- their messages (zh or en).
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh';
