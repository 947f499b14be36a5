-- internal.job_fail(id, worker, code, message, upstream status, fault, now):
-- the job's current attempt failed. p_fault says whose fault it was:
--   'REQUEST'  this request cannot succeed like this anywhere (4xx
--              validation, moderation, unusable input): the job fails;
--   'UPSTREAM' the provider's (5xx, connection, overload, malformed answer,
--              time limit): it counts toward the provider's circuit breaker
--              (live jobs only), and an auto-selected job falls back to the
--              next-best provider when internal.job_fallback finds one;
--   'CONFIG'   the operator's setup (no API key, a route without its model
--              id): nothing reached the provider, so its breaker does not
--              move, but an auto-selected job falls back as for UPSTREAM.
-- The attempt is closed FAILED with the code (an ErrorCode name, else
-- GENERATION_FAILED), the message and the raw upstream status (e.g. "503",
-- "failed"; the raw code when it was no ErrorCode). A fallback returns the
-- generation JSON plus {"fallback": {"from": provider, "to": provider}}: the
-- job lives on and nothing is settled. Otherwise the job becomes FAILED
-- (from PENDING it steps through PROCESSING so the state machine holds), the
-- reserved credits are released (ledger 'release'), its webhook is queued,
-- and the generation JSON is returned. Requires p_worker's lease (QA409);
-- {"cancelled":true} when the job was cancelled meanwhile.
CREATE OR REPLACE FUNCTION internal.job_fail(p_id text, p_worker text, p_code text,
                                             p_message text, p_upstream_status text,
                                             p_fault text, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_gen     internal.generations := internal.job_lock(p_id, p_worker);
  v_code    text := internal.error_code_normalize(p_code);
  v_message text := left(coalesce(nullif(p_message, ''), 'Generation failed.'), 2000);
  v_status  text := left(coalesce(p_upstream_status,
                                  CASE WHEN v_code IS DISTINCT FROM p_code THEN p_code END), 200);
  v_next    internal.generations;
BEGIN
  IF v_gen.status = 'CANCELLED' THEN
    RETURN '{"cancelled":true}'::jsonb;
  END IF;
  IF coalesce(p_fault, 'REQUEST') NOT IN ('REQUEST', 'UPSTREAM', 'CONFIG') THEN
    PERFORM internal.raise_invalid(internal.problem('fault must be REQUEST, UPSTREAM or CONFIG.', 'fault'));
  END IF;

  IF p_fault IN ('UPSTREAM', 'CONFIG') THEN
    IF NOT v_gen.test_mode AND p_fault = 'UPSTREAM' THEN
      PERFORM internal.provider_health(v_gen.provider, false, p_now);
    END IF;
    PERFORM internal.attempt_close(v_gen, 'FAILED', v_code, v_message, v_status, true, p_now);
    v_next := internal.job_fallback(v_gen, p_now);
    IF v_next.id IS NOT NULL THEN
      RETURN internal.generation_json(v_next)
             || jsonb_build_object('fallback', jsonb_build_object('from', v_gen.provider,
                                                                  'to', v_next.provider));
    END IF;
  ELSE
    PERFORM internal.attempt_close(v_gen, 'FAILED', v_code, v_message, v_status, true, p_now);
  END IF;

  IF v_gen.status = 'PENDING' THEN
    UPDATE internal.generations g SET status = 'PROCESSING'
     WHERE g.id = p_id RETURNING g.* INTO v_gen;
  END IF;
  UPDATE internal.generations g
     SET status = 'FAILED',
         error_code = v_code,
         error_message = v_message,
         awaiting_submit = false,
         completed_at = p_now
   WHERE g.id = p_id
  RETURNING g.* INTO v_gen;
  PERFORM internal.credits_settle(v_gen, 'release', p_now);
  PERFORM internal.webhook_enqueue(v_gen, p_now);
  RETURN internal.generation_json(v_gen);
END
$$;
