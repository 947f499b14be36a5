-- admin.key_revoke(key hash) -> JSON true when this call revoked the key,
-- false when it was already revoked. QA404 for an unknown key.
-- Revocation is immediate: internal.principal_of refuses the key from the
-- next request on.
CREATE OR REPLACE FUNCTION admin.key_revoke(p_key_hash text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_key internal.api_keys;
BEGIN
  SELECT k.* INTO v_key FROM internal.api_keys k WHERE k.key_hash = lower(p_key_hash) FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = 'API key not found.';
  END IF;
  IF v_key.revoked_at IS NOT NULL THEN
    RETURN 'false'::jsonb;
  END IF;
  UPDATE internal.api_keys k SET revoked_at = now() WHERE k.id = v_key.id;
  RETURN 'true'::jsonb;
END
$$;
