-- internal.persisted_query_store(persist, now): stores api.execute's optional
-- "persist": {"sha256": <64 lowercase hex>, "query": <text>} (the Apollo APQ
-- registration: a client that got PersistedQueryNotFound resends the hash
-- with the full query). Runs after authentication and rate limiting, so an
-- anonymous or refused request stores nothing (its transaction rolls back).
-- The C side has checked sha256(query) = sha256 (the hash is the row's
-- identity, never trusted from the client unchecked); a malformed member is
-- a server bug: 22023. ON CONFLICT DO NOTHING: the same hash names the same
-- text, and concurrent registrations of one query must not fail.
CREATE OR REPLACE FUNCTION internal.persisted_query_store(p_persist jsonb, p_now timestamptz)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  IF jsonb_typeof(p_persist) IS DISTINCT FROM 'object'
     OR jsonb_typeof(p_persist->'sha256') IS DISTINCT FROM 'string'
     OR jsonb_typeof(p_persist->'query') IS DISTINCT FROM 'string'
     OR NOT (p_persist->>'sha256') ~ '^[0-9a-f]{64}$'
     OR p_persist->>'query' = '' THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = 'api.execute: persist must be {"sha256": 64 lowercase hex, "query": non-empty string}.';
  END IF;
  INSERT INTO internal.persisted_queries (sha256, query, created_at, last_used_at)
  VALUES (p_persist->>'sha256', p_persist->>'query', p_now, p_now)
  ON CONFLICT (sha256) DO NOTHING;
END
$$;
