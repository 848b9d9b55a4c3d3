-- The knowledge base (知识库): articles that agents read out to answer an
-- inquiry on the call (直接办结). Keep in step with ../sqlite/0007_knowledge.sql.

CREATE TABLE kb_articles (
	id          BIGINT PRIMARY KEY,
	title       TEXT NOT NULL,
	body        TEXT NOT NULL,
	category_id BIGINT REFERENCES categories (id),
	tags        TEXT NOT NULL DEFAULT '',
	active      BOOLEAN NOT NULL DEFAULT TRUE,
	created_by  BIGINT REFERENCES users (id),
	created_at  TIMESTAMPTZ NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX kb_articles_category ON kb_articles (category_id);
CREATE INDEX kb_articles_updated ON kb_articles (active, updated_at);
