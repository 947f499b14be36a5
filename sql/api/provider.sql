-- api.provider(key hash, id) -> Provider JSON, or JSON null for an unknown id.
-- Query provider as a single call (the server uses api.execute): QA401 bad
-- key, then internal.field_provider.
CREATE OR REPLACE FUNCTION api.provider(p_key_hash text, p_id text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM internal.principal_of(p_key_hash);
  RETURN internal.field_provider(p_id, now());
END
$$;
