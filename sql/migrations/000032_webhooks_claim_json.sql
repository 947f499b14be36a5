-- 000032_webhooks_claim_json: the webhook claim returns json instead of
-- jsonb, as the job claim does since 000031 (sql/internal/webhooks_claim.sql
-- says why). The old functions go (when there: function files come after
-- every migration), and the function files create the new ones.
DROP FUNCTION IF EXISTS api.webhooks_claim(text, integer, integer);
DROP FUNCTION IF EXISTS internal.webhooks_claim(text, integer, integer, timestamptz);
