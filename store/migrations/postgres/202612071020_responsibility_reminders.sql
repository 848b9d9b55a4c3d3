-- Reminders of responsibility milestones (包保), PostgreSQL dialect. Keep in step
-- with ../sqlite/202612071020_responsibility_reminders.sql.

-- When the leader in charge was reminded that the milestone is due soon
-- (once per milestone).
ALTER TABLE responsibility_milestones ADD COLUMN reminded_at TIMESTAMPTZ;
