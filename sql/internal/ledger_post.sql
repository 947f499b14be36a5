-- internal.ledger_post: the single writer of credits. Appends one ledger row
-- and applies the same deltas to the wallet in the same transaction, so
-- wallet.balance = sum(balance_delta) and wallet.reserved = sum(reserved_delta)
-- hold by construction. The UPDATE takes the wallet's row lock; callers that
-- must check the spendable amount first lock it themselves (SELECT ... FOR
-- UPDATE) before calling. A movement that would make spendable credits
-- negative violates wallets_spendable_nonneg and aborts the transaction.
-- Returns the updated wallet. Raises QA404 if the wallet does not exist.
CREATE OR REPLACE FUNCTION internal.ledger_post(p_account text, p_test boolean, p_kind text,
                                                p_balance_delta bigint, p_reserved_delta bigint,
                                                p_generation_id text, p_reason text,
                                                p_now timestamptz)
RETURNS internal.wallets
LANGUAGE plpgsql
AS $$
DECLARE
  v_wallet internal.wallets;
BEGIN
  UPDATE internal.wallets w
     SET balance = w.balance + p_balance_delta,
         reserved = w.reserved + p_reserved_delta
   WHERE w.account_id = p_account AND w.test_mode = p_test
  RETURNING w.* INTO v_wallet;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = 'Account not found.',
      DETAIL = jsonb_build_object('account', p_account)::text;
  END IF;

  INSERT INTO internal.credit_ledger
    (account_id, test_mode, kind, balance_delta, reserved_delta, generation_id, reason, created_at)
  VALUES
    (p_account, p_test, p_kind, p_balance_delta, p_reserved_delta, p_generation_id, p_reason, p_now);

  RETURN v_wallet;
END
$$;
