-- Tickets and their events are partitioned by month on PostgreSQL
-- (../postgres/202612081000_ticket_partitions.sql). SQLite has no
-- partitions and one file: nothing changes here, and ticket ids stay the
-- shared allocator's. Kept so that both folders hold the same names.
SELECT 1;
