-- internal.job_submit_unknown(id, worker, seconds, upstream status, now): a
-- submit was sent but its answer was lost (time-out, reset), so the upstream
-- may or may not have the job. The in-flight attempt stays open (the next
-- claimer sees submitInFlight and reconciles: looks the task up upstream
-- instead of submitting again), with the reason as its upstream status; the
-- job is due again after p_seconds (1..3600) with its lease released.
-- Requires p_worker's lease and an open in-flight attempt (QA409). Returns
-- the generation JSON, or {"cancelled":true}.
CREATE OR REPLACE FUNCTION internal.job_submit_unknown(p_id text, p_worker text, p_seconds integer,
                                                       p_upstream_status text, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_gen internal.generations := internal.job_lock(p_id, p_worker);
BEGIN
  IF v_gen.status = 'CANCELLED' THEN
    RETURN '{"cancelled":true}'::jsonb;
  END IF;
  UPDATE internal.generation_attempts a
     SET upstream_status = left(coalesce(p_upstream_status, 'unknown'), 200)
   WHERE a.generation_id = p_id AND a.finished_at IS NULL AND a.status = 'PENDING';
  IF NOT FOUND OR NOT v_gen.awaiting_submit THEN
    RAISE EXCEPTION USING ERRCODE = 'QA409',
      MESSAGE = format('Generation %s has no submit in flight.', p_id);
  END IF;
  PERFORM internal.job_reschedule(p_id, p_now + make_interval(secs => least(3600, greatest(1, coalesce(p_seconds, 5)))));
  RETURN internal.generation_json(v_gen);
END
$$;
