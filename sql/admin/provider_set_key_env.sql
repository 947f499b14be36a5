-- admin.provider_set_key_env(id, env) -> {"id", "keyEnv"}: names the
-- environment variable of the scheduler that holds provider ID's API key
-- (keys themselves never enter the database). QA400 for a name that is not
-- [A-Z_][A-Z0-9_]* (at most 100), QA404 for an unknown provider.
CREATE OR REPLACE FUNCTION admin.provider_set_key_env(p_id text, p_env text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF p_env IS NULL OR p_env !~ '^[A-Z_][A-Z0-9_]{0,99}$' THEN
    PERFORM internal.raise_invalid(internal.problem(
      'The key variable must be an environment variable name: capital letters, digits and _.', 'env'));
  END IF;
  UPDATE internal.providers p SET key_env = p_env WHERE p.id = p_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = format('Provider %s not found.', p_id);
  END IF;
  RETURN jsonb_build_object('id', p_id, 'keyEnv', p_env);
END
$$;
