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
AS $$
DECLARE
  v_gen      internal.generations := internal.job_lock(p_id, p_worker);
  v_progress integer;
BEGIN
  IF v_gen.status = 'CANCELLED' THEN
    RETURN '{"cancelled":true}'::jsonb;
  END IF;
  IF v_gen.status <> 'PROCESSING' THEN
    RAISE EXCEPTION USING ERRCODE = 'QA409',
      MESSAGE = format('Generation %s is %s, not PROCESSING.', p_id, v_gen.status);
  END IF;

  -- A poll without news rewrites only the queue row, not the generation.
  v_progress := greatest(v_gen.progress, least(99, greatest(0, coalesce(p_progress, 0))));
  IF v_progress > v_gen.progress THEN
    UPDATE internal.generations g SET progress = v_progress WHERE g.id = p_id
    RETURNING g.* INTO v_gen;
  END IF;
  PERFORM internal.job_reschedule(p_id, p_now + make_interval(secs => greatest(0, coalesce(p_next_poll_seconds,
            (SELECT p.poll_interval_s FROM internal.providers p WHERE p.id = v_gen.provider)))));
  RETURN internal.generation_json(v_gen);
END
$$;
