-- internal.credits_settle(generation, kind): settles a generation's reservation
-- once it is terminal. kind 'capture' (COMPLETED) spends the reserved credits
-- (balance and reserved both drop by credit_cost); 'release' (FAILED,
-- CANCELLED) hands them back (reserved drops). The partial unique index
-- credit_ledger_one_settle guarantees one settlement per generation even if a
-- caller were to repeat itself.
CREATE OR REPLACE FUNCTION internal.credits_settle(p_gen internal.generations, p_kind text,
                                                   p_now timestamptz)
RETURNS internal.wallets
LANGUAGE plpgsql
AS $$
BEGIN
  IF p_kind = 'capture' THEN
    RETURN internal.ledger_post(p_gen.account_id, p_gen.test_mode, 'capture',
                                -p_gen.credit_cost, -p_gen.credit_cost, p_gen.id,
                                'generation completed', p_now);
  ELSIF p_kind = 'release' THEN
    RETURN internal.ledger_post(p_gen.account_id, p_gen.test_mode, 'release',
                                0, -p_gen.credit_cost, p_gen.id,
                                'generation ' || lower(p_gen.status), p_now);
  END IF;
  RAISE EXCEPTION 'internal.credits_settle: unknown kind %', p_kind;
END
$$;
