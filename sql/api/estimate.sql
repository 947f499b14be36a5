-- api.estimate(key hash, GenerateInput JSON) -> Estimate JSON.
-- Query estimate as a single call (the server uses api.execute): QA401 bad
-- key, then internal.field_estimate (routes and prices like generate: QA400,
-- QA503; creates nothing).
CREATE OR REPLACE FUNCTION api.estimate(p_key_hash text, p_input jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM internal.principal_of(p_key_hash);
  RETURN internal.field_estimate(p_input, now());
END
$$;
