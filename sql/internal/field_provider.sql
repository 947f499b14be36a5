-- internal.field_provider(id, now) -> Provider JSON, or JSON null for an
-- unknown id (Query provider returns a nullable Provider).
CREATE OR REPLACE FUNCTION internal.field_provider(p_id text, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_out jsonb;
BEGIN
  SELECT internal.provider_json(p, p_now) INTO v_out FROM internal.providers p WHERE p.id = p_id;
  RETURN coalesce(v_out, 'null'::jsonb);
END
$$;
