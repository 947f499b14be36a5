-- api.job_fail(id, worker, code, message) -> Generation JSON or
-- {"cancelled":true}. Scheduler: the job failed for good. See internal.job_fail.
CREATE OR REPLACE FUNCTION api.job_fail(p_id text, p_worker text, p_code text, p_message text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.job_fail(p_id, p_worker, p_code, p_message, now());
END
$$;
