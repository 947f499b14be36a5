-- internal.attempt_close(generation, status, error code, message, upstream
-- status, insert_if_none, now): finishes the generation's open attempt (the
-- one with no finished_at) with a terminal status and error. With
-- insert_if_none, a generation that never had an open attempt gets a closed
-- one, so e.g. a submit refused upstream still shows in Generation.attempts.
CREATE OR REPLACE FUNCTION internal.attempt_close(p_gen internal.generations, p_status text,
                                                  p_code text, p_message text, p_upstream_status text,
                                                  p_insert_if_none boolean, p_now timestamptz)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  UPDATE internal.generation_attempts a
     SET status = p_status, finished_at = p_now, error_code = p_code, error_message = p_message,
         upstream_status = coalesce(p_upstream_status, a.upstream_status)
   WHERE a.generation_id = p_gen.id AND a.finished_at IS NULL;
  IF NOT FOUND AND p_insert_if_none THEN
    INSERT INTO internal.generation_attempts
      (generation_id, attempt_no, provider, model, status, upstream_task_id, upstream_status,
       started_at, finished_at, error_code, error_message)
    SELECT p_gen.id, coalesce(max(a.attempt_no), 0) + 1, p_gen.provider, p_gen.model, p_status,
           p_gen.upstream_task_id, p_upstream_status, p_now, p_now, p_code, p_message
      FROM internal.generation_attempts a
     WHERE a.generation_id = p_gen.id;
  END IF;
END
$$;
