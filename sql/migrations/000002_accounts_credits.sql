-- 000002_accounts_credits: plans, accounts, API keys, wallets and the credit ledger.
--
-- Money invariants (SPEC §7), enforced here as far as constraints can:
--  * every credit movement is one append-only row of internal.credit_ledger
--    (the trigger internal.credit_ledger_append_only refuses UPDATE, DELETE, TRUNCATE);
--  * internal.wallets caches the ledger's sums per (account, mode):
--      balance  = sum(balance_delta), reserved = sum(reserved_delta);
--    the only writer of both is internal.ledger_post, in one statement pair;
--  * spendable = balance - reserved never goes below zero (CHECK below), so a
--    bug that would overdraw a wallet aborts its transaction instead;
--  * each generation reserves once and settles (capture or release) once
--    (partial unique indexes below).

-- Plans: NULL means unlimited. ENTERPRISE has no built-in numbers: its limits
-- are the per-account overrides (NULL override on ENTERPRISE = unlimited).
CREATE TABLE internal.plans (
  code                text PRIMARY KEY CHECK (code IN ('FREE', 'STARTER', 'PRO', 'ENTERPRISE')),
  requests_per_minute integer CHECK (requests_per_minute > 0),
  concurrent          integer CHECK (concurrent > 0),
  requests_per_day    integer CHECK (requests_per_day > 0)
);

INSERT INTO internal.plans (code, requests_per_minute, concurrent, requests_per_day) VALUES
  ('FREE',       10,    1,   100),
  ('STARTER',    30,    3,  1000),
  ('PRO',        60,   10, 10000),
  ('ENTERPRISE', NULL, NULL, NULL);

CREATE TABLE internal.accounts (
  id                  text PRIMARY KEY CHECK (id ~ '^acc_[0-9a-f]{24}$'),
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  plan                text NOT NULL REFERENCES internal.plans (code),
  -- Per-account limits; NULL = the plan's value.
  rpm_override        integer CHECK (rpm_override > 0),
  concurrent_override integer CHECK (concurrent_override > 0),
  daily_override      integer CHECK (daily_override > 0),
  -- Standard Webhooks signing secret, 'whsec_' + base64(32 random bytes).
  webhook_secret      text NOT NULL CHECK (webhook_secret LIKE 'whsec\_%'),
  -- During a rotation the previous secret keeps signing until this instant.
  webhook_secret_prev       text,
  webhook_secret_prev_until timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now()
);

-- Only the SHA-256 of a key is stored (lowercase hex, computed by the C side);
-- the raw key is printed once by doitong-admin and never reaches the database.
CREATE TABLE internal.api_keys (
  id          text PRIMARY KEY CHECK (id ~ '^key_[0-9a-f]{24}$'),
  account_id  text NOT NULL REFERENCES internal.accounts (id),
  key_hash    text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  key_prefix  text NOT NULL CHECK (length(key_prefix) BETWEEN 1 AND 12),
  test_mode   boolean NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
CREATE INDEX api_keys_account_idx ON internal.api_keys (account_id);

-- One wallet per account and mode: test keys spend the test wallet.
CREATE TABLE internal.wallets (
  account_id  text NOT NULL REFERENCES internal.accounts (id),
  test_mode   boolean NOT NULL,
  balance     bigint NOT NULL DEFAULT 0,
  reserved    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, test_mode),
  CONSTRAINT wallets_reserved_nonneg CHECK (reserved >= 0),
  CONSTRAINT wallets_spendable_nonneg CHECK (balance - reserved >= 0)
);

-- Append-only. generation_id deliberately has no foreign key: the ledger is
-- the audit record and must neither block nor cascade from generation purges.
CREATE TABLE internal.credit_ledger (
  id             bigserial PRIMARY KEY,
  account_id     text NOT NULL,
  test_mode      boolean NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('topup', 'reserve', 'capture', 'release', 'adjustment')),
  balance_delta  bigint NOT NULL,
  reserved_delta bigint NOT NULL,
  generation_id  text,
  reason         text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, test_mode) REFERENCES internal.wallets (account_id, test_mode),
  -- The shape of each kind of movement (see the task brief / SPEC §7):
  --   topup (+N, 0)  reserve (0, +N)  capture (-N, -N)  release (0, -N)  adjustment (±N, 0)
  CONSTRAINT credit_ledger_kind_shape CHECK (
       (kind = 'topup'      AND balance_delta > 0  AND reserved_delta = 0)
    OR (kind = 'reserve'    AND balance_delta = 0  AND reserved_delta > 0)
    OR (kind = 'capture'    AND balance_delta < 0  AND reserved_delta = balance_delta)
    OR (kind = 'release'    AND balance_delta = 0  AND reserved_delta < 0)
    OR (kind = 'adjustment' AND balance_delta <> 0 AND reserved_delta = 0)),
  CONSTRAINT credit_ledger_generation_kinds CHECK (
    (kind IN ('reserve', 'capture', 'release')) = (generation_id IS NOT NULL))
);
CREATE INDEX credit_ledger_account_idx ON internal.credit_ledger (account_id, test_mode, id);
-- A generation reserves exactly once and settles exactly once.
CREATE UNIQUE INDEX credit_ledger_one_reserve ON internal.credit_ledger (generation_id)
  WHERE kind = 'reserve';
CREATE UNIQUE INDEX credit_ledger_one_settle ON internal.credit_ledger (generation_id)
  WHERE kind IN ('capture', 'release');
