-- Teams of the volunteer fleet (车队分队, docs/ride.md): a driver's team by
-- name; empty: none. Keep in step with the other dialect's file.
ALTER TABLE ride_drivers ADD COLUMN team TEXT NOT NULL DEFAULT '';
