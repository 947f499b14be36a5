-- internal.field_rotate_webhook_secret(principal, now, secret) -> the new
-- secret's stored form as a JSON string. Mutation rotateWebhookSecret: the
-- account gets p_secret, the fresh secret the responder made and sealed with
-- webhook_secret_key (it opens this answer before showing it to the owner;
-- migration 000013), or when NULL a fresh plaintext one
-- (internal.webhook_secret_new); the current one becomes the previous
-- secret, valid until now + 24 h, so receivers have a day to switch while
-- deliveries carry signatures of both (internal.webhook_secrets). A second
-- rotation within the day replaces the previous secret: only the two newest
-- sign, as Standard Webhooks receivers expect at most a pair. The secret is
-- per account: a test key rotates it for live deliveries too (one receiver
-- verifies both modes). Under an Idempotency-Key the result is stored and
-- replayed like any other: the replay answers the secret that is current.
CREATE OR REPLACE FUNCTION internal.field_rotate_webhook_secret(p_who internal.principal, p_now timestamptz,
                                                               p_secret text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_secret text := coalesce(p_secret, internal.webhook_secret_new());
BEGIN
  UPDATE internal.accounts a
     SET webhook_secret_prev = a.webhook_secret,
         webhook_secret_prev_until = p_now + interval '24 hours',
         webhook_secret = v_secret
   WHERE a.id = p_who.account_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = 'Account not found.';
  END IF;
  RETURN pg_catalog.to_jsonb(v_secret);
END
$$;
