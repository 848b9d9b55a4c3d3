-- The summaries of one value of a dimension (one top-level category) for
-- a set of units over a period: the map of needs shades its areas for a
-- category from these. The primary key (unit_id, dim, day, val) cannot
-- seek to one value within a range of days; this index can.
CREATE INDEX ticket_stats_unit_dim_val_day ON ticket_stats (unit_id, dim, val, day);
