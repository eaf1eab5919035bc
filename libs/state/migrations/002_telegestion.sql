-- Telegestion: alarms and findings, the rules' per-device state, commands, lighting
-- programs and their assignments. Everything here survives a restart (DESIGN.md).
-- Applied once and checksummed: never edit this file, add 003_... instead.

-- Alarms (faults, energy-saving findings, thresholds, usage) with their lifecycle
-- active → acknowledged → cleared. `since` and `cleared_at` are device time (when the
-- condition began and ended); `raised_at` is when telegestion stored it.
CREATE TABLE alarms (
  id              bigserial PRIMARY KEY,
  tenant_id       text NOT NULL REFERENCES tenants (id),
  device_id       text NOT NULL REFERENCES devices (id),
  domain          text NOT NULL CHECK (domain IN ('lighting', 'heating', 'air', 'parking')),
  type            text NOT NULL CHECK (type ~ '^[a-z0-9_]{1,64}$'),
  kind            text NOT NULL CHECK (kind IN ('fault', 'finding', 'threshold', 'usage')),
  severity        text NOT NULL CHECK (severity IN ('info', 'minor', 'major', 'critical')),
  -- telegestion's own detection, or the device's fault report
  source          text NOT NULL CHECK (source IN ('detected', 'reported')),
  state           text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'acknowledged', 'cleared')),
  since           timestamptz NOT NULL,
  raised_at       timestamptz NOT NULL DEFAULT now(),
  value           double precision NULL,
  acknowledged_at timestamptz NULL,
  acknowledged_by text NULL,
  assignee        text NULL,
  cleared_at      timestamptz NULL,
  -- 'rules' when the condition ended, else the user who cleared it
  cleared_by      text NULL,
  -- Suppressed: explained by this alarm (a cabinet's supply loss); not notified, not counted.
  parent_id       bigint NULL REFERENCES alarms (id),
  -- Findings: energy wasted while active, and its price (rule configuration's factors).
  savings_kwh     double precision NULL,
  savings_eur     double precision NULL,
  savings_kgco2   double precision NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'cleared') = (cleared_at IS NOT NULL)),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
-- Exactly one open alarm per device and type, whatever the number of telegestion
-- instances or concurrent messages: a second raise conflicts and does nothing.
CREATE UNIQUE INDEX alarms_one_open_per_device_type ON alarms (device_id, type) WHERE state <> 'cleared';
CREATE INDEX alarms_tenant_state_idx ON alarms (tenant_id, state, raised_at DESC);
CREATE INDEX alarms_parent_id_idx ON alarms (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX alarms_device_idx ON alarms (device_id, raised_at DESC);

-- What the rules remember of each device (windows, debouncers), so that a restart resumes
-- the same judgement. Plain JSON from @hv/rules' DeviceRuleState.
CREATE TABLE rule_states (
  device_id  text PRIMARY KEY REFERENCES devices (id),
  state      jsonb NOT NULL CHECK (jsonb_typeof(state) = 'object'),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Lighting programs (TALQ calendars and control programs), per tenant; the body is
-- @hv/lighting's lightingProgramSchema, validated before it is stored.
CREATE TABLE lighting_programs (
  tenant_id  text NOT NULL REFERENCES tenants (id),
  id         text NOT NULL CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  body       jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

-- Named groups of devices within a tenant (a street, a district, a festival route).
CREATE TABLE device_groups (
  tenant_id  text NOT NULL REFERENCES tenants (id),
  id         text NOT NULL CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
  name       text NOT NULL CHECK (name <> ''),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE TABLE device_group_members (
  tenant_id text NOT NULL,
  group_id  text NOT NULL,
  device_id text NOT NULL REFERENCES devices (id),
  PRIMARY KEY (tenant_id, group_id, device_id),
  FOREIGN KEY (tenant_id, group_id) REFERENCES device_groups (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX device_group_members_device_idx ON device_group_members (device_id);

-- Which program a scope follows. The most specific wins: device, cabinet, group, tenant.
CREATE TABLE program_assignments (
  tenant_id  text NOT NULL,
  scope      text NOT NULL CHECK (scope IN ('tenant', 'group', 'cabinet', 'device')),
  scope_id   text NOT NULL,
  program_id text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, scope, scope_id),
  FOREIGN KEY (tenant_id, program_id) REFERENCES lighting_programs (tenant_id, id)
);

-- A command addressed to several devices (a group dim): one row per request, one command per device.
CREATE TABLE command_batches (
  id         text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  tenant_id  text NULL REFERENCES tenants (id),
  target     jsonb NOT NULL,
  body       jsonb NOT NULL,
  reason     text NOT NULL,
  created_by text NOT NULL,
  devices    integer NOT NULL CHECK (devices >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Commands to one device, with their lifecycle queued → sent → acknowledged | failed |
-- expired. A retry keeps the cmd_id, so a late ack of an earlier attempt still matches
-- and a device that gets it twice applies it once.
CREATE TABLE commands (
  cmd_id          text PRIMARY KEY CHECK (cmd_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  batch_id        text NULL REFERENCES command_batches (id),
  tenant_id       text NOT NULL REFERENCES tenants (id),
  device_id       text NOT NULL REFERENCES devices (id),
  -- The command as the device gets it, without cmd_id and ts (level_pct, reason… or action).
  body            jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
  reason          text NOT NULL,
  status          text NOT NULL CHECK (status IN ('queued', 'sent', 'acknowledged', 'failed', 'expired')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  expires_at      timestamptz NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz NULL,
  acked_at        timestamptz NULL,
  ack_status      text NULL,
  -- The state the device reported in its ack.
  reported        jsonb NULL,
  error           text NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX commands_pending_idx ON commands (next_attempt_at) WHERE status IN ('queued', 'sent');
CREATE INDEX commands_device_idx ON commands (device_id, created_at DESC);
CREATE INDEX commands_batch_idx ON commands (batch_id) WHERE batch_id IS NOT NULL;
