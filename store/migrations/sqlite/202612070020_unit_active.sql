-- A unit may be disabled (merged away, renamed into another, closed): it
-- is no longer offered for dispatch or routing, while its tickets, users
-- and history keep it. Keep in step with the other dialect's file of the
-- same name.
ALTER TABLE units ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;
