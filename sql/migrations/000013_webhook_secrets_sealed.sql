-- 000013_webhook_secrets_sealed: webhook signing secrets at rest are sealed
-- by the C side with the operator's webhook_secret_key (AES-256-GCM,
-- src/webhooks/secret.h): "whenc1:" + base64(nonce | ciphertext | tag), so a
-- database dump alone does not reveal them. The key never reaches
-- PostgreSQL: SQL stores and returns the sealed form as an opaque string; the
-- responder opens it for the owner (rotateWebhookSecret), the scheduler to
-- sign, doitong-admin to show it. A "whsec_..." value is a secret still in
-- plaintext (no key configured, or written before this migration): SQL
-- cannot seal it without the key, so `doitong-admin migrate` seals the
-- remaining plaintext secrets right after the migrations when a key is set.
ALTER TABLE internal.accounts DROP CONSTRAINT accounts_webhook_secret_check;
ALTER TABLE internal.accounts
  ADD CONSTRAINT accounts_webhook_secret_form
    CHECK (webhook_secret ~ '^whsec_[A-Za-z0-9+/=]+$' OR webhook_secret ~ '^whenc1:[A-Za-z0-9+/=]+$'),
  ADD CONSTRAINT accounts_webhook_secret_prev_form
    CHECK (webhook_secret_prev IS NULL OR webhook_secret_prev ~ '^whsec_[A-Za-z0-9+/=]+$'
           OR webhook_secret_prev ~ '^whenc1:[A-Za-z0-9+/=]+$');

-- Both take the sealed secret the C side made (NULL: SQL makes a plaintext one).
DROP FUNCTION IF EXISTS admin.account_create(text, text, bigint);
DROP FUNCTION IF EXISTS internal.field_rotate_webhook_secret(internal.principal, timestamptz);
