import type { Storage } from './storage';

/**
 * Watching several servers on one PostgreSQL database from outside. Row triggers, installed by the
 * scenario in a schema of its own, log every embedding row written, every change of an index's lease
 * holder, status or progress, and every start and end of a suggestion analysis (each server's, though
 * they all write the project's one progress row), each with the
 * application_name of the connection that did it (storage.start({ name }) sets one per server). The
 * servers' code is untouched; the triggers only append to stress_audit.event.
 */
const INSTALL = `
CREATE SCHEMA stress_audit;
CREATE TABLE stress_audit.event (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  app text NOT NULL DEFAULT current_setting('application_name'),
  kind text NOT NULL,
  ref text NOT NULL,
  detail jsonb NOT NULL
);
CREATE FUNCTION stress_audit.on_embedding() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stress_audit.event (kind, ref, detail) VALUES ('embedding', NEW.index_id::text, jsonb_build_object('record', NEW.record_id, 'op', TG_OP));
  RETURN NULL;
END $$;
CREATE TRIGGER stress_audit_embedding AFTER INSERT OR UPDATE ON public.embedding FOR EACH ROW EXECUTE FUNCTION stress_audit.on_embedding();
CREATE FUNCTION stress_audit.on_index() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.lease_owner IS DISTINCT FROM OLD.lease_owner OR NEW.status IS DISTINCT FROM OLD.status OR NEW.indexed IS DISTINCT FROM OLD.indexed THEN
    INSERT INTO stress_audit.event (kind, ref, detail)
    VALUES ('index', NEW.id::text, jsonb_build_object('owner', NEW.lease_owner, 'status', NEW.status, 'indexed', NEW.indexed, 'total', NEW.total));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER stress_audit_index AFTER UPDATE ON public.embedding_index FOR EACH ROW EXECUTE FUNCTION stress_audit.on_index();
CREATE FUNCTION stress_audit.on_analysis() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A pass starts when the row is created running or its started_at moves (a request that only dates
  -- itself, requested_at, is not a start); it ends when running turns done or error.
  IF NEW.status = 'running' AND (TG_OP = 'INSERT' OR NEW.started_at IS DISTINCT FROM OLD.started_at)
     OR NEW.status IN ('done', 'error') AND (TG_OP = 'INSERT' OR OLD.status = 'running' OR NEW.finished_at IS DISTINCT FROM OLD.finished_at) THEN
    INSERT INTO stress_audit.event (kind, ref, detail)
    VALUES ('analysis', NEW.project_id::text, jsonb_build_object('status', NEW.status, 'trigger', NEW.trigger, 'startedAt', NEW.started_at));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER stress_audit_analysis AFTER INSERT OR UPDATE ON public.suggestion_analysis FOR EACH ROW EXECUTE FUNCTION stress_audit.on_analysis();
`;

export type AuditEvent = {
  id: number;
  app: string;
  kind: 'embedding' | 'index' | 'analysis';
  ref: string;
  detail: any;
  ageMs: number;
};

export async function installAudit(storage: Storage): Promise<void> {
  await storage.sql(INSTALL);
}

/** Events after `afterId` (0: all), oldest first; ageMs is how long ago each happened, on the database clock. */
export async function auditEvents(storage: Storage, kind: AuditEvent['kind'], afterId = 0): Promise<AuditEvent[]> {
  return storage.sql<AuditEvent>(
    `SELECT id::int AS id, app, kind, ref, detail, (extract(epoch FROM clock_timestamp() - at) * 1000)::int AS "ageMs"
     FROM stress_audit.event WHERE kind = $1 AND id > $2 ORDER BY id`,
    [kind, afterId],
  );
}

export async function lastAuditId(storage: Storage): Promise<number> {
  const [r] = await storage.sql<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM stress_audit.event');
  return r!.id;
}

export type AnalysisRun = { app: string; trigger: string; open: boolean };

/**
 * Suggestion analyses from their audit events: a `running` row (or a new started_at) opens a run for
 * the server that wrote it, its `done` / `error` closes it. `overlapping` counts runs that started
 * while another server's run was still open (two analyses of one project at once).
 */
export function analysisRuns(events: AuditEvent[]): { runs: AnalysisRun[]; overlapping: number } {
  const runs: AnalysisRun[] = [];
  const open = new Map<string, AnalysisRun>();
  let overlapping = 0;
  for (const e of events) {
    if (e.detail.status === 'running') {
      if ([...open.keys()].some((app) => app !== e.app)) overlapping++;
      const run = { app: e.app, trigger: e.detail.trigger, open: true };
      runs.push(run);
      open.set(e.app, run);
    } else {
      const run = open.get(e.app);
      if (run) run.open = false;
      open.delete(e.app);
    }
  }
  return { runs, overlapping };
}
