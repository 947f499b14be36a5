-- internal.webhook_secrets(account, now) -> text[]: the secrets a webhook
-- delivery of this account is signed with at p_now, the current one first,
-- then the previous one while its rotation grace period (24 h,
-- internal.field_rotate_webhook_secret) lasts. The signer emits one
-- "v1,<sig>" per element in this order (Standard Webhooks allows several,
-- space-separated), so receivers on either secret verify. Each is in its
-- stored form (sealed, or plaintext without a key: migration 000013); the
-- scheduler opens them. QA404 unknown account.
CREATE OR REPLACE FUNCTION internal.webhook_secrets(p_account text, p_now timestamptz)
RETURNS text[]
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_out text[];
BEGIN
  SELECT CASE WHEN a.webhook_secret_prev IS NOT NULL AND a.webhook_secret_prev_until > p_now
              THEN ARRAY[a.webhook_secret, a.webhook_secret_prev]
              ELSE ARRAY[a.webhook_secret] END
    INTO v_out
    FROM internal.accounts a
   WHERE a.id = p_account;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = format('Account %s not found.', p_account);
  END IF;
  RETURN v_out;
END
$$;
