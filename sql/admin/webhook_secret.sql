-- admin.webhook_secret(account) -> the account's current webhook signing
-- secret in its stored form as a JSON string (sealed "whenc1:...", which
-- doitong-admin opens with webhook_secret_key, or a plaintext "whsec_..."),
-- since every function the C side calls returns jsonb. QA404 unknown account.
CREATE OR REPLACE FUNCTION admin.webhook_secret(p_account text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_secret text;
BEGIN
  SELECT a.webhook_secret INTO v_secret FROM internal.accounts a WHERE a.id = p_account;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = format('Account %s not found.', p_account);
  END IF;
  RETURN pg_catalog.to_jsonb(v_secret);
END
$$;
