-- 07-grants: schema isolation (STYLE B6, sql/grants.sql).
-- Covers: doitong_api has USAGE on api only and EXECUTE on every api
-- function; PUBLIC has neither; every api and admin function is SECURITY
-- DEFINER with search_path = pg_catalog, pg_temp; as doitong_api (SET LOCAL
-- ROLE) the api works end to end while internal tables, internal functions
-- and admin functions are refused with 42501.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(17);

SELECT account_id AS acc, key_hash AS key FROM tests.make_account('PRO', 100000) \gset
CREATE ROLE tests_nobody NOLOGIN;

SELECT ok(has_schema_privilege('doitong_api', 'api', 'USAGE'), 'doitong_api may use schema api');
SELECT ok(NOT has_schema_privilege('doitong_api', 'internal', 'USAGE'), 'but not schema internal');
SELECT ok(NOT has_schema_privilege('doitong_api', 'admin', 'USAGE'), 'nor schema admin');
SELECT ok(NOT has_schema_privilege('tests_nobody', 'api', 'USAGE'), 'PUBLIC may not use schema api');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'api'::regnamespace
            AND NOT has_function_privilege('doitong_api', oid, 'EXECUTE')), 0::bigint,
          'doitong_api may execute every api function');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace IN ('api'::regnamespace, 'admin'::regnamespace, 'internal'::regnamespace)
            AND has_function_privilege('tests_nobody', oid, 'EXECUTE')), 0::bigint,
          'PUBLIC may execute no api, admin or internal function');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace IN ('admin'::regnamespace, 'internal'::regnamespace)
            AND has_function_privilege('doitong_api', oid, 'EXECUTE')), 0::bigint,
          'doitong_api may execute no admin or internal function');
SELECT is((SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_proc p
            WHERE p.pronamespace IN ('api'::regnamespace, 'admin'::regnamespace)
              AND NOT (p.prosecdef AND p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'])),
          NULL, 'every api and admin function is SECURITY DEFINER with a safe search_path');
SELECT is((SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_proc p
            WHERE p.pronamespace = 'internal'::regnamespace
              AND (p.prosecdef OR EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%'))),
          NULL, 'no internal function is a definer or sets search_path (it inherits its caller''s)');
SELECT is((SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'internal'::regnamespace AND c.relkind IN ('r', 'S')
            AND (has_table_privilege('doitong_api', c.oid, 'SELECT') OR has_table_privilege('tests_nobody', c.oid, 'SELECT'))),
          0::bigint, 'no internal table or sequence is readable by doitong_api or PUBLIC');

SET LOCAL ROLE doitong_api;
SELECT is(current_user::text, 'doitong_api', 'now running as doitong_api');
SELECT lives_ok(format($$SELECT api.generate(%L, '{"type":"AUDIO","provider":"local","input":{"text":"as the server"}}')$$, :'key'),
                'doitong_api can generate');
SELECT is(json_typeof(api.jobs_claim('grants-test', 5, 30)), 'array', 'doitong_api can claim jobs');
SELECT throws_ok('SELECT * FROM internal.accounts', '42501', NULL, 'doitong_api cannot read internal.accounts');
SELECT throws_ok('SELECT * FROM internal.credit_ledger', '42501', NULL, 'doitong_api cannot read the ledger');
SELECT throws_ok('SELECT admin.stats()', '42501', NULL, 'doitong_api cannot execute admin functions');
SELECT throws_ok($$SELECT internal.new_id('gen_')$$, '42501', NULL, 'doitong_api cannot execute internal functions');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
