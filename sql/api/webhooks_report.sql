-- api.webhooks_report(worker, results, schedule) -> counts. Scheduler: the
-- outcomes of one batch of deliveries; schedule is the retry waits in
-- seconds (NULL = SPEC §9's). See internal.webhooks_report.
CREATE OR REPLACE FUNCTION api.webhooks_report(p_worker text, p_results jsonb,
                                               p_schedule integer[] DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.webhooks_report(p_worker, p_results, p_schedule, now());
END
$$;
