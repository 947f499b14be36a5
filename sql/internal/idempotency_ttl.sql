-- internal.idempotency_ttl(): how long an Idempotency-Key is remembered
-- (SPEC §6: 24 hours). One place for the replay check and the purge.
CREATE OR REPLACE FUNCTION internal.idempotency_ttl()
RETURNS interval
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT interval '24 hours' $$;
