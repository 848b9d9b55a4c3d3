-- When each Open311 client last had a request or an update accepted, so
-- that admins can see which keys are in use before they revoke one.
ALTER TABLE api_clients ADD COLUMN last_used_at TIMESTAMP;
