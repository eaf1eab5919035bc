-- Credential events: the embedded broker caches verified logins (5 min) and device lookups
-- (1 min), and keeps connections open for hours. A retirement, a secret rotation or a move
-- must take effect at once, whichever path wrote it (the API, a CLI, psql), in every broker
-- process: each row change that touches credentials or placement notifies `hv_credentials`
-- with {kind, id, devEuis}; brokers LISTEN, drop their cache of it and close its connections.
-- Columns are read through to_jsonb() so the trigger keeps working when columns are added
-- (a column it names but a table lacks reads as null on both sides: no event).
-- Applied once and checksummed: never edit this file, add 010_... instead.

CREATE FUNCTION hv_notify_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_row jsonb := to_jsonb(OLD);
  new_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END;
  kind text := CASE TG_TABLE_NAME WHEN 'devices' THEN 'device' ELSE 'gateway' END;
  watched text[] := ARRAY['id', 'secret_hash', 'retired_at', 'tenant_id', 'type', 'domain', 'network', 'dev_eui'];
  col text;
  changed boolean := TG_OP = 'DELETE';
  euis jsonb;
BEGIN
  IF NOT changed THEN
    FOREACH col IN ARRAY watched LOOP
      IF old_row -> col IS DISTINCT FROM new_row -> col THEN changed := true; EXIT; END IF;
    END LOOP;
  END IF;
  IF NOT changed THEN RETURN NULL; END IF;
  euis := COALESCE((SELECT jsonb_agg(DISTINCT e) FROM (VALUES (old_row ->> 'dev_eui'), (new_row ->> 'dev_eui')) v (e) WHERE e IS NOT NULL), '[]'::jsonb);
  PERFORM pg_notify('hv_credentials', jsonb_build_object('kind', kind, 'id', old_row ->> 'id', 'devEuis', euis)::text);
  IF new_row IS NOT NULL AND new_row ->> 'id' IS DISTINCT FROM old_row ->> 'id' THEN
    PERFORM pg_notify('hv_credentials', jsonb_build_object('kind', kind, 'id', new_row ->> 'id', 'devEuis', euis)::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER devices_credential_events AFTER UPDATE OR DELETE ON devices
  FOR EACH ROW EXECUTE FUNCTION hv_notify_credentials();
CREATE TRIGGER gateways_credential_events AFTER UPDATE OR DELETE ON gateways
  FOR EACH ROW EXECUTE FUNCTION hv_notify_credentials();
