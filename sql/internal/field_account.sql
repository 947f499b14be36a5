-- internal.field_account(principal, now) -> Account JSON
--   {"id", "name", "plan", "credits", "reservedCredits",
--    "rateLimit": {"requestsPerMinute", "remainingThisMinute", "resetIn",
--                  "concurrentGenerations", "activeGenerations",
--                  "dailyLimit", "remainingToday"}}
-- Query account. Credits are those of the wallet of the key's mode (a test
-- key sees the test balance): credits = spendable (balance - reserved),
-- reservedCredits = held for PENDING/PROCESSING generations. Rate figures
-- are live and include this request (api.execute counted it before running
-- fields; the window rows are read in the same transaction) and any
-- generation an earlier field of the same request created. Limits come from
-- the principal (override or plan); unlimited = null, except resetIn and
-- activeGenerations which are always numbers (non-null in the schema).
CREATE OR REPLACE FUNCTION internal.field_account(p_who internal.principal, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_min jsonb := internal.rate_window_read(p_who.account_id, 'minute', p_who.rpm, p_now);
  v_day jsonb := internal.rate_window_read(p_who.account_id, 'day', p_who.daily, p_now);
  v_out jsonb;
BEGIN
  SELECT jsonb_build_object(
           'id', a.id,
           'name', a.name,
           'plan', a.plan,
           'credits', w.balance - w.reserved,
           'reservedCredits', w.reserved,
           'rateLimit', jsonb_build_object(
             'requestsPerMinute', p_who.rpm,
             'remainingThisMinute', v_min->'remaining',
             'resetIn', v_min->'reset',
             'concurrentGenerations', p_who.concurrent,
             'activeGenerations', internal.generations_active(p_who.account_id, p_who.test_mode),
             'dailyLimit', p_who.daily,
             'remainingToday', v_day->'remaining'))
    INTO STRICT v_out
    FROM internal.accounts a
    JOIN internal.wallets w ON w.account_id = a.id AND w.test_mode = p_who.test_mode
   WHERE a.id = p_who.account_id;
  RETURN v_out;
END
$$;
