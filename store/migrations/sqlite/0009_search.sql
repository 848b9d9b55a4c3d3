-- Full-text search over tickets (issue 7). The text is tokenised in Go
-- (text.Terms: Han characters, adjacent pairs of them, words and numbers,
-- joined by spaces), so FTS5's unicode61 tokenizer only splits on the
-- spaces and SQLite and PostgreSQL index the same terms. Contentless: the
-- original text stays in tickets; rowid = tickets.id. detail=column keeps
-- the index small (queries are sets of single terms, never phrases).
-- Rows are written by store.IndexTicket in the transaction of each ticket
-- change; tickets written before this migration (or by the bulk loader) are
-- indexed by app.Service.ReindexSearch.
-- Keep in step with ../postgres/0009_search.sql.
CREATE VIRTUAL TABLE ticket_search USING fts5(
	title, description, address, reply,
	content = '', contentless_delete = 1, detail = column,
	tokenize = 'unicode61 remove_diacritics 0'
);
