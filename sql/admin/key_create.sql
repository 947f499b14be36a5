-- admin.key_create(account, key hash, key prefix, test) -> {"id": "key_..."}.
-- Registers an API key by its SHA-256 (64 lowercase hex characters; the raw
-- key is generated and printed by doitong-admin and never stored) and its
-- display prefix (first 12 characters, e.g. "dt_live_AbCd").
-- QA404 unknown account; QA400 malformed hash or prefix, or a hash already used.
CREATE OR REPLACE FUNCTION admin.key_create(p_account text, p_key_hash text, p_key_prefix text,
                                            p_test boolean)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_id text := internal.new_id('key_');
BEGIN
  IF NOT EXISTS (SELECT 1 FROM internal.accounts a WHERE a.id = p_account) THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = format('Account %s not found.', p_account);
  END IF;
  IF p_key_hash IS NULL OR p_key_hash !~ '^[0-9a-f]{64}$' THEN
    PERFORM internal.raise_invalid(internal.problem('key hash must be 64 lowercase hex characters.', 'keyHash'));
  END IF;
  IF p_key_prefix IS NULL OR length(p_key_prefix) NOT BETWEEN 1 AND 12 THEN
    PERFORM internal.raise_invalid(internal.problem('key prefix must be 1 to 12 characters.', 'keyPrefix'));
  END IF;
  IF EXISTS (SELECT 1 FROM internal.api_keys k WHERE k.key_hash = p_key_hash) THEN
    PERFORM internal.raise_invalid(internal.problem('This key is already registered.', 'keyHash'));
  END IF;
  INSERT INTO internal.api_keys (id, account_id, key_hash, key_prefix, test_mode)
  VALUES (v_id, p_account, p_key_hash, p_key_prefix, coalesce(p_test, false));
  RETURN jsonb_build_object('id', v_id);
END
$$;
