-- API keys of the HTTP API (libs/api). A key is `hv_<id>_<secret>`: the id finds the row,
-- the secret is checked against its SHA-256. The secret is 256 random bits, so a slow hash
-- (scrypt, as for device passwords people may choose) would add tens of ms to every request
-- and no protection: nobody can enumerate 2^256 candidates against a leaked digest.
-- Applied once and checksummed: never edit this file, add 005_... instead.

CREATE TABLE api_keys (
  id            text PRIMARY KEY CHECK (id ~ '^[a-z2-7]{16}$'),
  -- hex SHA-256 of the secret part; the key itself is shown once, at creation
  secret_sha256 text NOT NULL CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
  name          text NOT NULL CHECK (name <> '' AND length(name) <= 100),
  -- operator: every tenant; epci: itself and its member communes; commune: itself;
  -- cdn: aggregates across the territory; public: open data only
  role          text NOT NULL CHECK (role IN ('operator', 'epci', 'commune', 'cdn', 'public')),
  tenant_id     text NULL REFERENCES tenants (id),
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_used_at  timestamptz NULL,
  revoked_at    timestamptz NULL,
  -- A collectivité's key names its collectivité; the others name none.
  CHECK ((role IN ('epci', 'commune')) = (tenant_id IS NOT NULL))
);
CREATE INDEX api_keys_tenant_id_idx ON api_keys (tenant_id);
