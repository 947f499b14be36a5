-- internal.generations_active(account, test mode, at most): how many
-- generations of this account and mode are PENDING or PROCESSING (what the
-- concurrency limit counts, SPEC §5; live and test are counted separately),
-- counting no further than p_at_most when given. The account query's
-- activeGenerations counts them all; internal.concurrency_check only up to
-- the limit, so an account with a large backlog (an enterprise batch) reads
-- at most that many index entries on each create.
-- Uses generations_active_idx. PL/pgSQL, not LANGUAGE sql: its plan is then
-- kept for the connection instead of made again in every transaction.
CREATE OR REPLACE FUNCTION internal.generations_active(p_account text, p_test boolean,
                                                       p_at_most integer DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  -- LIMIT NULL is no limit.
  RETURN (SELECT count(*)::integer
            FROM (SELECT 1 FROM internal.generations g
                   WHERE g.account_id = p_account AND g.test_mode = p_test
                     AND g.status IN ('PENDING', 'PROCESSING')
                   LIMIT p_at_most) a);
END
$$;
