-- Search document, second format (issue 7): search_terms now also holds
-- the terms of the notes of a ticket's timeline. The filters stay
-- conditions on the tickets' columns, served by their B-tree indexes (the
-- planner combines them with the GIN index; SQLite's FTS5 cannot, hence
-- its tags column). Every ticket is marked unindexed: the first search (or
-- app.Service.ReindexSearch at start) rebuilds the terms.
-- Keep in step with ../sqlite/0010_search_notes_tags.sql.
UPDATE tickets SET search_terms = NULL WHERE search_terms IS NOT NULL;
