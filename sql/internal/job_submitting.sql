-- internal.job_submitting(id, worker, now): records, before the scheduler sends
-- the submit request upstream, that a submit is in flight (an attempt in
-- status PENDING). If the worker dies before job_submitted, the next claimer
-- sees submitInFlight = true and must reconcile the job (look the task up
-- upstream, or fail it and refund) instead of submitting it a second time.
-- Requires a job awaiting submit (PENDING, or PROCESSING after a fallback)
-- whose lease p_worker holds (QA409 otherwise, also when a submit is already
-- in flight). Keeps the lease. Returns the
-- generation JSON, or {"cancelled":true}.
CREATE OR REPLACE FUNCTION internal.job_submitting(p_id text, p_worker text, p_now timestamptz)
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
      MESSAGE = format('Generation %s is %s and already submitted: it cannot be submitted again.', p_id, v_gen.status);
  END IF;
  IF EXISTS (SELECT 1 FROM internal.generation_attempts a
              WHERE a.generation_id = p_id AND a.finished_at IS NULL) THEN
    RAISE EXCEPTION USING ERRCODE = 'QA409',
      MESSAGE = format('A submit of generation %s is already in flight; reconcile it first.', p_id);
  END IF;
  PERFORM internal.attempt_open(v_gen, 'PENDING', p_now);
  RETURN internal.generation_json(v_gen);
END
$$;
