-- api.providers(key hash, type or NULL) -> JSON array of Provider objects
-- (internal.provider_json), ordered by id. Query providers. QA401 bad key;
-- QA400 for a type that is not a GenerationType.
CREATE OR REPLACE FUNCTION api.providers(p_key_hash text, p_type text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_key internal.api_keys := internal.authenticate(p_key_hash);
  v_out jsonb;
BEGIN
  IF p_type IS NOT NULL AND NOT (p_type = ANY (ARRAY['VIDEO', 'IMAGE', 'AUDIO', 'AVATAR'])) THEN
    PERFORM internal.raise_invalid(internal.problem('type must be one of VIDEO, IMAGE, AUDIO, AVATAR.',
                                                    'type', '["VIDEO","IMAGE","AUDIO","AVATAR"]'));
  END IF;
  SELECT coalesce(jsonb_agg(internal.provider_json(p, now()) ORDER BY p.id), '[]'::jsonb)
    INTO v_out
    FROM internal.providers p
   WHERE p_type IS NULL OR p_type = ANY (p.types);
  RETURN v_out;
END
$$;
