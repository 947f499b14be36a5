-- internal.metadata_clean(metadata): only the MediaMetadata fields (width,
-- height, duration, format, resolution, fps, sizeBytes) of a JSON object, or
-- NULL. Clients may select `metadata` without a sub-selection and then get the
-- whole stored object, so nothing else may be stored in it.
CREATE OR REPLACE FUNCTION internal.metadata_clean(p_metadata jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
  v_out jsonb;
BEGIN
  IF jsonb_typeof(p_metadata) IS DISTINCT FROM 'object' THEN
    RETURN NULL;
  END IF;
  SELECT jsonb_object_agg(e.key, e.value) INTO v_out
    FROM jsonb_each(p_metadata) AS e
   WHERE e.key IN ('width', 'height', 'duration', 'format', 'resolution', 'fps', 'sizeBytes')
     AND jsonb_typeof(e.value) <> 'null';
  RETURN v_out;
END
$$;
