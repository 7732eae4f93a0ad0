-- Records, relationships, and the counters behind the live schema.

CREATE TABLE record (
  project_id uuid           NOT NULL REFERENCES project (id) ON DELETE CASCADE,
  id         uuid           NOT NULL,
  label      text           NOT NULL,
  data       jsonb          NOT NULL,  -- the values exactly as written
  types      jsonb          NOT NULL,  -- property name -> type
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  version    integer        NOT NULL DEFAULT 1,
  PRIMARY KEY (project_id, id)
);
CREATE INDEX record_label_idx ON record (project_id, label, id);
CREATE INDEX record_data_idx ON record USING gin (data jsonb_path_ops);

-- Labels are immutable, so the relationship keeps both ends' labels: traversal and schema counts need
-- no join, and the counters below stay right when a cascade removes edges with their records.
CREATE TABLE relationship (
  project_id   uuid           NOT NULL,
  source_id    uuid           NOT NULL,
  type         text           NOT NULL,
  target_id    uuid           NOT NULL,
  source_label text           NOT NULL,
  target_label text           NOT NULL,
  properties   jsonb          NOT NULL DEFAULT '{}',
  origin       text           NOT NULL DEFAULT 'manual',
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, source_id, type, target_id),
  FOREIGN KEY (project_id, source_id) REFERENCES record (project_id, id) ON DELETE CASCADE,
  FOREIGN KEY (project_id, target_id) REFERENCES record (project_id, id) ON DELETE CASCADE
);
CREATE INDEX relationship_target_idx ON relationship (project_id, target_id, type);
CREATE INDEX relationship_type_idx ON relationship (project_id, type);

-- Live schema counters. Writers only ever append to the *_delta tables (statement triggers, one row per
-- label/property/type touched by a statement), so concurrent transactions never wait on a shared
-- counter row; readers sum stat + delta, and compaction folds deltas into stat in short transactions.
-- prop = '' and type = '' is the label's record count.
CREATE TABLE schema_stat (
  project_id uuid   NOT NULL,
  label      text   NOT NULL,
  prop       text   NOT NULL,
  type       text   NOT NULL,
  n          bigint NOT NULL,
  PRIMARY KEY (project_id, label, prop, type)
);
CREATE TABLE schema_delta (
  project_id uuid   NOT NULL,
  label      text   NOT NULL,
  prop       text   NOT NULL,
  type       text   NOT NULL,
  n          bigint NOT NULL
);
CREATE INDEX schema_delta_idx ON schema_delta (project_id, label);

CREATE TABLE schema_rel_stat (
  project_id   uuid   NOT NULL,
  source_label text   NOT NULL,
  type         text   NOT NULL,
  target_label text   NOT NULL,
  n            bigint NOT NULL,
  PRIMARY KEY (project_id, source_label, type, target_label)
);
CREATE TABLE schema_rel_delta (
  project_id   uuid   NOT NULL,
  source_label text   NOT NULL,
  type         text   NOT NULL,
  target_label text   NOT NULL,
  n            bigint NOT NULL
);
CREATE INDEX schema_rel_delta_idx ON schema_rel_delta (project_id);

CREATE FUNCTION engram_record_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO schema_delta (project_id, label, prop, type, n)
      SELECT project_id, label, '', '', -count(*) FROM old_rows GROUP BY project_id, label
      UNION ALL
      SELECT o.project_id, o.label, t.key, t.value #>> '{}', -count(*)
        FROM old_rows o, jsonb_each(o.types) t GROUP BY o.project_id, o.label, t.key, t.value #>> '{}';
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO schema_delta (project_id, label, prop, type, n)
      SELECT project_id, label, '', '', count(*) FROM new_rows GROUP BY project_id, label
      UNION ALL
      SELECT r.project_id, r.label, t.key, t.value #>> '{}', count(*)
        FROM new_rows r, jsonb_each(r.types) t GROUP BY r.project_id, r.label, t.key, t.value #>> '{}';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER record_stats_insert AFTER INSERT ON record
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_record_stats();
CREATE TRIGGER record_stats_update AFTER UPDATE ON record
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_record_stats();
CREATE TRIGGER record_stats_delete AFTER DELETE ON record
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_record_stats();

CREATE FUNCTION engram_relationship_stats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO schema_rel_delta (project_id, source_label, type, target_label, n)
      SELECT project_id, source_label, type, target_label, -count(*) FROM old_rows
      GROUP BY project_id, source_label, type, target_label;
  ELSE
    INSERT INTO schema_rel_delta (project_id, source_label, type, target_label, n)
      SELECT project_id, source_label, type, target_label, count(*) FROM new_rows
      GROUP BY project_id, source_label, type, target_label;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER relationship_stats_insert AFTER INSERT ON relationship
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_relationship_stats();
CREATE TRIGGER relationship_stats_delete AFTER DELETE ON relationship
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_relationship_stats();
