-- internal.wallets_lock(generation ids): locks the wallets of the listed
-- generations, by (account, mode). Every writer that settles money for jobs
-- takes its locks in one order, the generations (by id) first and then their
-- wallets through here, so no two of them wait on each other in a circle
-- (tests/sql/concurrency.sh section 8).
CREATE OR REPLACE FUNCTION internal.wallets_lock(p_ids text[])
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM 1
     FROM internal.wallets w
    WHERE (w.account_id, w.test_mode) IN (SELECT g.account_id, g.test_mode
                                            FROM internal.generations g
                                           WHERE g.id = ANY (p_ids))
    ORDER BY w.account_id, w.test_mode
      FOR UPDATE;
END
$$;
