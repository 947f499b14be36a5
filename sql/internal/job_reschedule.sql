-- internal.job_reschedule(id, at): the job is next due at p_at and no
-- scheduler holds it any more (its lease is released). Called under the
-- transition's locks (internal.job_lock, or the batch's own).
CREATE OR REPLACE FUNCTION internal.job_reschedule(p_id text, p_at timestamptz)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  UPDATE internal.job_queue q
     SET next_run_at = p_at, lease_owner = NULL, lease_until = NULL
   WHERE q.generation_id = p_id;
END
$$;
