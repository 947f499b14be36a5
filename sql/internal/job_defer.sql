-- internal.job_defer(id, worker, seconds, upstream status, message, now): the
-- upstream turned a submit away for now (429, concurrency limit) and nothing
-- was created there. The in-flight attempt is closed FAILED with
-- RATE_LIMITED and the upstream status, so Generation.attempts shows the
-- wait, and the job is due again after p_seconds (1..86400) with its lease
-- released; it still awaits submit. Not a provider failure: the circuit
-- breaker does not move. Requires p_worker's lease and a job awaiting submit
-- (QA409). Returns the generation JSON, or {"cancelled":true}.
CREATE OR REPLACE FUNCTION internal.job_defer(p_id text, p_worker text, p_seconds integer,
                                              p_upstream_status text, p_message text,
                                              p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_gen internal.generations := internal.job_lock(p_id, p_worker);
BEGIN
  IF v_gen.status = 'CANCELLED' THEN
    RETURN '{"cancelled":true}'::jsonb;
  END IF;
  IF NOT v_gen.awaiting_submit THEN
    RAISE EXCEPTION USING ERRCODE = 'QA409',
      MESSAGE = format('Generation %s was already submitted: there is no submit to defer.', p_id);
  END IF;
  PERFORM internal.attempt_close(v_gen, 'FAILED', 'RATE_LIMITED',
                                 left(coalesce(nullif(p_message, ''), 'The provider asked to retry later.'), 2000),
                                 left(p_upstream_status, 200), false, p_now);
  PERFORM internal.job_reschedule(p_id, p_now + make_interval(secs => least(86400, greatest(1, coalesce(p_seconds, 10)))));
  RETURN internal.generation_json(v_gen);
END
$$;
