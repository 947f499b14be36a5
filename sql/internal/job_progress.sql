-- internal.job_progress(id, worker, progress, next poll seconds, now): a poll
-- found the job still running. Progress only moves forward (GREATEST) and is
-- held at 0..99 while PROCESSING: 100 means COMPLETED. The next poll is due
-- after p_next_poll_seconds (NULL = the provider's interval; the scheduler
-- passes its backoff here) and the lease is released. Requires p_worker's
-- lease and a PROCESSING job (QA409). Returns the generation JSON, or
-- {"cancelled":true}.
CREATE OR REPLACE FUNCTION internal.job_progress(p_id text, p_worker text, p_progress integer,
                                                 p_next_poll_seconds integer, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_gen internal.generations := internal.job_lock(p_id, p_worker);
BEGIN
  IF v_gen.status = 'CANCELLED' THEN
    RETURN '{"cancelled":true}'::jsonb;
  END IF;
  IF v_gen.status <> 'PROCESSING' THEN
    RAISE EXCEPTION USING ERRCODE = 'QA409',
      MESSAGE = format('Generation %s is %s, not PROCESSING.', p_id, v_gen.status);
  END IF;

  UPDATE internal.generations g
     SET progress = greatest(g.progress, least(99, greatest(0, coalesce(p_progress, 0)))),
         next_run_at = p_now + make_interval(secs => greatest(0, coalesce(p_next_poll_seconds, p.poll_interval_s))),
         lease_owner = NULL,
         lease_until = NULL
    FROM internal.providers p
   WHERE g.id = p_id AND p.id = g.provider
  RETURNING g.* INTO v_gen;
  RETURN internal.generation_json(v_gen);
END
$$;
