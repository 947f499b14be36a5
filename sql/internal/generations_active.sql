-- internal.generations_active(account, test mode): how many generations of
-- this account and mode are PENDING or PROCESSING (what the concurrency
-- limit counts, SPEC §5; live and test are counted separately).
-- Uses generations_active_idx.
CREATE OR REPLACE FUNCTION internal.generations_active(p_account text, p_test boolean)
RETURNS integer
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT count(*)::integer
    FROM internal.generations g
   WHERE g.account_id = p_account AND g.test_mode = p_test
     AND g.status IN ('PENDING', 'PROCESSING')
$$;
