-- Alert delivery (libs/notifier): subscriptions of a tenant, and one delivery per
-- subscription and alarm, which carries its idempotency key through every retry.
-- Applied once and checksummed: never edit this file, add 006_... instead.

CREATE TABLE subscriptions (
  id           bigserial PRIMARY KEY,
  -- The collectivité that subscribes: it receives its own alarms and those of the tenants
  -- below it (an EPCI its communes', the département everyone's).
  tenant_id    text NOT NULL REFERENCES tenants (id),
  channel      text NOT NULL CHECK (channel IN ('webhook', 'email')),
  -- The webhook URL or the e-mail address.
  target       text NOT NULL CHECK (target <> '' AND length(target) <= 2000),
  -- Webhooks: the HMAC-SHA256 key the receiver checks signatures with. Kept in clear: the
  -- notifier must sign with it (shown once to the subscriber, never listed).
  secret       text NULL,
  min_severity text NOT NULL DEFAULT 'minor' CHECK (min_severity IN ('info', 'minor', 'major', 'critical')),
  -- null: every domain
  domains      text[] NULL CHECK (domains <@ ARRAY['lighting', 'heating', 'air', 'parking']),
  -- Quiet hours, Paris wall-clock HH:MM (the window may cross midnight): alerts below
  -- critical wait for its end; critical ones (a cabinet's supply loss at night) go at once.
  quiet_from   text NULL CHECK (quiet_from ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  quiet_to     text NULL CHECK (quiet_to ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  disabled_at  timestamptz NULL,
  CHECK ((channel = 'webhook') = (secret IS NOT NULL)),
  CHECK ((quiet_from IS NULL) = (quiet_to IS NULL)),
  CHECK (quiet_from IS NULL OR quiet_from <> quiet_to)
);
CREATE INDEX subscriptions_tenant_idx ON subscriptions (tenant_id) WHERE disabled_at IS NULL;

CREATE TABLE deliveries (
  id              bigserial PRIMARY KEY,
  subscription_id bigint NOT NULL REFERENCES subscriptions (id),
  alarm_id        bigint NOT NULL REFERENCES alarms (id),
  event           text NOT NULL CHECK (event IN ('raised')),
  -- Sent with every attempt: a receiver that saw it already ignores the retry.
  idempotency_key text NOT NULL UNIQUE,
  -- The message as it was when the alarm was raised (every attempt sends the same body).
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text NULL,
  delivered_at    timestamptz NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subscription_id, alarm_id, event)
);
CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status = 'pending';
