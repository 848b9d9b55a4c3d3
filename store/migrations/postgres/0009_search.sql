-- Full-text search over tickets (issue 7). search_terms holds the terms of
-- title, description, address and reply as computed in Go (text.Terms:
-- Han characters, adjacent pairs of them, words and numbers, joined by
-- spaces), so that the 'simple' configuration only splits on the spaces and
-- PostgreSQL and SQLite index the same terms. NULL: not indexed yet
-- (tickets written before this migration or by the bulk loader; indexed by
-- app.Service.ReindexSearch); written by store.IndexTicket in the
-- transaction of each ticket change.
-- Keep in step with ../sqlite/0009_search.sql.
ALTER TABLE tickets ADD COLUMN search_terms TEXT;
ALTER TABLE tickets ADD COLUMN search_vector tsvector
	GENERATED ALWAYS AS (to_tsvector('simple', COALESCE(search_terms, ''))) STORED;
CREATE INDEX tickets_search ON tickets USING GIN (search_vector);
