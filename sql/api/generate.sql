-- api.generate(key hash, GenerateInput JSON) -> Generation JSON.
-- Mutation generate: authenticates (QA401), validates and routes the input
-- (QA400, QA503), reserves the price (QA402, nothing created), creates the
-- PENDING generation and wakes the schedulers. See internal.generation_create.
CREATE OR REPLACE FUNCTION api.generate(p_key_hash text, p_input jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_key internal.api_keys := internal.authenticate(p_key_hash);
BEGIN
  RETURN internal.generation_json(
    internal.generation_create(v_key.account_id, v_key.test_mode, p_input, now()));
END
$$;
