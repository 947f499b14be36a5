-- api.generation_cancel(key hash, id) -> JSON true when this call cancelled
-- the generation (credits released), false when it had already finished.
-- Mutation cancelGeneration. QA401 bad key, QA404 unknown or foreign id.
CREATE OR REPLACE FUNCTION api.generation_cancel(p_key_hash text, p_id text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_key internal.api_keys := internal.authenticate(p_key_hash);
BEGIN
  RETURN to_jsonb(internal.generation_cancel(v_key.account_id, v_key.test_mode, p_id, now()));
END
$$;
