-- admin.accounts_list() -> JSON array of {id, name, plan, credits (live
-- spendable = balance - reserved), reservedCredits (live), testCredits (test
-- spendable), createdAt}, oldest first.
CREATE OR REPLACE FUNCTION admin.accounts_list()
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_out jsonb;
BEGIN
  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'id', a.id,
           'name', a.name,
           'plan', a.plan,
           'credits', coalesce(l.balance - l.reserved, 0),
           'reservedCredits', coalesce(l.reserved, 0),
           'testCredits', coalesce(t.balance - t.reserved, 0),
           'createdAt', internal.iso_time(a.created_at))
         ORDER BY a.created_at, a.id), '[]'::jsonb)
    INTO v_out
    FROM internal.accounts a
    LEFT JOIN internal.wallets l ON l.account_id = a.id AND NOT l.test_mode
    LEFT JOIN internal.wallets t ON t.account_id = a.id AND t.test_mode;
  RETURN v_out;
END
$$;
