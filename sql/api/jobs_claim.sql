-- api.jobs_claim(worker, limit, lease seconds) -> JSON array of claimed jobs
-- (internal.job_json). Scheduler only (no key: the scheduler is trusted).
-- See internal.jobs_claim.
CREATE OR REPLACE FUNCTION api.jobs_claim(p_worker text, p_limit integer, p_lease_seconds integer)
RETURNS json
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.jobs_claim(p_worker, p_limit, p_lease_seconds, now());
END
$$;
