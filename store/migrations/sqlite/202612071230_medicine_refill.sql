-- A chronic patient's next request, opened by the refill job before the
-- supply runs out (docs/medicine.md); 0: none yet. Keep in step with the
-- other dialect's file.
ALTER TABLE medicine_requests ADD COLUMN refill_id BIGINT NOT NULL DEFAULT 0;
