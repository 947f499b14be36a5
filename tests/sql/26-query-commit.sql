-- 26-query-commit: a query's transaction commits asynchronously, a
-- mutation's durably (internal.request_execute). Covers: synchronous_commit
-- is off after api.execute of a query (with and without calls, and when a
-- field fails), stays on after a mutation (with a call, with none, with an
-- Idempotency-Key), and the query's answer is the same as before.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(6);

SELECT account_id AS acc, key_hash AS lkey FROM tests.make_account('PRO', 1000) \gset

SET LOCAL synchronous_commit = on;
SELECT is(api.execute(:'lkey', tests.request(jsonb_build_array(tests.call('generation', '{"id":"gen_000000000000000000000000"}'))))->'results',
          '[{"error":{"code":"NOT_FOUND","message":"Generation not found.","extensions":{}}}]'::jsonb,
          'a query answers as before');
SELECT is(current_setting('synchronous_commit'), 'off', 'after a query: synchronous_commit off for the transaction');

SET LOCAL synchronous_commit = on;
SELECT api.execute(:'lkey', tests.request()) IS NOT NULL AS touched \gset
SELECT is(current_setting('synchronous_commit'), 'off', 'after a query without calls: off');

SET LOCAL synchronous_commit = on;
SELECT api.execute(:'lkey', tests.request(jsonb_build_array(tests.local_generate()), true)) IS NOT NULL AS wrote \gset
SELECT is(current_setting('synchronous_commit'), 'on', 'after a mutation: still on');

SET LOCAL synchronous_commit = on;
SELECT api.execute(:'lkey', tests.request('[]', true)) IS NOT NULL AS wrote \gset
SELECT is(current_setting('synchronous_commit'), 'on', 'after a mutation without calls: still on');

SET LOCAL synchronous_commit = on;
SELECT api.execute(:'lkey', tests.request(jsonb_build_array(tests.local_generate('keyed')), true, 'commit-test-1',
                                          repeat('ab', 32))) IS NOT NULL AS wrote \gset
SELECT is(current_setting('synchronous_commit'), 'on', 'after a mutation with an Idempotency-Key: still on');

SELECT * FROM finish();
ROLLBACK;
