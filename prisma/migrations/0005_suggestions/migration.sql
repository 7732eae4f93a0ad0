-- Relationship suggestions: rules `(source_label.source_key) -[type]-> (target_label.target_key)` found from
-- names and values. A rule's identity is its four ends, so a rejected rule keeps its row (and its
-- rejection) and is never proposed again; an approved rule is applied to every later write.
-- target_key '$id' means the target record's id.

CREATE TABLE suggestion (
  project_id   uuid             NOT NULL REFERENCES project (id) ON DELETE CASCADE,
  id           uuid             NOT NULL,
  source_label text             NOT NULL,
  source_key   text             NOT NULL,
  target_label text             NOT NULL,
  target_key   text             NOT NULL,
  type         text             NOT NULL,
  confidence   double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  evidence     jsonb            NOT NULL,
  status       text             NOT NULL CHECK (status IN ('suggested', 'approved', 'rejected')),
  created_at   timestamptz(3)   NOT NULL DEFAULT now(),
  updated_at   timestamptz(3)   NOT NULL DEFAULT now(),
  decided_at   timestamptz(3),
  PRIMARY KEY (project_id, id),
  UNIQUE (project_id, source_label, source_key, target_label, target_key)
);
-- The write path looks up approved rules touching the labels it wrote.
CREATE INDEX suggestion_approved_source_idx ON suggestion (project_id, source_label) WHERE status = 'approved';
CREATE INDEX suggestion_approved_target_idx ON suggestion (project_id, target_label) WHERE status = 'approved';

-- The latest analysis of each project, with its progress (the console polls it).
CREATE TABLE suggestion_analysis (
  project_id  uuid           NOT NULL PRIMARY KEY REFERENCES project (id) ON DELETE CASCADE,
  status      text           NOT NULL CHECK (status IN ('running', 'done', 'error')),
  trigger     text           NOT NULL CHECK (trigger IN ('manual', 'writes')),
  done        integer        NOT NULL DEFAULT 0,
  total       integer        NOT NULL DEFAULT 0,
  found       integer        NOT NULL DEFAULT 0,
  error       text,
  started_at  timestamptz(3) NOT NULL DEFAULT now(),
  finished_at timestamptz(3)
);

-- Edges made by an approved rule carry origin 'suggestion:<id>'; withdrawing the rule can remove them.
CREATE INDEX relationship_origin_idx ON relationship (project_id, origin) WHERE origin LIKE 'suggestion:%';
