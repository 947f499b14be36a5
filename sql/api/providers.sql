-- api.providers(key hash, type or NULL) -> JSON array of Provider objects.
-- Query providers as a single call (the server uses api.execute): QA401 bad
-- key, then internal.field_providers (QA400 for a type that is not a GenerationType).
CREATE OR REPLACE FUNCTION api.providers(p_key_hash text, p_type text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM internal.principal_of(p_key_hash);
  RETURN internal.field_providers(p_type, now());
END
$$;
