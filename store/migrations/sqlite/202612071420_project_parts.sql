-- Child projects (a project split into parts), SQLite dialect. Keep in
-- step with ../postgres/202612071420_project_parts.sql.

-- parent_id names the project this one is a part of (one level); the
-- parent's progress is its parts' rolled up by the use cases.
ALTER TABLE projects ADD COLUMN parent_id BIGINT REFERENCES projects (id);
CREATE INDEX projects_parent ON projects (parent_id);
