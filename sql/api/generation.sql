-- api.generation(key hash, id) -> Generation JSON.
-- Query generation as a single call (the server uses api.execute): QA401 for
-- a bad key, then internal.field_generation (QA404 unknown, foreign or other-mode id).
CREATE OR REPLACE FUNCTION api.generation(p_key_hash text, p_id text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.field_generation(internal.principal_of(p_key_hash), p_id);
END
$$;
