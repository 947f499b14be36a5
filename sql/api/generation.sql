-- api.generation(key hash, id) -> Generation JSON.
-- Query generation: QA401 for a bad key; QA404 when the id is unknown or
-- belongs to another account (or to the other mode: live keys do not see
-- test generations and vice versa).
CREATE OR REPLACE FUNCTION api.generation(p_key_hash text, p_id text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_key internal.api_keys := internal.authenticate(p_key_hash);
  v_gen internal.generations;
BEGIN
  SELECT g.* INTO v_gen
    FROM internal.generations g
   WHERE g.id = p_id AND g.account_id = v_key.account_id AND g.test_mode = v_key.test_mode;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = 'Generation not found.';
  END IF;
  RETURN internal.generation_json(v_gen);
END
$$;
