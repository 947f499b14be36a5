-- api.jobs_report(worker, outcomes) -> per-element results. Scheduler: a
-- batch of transitions in one transaction. See internal.jobs_report.
CREATE OR REPLACE FUNCTION api.jobs_report(p_worker text, p_outcomes jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.jobs_report(p_worker, p_outcomes, now());
END
$$;
