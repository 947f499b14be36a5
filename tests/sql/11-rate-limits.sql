-- 11-rate-limits: SPEC §5 through internal.request_execute at fixed instants
-- (api.execute passes clock_timestamp()).
-- Covers: the minute window (limit, remaining, reset seconds, QA429 with
-- {"scope","limit","remaining","resetIn"}, a refused request not counted,
-- rollover at the aligned minute); the day window (UTC midnight, QA429 scope
-- day, rollover); the day reported when both are exceeded; limits per
-- account, shared by live and test keys; ENTERPRISE unlimited (no window rows)
-- and ENTERPRISE or PRO with custom limits from admin.account_set_plan; a
-- clock stepping back; api.execute's real-clock windows; the concurrency
-- limit (scope concurrency) for generate and videoCreate, per mode, freed by
-- cancel, aborting the whole request, not applied to estimate.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(47);

SELECT account_id AS fa, key_hash AS fkey, test_key_hash AS ftkey FROM tests.make_account('FREE', 1000) \gset
\set t0 '''2030-01-01 00:00:10+00'''

-- ------------------------------------------------------------ minute window
CREATE TEMP TABLE m AS
SELECT i, internal.request_execute(:'fkey', tests.request(), :t0::timestamptz + i * interval '1 ms')->'rate' AS rate
  FROM generate_series(1, 10) i ORDER BY i;
SELECT is((SELECT array_agg((rate->>'remaining')::int ORDER BY i) FROM m), ARRAY[9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
          'FREE: 10 requests in a minute, remaining 9 down to 0');
SELECT is((SELECT array_agg(DISTINCT (rate->>'limit') || '/' || (rate->>'reset')) FROM m), ARRAY['10/50'],
          'limit 10, reset = seconds until the minute window ends (50 at :10)');
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'fkey', tests.request(), :t0::timestamptz + interval '0.5 s')),
          '{"sqlstate":"QA429","message":"Rate limit exceeded: 10 requests per minute.",
            "detail":{"scope":"minute","limit":10,"remaining":0,"resetIn":50}}'::jsonb,
          'the 11th: QA429 scope minute with limit, remaining 0 and resetIn (rounded up)');
SELECT is((SELECT minute_hits FROM internal.rate_windows WHERE account_id = :'fa'), 10,
          'a refused request is not counted');
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'fkey', tests.request(), '2030-01-01 00:00:59.5+00'))->'detail'->'resetIn',
          '1'::jsonb, 'half a second before the window ends: resetIn 1 (never 0)');
SELECT is(internal.request_execute(:'fkey', tests.request(), '2030-01-01 00:01:00+00')->'rate' #- '{concurrentLimit}',
          '{"limit":10,"remaining":9,"reset":60,"dailyLimit":100,"dailyRemaining":89,"dailyReset":86340}'::jsonb,
          'the next aligned minute: a new window (remaining 9, reset 60); the day keeps counting');
SELECT is((SELECT minute_start FROM internal.rate_windows WHERE account_id = :'fa'),
          '2030-01-01 00:01:00+00'::timestamptz, 'the minute window moved to the new minute');
SELECT is(internal.request_execute(:'fkey', tests.request(), '2030-01-01 00:00:30+00')->'rate'->'remaining',
          '8'::jsonb, 'a clock that steps back counts in the newer stored window (no reset)');
SELECT is((SELECT count(*) FROM internal.rate_windows WHERE account_id = :'fa'), 1::bigint, 'one row per account holds both windows');

-- Per account, not per key: the live and the test key share the windows.
SELECT bool_and(internal.request_execute(:'fkey', tests.request(), '2030-01-01 00:02:00+00'::timestamptz + i * interval '1 s') IS NOT NULL) AS ignored
  FROM generate_series(1, 5) i \gset
SELECT bool_and(internal.request_execute(:'ftkey', tests.request(), '2030-01-01 00:02:10+00'::timestamptz + i * interval '1 s') IS NOT NULL) AS ignored
  FROM generate_series(1, 5) i \gset
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'ftkey', tests.request(), '2030-01-01 00:02:30+00'))->>'sqlstate',
          'QA429', 'live and test keys of one account share its minute window');
SELECT account_id AS oa, key_hash AS okey FROM tests.make_account('FREE', 1000) \gset
SELECT is(internal.request_execute(:'okey', tests.request(), '2030-01-01 00:02:30+00')->'rate'->'remaining',
          '9'::jsonb, 'another account has its own windows');

-- ------------------------------------------------------------ day window
SELECT account_id AS da, key_hash AS dkey FROM tests.make_account('FREE', 1000) \gset
SELECT is(admin.account_set_plan(:'da', 'FREE', 1000, NULL, 3)->'requestsPerDay', '3'::jsonb, 'custom daily limit 3');
CREATE TEMP TABLE d AS
SELECT i, internal.request_execute(:'dkey', tests.request(), '2030-01-01 06:00:00+00'::timestamptz + i * interval '1 hour')->'rate' AS rate
  FROM generate_series(1, 3) i ORDER BY i;
SELECT is((SELECT array_agg((rate->>'dailyRemaining') || '/' || (rate->>'dailyReset') ORDER BY i) FROM d),
          ARRAY['2/61200', '1/57600', '0/54000'], 'dailyRemaining and dailyReset (seconds to UTC midnight)');
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'dkey', tests.request(), '2030-01-01 18:00:00+00')),
          '{"sqlstate":"QA429","message":"Rate limit exceeded: 3 requests per day.",
            "detail":{"scope":"day","limit":3,"remaining":0,"resetIn":21600}}'::jsonb,
          'the 4th of the day: QA429 scope day, resetIn until UTC midnight');
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'dkey', tests.request(), '2030-01-01 23:59:59.5+00'))->'detail'->'resetIn',
          '1'::jsonb, 'just before midnight: resetIn 1');
SELECT is(internal.request_execute(:'dkey', tests.request(), '2030-01-02 00:00:00+00')->'rate'->>'dailyRemaining',
          '2', 'UTC midnight: a new day window');
SELECT is(internal.request_execute(:'dkey', tests.request(), '2030-01-02 00:00:00+00')->'rate'->>'dailyReset',
          '86400', 'dailyReset 86400 at midnight');

-- Both windows exceeded at once: the day is reported (its wait is the real one).
SELECT account_id AS ba, key_hash AS bkey FROM tests.make_account('FREE', 1000) \gset
SELECT admin.account_set_plan(:'ba', 'FREE', 2, NULL, 2) IS NOT NULL AS ignored \gset
SELECT bool_and(internal.request_execute(:'bkey', tests.request(), :t0) IS NOT NULL) AS ignored FROM generate_series(1, 2) \gset
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'bkey', tests.request(), :t0))->'detail',
          '{"scope":"day","limit":2,"remaining":0,"resetIn":86390}'::jsonb, 'both exceeded: scope day');

-- ------------------------------------------------------------ ENTERPRISE and custom limits
SELECT account_id AS ea, key_hash AS ekey FROM tests.make_account('ENTERPRISE', 1000) \gset
SELECT is((SELECT count(*) FROM generate_series(1, 150) i
            WHERE internal.request_execute(:'ekey', tests.request(), :t0) IS NOT NULL), 150::bigint,
          'ENTERPRISE: 150 requests in one minute, all admitted');
SELECT is(internal.request_execute(:'ekey', tests.request(), :t0)->'rate',
          '{"limit":null,"remaining":null,"reset":50,"dailyLimit":null,"dailyRemaining":null,"dailyReset":86390,
            "concurrentLimit":null}'::jsonb,
          'ENTERPRISE rate block: limits and remaining null, resets still given');
SELECT is((SELECT count(*) FROM internal.rate_windows WHERE account_id = :'ea'), 0::bigint,
          'unlimited windows write no rows');
SELECT is(admin.account_set_plan(:'ea', 'ENTERPRISE', 2, 1, NULL),
          jsonb_build_object('id', :'ea', 'plan', 'ENTERPRISE', 'requestsPerMinute', 2, 'concurrentGenerations', 1, 'requestsPerDay', NULL),
          'ENTERPRISE with custom limits: 2/minute, 1 concurrent, unlimited per day');
SELECT bool_and(internal.request_execute(:'ekey', tests.request(), :t0) IS NOT NULL) AS ignored FROM generate_series(1, 2) \gset
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'ekey', tests.request(), :t0))->'detail',
          '{"scope":"minute","limit":2,"remaining":0,"resetIn":50}'::jsonb, 'the custom minute limit is enforced');
SELECT is(internal.request_execute(:'ekey', tests.request(), '2030-01-01 00:01:00+00')->'rate' #- '{reset}' #- '{dailyReset}',
          '{"limit":2,"remaining":1,"dailyLimit":null,"dailyRemaining":null,"concurrentLimit":1}'::jsonb,
          'custom limits in the rate block; the day stays unlimited');
SELECT account_id AS pa, key_hash AS pkey FROM tests.make_account('PRO', 1000) \gset
SELECT admin.account_set_plan(:'pa', 'PRO', 3, NULL, NULL) IS NOT NULL AS ignored \gset
SELECT bool_and(internal.request_execute(:'pkey', tests.request(), :t0) IS NOT NULL) AS ignored FROM generate_series(1, 3) \gset
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'pkey', tests.request(), :t0))->'detail'->>'limit',
          '3', 'PRO with a custom rpm of 3: the 4th is refused');
SELECT admin.account_set_plan(:'pa', 'PRO', NULL, NULL, NULL) IS NOT NULL AS ignored \gset
SELECT is(internal.request_execute(:'pkey', tests.request(), :t0)->'rate'->>'remaining',
          '56', 'overrides removed: back to the plan''s 60 (the 4th request of the window)');

-- ------------------------------------------------------------ api.execute uses the real clock
SELECT account_id AS ca, key_hash AS ckey FROM tests.make_account('FREE', 1000) \gset
SELECT is((api.execute(:'ckey', tests.request())->'rate'->>'reset')::int BETWEEN 1 AND 60, true, 'api.execute: reset within 1..60');
SELECT ok((SELECT minute_start <= clock_timestamp() AND minute_start > clock_timestamp() - interval '60 s'
                  AND extract(second FROM minute_start) = 0
             FROM internal.rate_windows WHERE account_id = :'ca'),
          'api.execute: the minute window is the current aligned minute');
SELECT ok((SELECT day_start = date_trunc('day', clock_timestamp() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                  OR day_start = date_trunc('day', (clock_timestamp() - interval '1 s') AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
             FROM internal.rate_windows WHERE account_id = :'ca'),
          'api.execute: the day window starts at UTC midnight');

-- ------------------------------------------------------------ concurrency limit
-- FREE: one PENDING or PROCESSING generation per mode.
SELECT account_id AS ga, key_hash AS gkey, test_key_hash AS gtkey FROM tests.make_account('FREE', 1000) \gset
SELECT (internal.request_execute(:'gkey', tests.request(jsonb_build_array(tests.local_generate()), true), :t0)
        ->'results'->0->'data'->>'id') AS g1 \gset
SELECT isnt(:'g1'::text, NULL::text, 'FREE: the first generation is accepted');
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'gkey',
                                tests.request(jsonb_build_array(tests.local_generate()), true), :t0)),
          '{"sqlstate":"QA429","message":"Concurrency limit reached: 1 generation(s) already in progress.",
            "detail":{"scope":"concurrency","limit":1,"remaining":0,"resetIn":5}}'::jsonb,
          'the second while the first is PENDING: QA429 scope concurrency');
SELECT is((SELECT count(*) FROM internal.generations WHERE account_id = :'ga'), 1::bigint, 'nothing created by the refused request');
SELECT is((SELECT minute_hits FROM internal.rate_windows WHERE account_id = :'ga'), 1,
          'and it was not counted (the whole request rolled back)');
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'gkey',
                                tests.request(jsonb_build_array(tests.call('videoCreate', '{"input":{"prompt":"a cat","model":"luma"}}')), true), :t0))->'detail'->>'scope',
          'concurrency', 'videoCreate is limited too');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"AUDIO","provider":"local","input":{"text":"x"}}')$$, :'gkey'))->'detail'->>'scope',
          'concurrency', 'so is the single-call api.generate');
SELECT is(internal.request_execute(:'gkey', tests.request(jsonb_build_array(tests.call('estimate', '{"input":{"type":"AUDIO","provider":"local","input":{"text":"x"}}}'))), :t0)->'results'->0->'data'->>'provider',
          'local', 'estimate is not limited (it creates nothing)');
SELECT is(internal.request_execute(:'gtkey', tests.request(jsonb_build_array(tests.local_generate()), true), :t0)->'results'->0->'data'->>'status',
          'PENDING', 'test mode is counted separately');
SELECT is(internal.request_execute(:'gkey', tests.request(jsonb_build_array(tests.call('cancelGeneration', jsonb_build_object('id', :'g1'))), true), :t0)->'results'->0->'data',
          'true'::jsonb, 'cancel the first generation');
SELECT is(internal.generations_active(:'ga', false), 0, 'cancelling frees the slot (no active generation)');
SELECT is(internal.request_execute(:'gkey', tests.request(jsonb_build_array(tests.local_generate()), true), :t0)->'rate' #- '{limit}' #- '{remaining}' #- '{reset}' #- '{dailyLimit}' #- '{dailyRemaining}' #- '{dailyReset}',
          '{"concurrentLimit":1}'::jsonb, 'and a new generation is accepted');
SELECT is(internal.generations_active(:'ga', false), 1, 'which is the one active generation');

-- A request whose second generate hits the limit is refused as a whole.
SELECT account_id AS sa, key_hash AS skey FROM tests.make_account('STARTER', 1000) \gset
SELECT internal.request_execute(:'skey', tests.request(jsonb_build_array(tests.local_generate(), tests.local_generate()), true), :t0) IS NOT NULL AS ignored \gset
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'skey',
                                tests.request(jsonb_build_array(tests.local_generate(), tests.local_generate()), true), :t0))->'detail'->>'limit',
          '3', 'STARTER: the 4th generation of a request is refused (limit 3)');
SELECT is((SELECT count(*) FROM internal.generations WHERE account_id = :'sa'), 2::bigint,
          'the whole request rolled back: its 3rd generation is not kept either');
SELECT admin.account_set_plan(:'sa', 'STARTER', NULL, 5, NULL) IS NOT NULL AS ignored \gset
SELECT ok(NOT (internal.request_execute(:'skey', tests.request(jsonb_build_array(tests.local_generate(), tests.local_generate(), tests.local_generate()), true), :t0)
                ->'results' @? '$[*].error'), 'custom concurrent limit 5: three more generations accepted');
SELECT is((SELECT count(*) FROM internal.generations WHERE account_id = :'sa'), 5::bigint,
          'a custom concurrent limit of 5 admits 5');
-- The check counts only as far as the limit; more active than that (the
-- limit lowered under a backlog) still refuses.
SELECT admin.account_set_plan(:'sa', 'STARTER', NULL, 2, NULL) IS NOT NULL AS ignored \gset
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'skey',
                                tests.request(jsonb_build_array(tests.local_generate()), true), :t0))->'detail',
          '{"scope":"concurrency","limit":2,"remaining":0,"resetIn":5}'::jsonb,
          'limit lowered to 2 under 5 active generations: refused');
SELECT ok(tests.ledger_consistent(), 'ledger consistent');

SELECT * FROM finish();
ROLLBACK;
