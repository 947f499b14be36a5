-- api.job_complete(id, worker, url, metadata) -> Generation JSON or
-- {"cancelled":true}. Scheduler: the result is stored. See internal.job_complete.
CREATE OR REPLACE FUNCTION api.job_complete(p_id text, p_worker text, p_url text, p_metadata jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.job_complete(p_id, p_worker, p_url, p_metadata, now());
END
$$;
