-- A screening campaign's checklist (docs/grids.md), as JSON (the
-- questions and their types), and the inspections that answered it at a
-- place; each answer showing a problem became a ledger item in the same
-- transaction. Keep in step with the other dialect's file of the same
-- name.
ALTER TABLE ledger_campaigns ADD COLUMN checklist TEXT NOT NULL DEFAULT '';

CREATE TABLE ledger_inspections (
	id           BIGINT PRIMARY KEY,
	campaign_id  BIGINT NOT NULL REFERENCES ledger_campaigns (id),
	unit_id      BIGINT NOT NULL REFERENCES units (id),
	unit_path    TEXT NOT NULL,
	place        TEXT NOT NULL,
	answers      TEXT NOT NULL,
	found        INTEGER NOT NULL,
	inspected_by BIGINT REFERENCES users (id),
	inspected_at TIMESTAMP NOT NULL
);
CREATE INDEX ledger_inspections_campaign ON ledger_inspections (campaign_id, inspected_at);
