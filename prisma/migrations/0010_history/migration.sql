-- History: every committed change of a record appends a version (its properties and types after the change,
-- what changed it and who), and every change of a relationship an event, in the same transaction as the
-- change. Statement triggers with transition tables write them, so no write path can forget to and a bulk
-- import appends its versions in one INSERT per statement. The API operation and the caller come from the
-- transaction-local settings engram.op and engram.actor, which the server sets for each call.

CREATE TABLE record_version (
  project_id uuid           NOT NULL,
  record_id  uuid           NOT NULL,
  version    integer        NOT NULL,
  label      text           NOT NULL,
  change     text           NOT NULL,  -- create | update | delete | snapshot (a record older than history)
  operation  text,                     -- the API operation, e.g. records.create, batch.run, records.restore
  actor      text,                     -- key:<id>, master or session
  data       jsonb,                    -- NULL on delete
  types      jsonb,
  at         timestamptz(3) NOT NULL,
  PRIMARY KEY (project_id, record_id, version)
);
CREATE INDEX record_version_at_idx ON record_version (project_id, at);

CREATE TABLE relationship_event (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id uuid           NOT NULL,
  source_id  uuid           NOT NULL,
  type       text           NOT NULL,
  target_id  uuid           NOT NULL,
  change     text           NOT NULL,  -- attach | update | detach
  properties jsonb,
  origin     text,
  operation  text,
  actor      text,
  at         timestamptz(3) NOT NULL DEFAULT statement_timestamp()
);
CREATE INDEX relationship_event_source_idx ON relationship_event (project_id, source_id, at);
CREATE INDEX relationship_event_target_idx ON relationship_event (project_id, target_id, at);

CREATE FUNCTION engram_record_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO record_version (project_id, record_id, version, label, change, operation, actor, data, types, at)
  SELECT n.project_id, n.id, n.version, n.label, 'create', nullif(current_setting('engram.op', true), ''),
         nullif(current_setting('engram.actor', true), ''), n.data, n.types, n.created_at
  FROM new_rows n;
  RETURN NULL;
END $$;

CREATE FUNCTION engram_record_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO record_version (project_id, record_id, version, label, change, operation, actor, data, types, at)
  SELECT n.project_id, n.id, n.version, n.label, 'update', nullif(current_setting('engram.op', true), ''),
         nullif(current_setting('engram.actor', true), ''), n.data, n.types, n.updated_at
  FROM new_rows n JOIN old_rows o ON o.project_id = n.project_id AND o.id = n.id
  WHERE o.data IS DISTINCT FROM n.data OR o.types IS DISTINCT FROM n.types;
  RETURN NULL;
END $$;

CREATE FUNCTION engram_record_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO record_version (project_id, record_id, version, label, change, operation, actor, data, types, at)
  SELECT o.project_id, o.id, o.version + 1, o.label, 'delete', nullif(current_setting('engram.op', true), ''),
         nullif(current_setting('engram.actor', true), ''), NULL, NULL, statement_timestamp()
  FROM old_rows o;
  RETURN NULL;
END $$;

CREATE TRIGGER record_version_insert AFTER INSERT ON record
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_record_inserted();
CREATE TRIGGER record_version_update AFTER UPDATE ON record
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_record_updated();
CREATE TRIGGER record_version_delete AFTER DELETE ON record
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_record_deleted();

CREATE FUNCTION engram_relationship_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO relationship_event (project_id, source_id, type, target_id, change, properties, origin, operation, actor)
  SELECT n.project_id, n.source_id, n.type, n.target_id, 'attach', n.properties, n.origin,
         nullif(current_setting('engram.op', true), ''), nullif(current_setting('engram.actor', true), '')
  FROM new_rows n;
  RETURN NULL;
END $$;

CREATE FUNCTION engram_relationship_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO relationship_event (project_id, source_id, type, target_id, change, properties, origin, operation, actor)
  SELECT n.project_id, n.source_id, n.type, n.target_id, 'update', n.properties, n.origin,
         nullif(current_setting('engram.op', true), ''), nullif(current_setting('engram.actor', true), '')
  FROM new_rows n JOIN old_rows o
    ON o.project_id = n.project_id AND o.source_id = n.source_id AND o.type = n.type AND o.target_id = n.target_id
  WHERE o.properties IS DISTINCT FROM n.properties;
  RETURN NULL;
END $$;

CREATE FUNCTION engram_relationship_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO relationship_event (project_id, source_id, type, target_id, change, properties, origin, operation, actor)
  SELECT o.project_id, o.source_id, o.type, o.target_id, 'detach', o.properties, o.origin,
         nullif(current_setting('engram.op', true), ''), nullif(current_setting('engram.actor', true), '')
  FROM old_rows o;
  RETURN NULL;
END $$;

CREATE TRIGGER relationship_event_insert AFTER INSERT ON relationship
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_relationship_inserted();
CREATE TRIGGER relationship_event_update AFTER UPDATE ON relationship
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_relationship_updated();
CREATE TRIGGER relationship_event_delete AFTER DELETE ON relationship
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION engram_relationship_deleted();

-- Records written before history existed start it with a snapshot of what they hold now.
INSERT INTO record_version (project_id, record_id, version, label, change, data, types, at)
SELECT project_id, id, version, label, 'snapshot', data, types, updated_at FROM record;
