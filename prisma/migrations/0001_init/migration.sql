-- Foundation: pgvector, projects and their API keys.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE project (
  id         uuid PRIMARY KEY,
  name       text NOT NULL UNIQUE,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE api_key (
  project_id   uuid NOT NULL REFERENCES project (id) ON DELETE CASCADE,
  id           uuid NOT NULL,
  name         text NOT NULL,
  prefix       text NOT NULL,
  hash         text NOT NULL,
  scope        text NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
  expires_at   timestamptz(3),
  revoked_at   timestamptz(3),
  last_used_at timestamptz(3),
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, id),
  UNIQUE (project_id, hash)
);
