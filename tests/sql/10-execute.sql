-- 10-execute: api.execute, the one call per HTTP request (sql/README.md
-- "api.execute"); rate limits and idempotency have their own files (11, 12).
-- Covers: QA401 for unknown, missing and revoked keys, counting nothing; the
-- answer's shape (rate block, replayed, one result per call in order); an
-- empty request still authenticates and counts; every field (generate,
-- generation, cancelGeneration, providers, provider, estimate, videoCreate)
-- answers what its single-call api function answers; an unknown field is a
-- per-call INTERNAL_ERROR; per-call errors INVALID_INPUT, NOT_FOUND,
-- PROVIDER_UNAVAILABLE and INSUFFICIENT_CREDITS with their extensions, a
-- failing field leaving no trace and not stopping the next one; malformed
-- requests (a server bug) abort with 22023; test mode; the ledger invariant
-- after every kind of credit movement; doitong_api may call api.execute.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(53);

SELECT account_id AS acc, key_hash AS key, test_key_hash AS tkey FROM tests.make_account('PRO', 100000) \gset
SELECT account_id AS poor, key_hash AS poorkey FROM tests.make_account('PRO', 10) \gset
SELECT account_id AS racc, key_hash AS rkey FROM tests.make_account('PRO', 1000) \gset
\set t '''2030-01-01 00:00:10+00'''

-- ------------------------------------------------------------ authentication
SELECT throws_ok(format($$SELECT api.execute(%L, '{"calls":[]}')$$, tests.key_hash('dt_live_nope')),
                 'QA401', 'Invalid or revoked API key.', 'unknown key: QA401');
SELECT throws_ok($$SELECT api.execute(NULL, '{"calls":[]}')$$,
                 'QA401', 'Invalid or revoked API key.', 'missing key: QA401');
SELECT is(admin.key_revoke(:'rkey'), 'true'::jsonb, 'revoke a key');
SELECT throws_ok(format($$SELECT api.execute(%L, %L)$$, :'rkey', tests.request(jsonb_build_array(tests.local_generate()), true)),
                 'QA401', 'Invalid or revoked API key.', 'revoked key: QA401');
SELECT is((SELECT count(*) FROM internal.rate_windows WHERE account_id = :'racc')
          + (SELECT count(*) FROM internal.generations WHERE account_id = :'racc'), 0::bigint,
          'a refused key counts nothing and creates nothing');

-- ------------------------------------------------------------ shape
CREATE TEMP TABLE r AS SELECT internal.request_execute(:'key', tests.request(), :t) AS out;
SELECT is((SELECT array_agg(k ORDER BY k) FROM r, jsonb_object_keys(out) k), ARRAY['rate', 'replayed', 'results'],
          'answer: rate, replayed, results');
SELECT is((SELECT out->'rate' FROM r),
          '{"limit":60,"remaining":59,"reset":50,"dailyLimit":10000,"dailyRemaining":9999,"dailyReset":86390,
            "concurrentLimit":10}'::jsonb,
          'rate block of a PRO account (limits, remaining, seconds to reset, concurrency)');
SELECT is((SELECT out->'results' FROM r), '[]'::jsonb, 'no calls: empty results');
SELECT is((SELECT out->'replayed' FROM r), 'false'::jsonb, 'replayed false');
SELECT is((SELECT ARRAY[day_hits, minute_hits] FROM internal.rate_windows WHERE account_id = :'acc'),
          ARRAY[1, 1], 'a request without fields still counts in both windows');
SELECT is(jsonb_typeof(api.execute(:'key', '{"calls":[]}')->'rate'->'reset'), 'number',
          'api.execute (real clock) answers the rate block');

-- ------------------------------------------------------------ every field
CREATE TEMP TABLE g AS
SELECT internal.request_execute(:'key', tests.request(jsonb_build_array(tests.local_generate('first')), true), :t) AS out;
SELECT (SELECT out->'results'->0->'data'->>'id' FROM g) AS gid \gset
SELECT is((SELECT out->'results'->0->'data' FROM g),
          internal.generation_json((SELECT x FROM internal.generations x WHERE x.id = :'gid')),
          'generate: data is the new generation');
SELECT is((SELECT status || ' ' || account_id || ' ' || test_mode FROM internal.generations WHERE id = :'gid'),
          'PENDING ' || :'acc' || ' false', 'generate: PENDING, this account, live mode');
SELECT is(internal.generations_active(:'acc', false), 1, 'the new generation is active (counts towards the concurrency limit)');
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('generation', jsonb_build_object('id', :'gid')))), :t)->'results',
          jsonb_build_array(jsonb_build_object('data', api.generation(:'key', :'gid'))), 'generation: same as api.generation');
-- "select": the attempts are looked up only when the client selected them.
INSERT INTO internal.generation_attempts (generation_id, attempt_no, provider, model, status, started_at)
VALUES (:'gid', 1, 'local', 'local-tts', 'PROCESSING', :t);
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('generation', jsonb_build_object('id', :'gid'))
                                                                          || '{"select":["id","attempts"]}')), :t)->'results'->0->'data'->'attempts'->0->>'provider',
          'local', 'generation with "select" naming attempts: the attempts are there');
SELECT is((internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('generation', jsonb_build_object('id', :'gid'))
                                                                           || '{"select":["id","status"]}')), :t)->'results'->0->'data')
            - 'attempts',
          api.generation(:'key', :'gid') - 'attempts', 'generation with "select" without attempts: every other member as before');
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('generation', jsonb_build_object('id', :'gid'))
                                                                          || '{"select":null}')), :t)->'results'->0->'data',
          api.generation(:'key', :'gid'), '"select" null: the whole object, attempts too');
SELECT throws_ok(format($$SELECT api.execute(%L, '{"calls":[{"field":"generation","args":{},"select":"id"}]}')$$, :'key'), '22023', NULL,
                 'a "select" that is not an array: 22023');
DELETE FROM internal.generation_attempts WHERE generation_id = :'gid';
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('providers'))), :t)->'results'->0->'data',
          api.providers(:'key', NULL), 'providers without type: all of them');
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('providers', '{"type":null}'))), :t)->'results'->0->'data',
          api.providers(:'key', NULL), 'providers with type null: all of them');
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('providers', '{"type":"IMAGE"}'))), :t)->'results'->0->'data',
          api.providers(:'key', 'IMAGE'), 'providers of a type');
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('provider', '{"id":"local"}'))), :t)->'results'->0->'data',
          api.provider(:'key', 'local'), 'provider: same as api.provider');
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('provider', '{"id":"nope"}'))), :t)->'results',
          '[{"data":null}]'::jsonb, 'unknown provider: data null, no error');
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('estimate', '{"input":{"type":"VIDEO","input":{"text":"x"}}}'))), :t)->'results'->0->'data',
          api.estimate(:'key', '{"type":"VIDEO","input":{"text":"x"}}'), 'estimate: same as api.estimate');
CREATE TEMP TABLE v AS
SELECT internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('videoCreate', '{"input":{"prompt":"a cat","model":"luma"}}')), true), :t)->'results'->0->'data' AS data;
SELECT is((SELECT data - 'id' FROM v),
          jsonb_build_object('status', 'PENDING', 'videoUrl', NULL, 'progress', 0,
                             'creditCost', (SELECT credit_cost FROM internal.generations WHERE id = (SELECT data->>'id' FROM v))),
          'videoCreate: the VideoCreatePayload of a new generation');
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('cancelGeneration', jsonb_build_object('id', :'gid'))), true), :t)->'results',
          '[{"data":true}]'::jsonb, 'cancelGeneration: true');
SELECT is((SELECT status FROM internal.generations WHERE id = :'gid'), 'CANCELLED', 'and the generation is CANCELLED');
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('cancelGeneration', jsonb_build_object('id', :'gid'))), true), :t)->'results',
          '[{"data":false}]'::jsonb, 'cancelling it again: false');

-- ------------------------------------------------------------ per-call errors
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('uploadFile', '{"x":1}'))), :t)->'results',
          '[{"error":{"code":"INTERNAL_ERROR","message":"Field \"uploadFile\" is not available on this server yet.","extensions":{}}}]'::jsonb,
          'a field without a resolver: per-call INTERNAL_ERROR');
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(
            tests.call('generate', '{"input":{"type":"VIDEO","provider":"minimax","input":{"text":"x"},"options":{"duration":7}}}'))), :t)->'results',
          '[{"error":{"code":"INVALID_INPUT","message":"Invalid value for option duration of provider minimax: must be one of 6, 10.",
                      "extensions":{"field":"options.duration","allowedValues":["6","10"]}}}]'::jsonb,
          'INVALID_INPUT with field and allowedValues in extensions');
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('generation', '{"id":"gen_000000000000000000000000"}'))), :t)->'results',
          '[{"error":{"code":"NOT_FOUND","message":"Generation not found.","extensions":{}}}]'::jsonb,
          'NOT_FOUND');
SELECT admin.provider_set_enabled('minimax', false) IS NOT NULL AS ignored \gset
SELECT is((internal.request_execute(:'key', tests.request(jsonb_build_array(
            tests.call('generate', '{"input":{"type":"VIDEO","provider":"minimax","input":{"text":"x"}}}'))), :t)->'results'->0->'error')
          - 'message',
          '{"code":"PROVIDER_UNAVAILABLE","extensions":{"provider":"minimax"}}'::jsonb, 'PROVIDER_UNAVAILABLE with the provider');
SELECT admin.provider_set_enabled('minimax', true) IS NOT NULL AS ignored \gset

-- INSUFFICIENT_CREDITS in the first field, success in the second: the
-- failing field leaves nothing behind, the other one is untouched.
CREATE TEMP TABLE two AS
SELECT internal.request_execute(:'poorkey', tests.request(jsonb_build_array(
         tests.call('generate', '{"input":{"type":"AUDIO","provider":"elevenlabs","input":{"text":"hello"}}}'),
         tests.local_generate('cheap')), true), :t) AS out;
SELECT is((SELECT out->'results'->0 FROM two),
          '{"error":{"code":"INSUFFICIENT_CREDITS","message":"Insufficient credits: this generation costs 600 credits and 10 are available.",
                     "extensions":{"required":600,"available":10}}}'::jsonb,
          'INSUFFICIENT_CREDITS with required and available');
SELECT is((SELECT out->'results'->1->'data'->>'status' FROM two), 'PENDING', 'the second field still succeeded');
SELECT is((SELECT array_agg(provider) FROM internal.generations WHERE account_id = :'poor'), ARRAY['local'],
          'only the second field''s generation exists');
SELECT is((SELECT array_agg(kind || ':' || reserved_delta ORDER BY id) FROM internal.credit_ledger WHERE account_id = :'poor' AND NOT test_mode),
          ARRAY['topup:0', 'reserve:' || (SELECT out->'results'->1->'data'->>'creditCost' FROM two)],
          'one reserve ledger row, for the second field only');
SELECT ok(tests.ledger_consistent(), 'ledger consistent after a half-failed request');
-- The other order: the success is kept when the later field fails.
SELECT is(jsonb_path_query_array(internal.request_execute(:'poorkey', tests.request(jsonb_build_array(
            tests.local_generate('cheap again'),
            tests.call('generate', '{"input":{"type":"AUDIO","provider":"elevenlabs","input":{"text":"hello"}}}')), true), :t)->'results',
            '$[*].keyvalue().key'),
          '["data","error"]'::jsonb, 'success then failure: data, error');
SELECT is((SELECT count(*) FROM internal.generations WHERE account_id = :'poor'), 2::bigint, 'two generations now');
SELECT ok(tests.ledger_consistent(), 'ledger consistent after the second half-failed request');

-- ------------------------------------------------------------ malformed requests (server bugs)
SELECT throws_ok(format($$SELECT api.execute(%L, '{"calls":{"field":"providers"}}')$$, :'key'), '22023', NULL,
                 'calls not an array: 22023 (INTERNAL_ERROR), whole request');
SELECT throws_ok(format($$SELECT api.execute(%L, '{"calls":[{"args":{}}]}')$$, :'key'), '22023', NULL,
                 'a call without a field name: 22023');
SELECT throws_ok(format($$SELECT api.execute(%L, NULL)$$, :'key'), '22023', NULL, 'no request: 22023');
SELECT throws_ok(format($$SELECT api.execute(%L, %L)$$, :'key', tests.request('[]', true, 'key-1', NULL)), '22023', NULL,
                 'an Idempotency-Key without a fingerprint: 22023');

-- ------------------------------------------------------------ test mode
SELECT (internal.request_execute(:'tkey', tests.request(jsonb_build_array(tests.local_generate('test')), true), :t)
        ->'results'->0->'data'->>'id') AS tgid \gset
SELECT is((SELECT test_mode FROM internal.generations WHERE id = :'tgid'), true, 'a test key creates a test generation');
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('generation', jsonb_build_object('id', :'tgid')))), :t)->'results'->0->'error'->>'code',
          'NOT_FOUND', 'the live key does not see it');

-- ------------------------------------------------------------ ledger invariant after every movement
SELECT ok(tests.ledger_consistent(), 'after topup, reserve and release (cancel) through api.execute');
SELECT (internal.request_execute(:'key', tests.request(jsonb_build_array(tests.local_generate('to complete')), true), :t)
        ->'results'->0->'data'->>'id') AS cgid \gset
SELECT tests.lease(:'cgid', 'w') IS NULL AS ignored \gset
SELECT internal.job_submitted(:'cgid', 'w', 'task-1', now()) IS NOT NULL AS ignored \gset
SELECT tests.lease(:'cgid', 'w') IS NULL AS ignored \gset
SELECT internal.job_complete(:'cgid', 'w', 'https://media.example/x.wav', '{}', now()) IS NOT NULL AS ignored \gset
SELECT is((SELECT array_agg(kind ORDER BY id) FROM internal.credit_ledger WHERE generation_id = :'cgid'),
          ARRAY['reserve', 'capture'], 'completion captures');
SELECT ok(tests.ledger_consistent(), 'after capture');
SELECT (internal.request_execute(:'key', tests.request(jsonb_build_array(tests.local_generate('to fail')), true), :t)
        ->'results'->0->'data'->>'id') AS fgid \gset
SELECT tests.lease(:'fgid', 'w') IS NULL AS ignored \gset
SELECT internal.job_fail(:'fgid', 'w', 'GENERATION_FAILED', 'no', NULL, 'REQUEST', now()) IS NOT NULL AS ignored \gset
SELECT is((SELECT array_agg(kind ORDER BY id) FROM internal.credit_ledger WHERE generation_id = :'fgid'),
          ARRAY['reserve', 'release'], 'failure releases');
SELECT admin.credits_add(:'acc', -5, 'correction') IS NOT NULL AS ignored \gset
SELECT ok(tests.ledger_consistent(), 'after release (failure) and adjustment');

-- ------------------------------------------------------------ as the server role
SELECT tests.request(jsonb_build_array(tests.call('provider', '{"id":"local"}'))) AS req \gset
SET LOCAL ROLE doitong_api;
SELECT is(api.execute(:'key', :'req')->'results'->0->'data'->>'id',
          'local', 'doitong_api can call api.execute');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
