-- api.job_defer(id, worker, seconds, upstream status, message) -> Generation JSON or {"cancelled":true}.
-- Scheduler. See internal.job_defer.
CREATE OR REPLACE FUNCTION api.job_defer(p_id text, p_worker text, p_seconds integer, p_upstream_status text, p_message text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.job_defer(p_id, p_worker, p_seconds, p_upstream_status, p_message, now());
END
$$;
