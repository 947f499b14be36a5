-- 000006_rate_idempotency: rate windows, idempotency keys and the principal
-- type that api.execute works with (SPEC §5, §6; sql/README.md "api.execute").

-- Who a request is: the authenticated key's account and mode plus the limits
-- in force for that account (per-account override, else the plan's value;
-- NULL = unlimited). Built by internal.principal_of; the field functions take
-- it so that a request authenticates exactly once.
CREATE TYPE internal.principal AS (
  account_id text,
  test_mode  boolean,
  key_id     text,
  rpm        integer,
  concurrent integer,
  daily      integer
);

-- Fixed rate windows: ONE row per (account, window kind), overwritten when a
-- new window starts (internal.rate_window_hit). One row means the counter is
-- exact under concurrency (the INSERT ... ON CONFLICT DO UPDATE row lock
-- serialises an account's requests) and the table stays as small as the
-- number of active accounts. Per account, not per key, and live and test keys
-- share it: limits are the account's plan.
CREATE TABLE internal.rate_windows (
  account_id   text NOT NULL REFERENCES internal.accounts (id),
  kind         text NOT NULL CHECK (kind IN ('minute', 'day')),
  -- Start of the window, aligned to the clock: minute = floor(epoch/60)*60,
  -- day = UTC midnight.
  window_start timestamptz NOT NULL,
  -- Requests admitted in this window (a refused request rolls back).
  hits         integer NOT NULL CHECK (hits > 0),
  PRIMARY KEY (account_id, kind)
);
-- api.maintenance_purge drops windows of accounts idle for two days.
CREATE INDEX rate_windows_window_start_idx ON internal.rate_windows (window_start);

-- Idempotency keys (SPEC §6): the results of the first request that executed
-- with this key, replayed to later requests with the same fingerprint for
-- 24 hours. Scope: account + mode + key (a test-mode request never replays a
-- live result, nor the reverse; live and test are separate worlds, as the
-- wallets are). Written in the same transaction as the effects it records,
-- so a row exists exactly when those effects committed.
CREATE TABLE internal.idempotency_keys (
  account_id  text NOT NULL REFERENCES internal.accounts (id),
  test_mode   boolean NOT NULL,
  idem_key    text NOT NULL CHECK (idem_key ~ '^[!-~]{1,255}$'),
  -- Hex SHA-256 of query, variables and operationName (computed by the C side).
  fingerprint text NOT NULL CHECK (length(fingerprint) BETWEEN 1 AND 128),
  -- api.execute's "results" array, one element per root field.
  results     jsonb NOT NULL CHECK (jsonb_typeof(results) = 'array'),
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (account_id, test_mode, idem_key)
);
-- api.maintenance_purge deletes keys older than 24 hours.
CREATE INDEX idempotency_keys_created_at_idx ON internal.idempotency_keys (created_at);
