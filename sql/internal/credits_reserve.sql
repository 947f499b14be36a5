-- internal.credits_reserve: reserves p_amount credits of the (account, mode)
-- wallet for generation p_generation_id, or raises QA402 INSUFFICIENT_CREDITS
-- with DETAIL {"required":N,"available":M} having changed nothing.
-- Concurrency: the wallet row is locked FOR UPDATE before the check, so two
-- simultaneous generates on one wallet serialize here and the second sees the
-- first one's reservation; spendable credits can never be double-spent.
CREATE OR REPLACE FUNCTION internal.credits_reserve(p_account text, p_test boolean, p_amount bigint,
                                                    p_generation_id text, p_now timestamptz)
RETURNS internal.wallets
LANGUAGE plpgsql
AS $$
DECLARE
  v_wallet    internal.wallets;
  v_available bigint := 0;
BEGIN
  SELECT w.* INTO v_wallet
    FROM internal.wallets w
   WHERE w.account_id = p_account AND w.test_mode = p_test
     FOR UPDATE;
  IF FOUND THEN
    v_available := v_wallet.balance - v_wallet.reserved;
  END IF;

  IF v_available < p_amount THEN
    RAISE EXCEPTION USING
      ERRCODE = 'QA402',
      MESSAGE = format('Insufficient credits: this generation costs %s credits and %s are available.',
                       p_amount, v_available),
      DETAIL = jsonb_build_object('required', p_amount, 'available', v_available)::text;
  END IF;

  RETURN internal.ledger_post(p_account, p_test, 'reserve', 0, p_amount, p_generation_id,
                              'reserved for generation', p_now);
END
$$;
