-- api.job_submitting(id, worker) -> Generation JSON or {"cancelled":true}.
-- Scheduler: call before sending a submit upstream. See internal.job_submitting.
CREATE OR REPLACE FUNCTION api.job_submitting(p_id text, p_worker text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.job_submitting(p_id, p_worker, now());
END
$$;
