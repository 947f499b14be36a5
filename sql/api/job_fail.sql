-- api.job_fail(id, worker, code, message, upstream status, fault) ->
-- Generation JSON (with "fallback" when the job moved to another provider)
-- or {"cancelled":true}. Scheduler: the current attempt failed; fault
-- 'REQUEST' (default) or 'UPSTREAM'. See internal.job_fail.
CREATE OR REPLACE FUNCTION api.job_fail(p_id text, p_worker text, p_code text, p_message text,
                                        p_upstream_status text DEFAULT NULL,
                                        p_fault text DEFAULT 'REQUEST')
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.job_fail(p_id, p_worker, p_code, p_message, p_upstream_status, p_fault, now());
END
$$;
