-- internal.principal_of(key_hash): authenticates the key (its SHA-256 in
-- lowercase hex, computed by the C side from the bearer key) and returns who
-- is asking with the limits in force:
-- the account's override when set, else its plan's value; NULL = unlimited
-- (ENTERPRISE without overrides). Read once per request and handed to the
-- rate limiter and the field functions, so nothing authenticates twice.
-- One query (key, account, plan): every request starts here. QA401
-- (UNAUTHENTICATED) for an unknown, malformed or revoked key; the message
-- does not say which, on purpose. Calls that need no limits only PERFORM it.
CREATE OR REPLACE FUNCTION internal.principal_of(p_key_hash text)
RETURNS internal.principal
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_who internal.principal;
BEGIN
  SELECT a.id, k.test_mode, k.id,
         coalesce(a.rpm_override, pl.requests_per_minute),
         coalesce(a.concurrent_override, pl.concurrent),
         coalesce(a.daily_override, pl.requests_per_day)
    INTO v_who
    FROM internal.api_keys k
    JOIN internal.accounts a ON a.id = k.account_id
    JOIN internal.plans pl ON pl.code = a.plan
   WHERE k.key_hash = lower(p_key_hash)
     AND k.revoked_at IS NULL;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA401', MESSAGE = 'Invalid or revoked API key.';
  END IF;
  RETURN v_who;
END
$$;
