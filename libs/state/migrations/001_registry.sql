-- Registry: tenants (the collectivités), devices and gateways.
-- The id patterns repeat @hv/contracts' TENANT_ID_PATTERN and DEVICE_ID_PATTERN, so that a
-- row written by any path (psql, a future import) still cannot inject a topic level or a
-- line-protocol tag; a unit test keeps the two spellings equal.
-- Applied once and checksummed: never edit this file, add 002_... instead.

CREATE TABLE tenants (
  id          text PRIMARY KEY CHECK (id ~ '^[0-9][0-9AB][0-9]{0,7}$'),
  kind        text NOT NULL CHECK (kind IN ('departement', 'epci', 'commune')),
  name        text NOT NULL CHECK (name <> ''),
  -- commune → its EPCI (or the département when it belongs to none); EPCI → the département.
  parent_id   text NULL REFERENCES tenants (id),
  -- The département of the syndicate that registered the tenant (an EPCI straddling two
  -- départements is seeded by the one that serves it).
  departement text NULL,
  -- INSEE municipal population; null for tenants that have none of their own.
  population  integer NULL CHECK (population >= 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'departement' OR parent_id IS NULL)
);
CREATE INDEX tenants_parent_id_idx ON tenants (parent_id);

CREATE TABLE devices (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  tenant_id   text NOT NULL REFERENCES tenants (id),
  domain      text NOT NULL,
  type        text NOT NULL CHECK (type IN ('lighting-controller', 'lighting-cabinet', 'boiler-room',
                                            'air-station', 'co2-sensor', 'parking-spot', 'car-park')),
  -- scrypt$N$r$p$salt$hash (see credentials.ts); null for devices behind a gateway or a
  -- LoRaWAN network server, which never log in themselves.
  secret_hash text NULL,
  dev_eui     text NULL CHECK (dev_eui ~ '^[0-9a-f]{16}$'),
  -- Static attributes: name, cabinet, building, rated_power_w, lat, lon…
  attributes  jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz NULL,
  -- The domain is derived from the type (DEVICE_TYPES); stored for tenant/domain queries.
  CONSTRAINT devices_domain_of_type CHECK ((type, domain) IN (
    ('lighting-controller', 'lighting'), ('lighting-cabinet', 'lighting'), ('boiler-room', 'heating'),
    ('air-station', 'air'), ('co2-sensor', 'air'), ('parking-spot', 'parking'), ('car-park', 'parking')))
);
CREATE INDEX devices_tenant_id_idx ON devices (tenant_id);
-- A DevEUI names one piece of hardware: unique among active devices only, so that a sensor
-- retired in one commune can be registered again elsewhere while its history keeps the
-- retired row. The plain index serves lookups that include retired devices.
CREATE UNIQUE INDEX devices_dev_eui_active_key ON devices (dev_eui) WHERE retired_at IS NULL;
CREATE INDEX devices_dev_eui_idx ON devices (dev_eui);

CREATE TABLE gateways (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  tenant_id   text NOT NULL REFERENCES tenants (id),
  network     text NOT NULL CHECK (network IN ('native', 'chirpstack', 'tts')),
  secret_hash text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz NULL
);
CREATE INDEX gateways_tenant_id_idx ON gateways (tenant_id);
