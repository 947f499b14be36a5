-- internal.job_submitted(id, worker, upstream task id, now): the upstream
-- accepted the job. In one transaction: PENDING -> PROCESSING (or a fallen
-- back PROCESSING job no longer awaiting submit), the task id
-- stored (NULL for synchronous upstreams), started_at set, the attempt opened
-- (or the in-flight one confirmed), next poll after the provider's interval,
-- lease released so any scheduler may poll it; a live job's provider counts as
-- healthy (circuit breaker). Requires p_worker's lease and a job awaiting
-- submit (QA409). Returns the generation JSON, or {"cancelled":true}.
CREATE OR REPLACE FUNCTION internal.job_submitted(p_id text, p_worker text, p_task_id text,
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
      MESSAGE = format('Generation %s is %s and was already submitted.', p_id, v_gen.status);
  END IF;
  IF NOT v_gen.test_mode THEN
    PERFORM internal.provider_health(v_gen.provider, true, p_now);
  END IF;

  UPDATE internal.generations g
     SET status = 'PROCESSING',
         upstream_task_id = p_task_id,
         awaiting_submit = false,
         started_at = coalesce(g.started_at, p_now)
   WHERE g.id = p_id
  RETURNING g.* INTO v_gen;
  -- Test mode is simulated: its first poll comes after 1 s.
  PERFORM internal.job_reschedule(p_id, p_now + make_interval(secs => CASE WHEN v_gen.test_mode THEN 1 ELSE
            (SELECT p.poll_interval_s FROM internal.providers p WHERE p.id = v_gen.provider) END));
  PERFORM internal.attempt_open(v_gen, 'PROCESSING', p_now);
  RETURN internal.generation_json(v_gen);
END
$$;
