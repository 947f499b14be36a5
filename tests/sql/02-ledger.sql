-- 02-ledger: credits (SPEC §7).
-- Covers: topup at account creation (both wallets); reserve on generate;
-- capture on job_complete; release on job_fail and on cancel; after every
-- step wallet.balance = sum(balance_delta) and wallet.reserved =
-- sum(reserved_delta); test keys spend the test wallet only; the ledger
-- refuses UPDATE, DELETE and TRUNCATE; spendable credits never go negative
-- (constraint, reserve, adjustments); one settlement per generation.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(34);

SELECT account_id AS acc, key_hash AS key, test_key_hash AS tkey FROM tests.make_account('PRO', 2000) \gset

-- topup
SELECT is((SELECT count(*) FROM internal.credit_ledger WHERE account_id = :'acc' AND kind = 'topup'), 2::bigint,
          'account creation tops up both wallets');
SELECT results_eq(format($$SELECT test_mode, balance, reserved FROM internal.wallets WHERE account_id = %L ORDER BY test_mode$$, :'acc'),
                  $$VALUES (false, 2000::bigint, 0::bigint), (true, 2000::bigint, 0::bigint)$$,
                  'both wallets hold the initial credits');
SELECT ok(tests.ledger_consistent(), 'consistent after topup');

-- reserve: elevenlabs, 1 kchars = 600 credits
SELECT api.generate(:'key', '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"Welcome"}}')->>'id' AS g1 \gset
SELECT results_eq(format($$SELECT balance, reserved FROM internal.wallets WHERE account_id = %L AND NOT test_mode$$, :'acc'),
                  $$VALUES (2000::bigint, 600::bigint)$$, 'generate reserves the price');
SELECT results_eq(format($$SELECT kind, balance_delta, reserved_delta FROM internal.credit_ledger WHERE generation_id = %L$$, :'g1'),
                  $$VALUES ('reserve'::text, 0::bigint, 600::bigint)$$, 'one reserve row (0, +600)');
SELECT ok(tests.ledger_consistent(), 'consistent after reserve');

-- capture
SELECT tests.lease(:'g1', 'w1');
SELECT internal.job_submitted(:'g1', 'w1', NULL, now()) IS NOT NULL AS ignored \gset
SELECT tests.lease(:'g1', 'w1');
SELECT is(internal.job_complete(:'g1', 'w1', 'https://media.example/a.mp3', '{"format":"mp3"}', now())->>'status',
          'COMPLETED', 'job_complete completes');
SELECT results_eq(format($$SELECT balance, reserved FROM internal.wallets WHERE account_id = %L AND NOT test_mode$$, :'acc'),
                  $$VALUES (1400::bigint, 0::bigint)$$, 'capture spends the reservation');
SELECT results_eq(format($$SELECT kind, balance_delta, reserved_delta FROM internal.credit_ledger WHERE generation_id = %L ORDER BY id$$, :'g1'),
                  $$VALUES ('reserve'::text, 0::bigint, 600::bigint), ('capture', -600, -600)$$, 'capture row (-600, -600)');
SELECT ok(tests.ledger_consistent(), 'consistent after capture');

-- release on failure
SELECT api.generate(:'key', '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"Fails"}}')->>'id' AS g2 \gset
SELECT tests.lease(:'g2', 'w1');
SELECT is(internal.job_fail(:'g2', 'w1', 'GENERATION_FAILED', 'upstream said no', NULL, 'REQUEST', now())->>'status', 'FAILED', 'job_fail fails');
SELECT results_eq(format($$SELECT kind, balance_delta, reserved_delta FROM internal.credit_ledger WHERE generation_id = %L ORDER BY id$$, :'g2'),
                  $$VALUES ('reserve'::text, 0::bigint, 600::bigint), ('release', 0, -600)$$, 'release row (0, -600) on failure');
SELECT results_eq(format($$SELECT balance, reserved FROM internal.wallets WHERE account_id = %L AND NOT test_mode$$, :'acc'),
                  $$VALUES (1400::bigint, 0::bigint)$$, 'a failed generation costs nothing');
SELECT ok(tests.ledger_consistent(), 'consistent after failure');

-- release on cancel
SELECT api.generate(:'key', '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"Cancel me"}}')->>'id' AS g3 \gset
SELECT is(api.generation_cancel(:'key', :'g3'), 'true'::jsonb, 'cancel');
SELECT results_eq(format($$SELECT kind, balance_delta, reserved_delta FROM internal.credit_ledger WHERE generation_id = %L ORDER BY id$$, :'g3'),
                  $$VALUES ('reserve'::text, 0::bigint, 600::bigint), ('release', 0, -600)$$, 'release row on cancel');
SELECT results_eq(format($$SELECT balance, reserved FROM internal.wallets WHERE account_id = %L AND NOT test_mode$$, :'acc'),
                  $$VALUES (1400::bigint, 0::bigint)$$, 'a cancelled generation costs nothing');
SELECT ok(tests.ledger_consistent(), 'consistent after cancel');

-- test mode spends the test wallet only
SELECT api.generate(:'tkey', '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"Test mode"}}')->>'id' AS t1 \gset
SELECT results_eq(format($$SELECT test_mode, balance, reserved FROM internal.wallets WHERE account_id = %L ORDER BY test_mode$$, :'acc'),
                  $$VALUES (false, 1400::bigint, 0::bigint), (true, 2000::bigint, 600::bigint)$$,
                  'a test key reserves from the test wallet only');
SELECT is((SELECT test_mode FROM internal.generations WHERE id = :'t1'), true, 'the generation is in test mode');

-- spend exactly the rest, then one more credit is refused
SELECT lives_ok(format($$SELECT internal.credits_reserve(%L, false, 1400, 'gen_aaaaaaaaaaaaaaaaaaaaaaaa', now())$$, :'acc'),
                'reserving exactly the spendable amount works');
SELECT throws_ok(format($$SELECT internal.credits_reserve(%L, false, 1, 'gen_bbbbbbbbbbbbbbbbbbbbbbbb', now())$$, :'acc'),
                 'QA402', NULL, 'one credit more is INSUFFICIENT_CREDITS');
SELECT throws_ok(format($$UPDATE internal.wallets SET reserved = balance + 1 WHERE account_id = %L AND NOT test_mode$$, :'acc'),
                 '23514', NULL, 'the wallet constraint refuses negative spendable credits');
SELECT throws_ok(format($$SELECT internal.ledger_post(%L, false, 'adjustment', -1, 0, NULL, 'x', now())$$, :'acc'),
                 '23514', NULL, 'even the ledger writer cannot overdraw');
SELECT throws_ok(format($$SELECT admin.credits_add(%L, -1, 'chargeback')$$, :'acc'),
                 'QA400', NULL, 'a negative adjustment beyond spendable is refused');
SELECT ok(NOT EXISTS (SELECT 1 FROM internal.wallets WHERE balance - reserved < 0 OR reserved < 0),
          'no wallet has negative spendable or reserved credits');
SELECT ok(tests.ledger_consistent(), 'consistent at the end');

-- append-only ledger
SELECT throws_ok($$UPDATE internal.credit_ledger SET balance_delta = balance_delta + 1$$, '23001', NULL,
                 'ledger rows cannot be updated');
SELECT throws_ok($$DELETE FROM internal.credit_ledger$$, '23001', NULL, 'ledger rows cannot be deleted');
SELECT throws_ok($$TRUNCATE internal.credit_ledger CASCADE$$, '23001', NULL, 'the ledger cannot be truncated');

-- one settlement per generation
SELECT throws_ok(format($$SELECT internal.credits_settle(g, 'release', now()) FROM internal.generations g WHERE id = %L$$, :'g1'),
                 '23505', NULL, 'a settled generation cannot be settled again');
SELECT throws_ok($$INSERT INTO internal.credit_ledger (account_id, test_mode, kind, balance_delta, reserved_delta)
                   SELECT account_id, test_mode, 'capture', 5, 5 FROM internal.wallets LIMIT 1$$,
                 '23514', NULL, 'ledger rows must have the shape of their kind');
SELECT is((SELECT sum(balance_delta) FROM internal.credit_ledger WHERE account_id = :'acc' AND NOT test_mode),
          1400::numeric, 'the live balance is the sum of the ledger');
SELECT is((SELECT sum(reserved_delta) FROM internal.credit_ledger WHERE account_id = :'acc' AND NOT test_mode),
          1400::numeric, 'the live reservations are the sum of the ledger');

SELECT * FROM finish();
ROLLBACK;
