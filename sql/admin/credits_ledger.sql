-- admin.credits_ledger(account) -> JSON array of the account's ledger rows,
-- oldest first: {id, testMode, kind, balanceDelta, reservedDelta,
-- generationId, reason, createdAt}. QA404 unknown account.
CREATE OR REPLACE FUNCTION admin.credits_ledger(p_account text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_out jsonb;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM internal.accounts a WHERE a.id = p_account) THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = format('Account %s not found.', p_account);
  END IF;
  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'id', l.id, 'testMode', l.test_mode, 'kind', l.kind,
           'balanceDelta', l.balance_delta, 'reservedDelta', l.reserved_delta,
           'generationId', l.generation_id, 'reason', l.reason,
           'createdAt', internal.iso_time(l.created_at)) ORDER BY l.id), '[]'::jsonb)
    INTO v_out
    FROM internal.credit_ledger l
   WHERE l.account_id = p_account;
  RETURN v_out;
END
$$;
