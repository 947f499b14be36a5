-- internal.job_fail(id, worker, code, message, now): the job failed for good
-- (upstream error, time limit, unusable result). FAILED with errorCode (an
-- ErrorCode name, else GENERATION_FAILED; the raw code is kept as the
-- attempt's upstream_status) and message; the reserved credits are released
-- (ledger 'release'); the attempt is closed, or recorded if the job never got
-- one. From PENDING it steps through PROCESSING in this transaction so the
-- state machine holds. Requires p_worker's lease (QA409). Returns the
-- generation JSON (for the webhook), or {"cancelled":true}.
CREATE OR REPLACE FUNCTION internal.job_fail(p_id text, p_worker text, p_code text,
                                             p_message text, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_gen     internal.generations := internal.job_lock(p_id, p_worker);
  v_code    text := internal.error_code_normalize(p_code);
  v_message text := coalesce(nullif(p_message, ''), 'Generation failed.');
BEGIN
  IF v_gen.status = 'CANCELLED' THEN
    RETURN '{"cancelled":true}'::jsonb;
  END IF;
  IF v_gen.status = 'PENDING' THEN
    UPDATE internal.generations g SET status = 'PROCESSING'
     WHERE g.id = p_id RETURNING g.* INTO v_gen;
  END IF;

  UPDATE internal.generations g
     SET status = 'FAILED',
         error_code = v_code,
         error_message = left(v_message, 2000),
         completed_at = p_now
   WHERE g.id = p_id
  RETURNING g.* INTO v_gen;
  PERFORM internal.attempt_close(v_gen, 'FAILED', v_code, left(v_message, 2000),
                                 CASE WHEN v_code IS DISTINCT FROM p_code THEN p_code END, true, p_now);
  PERFORM internal.credits_settle(v_gen, 'release', p_now);
  RETURN internal.generation_json(v_gen);
END
$$;
