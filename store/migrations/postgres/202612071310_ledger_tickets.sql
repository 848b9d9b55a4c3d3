-- A ledger item may open a work order (docs/grids.md): the ticket carries
-- the rectification to the unit that must do it, and its close ticks the
-- item off. Keep in step with the other dialect's file of the same name.
ALTER TABLE ledger_items ADD COLUMN ticket_id BIGINT REFERENCES tickets (id);
CREATE INDEX ledger_items_ticket ON ledger_items (ticket_id);
