-- api.job_submitted(id, worker, upstream task id) -> Generation JSON or
-- {"cancelled":true}. Scheduler: the upstream accepted the job.
-- See internal.job_submitted.
CREATE OR REPLACE FUNCTION api.job_submitted(p_id text, p_worker text, p_task_id text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.job_submitted(p_id, p_worker, p_task_id, now());
END
$$;
