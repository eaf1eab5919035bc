-- Each alarm's history: who did what when (raised, acknowledged, assigned, commented,
-- escalated, suppressed under a parent or released, cleared), with the person's comment.
-- Written by a trigger on alarms, so that every writer (telegestion's rules, the API, psql)
-- leaves its trace; a writer passes who acts and the comment in transaction-local settings
-- hv.alarm_actor and hv.alarm_comment (set_config(…, true)). Comments without a change are
-- inserted directly ('commented').
-- Applied once and checksummed: never edit this file, add 013_... instead.

CREATE TABLE alarm_events (
  id       bigserial PRIMARY KEY,
  alarm_id bigint NOT NULL REFERENCES alarms (id) ON DELETE CASCADE,
  at       timestamptz NOT NULL DEFAULT now(),
  event    text NOT NULL CHECK (event IN ('raised', 'suppressed', 'released', 'escalated', 'acknowledged', 'assigned', 'unassigned', 'commented', 'cleared')),
  -- a person's or key's label, 'rules' (telegestion) or 'device' (its own fault report)
  actor    text NULL,
  -- the severity raised or escalated to, the assignee, the parent alarm's id
  detail   text NULL,
  comment  text NULL CHECK (comment IS NULL OR length(comment) <= 2000)
);
CREATE INDEX alarm_events_alarm_id_idx ON alarm_events (alarm_id, id);

CREATE FUNCTION hv_alarm_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  actor text := NULLIF(current_setting('hv.alarm_actor', true), '');
  note text := NULLIF(current_setting('hv.alarm_comment', true), '');
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO alarm_events (alarm_id, event, actor, detail)
      VALUES (NEW.id, 'raised', CASE NEW.source WHEN 'reported' THEN 'device' ELSE 'rules' END, NEW.severity);
    IF NEW.parent_id IS NOT NULL THEN
      INSERT INTO alarm_events (alarm_id, event, actor, detail) VALUES (NEW.id, 'suppressed', 'rules', NEW.parent_id::text);
    END IF;
    RETURN NULL;
  END IF;
  IF NEW.severity IS DISTINCT FROM OLD.severity THEN
    INSERT INTO alarm_events (alarm_id, event, actor, detail) VALUES (NEW.id, 'escalated', COALESCE(actor, 'rules'), NEW.severity);
  END IF;
  IF NEW.parent_id IS DISTINCT FROM OLD.parent_id THEN
    INSERT INTO alarm_events (alarm_id, event, actor, detail)
      VALUES (NEW.id, CASE WHEN NEW.parent_id IS NULL THEN 'released' ELSE 'suppressed' END, COALESCE(actor, 'rules'), COALESCE(NEW.parent_id, OLD.parent_id)::text);
  END IF;
  IF NEW.acknowledged_at IS NOT NULL AND OLD.acknowledged_at IS NULL THEN
    INSERT INTO alarm_events (alarm_id, event, actor, comment) VALUES (NEW.id, 'acknowledged', COALESCE(NEW.acknowledged_by, actor), note);
    note := NULL;
  END IF;
  IF NEW.assignee IS DISTINCT FROM OLD.assignee THEN
    INSERT INTO alarm_events (alarm_id, event, actor, detail, comment)
      VALUES (NEW.id, CASE WHEN NEW.assignee IS NULL THEN 'unassigned' ELSE 'assigned' END, actor, COALESCE(NEW.assignee, OLD.assignee), note);
    note := NULL;
  END IF;
  IF NEW.cleared_at IS NOT NULL AND OLD.cleared_at IS NULL THEN
    INSERT INTO alarm_events (alarm_id, event, actor, comment) VALUES (NEW.id, 'cleared', COALESCE(NEW.cleared_by, actor), note);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER alarms_events AFTER INSERT OR UPDATE ON alarms FOR EACH ROW EXECUTE FUNCTION hv_alarm_events();

-- Alarms raised before this migration start their history with what the row remembers.
INSERT INTO alarm_events (alarm_id, at, event, actor, detail)
  SELECT id, raised_at, 'raised', CASE source WHEN 'reported' THEN 'device' ELSE 'rules' END, severity FROM alarms;
INSERT INTO alarm_events (alarm_id, at, event, actor)
  SELECT id, acknowledged_at, 'acknowledged', acknowledged_by FROM alarms WHERE acknowledged_at IS NOT NULL;
INSERT INTO alarm_events (alarm_id, at, event, actor)
  SELECT id, cleared_at, 'cleared', cleared_by FROM alarms WHERE cleared_at IS NOT NULL;
