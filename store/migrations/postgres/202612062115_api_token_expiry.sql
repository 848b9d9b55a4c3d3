-- An API token may expire: past expires_at it is refused like a revoked
-- one. NULL: it lasts until revoked. Keep in step with the other dialect's
-- file of the same name.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
