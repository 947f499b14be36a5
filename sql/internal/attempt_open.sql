-- internal.attempt_open(generation, status, now): the generation's open
-- attempt moved to p_status (PENDING = submit in flight, PROCESSING = accepted
-- upstream, with the generation's upstream_task_id), creating the next
-- numbered attempt when none is open.
CREATE OR REPLACE FUNCTION internal.attempt_open(p_gen internal.generations, p_status text,
                                                 p_now timestamptz)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  UPDATE internal.generation_attempts a
     SET status = p_status, upstream_task_id = coalesce(p_gen.upstream_task_id, a.upstream_task_id)
   WHERE a.generation_id = p_gen.id AND a.finished_at IS NULL;
  IF NOT FOUND THEN
    INSERT INTO internal.generation_attempts
      (generation_id, attempt_no, provider, model, status, upstream_task_id, started_at)
    SELECT p_gen.id, coalesce(max(a.attempt_no), 0) + 1, p_gen.provider, p_gen.model, p_status,
           p_gen.upstream_task_id, p_now
      FROM internal.generation_attempts a
     WHERE a.generation_id = p_gen.id;
  END IF;
END
$$;
