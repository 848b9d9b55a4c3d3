-- Signatures of mediation agreements, return visits and scans (issue 17),
-- PostgreSQL dialect. Keep in step with ../sqlite/202612071400_mediation_signatures.sql.

-- signed_at is when the last party signed: the day it took effect for an
-- agreement signed on paper, NULL while an SMS signature is awaited.
ALTER TABLE mediation_agreements ADD COLUMN signed_at TIMESTAMPTZ;
UPDATE mediation_agreements SET signed_at = effective_at;

-- One party's signature of the agreement. An SMS code and the token of the
-- public page's link are kept only as hashes; attempts counts wrong codes
-- since the last one was sent.
CREATE TABLE mediation_signatures (
	case_id         BIGINT NOT NULL REFERENCES mediation_cases (id),
	party_id        BIGINT NOT NULL REFERENCES mediation_parties (id),
	mode            TEXT NOT NULL,
	signed_at       TIMESTAMPTZ,
	via             TEXT NOT NULL DEFAULT '',
	code_hash       TEXT NOT NULL DEFAULT '',
	link_hash       TEXT NOT NULL DEFAULT '',
	code_sent_at    TIMESTAMPTZ,
	code_expires_at TIMESTAMPTZ,
	sends           INTEGER NOT NULL DEFAULT 0,
	attempts        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (case_id, party_id)
);
CREATE INDEX mediation_signatures_link ON mediation_signatures (link_hash) WHERE link_hash <> '';

-- Return visits (回访) after the agreement's performance ended.
CREATE TABLE mediation_visits (
	id           BIGINT PRIMARY KEY,
	case_id      BIGINT NOT NULL REFERENCES mediation_cases (id),
	at           TIMESTAMPTZ NOT NULL,
	by_user      BIGINT REFERENCES users (id),
	result       TEXT NOT NULL,
	satisfaction TEXT NOT NULL,
	note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mediation_visits_case ON mediation_visits (case_id, at);

-- Files kept with a case (scans of the signed agreement), in the blob store.
CREATE TABLE mediation_files (
	id           BIGINT PRIMARY KEY,
	case_id      BIGINT NOT NULL REFERENCES mediation_cases (id),
	kind         TEXT NOT NULL,
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         BIGINT NOT NULL,
	sha256       TEXT NOT NULL,
	created_by   BIGINT REFERENCES users (id),
	created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX mediation_files_case ON mediation_files (case_id, id);
