-- Tickets and their events partitioned by month (issue 19). A ticket's id
-- carries the month of its registration (China time): the month's ids are
-- [YYYYMM·10^10, (YYYYMM+1)·10^10), e.g. 2026120000000042, made from an id
-- of the shared allocator (always below 10^10) by store.TicketID. Both
-- tables are PARTITION BY RANGE on the ticket's id, so every table that
-- references tickets (id) keeps doing so and a ticket's events lie in its
-- month's partition. The months' partitions are created by the store when
-- a month's first ticket is made (store/partitions.go); the tickets made
-- before this migration stay in tickets_0 and ticket_events_0, the
-- partitions of the ids below 10^10.
--
-- A unique constraint on a partitioned table must contain the partition
-- key, so `number UNIQUE` becomes a unique index per partition: a number
-- begins with its day (20261126-00042), and the day's month is the month
-- in the id, so two tickets with the same number would be in the same
-- partition.
--
-- The foreign keys and indexes are read from the catalogue, so that this
-- migration does not have to list the columns and indexes the earlier
-- ones added. SQLite has no partitions: ../sqlite/202612081000_ticket_partitions.sql
-- does nothing.
DO $$
DECLARE
	r record;
	later text[] := '{}';
	s text;
BEGIN
	-- The foreign keys of and into both tables, dropped and added again
	-- on the partitioned tables at the end.
	FOR r IN
		SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
		FROM pg_constraint c
		WHERE c.contype = 'f'
		  AND (c.confrelid IN ('tickets'::regclass, 'ticket_events'::regclass)
		       OR c.conrelid IN ('tickets'::regclass, 'ticket_events'::regclass))
	LOOP
		later := later || format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.conname, r.def);
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
	END LOOP;

	-- Their indexes other than the keys, built again on the partitioned
	-- tables under the same names (the old ones are renamed and attached).
	FOR r IN
		SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
		FROM pg_index i
		WHERE i.indrelid IN ('tickets'::regclass, 'ticket_events'::regclass)
		  AND NOT i.indisprimary AND NOT i.indisunique
	LOOP
		later := later || r.def;
		EXECUTE format('ALTER INDEX %s RENAME TO %I', r.name, r.name || '_0');
	END LOOP;

	ALTER TABLE tickets RENAME TO tickets_0;
	ALTER TABLE tickets_0 RENAME CONSTRAINT tickets_pkey TO tickets_0_pkey;
	ALTER TABLE tickets_0 RENAME CONSTRAINT tickets_number_key TO tickets_0_number_key;
	ALTER TABLE ticket_events RENAME TO ticket_events_0;
	ALTER TABLE ticket_events_0 RENAME CONSTRAINT ticket_events_pkey TO ticket_events_0_pkey;

	CREATE TABLE tickets (LIKE tickets_0 INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE)
		PARTITION BY RANGE (id);
	ALTER TABLE tickets ADD PRIMARY KEY (id);
	ALTER TABLE tickets ATTACH PARTITION tickets_0 FOR VALUES FROM (MINVALUE) TO (10000000000);

	CREATE TABLE ticket_events (LIKE ticket_events_0 INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE)
		PARTITION BY RANGE (ticket_id);
	ALTER TABLE ticket_events ADD PRIMARY KEY (ticket_id, seq);
	ALTER TABLE ticket_events ATTACH PARTITION ticket_events_0 FOR VALUES FROM (MINVALUE) TO (10000000000);

	FOREACH s IN ARRAY later LOOP
		EXECUTE s;
	END LOOP;
END
$$;
