-- admin.provider_set_enabled(id, enabled) -> {"id", "enabled"}.
-- A disabled provider answers QA503 when named and is skipped by
-- auto-selection; work already accepted keeps running. QA404 unknown id.
CREATE OR REPLACE FUNCTION admin.provider_set_enabled(p_id text, p_enabled boolean)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF p_enabled IS NULL THEN
    PERFORM internal.raise_invalid(internal.problem('enabled must be true or false.', 'enabled'));
  END IF;
  UPDATE internal.providers p SET enabled = p_enabled WHERE p.id = p_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = format('Provider %s not found.', p_id);
  END IF;
  RETURN jsonb_build_object('id', p_id, 'enabled', p_enabled);
END
$$;
