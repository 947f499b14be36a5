-- 14-account: query account through api.execute (sql/README.md "Query
-- account"): the Account shape; credits = spendable and reservedCredits of
-- the key's mode's wallet, also after a reservation made by an earlier field
-- of the same request and after a release; rateLimit figures after counting
-- the request itself (minute, day, resetIn, window rollover, a clock that
-- steps back), equal to api.execute's rate block; concurrentGenerations and
-- activeGenerations; unlimited values null (ENTERPRISE) except resetIn and
-- activeGenerations; per-account overrides; the real api.execute.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(16);

SELECT account_id AS acc, key_hash AS key, test_key_hash AS tkey FROM tests.make_account('FREE', 1000) \gset
SELECT admin.credits_add(:'acc', 500, 'more test credits', true) IS NOT NULL AS ignored \gset
\set t0 '''2030-01-01 00:00:10+00'''

-- The answer of one request whose calls are p_calls, at p_now.
CREATE FUNCTION pg_temp.run(p_key text, p_calls jsonb, p_now timestamptz, p_mutation boolean DEFAULT false)
RETURNS jsonb LANGUAGE sql AS $$
  SELECT internal.request_execute(p_key, tests.request(p_calls, p_mutation), p_now)
$$;
CREATE FUNCTION pg_temp.account(p_key text, p_now timestamptz) RETURNS jsonb LANGUAGE sql AS $$
  SELECT pg_temp.run(p_key, jsonb_build_array(tests.call('account')), p_now)->'results'->0->'data'
$$;

-- Three requests, then the account as the fourth of this minute and day.
SELECT count(pg_temp.run(:'key', '[]', :t0::timestamptz + i * interval '1 ms')) AS ignored FROM generate_series(1, 3) i \gset
SELECT is(pg_temp.account(:'key', :t0::timestamptz + interval '0.5 s'),
          jsonb_build_object('id', :'acc', 'name', 'test account', 'plan', 'FREE', 'credits', 1000, 'reservedCredits', 0,
            'rateLimit', jsonb_build_object('requestsPerMinute', 10, 'remainingThisMinute', 6, 'resetIn', 50,
              'concurrentGenerations', 1, 'activeGenerations', 0, 'dailyLimit', 100, 'remainingToday', 96)),
          'FREE after 3 requests: the 4th sees 6 left this minute, 96 today, resetIn 50, whole Account shape');

-- A generate, then account in the same request: the reservation and the
-- active generation are visible to the later field.
CREATE TEMP TABLE r AS
SELECT pg_temp.run(:'key', jsonb_build_array(tests.local_generate('one'), tests.call('account')), :t0::timestamptz + interval '1 s', true) AS out;
SELECT is((SELECT (out->'results'->1->'data') - 'rateLimit' FROM r),
          jsonb_build_object('id', :'acc', 'name', 'test account', 'plan', 'FREE', 'credits', 999, 'reservedCredits', 1),
          'after a 1-credit reservation: credits 999 (spendable), reservedCredits 1');
SELECT is((SELECT out->'results'->1->'data'->'rateLimit'->'activeGenerations' FROM r), '1'::jsonb, 'activeGenerations 1');
SELECT is((SELECT jsonb_build_object('remaining', d->'remainingThisMinute', 'reset', d->'resetIn', 'dailyRemaining', d->'remainingToday',
                                     'active', d->'activeGenerations')
             FROM (SELECT out->'results'->1->'data'->'rateLimit' AS d FROM r) s),
          (SELECT jsonb_build_object('remaining', out->'rate'->'remaining', 'reset', out->'rate'->'reset',
                                     'dailyRemaining', out->'rate'->'dailyRemaining',
                                     'active', to_jsonb(internal.generations_active(:'acc', false))) FROM r),
          'the rateLimit figures equal the request''s own rate block (X-RateLimit-* headers)');
SELECT is(pg_temp.account(:'tkey', :t0::timestamptz + interval '2 s') - 'rateLimit',
          jsonb_build_object('id', :'acc', 'name', 'test account', 'plan', 'FREE', 'credits', 1500, 'reservedCredits', 0),
          'a test key reports the test wallet');
SELECT is(pg_temp.account(:'tkey', :t0::timestamptz + interval '2 s')->'rateLimit'->'activeGenerations', '0'::jsonb,
          'and the test mode''s active generations');
SELECT is(pg_temp.account(:'tkey', :t0::timestamptz + interval '3 s')->'rateLimit'->'remainingThisMinute', '2'::jsonb,
          'live and test keys share the account''s windows (the 8th request: 2 left)');
SELECT is((SELECT internal.generation_cancel(:'acc', false, (out->'results'->0->'data'->>'id'), :t0::timestamptz + interval '4 s') FROM r),
          true, 'cancel the generation');
SELECT is(pg_temp.account(:'key', :t0::timestamptz + interval '4 s') - 'id' - 'name' - 'plan',
          jsonb_build_object('credits', 1000, 'reservedCredits', 0,
            'rateLimit', jsonb_build_object('requestsPerMinute', 10, 'remainingThisMinute', 1, 'resetIn', 46,
              'concurrentGenerations', 1, 'activeGenerations', 0, 'dailyLimit', 100, 'remainingToday', 91)),
          'after the release: credits 1000, reserved 0; the 9th request of the minute: 1 left');
SELECT is(pg_temp.account(:'key', '2030-01-01 00:01:00+00')->'rateLimit'->'remainingThisMinute', '9'::jsonb,
          'the next minute: a new window (9 left after this request)');
SELECT is((pg_temp.account(:'key', '2030-01-01 00:00:59+00')->'rateLimit') - 'concurrentGenerations' - 'activeGenerations',
          '{"requestsPerMinute":10,"remainingThisMinute":8,"resetIn":61,"dailyLimit":100,"remainingToday":89}'::jsonb,
          'a clock that steps back reads the stored newer window, as the counter does');

-- ------------------------------------------------------------ unlimited
SELECT account_id AS eacc, key_hash AS ekey FROM tests.make_account('ENTERPRISE', 0) \gset
SELECT is(pg_temp.account(:'ekey', :t0),
          jsonb_build_object('id', :'eacc', 'name', 'test account', 'plan', 'ENTERPRISE', 'credits', 0, 'reservedCredits', 0,
            'rateLimit', jsonb_build_object('requestsPerMinute', NULL, 'remainingThisMinute', NULL, 'resetIn', 50,
              'concurrentGenerations', NULL, 'activeGenerations', 0, 'dailyLimit', NULL, 'remainingToday', NULL)),
          'ENTERPRISE without overrides: limits and remainders null, resetIn and activeGenerations numbers');
SELECT is(admin.account_set_plan(:'eacc', 'ENTERPRISE', 100, 5, NULL)->>'plan', 'ENTERPRISE', 'ENTERPRISE with 100/minute, 5 concurrent');
SELECT is(pg_temp.account(:'ekey', :t0::timestamptz + interval '1 s')->'rateLimit',
          '{"requestsPerMinute":100,"remainingThisMinute":99,"resetIn":49,"concurrentGenerations":5,"activeGenerations":0,
            "dailyLimit":null,"remainingToday":null}'::jsonb,
          'overrides are reported; the day stays unlimited (null)');

-- ------------------------------------------------------------ api.execute
CREATE TEMP TABLE x AS SELECT api.execute(:'ekey', tests.request(jsonb_build_array(tests.call('account')))) AS out;
SELECT is((SELECT out->'results'->0->'data'->'rateLimit'->'remainingThisMinute' FROM x), (SELECT out->'rate'->'remaining' FROM x),
          'api.execute answers account with the figures of its rate block');
SELECT ok(tests.ledger_consistent(), 'ledger consistent');

SELECT * FROM finish();
ROLLBACK;
