-- api.job_progress(id, worker, progress, next poll seconds) -> Generation JSON
-- or {"cancelled":true}. Scheduler: still running. See internal.job_progress.
CREATE OR REPLACE FUNCTION api.job_progress(p_id text, p_worker text, p_progress integer,
                                            p_next_poll_seconds integer)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.job_progress(p_id, p_worker, p_progress, p_next_poll_seconds, now());
END
$$;
