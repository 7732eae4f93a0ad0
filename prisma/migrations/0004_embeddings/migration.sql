-- Embedding indexes and their vectors.
--
-- One table holds every index's vectors with an untyped `vector` column; each index gets its own
-- partial HNSW expression index `((vector::vector(N)) <ops>) WHERE index_id = '<id>'`, created when the
-- index is created (server/db/sql/embeddings.ts), so dimensions differ freely between indexes.

CREATE TABLE embedding_index (
  project_id  uuid           NOT NULL REFERENCES project (id) ON DELETE CASCADE,
  id          uuid           NOT NULL,
  label       text           NOT NULL,
  property    text           NOT NULL,
  source      text           NOT NULL CHECK (source IN ('managed', 'external')),
  provider    text           NOT NULL,
  model       text           NOT NULL,
  dimensions  integer        NOT NULL CHECK (dimensions BETWEEN 1 AND 2000),
  similarity  text           NOT NULL CHECK (similarity IN ('cosine', 'euclidean', 'inner')),
  status      text           NOT NULL CHECK (status IN ('pending', 'indexing', 'ready', 'error')),
  error       text,
  indexed     bigint         NOT NULL DEFAULT 0,
  total       bigint         NOT NULL DEFAULT 0,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  updated_at  timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, id),
  UNIQUE (project_id, label, property)
);

CREATE TABLE embedding (
  project_id uuid   NOT NULL,
  index_id   uuid   NOT NULL,
  record_id  uuid   NOT NULL,
  vector     vector NOT NULL,
  text_hash  text,                 -- sha256 of the text embedded (managed indexes): unchanged text is not embedded again
  lexical    tsvector,             -- the same text for the keyword leg of hybrid search
  PRIMARY KEY (project_id, index_id, record_id),
  FOREIGN KEY (project_id, index_id) REFERENCES embedding_index (project_id, id) ON DELETE CASCADE,
  FOREIGN KEY (project_id, record_id) REFERENCES record (project_id, id) ON DELETE CASCADE
);
CREATE INDEX embedding_record_idx ON embedding (project_id, record_id);
CREATE INDEX embedding_lexical_idx ON embedding USING gin (lexical);
