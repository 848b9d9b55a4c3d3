-- The handling unit the dispatch classifier predicted for each new ticket,
-- with its confidence, recorded at registration whether or not the system
-- dispatched on it, so that the deployment can measure how often such
-- suggestions were right at each confidence (app.SuggestionQuality) and set
-- the automatic-dispatch threshold as "at most X% wrong". The confidence
-- is kept in thousandths, rounded down, so that a threshold of 0.001 steps
-- compares exactly as the registration did. The routing rules' suggestion
-- stays in tickets.suggested_unit_id. Keep in step with the other
-- dialect's file of the same name.
CREATE TABLE classifier_suggestions (
	ticket_id        BIGINT PRIMARY KEY REFERENCES tickets (id),
	unit_id          BIGINT NOT NULL REFERENCES units (id),
	confidence_milli INTEGER NOT NULL,
	model_version    BIGINT NOT NULL,
	auto             BOOLEAN NOT NULL,
	created_at       TIMESTAMP NOT NULL
);
CREATE INDEX classifier_suggestions_created ON classifier_suggestions (created_at);
