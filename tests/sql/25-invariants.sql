-- 25-invariants: api.invariant_violations (doitong-admin doctor --invariants,
-- issue 10 item 6). Starts from a consistent set of generations in every
-- state (no violation), then breaks one promise at a time on purpose, inside
-- this transaction, and sees each one named with its subject: a wallet that
-- disagrees with its ledger, a reservation of a missing generation, a live
-- generation whose reservation was released, a live generation past its
-- provider's time limit, a finished generation whose webhook delivery
-- vanished or was never attempted, two open upstream attempts, two attempts
-- on one upstream task, a queue out of step with the generations. Rolled
-- back.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(15);

-- Older rows of the throwaway database are not ours: compare our subjects only.
CREATE TEMP TABLE ours (subject text PRIMARY KEY);
CREATE FUNCTION pg_temp.found(p_now timestamptz DEFAULT now())
RETURNS TABLE (kind text, subject text) LANGUAGE sql AS $$
  SELECT v.kind, v.subject FROM api.invariant_violations(p_now) v
   WHERE v.subject IN (SELECT o.subject FROM ours o)
      OR split_part(v.subject, ' ', 1) IN (SELECT o.subject FROM ours o)
$$;

SELECT account_id AS acc FROM tests.make_account('PRO', 1000) \gset
INSERT INTO ours VALUES (:'acc');
SELECT tests.generation_in_state(:'acc', 'PENDING') AS g_pending \gset
SELECT tests.generation_in_state(:'acc', 'PROCESSING') AS g_proc \gset
SELECT tests.generation_in_state(:'acc', 'COMPLETED') AS g_done \gset
SELECT tests.generation_in_state(:'acc', 'FAILED') AS g_failed \gset
SELECT tests.generation_in_state(:'acc', 'CANCELLED') AS g_cancelled \gset
-- A finished generation with a webhookUrl: its delivery is queued with it.
SELECT (internal.generation_create(:'acc', false,
          '{"type":"AUDIO","provider":"local","input":{"text":"hi"},"webhookUrl":"https://hooks.example/h"}',
          now())).id AS g_hook \gset
SELECT tests.lease(:'g_hook', 'tests');
SELECT internal.job_submitted(:'g_hook', 'tests', 'task-hook', now()) IS NOT NULL AS ignored \gset
SELECT tests.lease(:'g_hook', 'tests');
SELECT internal.job_complete(:'g_hook', 'tests', 'https://media.example/h.wav', '{"format":"wav"}', now()) IS NOT NULL AS ignored \gset
INSERT INTO ours SELECT unnest(ARRAY[:'g_pending', :'g_proc', :'g_done', :'g_failed', :'g_cancelled', :'g_hook',
                                     'gen_00000000000000000000dead']);

SELECT is_empty('SELECT * FROM pg_temp.found()', 'consistent data: no violation');
SELECT is((SELECT count(*) FROM internal.webhook_deliveries WHERE generation_id = :'g_hook'), 1::bigint,
          'the finished generation with a webhookUrl has its delivery queued');

-- 1. A wallet edited behind the ledger's back.
UPDATE internal.wallets SET balance = balance + 5 WHERE account_id = :'acc' AND NOT test_mode;
SELECT results_eq('SELECT kind, subject FROM pg_temp.found()',
                  format($$VALUES ('balance_mismatch', '%s (live)')$$, :'acc'),
                  'a wallet that disagrees with its ledger is named');
SELECT is((SELECT detail FROM api.invariant_violations() WHERE subject = :'acc' || ' (live)'),
          (SELECT format('wallet balance %s reserved %s, ledger sums balance %s reserved %s',
                         balance, reserved, balance - 5, reserved)
             FROM internal.wallets WHERE account_id = :'acc' AND NOT test_mode),
          'the detail shows both sides');
UPDATE internal.wallets SET balance = balance - 5 WHERE account_id = :'acc' AND NOT test_mode;
SELECT is_empty('SELECT * FROM pg_temp.found()', 'restored: no violation');

-- 2. A reservation for a generation that does not exist.
SELECT internal.ledger_post(:'acc', false, 'reserve', 0, 3, 'gen_00000000000000000000dead', 'corrupt', now())
  IS NOT NULL AS ignored \gset
SELECT results_eq('SELECT kind, subject FROM pg_temp.found()',
                  $$VALUES ('orphan_reservation', 'gen_00000000000000000000dead')$$,
                  'a reservation without a live or finished generation is named');
SELECT internal.ledger_post(:'acc', false, 'release', 0, -3, 'gen_00000000000000000000dead', 'corrupt', now())
  IS NOT NULL AS ignored \gset

-- 3. A live generation whose reservation was released (it would run for free).
SELECT internal.ledger_post(:'acc', false, 'release', 0, -1, :'g_pending', 'corrupt', now()) IS NOT NULL AS ignored \gset
SELECT results_eq('SELECT kind, subject FROM pg_temp.found()',
                  format($$VALUES ('unreserved_generation', '%s')$$, :'g_pending'),
                  'a live generation without a reservation is named');

-- 4. Live generations past the provider's time limit (local: time_limit_s).
SELECT results_eq(format('SELECT kind, subject FROM pg_temp.found(now() + make_interval(secs => %s)) WHERE kind = %L',
                         (SELECT time_limit_s + 601 FROM internal.providers WHERE id = 'local'), 'stuck_generation'),
                  format($$VALUES ('stuck_generation', '%s'), ('stuck_generation', '%s')$$,
                         least(:'g_pending', :'g_proc'), greatest(:'g_pending', :'g_proc')),
                  'live generations past the time limit and its grace are named');
SELECT is_empty(format('SELECT * FROM pg_temp.found(now() + make_interval(secs => %s)) WHERE kind = %L',
                       (SELECT time_limit_s + 599 FROM internal.providers WHERE id = 'local'), 'stuck_generation'),
                'within the grace: not stuck');

-- 5. A finished generation with a webhookUrl whose delivery never got queued,
-- then one queued but never attempted.
CREATE TEMP TABLE saved AS SELECT * FROM internal.webhook_deliveries WHERE generation_id = :'g_hook';
DELETE FROM internal.webhook_deliveries WHERE generation_id = :'g_hook';
SELECT results_eq($$SELECT kind, subject FROM pg_temp.found() WHERE kind = 'webhook_never_attempted'$$,
                  format($$VALUES ('webhook_never_attempted', '%s')$$, :'g_hook'),
                  'a finished generation without its webhook delivery is named');
INSERT INTO internal.webhook_deliveries OVERRIDING SYSTEM VALUE SELECT * FROM saved;
SELECT is_empty($$SELECT * FROM pg_temp.found(now() + interval '9 minutes') WHERE kind = 'webhook_never_attempted'$$,
                'a delivery due for less than 10 minutes is not yet a violation');
SELECT results_eq($$SELECT kind, subject FROM pg_temp.found(now() + interval '11 minutes') WHERE kind = 'webhook_never_attempted'$$,
                  format($$VALUES ('webhook_never_attempted', '%s')$$, :'g_hook'),
                  'a delivery due for over 10 minutes and never attempted is named');

-- 6. Two upstream submissions of one generation.
INSERT INTO internal.generation_attempts (generation_id, attempt_no, provider, status, upstream_task_id, started_at)
VALUES (:'g_proc', 2, 'local', 'PROCESSING', 'task-other', now());
INSERT INTO internal.generation_attempts (generation_id, attempt_no, provider, status, upstream_task_id, started_at, finished_at)
VALUES (:'g_done', 2, 'local', 'FAILED', 'task-' || :'g_done', now(), now());
SELECT results_eq($$SELECT kind, subject FROM pg_temp.found() WHERE kind = 'double_submission'$$,
                  format($$VALUES ('double_submission', '%s'), ('double_submission', '%s')$$,
                         least(:'g_done', :'g_proc'), greatest(:'g_done', :'g_proc')),
                  'two open attempts, and two attempts on one upstream task, are named');

-- 7. A live generation the scheduler cannot see, and a finished one it still
-- would claim (the guard trigger keeps the queue in step; a hand-made change
-- can break it).
DELETE FROM internal.job_queue WHERE generation_id = :'g_pending';
INSERT INTO internal.job_queue (generation_id, next_run_at) VALUES (:'g_done', now());
SELECT results_eq($$SELECT kind, subject FROM pg_temp.found() WHERE kind = 'queue_mismatch'$$,
                  format($$VALUES ('queue_mismatch', '%s'), ('queue_mismatch', '%s')$$,
                         least(:'g_pending', :'g_done'), greatest(:'g_pending', :'g_done')),
                  'a live generation missing from the queue, and a finished one in it, are named');
-- The same for a PENDING webhook delivery and the webhook queue: named by
-- its webhook-id.
DELETE FROM internal.job_queue WHERE generation_id = :'g_done';
INSERT INTO internal.job_queue (generation_id, next_run_at) VALUES (:'g_pending', now());
SELECT msg_id AS hook_msg FROM internal.webhook_deliveries WHERE generation_id = :'g_hook' \gset
INSERT INTO ours VALUES (:'hook_msg');
DELETE FROM internal.webhook_queue q USING internal.webhook_deliveries d
 WHERE q.delivery_id = d.id AND d.msg_id = :'hook_msg';
SELECT results_eq($$SELECT kind, subject FROM pg_temp.found() WHERE kind = 'queue_mismatch'$$,
                  format($$VALUES ('queue_mismatch', '%s')$$, :'hook_msg'),
                  'a PENDING webhook delivery missing from the webhook queue is named');

SELECT * FROM finish();
ROLLBACK;
