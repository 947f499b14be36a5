-- internal.request_execute(key hash, request, now, idempotency wait) -> the
-- answer of api.execute (contract: sql/README.md "api.execute"). One HTTP
-- request, one transaction, in this order:
--  a. authenticate (QA401) and load the limits      internal.principal_of
--  b. count the request, refuse over a limit (QA429) internal.rate_limit
--  b'. with a "persist" member, store the persisted query (APQ registration)
--     internal.persisted_query_store; only after a and b, so an anonymous
--     or refused request stores nothing
--  c. on a mutation with an Idempotency-Key: check the key (QA400), take its
--     lock (QA423 when the first request is still executing), replay stored
--     results (QA422 when they belong to another request)
--  d. otherwise run every field in its own subtransaction (internal.calls_run)
--     and, with a key, store the results with the effects they describe.
-- A replay executes nothing and charges nothing, but was counted in b.
-- A query (not a mutation) commits asynchronously (synchronous_commit off
-- for its transaction): see the first statement.
-- p_now drives every clock decision (windows, key expiry, created_at), so
-- tests can use fixed instants; api.execute passes clock_timestamp().
CREATE OR REPLACE FUNCTION internal.request_execute(p_key_hash text, p_request jsonb, p_now timestamptz,
                                                    p_idempotency_wait interval DEFAULT interval '3 seconds')
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_who         internal.principal;
  v_rate        jsonb;
  v_calls       jsonb;
  v_key         text;
  v_fingerprint text := p_request->>'fingerprint';
  v_results     jsonb;
  v_replayed    boolean := false;
BEGIN
  -- A query changes nothing but its rate windows (and perhaps a persisted
  -- query): it need not wait for its commit to reach the disk. A crash can
  -- lose the last fraction of a second of such counts, never money or
  -- state; mutations keep the durable commit. This halves the cost of a read.
  IF p_request->'mutation' IS DISTINCT FROM 'true'::jsonb THEN
    PERFORM pg_catalog.set_config('synchronous_commit', 'off', true);
  END IF;
  v_who := internal.principal_of(p_key_hash);                               -- a
  v_rate := internal.rate_limit(v_who, p_now);                              -- b
  v_calls := internal.request_calls(p_request);
  IF coalesce(jsonb_typeof(p_request->'persist'), 'null') <> 'null' THEN  -- b'
    PERFORM internal.persisted_query_store(p_request->'persist', p_now);
  END IF;
  IF p_request->'mutation' = 'true'::jsonb THEN                             -- c
    v_key := p_request->>'idempotencyKey';
  END IF;

  IF v_key IS NOT NULL THEN
    PERFORM internal.idempotency_key_check(v_key);
    IF v_fingerprint IS NULL OR v_fingerprint = '' THEN
      RAISE EXCEPTION USING ERRCODE = '22023',
        MESSAGE = 'api.execute: an idempotencyKey needs the request''s fingerprint.';
    END IF;
    PERFORM internal.idempotency_lock(v_who, v_key, p_idempotency_wait);
    v_results := internal.idempotency_replay(v_who, v_key, v_fingerprint, p_now);
    v_replayed := v_results IS NOT NULL;
  END IF;

  IF NOT v_replayed THEN                                                    -- d
    v_results := internal.calls_run(v_who, v_calls, p_now);
    IF v_key IS NOT NULL THEN
      PERFORM internal.idempotency_store(v_who, v_key, v_fingerprint, v_results, p_now);
    END IF;
  END IF;

  RETURN jsonb_build_object(
    'rate', v_rate || jsonb_build_object('concurrentLimit', v_who.concurrent),
    'replayed', v_replayed,
    'results', v_results);
END
$$;
