-- api.estimate(key hash, GenerateInput JSON) -> Estimate JSON
-- {provider, model, creditCost, estimatedTime, alternatives: [{provider,
-- creditCost, estimatedTime}], autoSelected}. Query estimate: routes and
-- prices exactly as generate would (same errors: QA400, QA503) and creates
-- nothing; it does not check the balance.
CREATE OR REPLACE FUNCTION api.estimate(p_key_hash text, p_input jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_key internal.api_keys := internal.authenticate(p_key_hash);
BEGIN
  RETURN internal.route(internal.request_parse(p_input), true, now());
END
$$;
