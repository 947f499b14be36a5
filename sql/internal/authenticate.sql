-- internal.authenticate(key_hash): the live API key row whose SHA-256 (lowercase
-- hex, computed by the C side from the bearer key) is key_hash.
-- Raises QA401 (UNAUTHENTICATED) for an unknown, malformed or revoked key;
-- the message does not say which, on purpose.
CREATE OR REPLACE FUNCTION internal.authenticate(p_key_hash text)
RETURNS internal.api_keys
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_key internal.api_keys;
BEGIN
  SELECT k.* INTO v_key
    FROM internal.api_keys k
   WHERE k.key_hash = lower(p_key_hash)
     AND k.revoked_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA401', MESSAGE = 'Invalid or revoked API key.';
  END IF;
  RETURN v_key;
END
$$;
