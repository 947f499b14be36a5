-- internal.field_providers(type or NULL, now) -> JSON array of Provider
-- objects (internal.provider_json), ordered by id. Query providers; QA400 for
-- a type that is not a GenerationType.
CREATE OR REPLACE FUNCTION internal.field_providers(p_type text, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_out jsonb;
BEGIN
  IF p_type IS NOT NULL AND NOT (p_type = ANY (ARRAY['VIDEO', 'IMAGE', 'AUDIO', 'AVATAR'])) THEN
    PERFORM internal.raise_invalid(internal.problem('type must be one of VIDEO, IMAGE, AUDIO, AVATAR.',
                                                    'type', '["VIDEO","IMAGE","AUDIO","AVATAR"]'));
  END IF;
  SELECT coalesce(jsonb_agg(internal.provider_json(p, p_now) ORDER BY p.id), '[]'::jsonb)
    INTO v_out
    FROM internal.providers p
   WHERE p_type IS NULL OR p_type = ANY (p.types);
  RETURN v_out;
END
$$;
