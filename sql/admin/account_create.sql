-- admin.account_create(name, plan, credits, webhook secret) -> {"id": "acc_..."}.
-- Creates the account with its webhook secret and its two wallets (live
-- and test); when p_credits > 0 tops up BOTH wallets with it (ledger 'topup').
-- p_webhook_secret is the stored form doitong-admin made (sealed with
-- webhook_secret_key, see migration 000013); NULL = a fresh plaintext one.
-- plan is case-insensitive (free, starter, pro, enterprise); NULL = FREE.
-- QA400 for a bad name, plan or negative credits.
CREATE OR REPLACE FUNCTION admin.account_create(p_name text, p_plan text, p_credits bigint,
                                                p_webhook_secret text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_plan text := upper(coalesce(p_plan, 'FREE'));
  v_id   text := internal.new_id('acc_');
  v_test boolean;
BEGIN
  IF p_name IS NULL OR length(p_name) NOT BETWEEN 1 AND 200 THEN
    PERFORM internal.raise_invalid(internal.problem('name must be 1 to 200 characters.', 'name'));
  END IF;
  IF NOT EXISTS (SELECT 1 FROM internal.plans pl WHERE pl.code = v_plan) THEN
    PERFORM internal.raise_invalid(internal.problem(format('Unknown plan %s.', p_plan), 'plan',
      (SELECT jsonb_agg(pl.code ORDER BY pl.code) FROM internal.plans pl)));
  END IF;
  IF p_credits < 0 THEN
    PERFORM internal.raise_invalid(internal.problem('credits cannot be negative.', 'credits'));
  END IF;

  INSERT INTO internal.accounts (id, name, plan, webhook_secret)
  VALUES (v_id, p_name, v_plan, coalesce(p_webhook_secret, internal.webhook_secret_new()));
  FOREACH v_test IN ARRAY ARRAY[false, true] LOOP
    INSERT INTO internal.wallets (account_id, test_mode) VALUES (v_id, v_test);
    IF p_credits > 0 THEN
      PERFORM internal.ledger_post(v_id, v_test, 'topup', p_credits, 0, NULL, 'initial credits', now());
    END IF;
  END LOOP;
  RETURN jsonb_build_object('id', v_id);
END
$$;
