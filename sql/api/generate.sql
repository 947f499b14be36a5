-- api.generate(key hash, GenerateInput JSON) -> Generation JSON.
-- Mutation generate as a single call (tests, tools; the server uses
-- api.execute, which adds rate limits and idempotency): authenticates (QA401),
-- then internal.field_generate: concurrency limit (QA429), validation and
-- routing (QA400, QA503), reservation (QA402, nothing created), the PENDING
-- generation and the schedulers' wake-up.
CREATE OR REPLACE FUNCTION api.generate(p_key_hash text, p_input jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.field_generate(internal.principal_of(p_key_hash), p_input, now());
END
$$;
