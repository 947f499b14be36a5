-- api.job_submit_unknown(id, worker, seconds, upstream status) -> Generation JSON or {"cancelled":true}.
-- Scheduler. See internal.job_submit_unknown.
CREATE OR REPLACE FUNCTION api.job_submit_unknown(p_id text, p_worker text, p_seconds integer, p_upstream_status text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.job_submit_unknown(p_id, p_worker, p_seconds, p_upstream_status, now());
END
$$;
