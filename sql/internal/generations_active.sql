-- internal.generations_active(account, test mode): how many generations of
-- this account and mode are PENDING or PROCESSING (what the concurrency
-- limit counts, SPEC §5; live and test are counted separately): the
-- account query's activeGenerations. internal.concurrency_check counts only
-- up to the limit.
-- Uses generations_active_idx. PL/pgSQL, not LANGUAGE sql: its plan is then
-- kept for the connection instead of made again in every transaction.
CREATE OR REPLACE FUNCTION internal.generations_active(p_account text, p_test boolean)
RETURNS integer
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN (SELECT count(*)::integer
            FROM internal.generations g
           WHERE g.account_id = p_account AND g.test_mode = p_test
             AND g.status IN ('PENDING', 'PROCESSING'));
END
$$;
