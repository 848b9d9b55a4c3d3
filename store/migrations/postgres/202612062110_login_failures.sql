-- Failed sign-ins, counted per (username as typed, client address) and per
-- username over all addresses (addr '*'). A row exists for unknown
-- usernames too, so that a lock-out does not tell whether an account
-- exists. Replaces users.failed_logins and users.locked_until, which are
-- no longer read. Keep in step with the other dialect's file of the same
-- name.
CREATE TABLE login_failures (
	username     TEXT NOT NULL,
	addr         TEXT NOT NULL,
	failures     INTEGER NOT NULL DEFAULT 0,
	locked_until TIMESTAMP,
	updated_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (username, addr)
);
CREATE INDEX login_failures_updated ON login_failures (updated_at);
