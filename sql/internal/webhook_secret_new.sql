-- internal.webhook_secret_new() -> a fresh Standard Webhooks signing secret,
-- 'whsec_' + base64 of 32 random bytes (256-bit HMAC-SHA256 key; 44 base64
-- characters, so encode() inserts no line break). Used by
-- admin.account_create and the rotateWebhookSecret mutation.
CREATE OR REPLACE FUNCTION internal.webhook_secret_new()
RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  RETURN 'whsec_' || encode(internal.random_bytes(32), 'base64');
END
$$;
