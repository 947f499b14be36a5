-- 12-idempotency: SPEC §6 through internal.request_execute at fixed instants,
-- and api.maintenance_purge.
-- Covers: first use executes and stores {fingerprint, results, created_at};
-- a replay returns the same results with replayed true, executes and charges
-- nothing, and still counts in the rate windows; per-call errors are stored
-- and replayed; another fingerprint is QA422; a key expires after 24 hours
-- (then executes again); the scope is account + mode + key; nothing is stored
-- when the request failed before executing (QA401, QA429 minute,
-- QA429 concurrency, QA422); queries ignore the key; key validation (QA400
-- {"field":"Idempotency-Key"}); the key's advisory lock is held to commit and
-- the session's lock_timeout restored; maintenance_purge.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(44);

SELECT account_id AS acc, key_hash AS key, test_key_hash AS tkey FROM tests.make_account('PRO', 100000) \gset
\set t0 '''2030-01-01 00:00:10+00'''
SELECT tests.request(jsonb_build_array(tests.local_generate('once')), true, 'order-1', 'fp-1') AS req \gset

-- ------------------------------------------------------------ first use and replay
CREATE TEMP TABLE first AS SELECT internal.request_execute(:'key', :'req', :t0) AS out;
SELECT (SELECT out->'results'->0->'data'->>'id' FROM first) AS gid \gset
SELECT is((SELECT out->'replayed' FROM first), 'false'::jsonb, 'first use: executed (replayed false)');
SELECT is((SELECT out->'results'->0->'data'->>'status' FROM first), 'PENDING', 'first use: the generation was created');
SELECT is((SELECT jsonb_build_object('fp', fingerprint, 'results', results, 'at', created_at)
             FROM internal.idempotency_keys WHERE account_id = :'acc' AND idem_key = 'order-1'),
          jsonb_build_object('fp', 'fp-1', 'results', (SELECT out->'results' FROM first), 'at', :t0::timestamptz),
          'stored: fingerprint, the whole results array, created_at');
CREATE TEMP TABLE counts AS
SELECT (SELECT count(*) FROM internal.generations WHERE account_id = :'acc') AS gens,
       (SELECT count(*) FROM internal.credit_ledger WHERE account_id = :'acc') AS ledger;

CREATE TEMP TABLE second AS SELECT internal.request_execute(:'key', :'req', :t0::timestamptz + interval '1 hour') AS out;
SELECT is((SELECT out->'replayed' FROM second), 'true'::jsonb, 'same key and fingerprint: replayed true');
SELECT is((SELECT out->'results' FROM second), (SELECT out->'results' FROM first), 'the same results');
SELECT is((SELECT count(*) FROM internal.generations WHERE account_id = :'acc'), (SELECT gens FROM counts),
          'no second generation');
SELECT is((SELECT count(*) FROM internal.credit_ledger WHERE account_id = :'acc'), (SELECT ledger FROM counts),
          'no second ledger row (no second charge)');
SELECT is((SELECT out->'rate' FROM second),
          '{"limit":60,"remaining":59,"reset":50,"dailyLimit":10000,"dailyRemaining":9998,"dailyReset":82790,
            "concurrentLimit":10}'::jsonb,
          'the replay answers the current rate block and was counted');
SELECT is(internal.request_execute(:'key', tests.request('[]', true, 'order-1', 'fp-1'), :t0)->'results',
          (SELECT out->'results' FROM first), 'replay returns the stored results whatever the calls (the fingerprint decides)');

-- ------------------------------------------------------------ conflict
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'key',
                                tests.request(jsonb_build_array(tests.local_generate('other')), true, 'order-1', 'fp-2'), :t0)),
          '{"sqlstate":"QA422","message":"This Idempotency-Key was already used with a different request.","detail":null}'::jsonb,
          'same key, another fingerprint: QA422');
SELECT is((SELECT count(*) FROM internal.generations WHERE account_id = :'acc'), (SELECT gens FROM counts),
          'QA422 executed nothing');
SELECT is((SELECT fingerprint FROM internal.idempotency_keys WHERE account_id = :'acc' AND idem_key = 'order-1'), 'fp-1',
          'and left the stored row alone');

-- ------------------------------------------------------------ expiry
SELECT is(internal.request_execute(:'key', :'req', :t0::timestamptz + interval '23 hours 59 minutes')->'replayed',
          'true'::jsonb, 'still replayed just before 24 hours');
CREATE TEMP TABLE third AS SELECT internal.request_execute(:'key', :'req', :t0::timestamptz + interval '24 hours') AS out;
SELECT is((SELECT out->'replayed' FROM third), 'false'::jsonb, 'after 24 hours the key has expired: executed again');
SELECT isnt((SELECT out->'results'->0->'data'->>'id' FROM third), :'gid'::text, 'a new generation');
SELECT is((SELECT created_at FROM internal.idempotency_keys WHERE account_id = :'acc' AND idem_key = 'order-1'),
          :t0::timestamptz + interval '24 hours', 'the row now holds the new results and time');
SELECT is(internal.request_execute(:'key', tests.request('[]', true, 'order-1', 'fp-9'), :t0::timestamptz + interval '48 hours')->'replayed',
          'false'::jsonb, 'an expired key may even be reused with another request');

-- ------------------------------------------------------------ stored errors
SELECT account_id AS poor, key_hash AS poorkey FROM tests.make_account('PRO', 10) \gset
SELECT tests.request(jsonb_build_array(tests.call('generate', '{"input":{"type":"AUDIO","provider":"elevenlabs","input":{"text":"hello"}}}')),
                     true, 'pay-1', 'fp-pay') AS payreq \gset
SELECT is(internal.request_execute(:'poorkey', :'payreq', :t0)->'results'->0->'error'->>'code', 'INSUFFICIENT_CREDITS',
          'a request whose field failed (INSUFFICIENT_CREDITS) ...');
SELECT admin.credits_add(:'poor', 100000, 'top up') IS NOT NULL AS ignored \gset
SELECT is(internal.request_execute(:'poorkey', :'payreq', :t0)->'results'->0->'error'->>'code', 'INSUFFICIENT_CREDITS',
          '... is replayed as it was, even after a top-up');
SELECT is((SELECT count(*) FROM internal.generations WHERE account_id = :'poor'), 0::bigint, 'and executed nothing');

-- ------------------------------------------------------------ scope
SELECT account_id AS other, key_hash AS otherkey FROM tests.make_account('PRO', 100000) \gset
SELECT is(internal.request_execute(:'otherkey', :'req', :t0)->'replayed', 'false'::jsonb,
          'another account with the same key executes its own request');
SELECT is(internal.request_execute(:'tkey', :'req', :t0)->'replayed', 'false'::jsonb,
          'the same account''s test key has its own keys (no live result replayed in test mode)');
SELECT is(internal.request_execute(:'tkey', :'req', :t0)->'replayed', 'true'::jsonb, 'and replays them');

-- ------------------------------------------------------------ nothing stored when nothing executed
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', tests.key_hash('dt_live_nope'),
                                tests.request('[]', true, 'k-401', 'fp'), :t0))->>'sqlstate', 'QA401', 'QA401 ...');
SELECT account_id AS fa, key_hash AS fkey FROM tests.make_account('FREE', 1000) \gset
SELECT bool_and(internal.request_execute(:'fkey', tests.request(), :t0) IS NOT NULL) AS ignored FROM generate_series(1, 10) \gset
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'fkey',
                                tests.request(jsonb_build_array(tests.local_generate()), true, 'k-429', 'fp'), :t0))->>'sqlstate',
          'QA429', 'QA429 (minute) ...');
SELECT is(internal.request_execute(:'fkey', tests.request(jsonb_build_array(tests.local_generate()), true, 'k-busy', 'fp'),
                                   '2030-01-01 00:01:00+00')->'results'->0->'data'->>'status', 'PENDING', 'FREE: one generation running');
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'fkey',
                                tests.request(jsonb_build_array(tests.local_generate()), true, 'k-conc', 'fp'), '2030-01-01 00:01:00+00'))->'detail'->>'scope',
          'concurrency', 'QA429 (concurrency) ...');
SELECT is((SELECT array_agg(idem_key ORDER BY idem_key) FROM internal.idempotency_keys WHERE idem_key LIKE 'k-%'),
          ARRAY['k-busy'], '... store nothing (only the executed request has a row)');

-- ------------------------------------------------------------ queries ignore the key
SELECT is(internal.request_execute(:'key', tests.request(jsonb_build_array(tests.call('provider', '{"id":"local"}')), false, 'q-1', 'fp'), :t0)->'replayed',
          'false'::jsonb, 'a query with a key executes ...');
SELECT is((SELECT count(*) FROM internal.idempotency_keys WHERE idem_key = 'q-1'), 0::bigint, '... and stores nothing');
SELECT is(internal.request_execute(:'key', tests.request('[]', false, '', 'fp'), :t0)->'replayed', 'false'::jsonb,
          'an invalid key on a query is ignored too');

-- ------------------------------------------------------------ key validation
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'key', tests.request('[]', true, k, 'fp'), :t0)),
          '{"sqlstate":"QA400","message":"Idempotency-Key must be 1 to 255 visible ASCII characters.","detail":{"field":"Idempotency-Key"}}'::jsonb,
          'refused key: ' || d)
  FROM (VALUES ('', 'empty'), (repeat('a', 256), '256 characters'), ('a b', 'a space'),
               (E'a\tb', 'a control character'), ('clé', 'non-ASCII')) AS bad(k, d);
SELECT is(internal.request_execute(:'key', tests.request('[]', true, '!' || repeat('x', 253) || '~', 'fp'), :t0)->'replayed',
          'false'::jsonb, '255 visible characters from ! to ~ are accepted');

-- ------------------------------------------------------------ the lock
SET LOCAL lock_timeout = '7s';
SELECT internal.request_execute(:'key', tests.request('[]', true, 'lock-1', 'fp'), :t0) IS NOT NULL AS ignored \gset
SELECT is(current_setting('lock_timeout'), '7s', 'the session''s lock_timeout is restored after taking the key lock');
SELECT ok(EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted),
          'the key''s advisory lock is held until the transaction ends');

-- ------------------------------------------------------------ purge
\set tp '''2030-01-03 12:00:10+00'''
CREATE TEMP TABLE due AS
SELECT (SELECT count(*) FROM internal.idempotency_keys WHERE created_at <= :tp::timestamptz - interval '24 hours') AS keys,
       (SELECT count(*) FROM internal.idempotency_keys WHERE created_at > :tp::timestamptz - interval '24 hours') AS young_keys,
       (SELECT count(*) FROM internal.rate_windows WHERE day_start < :tp::timestamptz - interval '2 days') AS windows,
       (SELECT count(*) FROM internal.rate_windows WHERE day_start >= :tp::timestamptz - interval '2 days') AS young_windows;
SELECT ok((SELECT keys > 0 AND young_keys > 0 AND windows > 0 AND young_windows > 0 FROM due),
          'before the purge: old and young keys and windows exist');
SELECT is(api.maintenance_purge(:tp) - 'persistedQueries' - 'webhookDeliveries',
          (SELECT jsonb_build_object('idempotencyKeys', keys, 'rateWindows', windows) FROM due),
          'purge: counts of keys 24 h old and of windows older than 2 days');
SELECT is((SELECT count(*) FROM internal.idempotency_keys), (SELECT young_keys FROM due), 'younger keys are kept');
SELECT is((SELECT count(*) FROM internal.rate_windows), (SELECT young_windows FROM due), 'younger windows are kept');
SELECT is(api.maintenance_purge(:tp) - 'persistedQueries' - 'webhookDeliveries', '{"idempotencyKeys":0,"rateWindows":0}'::jsonb, 'a second purge finds nothing');

SELECT * FROM finish();
ROLLBACK;
