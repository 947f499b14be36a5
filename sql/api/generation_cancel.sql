-- api.generation_cancel(key hash, id) -> JSON true when this call cancelled
-- the generation (credits released), false when it had already finished.
-- Mutation cancelGeneration as a single call (the server uses api.execute):
-- QA401 bad key, then internal.field_cancel (QA404 unknown or foreign id).
CREATE OR REPLACE FUNCTION api.generation_cancel(p_key_hash text, p_id text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.field_cancel(internal.principal_of(p_key_hash), p_id, now());
END
$$;
