-- The rider of a ride in the household registry (docs/ride.md), found by
-- the rider's phone when the ride is booked; 0: not in the registry. Keep
-- in step with the other dialect's file.
ALTER TABLE rides ADD COLUMN person_id BIGINT NOT NULL DEFAULT 0;
