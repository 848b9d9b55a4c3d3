-- Pairs of households that staff checked and found not to be duplicates
-- (issue 14): the duplicates page no longer suggests them. a_id is the
-- smaller id. Keep in step with the other dialect's file of the same name.
CREATE TABLE household_not_duplicates (
	a_id       BIGINT NOT NULL REFERENCES households (id),
	b_id       BIGINT NOT NULL REFERENCES households (id),
	decided_by BIGINT REFERENCES users (id),
	decided_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (a_id, b_id)
);
