-- api.provider(key hash, id) -> Provider JSON, or JSON null for an unknown id
-- (Query provider returns a nullable Provider). QA401 bad key.
CREATE OR REPLACE FUNCTION api.provider(p_key_hash text, p_id text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_key internal.api_keys := internal.authenticate(p_key_hash);
  v_out jsonb;
BEGIN
  SELECT internal.provider_json(p, now()) INTO v_out FROM internal.providers p WHERE p.id = p_id;
  RETURN coalesce(v_out, 'null'::jsonb);
END
$$;
