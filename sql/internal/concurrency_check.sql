-- internal.concurrency_check(principal): raises QA429 scope "concurrency"
-- when the account already has its plan's number of PENDING + PROCESSING
-- generations in the key's mode (SPEC §5), before a new one is created.
-- Exact under concurrency: the wallet row of this account and mode is locked
-- first (the same lock internal.credits_reserve takes next), so two creates
-- serialise here and the second counts the first one's committed generation.
-- NULL limit = unlimited: no lock, no count.
CREATE OR REPLACE FUNCTION internal.concurrency_check(p_who internal.principal)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  IF p_who.concurrent IS NULL THEN
    RETURN;
  END IF;
  PERFORM 1 FROM internal.wallets w
   WHERE w.account_id = p_who.account_id AND w.test_mode = p_who.test_mode
     FOR UPDATE;
  IF internal.generations_active(p_who.account_id, p_who.test_mode, p_who.concurrent)
     >= p_who.concurrent THEN
    -- resetIn 5: a guess at when a slot frees up; generations have no fixed end.
    PERFORM internal.raise_rate_limit('concurrency', p_who.concurrent, 5,
      format('Concurrency limit reached: %s generation(s) already in progress.', p_who.concurrent));
  END IF;
END
$$;
