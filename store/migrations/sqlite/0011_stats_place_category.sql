-- The summaries gain a dimension (issue 5): the district's places by
-- top-level category ("place:<category id>", store.DimPlaceCategory), for
-- the map of needs filtered by category. Tickets written before this
-- migration are not in it, so a database that holds tickets is marked to
-- have its summaries rebuilt ("minsheng stats rebuild"); until then the
-- map reads such a filter from the tickets, as it did before.
INSERT INTO settings (key, value, updated_at)
SELECT 'stats.rebuild_needed', 'place_category', CURRENT_TIMESTAMP
WHERE EXISTS (SELECT 1 FROM tickets);
