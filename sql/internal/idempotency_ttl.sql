-- internal.idempotency_ttl(): how long an Idempotency-Key is remembered
-- (SPEC §6: 24 hours). One place for the replay check and the purge.
-- No SET clause: the planner inlines it (a LANGUAGE sql function that
-- is not inlined is planned again in every transaction).
CREATE OR REPLACE FUNCTION internal.idempotency_ttl()
RETURNS interval
LANGUAGE sql IMMUTABLE
AS $$ SELECT interval '24 hours' $$;
