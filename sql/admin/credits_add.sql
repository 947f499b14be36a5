-- admin.credits_add(account, amount, reason, test) -> {"balance", "spendable"}
-- of the wallet afterwards. A positive amount is a 'topup', a negative one an
-- 'adjustment', which may not take spendable credits (balance - reserved)
-- below zero: QA400 with {"field":"amount","available":N}. The wallet is
-- locked first so the check and the write see the same state.
-- QA404 unknown account; QA400 zero amount or empty reason.
CREATE OR REPLACE FUNCTION admin.credits_add(p_account text, p_amount bigint, p_reason text,
                                             p_test boolean DEFAULT false)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_test   boolean := coalesce(p_test, false);
  v_wallet internal.wallets;
BEGIN
  IF p_amount IS NULL OR p_amount = 0 THEN
    PERFORM internal.raise_invalid(internal.problem('amount must be a non-zero number of credits.', 'amount'));
  END IF;
  IF p_reason IS NULL OR btrim(p_reason) = '' THEN
    PERFORM internal.raise_invalid(internal.problem('A reason is required.', 'reason'));
  END IF;
  SELECT w.* INTO v_wallet FROM internal.wallets w
   WHERE w.account_id = p_account AND w.test_mode = v_test
     FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = format('Account %s not found.', p_account);
  END IF;
  IF p_amount < 0 AND v_wallet.balance - v_wallet.reserved + p_amount < 0 THEN
    PERFORM internal.raise_invalid(internal.problem(
      format('Cannot remove %s credits: only %s are spendable.', -p_amount, v_wallet.balance - v_wallet.reserved),
      'amount', NULL, jsonb_build_object('available', v_wallet.balance - v_wallet.reserved)));
  END IF;
  v_wallet := internal.ledger_post(p_account, v_test, CASE WHEN p_amount > 0 THEN 'topup' ELSE 'adjustment' END,
                                   p_amount, 0, NULL, p_reason, now());
  RETURN jsonb_build_object('balance', v_wallet.balance, 'spendable', v_wallet.balance - v_wallet.reserved);
END
$$;
