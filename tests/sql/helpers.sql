-- tests/sql/helpers.sql: helpers for the pgTAP suite, in schema `tests`.
-- Loaded once by tests/sql/run.sh after the schema is applied (as the
-- superuser that owns it); every test file runs inside BEGIN ... ROLLBACK.
--   tests.key_hash(key)                  hex SHA-256, as the C side computes it
--   tests.make_account(plan, credits)    account + live key + test key
--   tests.generation_in_state(acc, st)   a generation walked to status st
--                                        through the real job functions
--   tests.lease(id, worker, now)         give a worker the lease on one job
--   tests.error_of(sql)                  {sqlstate, message, detail} of a failing statement
--   tests.ledger_consistent()            every wallet equals its ledger sums
--   tests.request(calls, mutation, key, fp) api.execute request JSON
--   tests.call(field, args)              one {field, args} of it
--   tests.local_generate(text)           the call generating a 1-credit local AUDIO
CREATE SCHEMA IF NOT EXISTS tests;

CREATE OR REPLACE FUNCTION tests.key_hash(p_key text)
RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT encode(sha256(convert_to(p_key, 'UTF8')), 'hex') $$;

-- A fresh account with p_credits in both wallets, one live and one test key.
-- Returns (account_id, key_hash, test_key_hash); use with \gset.
CREATE OR REPLACE FUNCTION tests.make_account(p_plan text DEFAULT 'PRO', p_credits bigint DEFAULT 1000000)
RETURNS TABLE (account_id text, key_hash text, test_key_hash text)
LANGUAGE plpgsql
AS $$
DECLARE
  v_acc  text := admin.account_create('test account', p_plan, p_credits)->>'id';
  v_live text := 'dt_live_' || encode(internal.random_bytes(24), 'hex');
  v_test text := 'dt_test_' || encode(internal.random_bytes(24), 'hex');
BEGIN
  PERFORM admin.key_create(v_acc, tests.key_hash(v_live), left(v_live, 12), false);
  PERFORM admin.key_create(v_acc, tests.key_hash(v_test), left(v_test, 12), true);
  RETURN QUERY SELECT v_acc, tests.key_hash(v_live), tests.key_hash(v_test);
END
$$;

-- Gives p_worker the lease on one generation (what jobs_claim does for the
-- rows it picks), so tests can drive a specific job.
CREATE OR REPLACE FUNCTION tests.lease(p_id text, p_worker text, p_now timestamptz DEFAULT now())
RETURNS void LANGUAGE plpgsql
AS $$
BEGIN
  UPDATE internal.job_queue
     SET lease_owner = p_worker, lease_until = p_now + interval '60 seconds'
   WHERE generation_id = p_id;
END
$$;

-- What the scheduler's claim hands over for generation p_id: claims every
-- due job as a scheduler would (the test's transaction rolls the leases
-- back) and returns that one's element, or NULL when it was not due.
CREATE OR REPLACE FUNCTION tests.claimed_job(p_id text, p_now timestamptz DEFAULT now())
RETURNS jsonb LANGUAGE sql
AS $$
  SELECT e FROM jsonb_array_elements(internal.jobs_claim('tests', 1000, 60, p_now)::jsonb) e WHERE e->>'id' = p_id
$$;

-- A new 'local' AUDIO generation of p_account (live mode) moved to p_status
-- through the real functions (so the ledger stays consistent).
CREATE OR REPLACE FUNCTION tests.generation_in_state(p_account text, p_status text)
RETURNS text LANGUAGE plpgsql
AS $$
DECLARE
  v_id text := (internal.generation_create(p_account, false,
                 '{"type":"AUDIO","provider":"local","input":{"text":"hello"}}', now())).id;
BEGIN
  IF p_status IN ('PROCESSING', 'COMPLETED', 'FAILED') THEN
    PERFORM tests.lease(v_id, 'tests');
    PERFORM internal.job_submitted(v_id, 'tests', 'task-' || v_id, now());
  END IF;
  IF p_status IN ('COMPLETED', 'FAILED') THEN
    PERFORM tests.lease(v_id, 'tests');
  END IF;
  IF p_status = 'COMPLETED' THEN
    PERFORM internal.job_complete(v_id, 'tests', 'https://media.example/' || v_id || '.wav', '{"format":"wav"}', now());
  ELSIF p_status = 'FAILED' THEN
    PERFORM internal.job_fail(v_id, 'tests', 'GENERATION_FAILED', 'failed on purpose', NULL, 'REQUEST', now());
  ELSIF p_status = 'CANCELLED' THEN
    PERFORM internal.generation_cancel(p_account, false, v_id, now());
  END IF;
  RETURN v_id;
END
$$;

-- Runs p_sql, which must fail, and returns {sqlstate, message, detail}
-- (detail parsed as JSON when it is JSON). NULL when it did not fail.
CREATE OR REPLACE FUNCTION tests.error_of(p_sql text)
RETURNS jsonb LANGUAGE plpgsql
AS $$
DECLARE
  v_state text; v_message text; v_detail text;
BEGIN
  EXECUTE p_sql;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
  RETURN jsonb_build_object('sqlstate', v_state, 'message', v_message,
                            'detail', CASE WHEN v_detail ~ '^\s*[{\[]' THEN v_detail::jsonb
                                           ELSE to_jsonb(nullif(v_detail, '')) END);
END
$$;

-- True when every wallet equals the sums of its ledger rows.
CREATE OR REPLACE FUNCTION tests.ledger_consistent()
RETURNS boolean LANGUAGE sql STABLE
AS $$
  SELECT NOT EXISTS (
    SELECT 1
      FROM internal.wallets w
      LEFT JOIN (SELECT l.account_id, l.test_mode,
                        sum(l.balance_delta) AS b, sum(l.reserved_delta) AS r
                   FROM internal.credit_ledger l
                  GROUP BY l.account_id, l.test_mode) s
        ON s.account_id = w.account_id AND s.test_mode = w.test_mode
     WHERE w.balance <> coalesce(s.b, 0) OR w.reserved <> coalesce(s.r, 0))
$$;

-- api.execute's request JSON: {"calls", "mutation", "idempotencyKey",
-- "fingerprint"} (sql/README.md "api.execute").
CREATE OR REPLACE FUNCTION tests.request(p_calls jsonb DEFAULT '[]', p_mutation boolean DEFAULT false,
                                         p_key text DEFAULT NULL, p_fingerprint text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql IMMUTABLE
AS $$
  SELECT jsonb_build_object('calls', p_calls, 'mutation', p_mutation,
                            'idempotencyKey', p_key, 'fingerprint', p_fingerprint)
$$;

-- One call of api.execute's request: {"field", "args"}.
CREATE OR REPLACE FUNCTION tests.call(p_field text, p_args jsonb DEFAULT '{}')
RETURNS jsonb LANGUAGE sql IMMUTABLE
AS $$ SELECT jsonb_build_object('field', p_field, 'args', p_args) $$;

-- The call that generates a cheap 'local' AUDIO generation (1 credit).
CREATE OR REPLACE FUNCTION tests.local_generate(p_text text DEFAULT 'hello')
RETURNS jsonb LANGUAGE sql IMMUTABLE
AS $$
  SELECT tests.call('generate', jsonb_build_object('input',
           jsonb_build_object('type', 'AUDIO', 'provider', 'local', 'input', jsonb_build_object('text', p_text))))
$$;
