-- 000007_persisted_queries: Automatic persisted queries (SPEC §2, Apollo's
-- APQ protocol: extensions.persistedQuery.sha256Hash).
--
-- One global table keyed by the query's SHA-256, not per account: the hash
-- names the text itself, so two accounts sending the same query share one
-- row, and knowing a hash already means knowing the query. The C side checks
-- that sha256(query) equals the hash before it asks api.execute to store it
-- (request member "persist"); api.persisted_query reads it back.
-- The listing of an account's generations (query generations) is served by
-- generations_account_idx of 000004 (account_id, test_mode, created_at DESC,
-- id DESC), so no index is added for it here.
CREATE TABLE internal.persisted_queries (
  sha256       text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  query        text NOT NULL CHECK (length(query) > 0),
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- Touched by api.persisted_query at most once an hour (avoids a write per
  -- lookup); api.maintenance_purge drops rows unused for 30 days.
  last_used_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX persisted_queries_last_used_idx ON internal.persisted_queries (last_used_at);
