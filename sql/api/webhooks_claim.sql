-- api.webhooks_claim(worker, limit, lease seconds) -> JSON array of due
-- deliveries with their signing secrets. Scheduler. See internal.webhooks_claim.
CREATE OR REPLACE FUNCTION api.webhooks_claim(p_worker text, p_limit integer, p_lease_seconds integer)
RETURNS json
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.webhooks_claim(p_worker, p_limit, p_lease_seconds, now());
END
$$;
