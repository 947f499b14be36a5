-- admin.account_set_plan(account, plan, rpm, concurrent, daily) -> {id, plan,
-- requestsPerMinute, concurrentGenerations, requestsPerDay} (the limits now in
-- force; null = unlimited). The three numbers override the plan's values for
-- this account (NULL = the plan's value; on ENTERPRISE, NULL = unlimited).
-- QA404 unknown account; QA400 bad plan or a limit below 1.
CREATE OR REPLACE FUNCTION admin.account_set_plan(p_account text, p_plan text, p_rpm integer,
                                                  p_concurrent integer, p_daily integer)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_plan internal.plans;
BEGIN
  SELECT pl.* INTO v_plan FROM internal.plans pl WHERE pl.code = upper(p_plan);
  IF NOT FOUND THEN
    PERFORM internal.raise_invalid(internal.problem(format('Unknown plan %s.', p_plan), 'plan',
      (SELECT jsonb_agg(pl.code ORDER BY pl.code) FROM internal.plans pl)));
  END IF;
  IF p_rpm < 1 OR p_concurrent < 1 OR p_daily < 1 THEN
    PERFORM internal.raise_invalid(internal.problem('Limits must be at least 1.', 'limits'));
  END IF;

  UPDATE internal.accounts a
     SET plan = v_plan.code, rpm_override = p_rpm,
         concurrent_override = p_concurrent, daily_override = p_daily
   WHERE a.id = p_account;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = format('Account %s not found.', p_account);
  END IF;
  RETURN jsonb_build_object('id', p_account, 'plan', v_plan.code,
    'requestsPerMinute', coalesce(p_rpm, v_plan.requests_per_minute),
    'concurrentGenerations', coalesce(p_concurrent, v_plan.concurrent),
    'requestsPerDay', coalesce(p_daily, v_plan.requests_per_day));
END
$$;
