-- internal.ledger_post_many(kind, generation ids, reason, now): one ledger
-- row per listed generation for kind 'capture' (-cost, -cost: the reserved
-- credits are spent) or 'release' (0, -cost: handed back), and each touched
-- wallet moved by the sums, in two statements whatever the number of
-- generations. With internal.ledger_post it is the only writer of wallets
-- and ledger; the unique index credit_ledger_one_settle still refuses a
-- second settlement of any generation (the whole call fails). Callers lock
-- the wallets first when several transactions may settle the same accounts.
CREATE OR REPLACE FUNCTION internal.ledger_post_many(p_kind text, p_ids text[], p_reason text,
                                                     p_now timestamptz)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  IF p_kind NOT IN ('capture', 'release') THEN
    RAISE EXCEPTION 'internal.ledger_post_many: unknown kind %', p_kind;
  END IF;
  WITH g AS (
    SELECT g.id, g.account_id, g.test_mode, g.credit_cost
      FROM internal.generations g
     WHERE g.id = ANY (p_ids)
  ), posted AS (
    INSERT INTO internal.credit_ledger
      (account_id, test_mode, kind, balance_delta, reserved_delta, generation_id, reason, created_at)
    SELECT g.account_id, g.test_mode, p_kind,
           CASE WHEN p_kind = 'capture' THEN -g.credit_cost ELSE 0 END, -g.credit_cost,
           g.id, p_reason, p_now
      FROM g
    RETURNING account_id, test_mode, balance_delta, reserved_delta
  )
  UPDATE internal.wallets w
     SET balance = w.balance + s.b, reserved = w.reserved + s.r
    FROM (SELECT p.account_id, p.test_mode, sum(p.balance_delta) AS b, sum(p.reserved_delta) AS r
            FROM posted p GROUP BY 1, 2) s
   WHERE w.account_id = s.account_id AND w.test_mode = s.test_mode;
END
$$;
