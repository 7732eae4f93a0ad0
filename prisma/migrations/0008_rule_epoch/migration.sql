-- Approving or withdrawing a relationship rule changes what every later write must do, and a
-- repeatable-read transaction (POST /tx) reads the rules as of its snapshot: one whose snapshot
-- predates the change would write records the rule never links (or link them by a withdrawn rule).
-- Approval and withdrawal bump the project's row here; a repeatable-read writer probes it with
-- INSERT ... ON CONFLICT DO NOTHING, which fails with a serialization error (40001) when the row's
-- current version is not visible to its snapshot, so the client retries on fresh rules. The probe
-- neither writes nor locks, so writers never wait on each other here. (Writers under read committed
-- need no probe: advisory locks per label make them and approvals take turns, see
-- server/db/sql/suggestions.ts.) The row must already exist, or the probe would insert it and hold it
-- uncommitted; so every project gets its row when it is created.

CREATE TABLE rule_epoch (
  project_id uuid   NOT NULL PRIMARY KEY REFERENCES project (id) ON DELETE CASCADE,
  version    bigint NOT NULL DEFAULT 0
);

INSERT INTO rule_epoch (project_id) SELECT id FROM project;

CREATE FUNCTION engram_project_rule_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO rule_epoch (project_id) VALUES (NEW.id);
  RETURN NULL;
END $$;

CREATE TRIGGER project_rule_epoch AFTER INSERT ON project
  FOR EACH ROW EXECUTE FUNCTION engram_project_rule_epoch();
