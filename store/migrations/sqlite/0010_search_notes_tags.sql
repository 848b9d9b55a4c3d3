-- Search document, second format (issue 7): the notes of a ticket's
-- timeline become searchable (column notes), and the values the search
-- filters on are indexed as tokens (column tags: the status, every unit on
-- the paths of the intake and the handling unit, the kind, the channel;
-- see store.searchTags), so that MATCH intersects them with the text's
-- terms instead of looking up each match in tickets. The text terms are
-- queried in the other columns only, so a tag never matches user text.
-- The index is emptied: the first search (or app.Service.ReindexSearch at
-- start) rebuilds it in the new format, as after migration 0009.
-- Keep in step with ../postgres/0010_search_notes_tags.sql.
DROP TABLE ticket_search;
CREATE VIRTUAL TABLE ticket_search USING fts5(
	title, description, address, reply, notes, tags,
	content = '', contentless_delete = 1, detail = column,
	tokenize = 'unicode61 remove_diacritics 0'
);
