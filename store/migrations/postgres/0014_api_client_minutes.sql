-- How many requests and updates each Open311 client had accepted in each
-- minute (minute = Unix time / 60), counted in the transaction that
-- accepts them: the client's rate holds across every server, not per
-- process. Only the current minute matters; older rows are removed as
-- each new minute starts.
CREATE TABLE api_client_minutes (
	client_id BIGINT NOT NULL REFERENCES api_clients (id),
	minute    BIGINT NOT NULL,
	writes    INTEGER NOT NULL,
	PRIMARY KEY (client_id, minute)
);
