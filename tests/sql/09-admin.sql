-- 09-admin: the operator functions behind doitong-admin.
-- Covers: account_create (id, wallets, topups, plan names, webhook secret),
-- accounts_list, account_set_plan, key_create / key_revoke, credits_add
-- (topup, adjustment, limits), credits_ledger, provider_set_enabled and
-- providers_list, stats, webhook_secret; QA400 / QA404 for bad input.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(42);

SELECT admin.account_create('Acme', 'starter', 500)->>'id' AS acc \gset
SELECT ok(:'acc' ~ '^acc_[0-9a-f]{24}$', 'account ids look like acc_ + 24 hex');
SELECT results_eq(format($$SELECT test_mode, balance, reserved FROM internal.wallets WHERE account_id = %L ORDER BY test_mode$$, :'acc'),
                  $$VALUES (false, 500::bigint, 0::bigint), (true, 500::bigint, 0::bigint)$$, 'live and test wallets topped up');
SELECT is((SELECT plan FROM internal.accounts WHERE id = :'acc'), 'STARTER', 'plan names are case-insensitive');
SELECT admin.account_create('Empty', NULL, 0)->>'id' AS empty \gset
SELECT is((SELECT count(*) FROM internal.credit_ledger WHERE account_id = :'empty'), 0::bigint, 'no topup rows for 0 credits');
SELECT is((SELECT plan FROM internal.accounts WHERE id = :'empty'), 'FREE', 'the default plan is FREE');
SELECT throws_ok($$SELECT admin.account_create('X', 'gold', 0)$$, 'QA400', NULL, 'unknown plan: QA400');
SELECT throws_ok($$SELECT admin.account_create('', 'free', 0)$$, 'QA400', NULL, 'empty name: QA400');
SELECT throws_ok($$SELECT admin.account_create('X', 'free', -1)$$, 'QA400', NULL, 'negative credits: QA400');

-- webhook secret
SELECT admin.webhook_secret(:'acc') #>> '{}' AS secret \gset
SELECT ok(:'secret' ~ '^whsec_[A-Za-z0-9+/]{43}=$' AND length(decode(substr(:'secret', 7), 'base64')) = 32,
          'webhook secret = whsec_ + base64 of 32 bytes');
SELECT isnt(admin.webhook_secret(:'empty') #>> '{}', :'secret', 'each account has its own secret');
SELECT throws_ok($$SELECT admin.webhook_secret('acc_000000000000000000000000')$$, 'QA404', NULL, 'webhook_secret of an unknown account: QA404');

-- list
SELECT is((SELECT e - 'createdAt' - 'id' FROM jsonb_array_elements(admin.accounts_list()) e WHERE e->>'id' = :'acc'),
          '{"name":"Acme","plan":"STARTER","credits":500,"reservedCredits":0,"testCredits":500}'::jsonb, 'accounts_list');

-- plans
SELECT is(admin.account_set_plan(:'acc', 'enterprise', 600, 50, NULL),
          jsonb_build_object('id', :'acc', 'plan', 'ENTERPRISE', 'requestsPerMinute', 600, 'concurrentGenerations', 50, 'requestsPerDay', NULL),
          'set ENTERPRISE with per-account limits (daily unlimited)');
SELECT is(admin.account_set_plan(:'acc', 'PRO', NULL, NULL, NULL)->'requestsPerMinute', '60'::jsonb, 'PRO without overrides: 60 rpm');
SELECT throws_ok($$SELECT admin.account_set_plan('acc_000000000000000000000000', 'PRO', NULL, NULL, NULL)$$, 'QA404', NULL, 'set-plan unknown account: QA404');
SELECT throws_ok(format($$SELECT admin.account_set_plan(%L, 'PLATINUM', NULL, NULL, NULL)$$, :'acc'), 'QA400', NULL, 'set-plan bad plan: QA400');

-- keys
SELECT ok(admin.key_create(:'acc', tests.key_hash('dt_test_abc'), 'dt_test_abc', true)->>'id' ~ '^key_[0-9a-f]{24}$', 'key_create');
SELECT is((SELECT test_mode FROM internal.api_keys WHERE key_hash = tests.key_hash('dt_test_abc')), true, 'a test key');
SELECT throws_ok(format($$SELECT admin.key_create(%L, %L, 'dt_test_abc', true)$$, :'acc', tests.key_hash('dt_test_abc')),
                 'QA400', NULL, 'the same key twice: QA400');
SELECT throws_ok(format($$SELECT admin.key_create(%L, 'NOTHEX', 'dt_live_x', false)$$, :'acc'), 'QA400', NULL, 'a malformed hash: QA400');
SELECT throws_ok(format($$SELECT admin.key_create('acc_000000000000000000000000', %L, 'dt', false)$$, tests.key_hash('k')),
                 'QA404', NULL, 'key for an unknown account: QA404');
SELECT is(admin.key_revoke(tests.key_hash('dt_test_abc')), 'true'::jsonb, 'revoke: true');
SELECT is(admin.key_revoke(tests.key_hash('dt_test_abc')), 'false'::jsonb, 'revoke again: false');
SELECT throws_ok(format($$SELECT admin.key_revoke(%L)$$, tests.key_hash('never')), 'QA404', NULL, 'revoke an unknown key: QA404');

-- credits
SELECT is(admin.credits_add(:'acc', 250, 'invoice 42'), '{"balance":750,"spendable":750}'::jsonb, 'credits_add tops up');
SELECT is(admin.credits_add(:'acc', -50, 'goodwill reversal'), '{"balance":700,"spendable":700}'::jsonb, 'a negative amount is an adjustment');
SELECT is(admin.credits_add(:'acc', 10, 'test top-up', true), '{"balance":510,"spendable":510}'::jsonb, 'the test wallet');
SELECT throws_ok(format($$SELECT admin.credits_add(%L, 0, 'nothing')$$, :'acc'), 'QA400', NULL, 'zero: QA400');
SELECT is((SELECT array_agg(e->>'kind' || ':' || (e->>'balanceDelta') ORDER BY (e->>'id')::bigint)
             FROM jsonb_array_elements(admin.credits_ledger(:'acc')) e),
          ARRAY['topup:500', 'topup:500', 'topup:250', 'adjustment:-50', 'topup:10'], 'credits_ledger lists every movement');

-- providers and stats
SELECT admin.provider_set_enabled('wan', false) IS NOT NULL AS ignored \gset
SELECT is((SELECT e FROM jsonb_array_elements(admin.providers_list()) e WHERE e->>'id' = 'wan'),
          '{"id":"wan","types":["VIDEO"],"adapter":"wan","enabled":false,"route":"direct",
            "keyEnv":"DOITONG_WAN_KEY","breaker":"closed","failureStreak":0}'::jsonb, 'providers_list shows it disabled');
SELECT is(admin.provider_set_key_env('wan', 'ALIBABA_DASHSCOPE_KEY'), '{"id":"wan","keyEnv":"ALIBABA_DASHSCOPE_KEY"}'::jsonb,
          'provider_set_key_env names the variable');
SELECT is((SELECT key_env FROM internal.providers WHERE id = 'wan'), 'ALIBABA_DASHSCOPE_KEY', 'and the catalog keeps it');
SELECT throws_ok($$SELECT admin.provider_set_key_env('wan', 'lower-case')$$, 'QA400', NULL, 'a variable name that is not one: QA400');
SELECT throws_ok($$SELECT admin.provider_set_key_env('nope', 'X_KEY')$$, 'QA404', NULL, 'an unknown provider: QA404');
SELECT key_hash AS pkey FROM tests.make_account('PRO', 0) \gset
SELECT is((SELECT e->'available' FROM jsonb_array_elements(api.providers(:'pkey', 'VIDEO')) e WHERE e->>'id' = 'wan'),
          'false'::jsonb, 'the public catalog shows it unavailable');
SELECT throws_ok($$SELECT admin.provider_set_enabled('nope', true)$$, 'QA404', NULL, 'enable an unknown provider: QA404');
-- stats over a period: generations by state and provider, credits, webhooks.
SELECT admin.stats('1h') AS s0 \gset
SELECT account_id AS sacc FROM tests.make_account('PRO', 1000) \gset
SELECT tests.generation_in_state(:'sacc', 'COMPLETED'), tests.generation_in_state(:'sacc', 'COMPLETED'),
       tests.generation_in_state(:'sacc', 'FAILED'), tests.generation_in_state(:'sacc', 'PENDING');
INSERT INTO internal.webhook_deliveries (msg_id, account_id, generation_id, event, url, body, status, created_at)
SELECT internal.webhook_msg_id(), :'sacc', g.id, 'generation.failed', 'https://hooks.example/x', '{}', 'FAILED', now()
  FROM internal.generations g WHERE g.account_id = :'sacc' AND g.status = 'FAILED';
INSERT INTO internal.webhook_attempts (delivery_id, attempt_no, worker, finished_at, http_status)
SELECT d.id, n, 'tests', now(), 500 FROM internal.webhook_deliveries d, generate_series(1, 3) n WHERE d.account_id = :'sacc';
SELECT admin.stats('1h') AS s1 \gset
SELECT is(((:'s1'::jsonb)->'generations'->>'COMPLETED')::int - ((:'s0'::jsonb)->'generations'->>'COMPLETED')::int
          + 10 * (((:'s1'::jsonb)->'generations'->>'total')::int - ((:'s0'::jsonb)->'generations'->>'total')::int),
          42, 'stats: generations by status and in total over the period');
SELECT is(jsonb_build_object(
            'total', ((SELECT p FROM jsonb_array_elements((:'s1'::jsonb)->'providers') p WHERE p->>'provider' = 'local')->>'total')::int
                   - coalesce(((SELECT p FROM jsonb_array_elements((:'s0'::jsonb)->'providers') p WHERE p->>'provider' = 'local')->>'total')::int, 0),
            'failed', ((SELECT p FROM jsonb_array_elements((:'s1'::jsonb)->'providers') p WHERE p->>'provider' = 'local')->>'failed')::int
                   - coalesce(((SELECT p FROM jsonb_array_elements((:'s0'::jsonb)->'providers') p WHERE p->>'provider' = 'local')->>'failed')::int, 0)),
          '{"total":4,"failed":1}'::jsonb, 'stats: the provider row counts its generations and failures');
SELECT is((((:'s1'::jsonb)->'credits'->>'spent')::int - ((:'s0'::jsonb)->'credits'->>'spent')::int,
           ((:'s1'::jsonb)->'credits'->>'refunded')::int - ((:'s0'::jsonb)->'credits'->>'refunded')::int)::text,
          (SELECT format('(%s,%s)', sum(credit_cost) FILTER (WHERE status = 'COMPLETED'), sum(credit_cost) FILTER (WHERE status = 'FAILED'))
             FROM internal.generations WHERE account_id = :'sacc'),
          'stats: credits spent (two captures) and refunded (one failure)');
SELECT is((((:'s1'::jsonb)->'webhooks'->>'failed')::int - ((:'s0'::jsonb)->'webhooks'->>'failed')::int,
           ((:'s1'::jsonb)->'webhooks'->>'failedAttempts')::int - ((:'s0'::jsonb)->'webhooks'->>'failedAttempts')::int)::text,
          '(1,3)', 'stats: webhook deliveries that failed and failed attempts');
SELECT throws_ok($$SELECT admin.stats('yesterday-ish')$$, 'QA400', NULL, 'stats: a period that is neither form: QA400');
SELECT is(admin.stats('2000-01-01T00:00:00Z')->>'from', '2000-01-01T00:00:00Z', 'stats: a timestamp as the start');

SELECT * FROM finish();
ROLLBACK;
