-- People's accounts (the console), beside API keys (machines). A person has the role and
-- tenant scope a key would have; signs in with an e-mail and a password (scrypt, its cost in
-- the hash); gets one-time links by e-mail (invitation, password reset) and a session cookie.
-- Tokens and session ids are 256 random bits stored as a SHA-256 digest: a leaked table
-- opens nothing. Applied once and checksummed: never edit this file, add 012_... instead.

CREATE TABLE users (
  id              text PRIMARY KEY CHECK (id ~ '^[a-z2-7]{16}$'),
  email           text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  name            text NOT NULL CHECK (name <> '' AND length(name) <= 100),
  role            text NOT NULL CHECK (role IN ('operator', 'epci', 'commune', 'cdn', 'public')),
  tenant_id       text NULL REFERENCES tenants (id),
  -- null until the invitation is accepted
  password_hash   text NULL,
  password_set_at timestamptz NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_login_at   timestamptz NULL,
  disabled_at     timestamptz NULL,
  CHECK ((role IN ('epci', 'commune')) = (tenant_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_tenant_id_idx ON users (tenant_id);

-- One-time links: an invitation (sets the first password) or a password reset.
CREATE TABLE user_tokens (
  digest     text PRIMARY KEY CHECK (digest ~ '^[0-9a-f]{64}$'),
  user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose    text NOT NULL CHECK (purpose IN ('invitation', 'reset')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz NULL
);
CREATE INDEX user_tokens_user_id_idx ON user_tokens (user_id);

-- Sessions: the cookie holds the id, the row its digest; ended by logout, expiry (idle or
-- absolute), a password change or the account's disabling.
CREATE TABLE user_sessions (
  digest       text PRIMARY KEY CHECK (digest ~ '^[0-9a-f]{64}$'),
  user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- sent back by the console in X-CSRF-Token on every state-changing request
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  address      text NULL,
  revoked_at   timestamptz NULL
);
CREATE INDEX user_sessions_user_id_idx ON user_sessions (user_id);

-- Failed logins per account (e-mail as typed, known or not) and per client address, and
-- password-reset requests per account, over a sliding window; a subject over its limit is
-- locked until locked_until.
CREATE TABLE login_throttle (
  subject      text PRIMARY KEY,
  failures     integer NOT NULL,
  window_start timestamptz NOT NULL,
  locked_until timestamptz NULL
);
