-- internal.principal_of(key_hash): authenticates the key (QA401 as
-- internal.authenticate) and returns who is asking with the limits in force:
-- the account's override when set, else its plan's value; NULL = unlimited
-- (ENTERPRISE without overrides). Read once per request and handed to the
-- rate limiter and the field functions, so nothing authenticates twice.
CREATE OR REPLACE FUNCTION internal.principal_of(p_key_hash text)
RETURNS internal.principal
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_key internal.api_keys := internal.authenticate(p_key_hash);
  v_who internal.principal;
BEGIN
  SELECT a.id, v_key.test_mode, v_key.id,
         coalesce(a.rpm_override, pl.requests_per_minute),
         coalesce(a.concurrent_override, pl.concurrent),
         coalesce(a.daily_override, pl.requests_per_day)
    INTO STRICT v_who
    FROM internal.accounts a
    JOIN internal.plans pl ON pl.code = a.plan
   WHERE a.id = v_key.account_id;
  RETURN v_who;
END
$$;
