-- Energy-savings digests (libs/notifier): an e-mail subscription may receive, instead of
-- each alert as it is raised, a daily or weekly digest of the energy-saving findings of its
-- tenants. A digest is a delivery like an alert's (same table, idempotency key, retries,
-- dead letters), keyed by subscription and period instead of alarm.
-- Applied once and checksummed: never edit this file, add 008_... instead.

-- null: each alert as it is raised (as before); daily or weekly: the digest only.
ALTER TABLE subscriptions ADD COLUMN digest text NULL CHECK (digest IN ('daily', 'weekly'));
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_digest_by_email CHECK (digest IS NULL OR channel = 'email');

ALTER TABLE deliveries ALTER COLUMN alarm_id DROP NOT NULL;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_event_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_event_check CHECK (event IN ('raised', 'digest'));
-- The Paris day (daily) or Monday (weekly) the digest's period begins on.
ALTER TABLE deliveries ADD COLUMN period_start date NULL;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_alarm_or_period
  CHECK ((event = 'digest' AND alarm_id IS NULL AND period_start IS NOT NULL) OR (event <> 'digest' AND alarm_id IS NOT NULL AND period_start IS NULL));
