-- 17-breakers-fallback: whose fault a failure is decides what happens next
-- (SPEC §8.5, §8.6). An auto-selected job whose provider fails upstream moves
-- to the next-best untried provider at no more than the accepted price, at
-- most twice, at the accepted price; a named provider never falls back; a REQUEST fault never
-- falls back. Circuit breakers: consecutive live upstream failures open one
-- for its cool-down (providers shows available: false, auto-selection skips
-- it, naming it gives QA503), half-open after the cool-down, re-opened with a
-- doubled cool-down by one more failure, closed by a success. Test-mode jobs
-- never move a breaker. job_defer (429 on submit) and job_submit_unknown
-- (answer lost) keep the job waiting for submit / reconciliation.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(44);

-- Three text-to-video providers, same flat price, ranked veo > kling > luma by QUALITY.
UPDATE internal.providers SET enabled = (id IN ('veo', 'kling', 'luma'));
UPDATE internal.providers SET pricing = '{"unit":"request","credits":10}', failure_streak = 0,
       breaker_open_until = NULL, breaker_trips = 0, breaker_threshold = 3, breaker_cooldown_s = 60
 WHERE id IN ('veo', 'kling', 'luma');
SELECT account_id AS acc FROM tests.make_account('PRO', 1000000) \gset
\set t0 '''2030-01-01 00:00:00+00'''
\set auto '''{"type":"VIDEO","priority":"QUALITY","input":{"text":"a cat"},"webhookUrl":"https://hooks.example/x"}'''

SELECT (internal.generation_create(:'acc', false, :auto, :t0)).id AS g \gset
SELECT is((SELECT provider || ':' || auto_selected FROM internal.generations WHERE id = :'g'), 'veo:true',
          'auto-selection by QUALITY picks veo');
SELECT tests.lease(:'g', 'w1', :t0);
SELECT internal.job_submitting(:'g', 'w1', :t0) IS NOT NULL AS ignored \gset
SELECT internal.job_fail(:'g', 'w1', 'GENERATION_FAILED', 'Service Unavailable', '503', 'UPSTREAM', :t0) AS f \gset
SELECT is((:'f'::jsonb)->'fallback', '{"from":"veo","to":"kling"}', 'an upstream failure falls back to the next best');
SELECT results_eq(format($$SELECT g.status, g.provider, g.awaiting_submit, q.lease_owner, q.next_run_at = %L::timestamptz
                            FROM internal.generations g JOIN internal.job_queue q ON q.generation_id = g.id
                           WHERE g.id = %L$$, :t0, :'g'),
                  $$VALUES ('PENDING'::text, 'kling'::text, true, NULL::text, true)$$,
                  'the job stays PENDING on kling, awaiting submit, released, due at once');
SELECT results_eq(format($$SELECT attempt_no, provider, status, error_code, upstream_status, finished_at IS NOT NULL
                            FROM internal.generation_attempts WHERE generation_id = %L ORDER BY 1$$, :'g'),
                  $$VALUES (1, 'veo'::text, 'FAILED'::text, 'GENERATION_FAILED'::text, '503'::text, true)$$,
                  'the failed attempt is recorded with the upstream status');
SELECT is((SELECT reserved FROM internal.wallets WHERE account_id = :'acc' AND NOT test_mode), 10::bigint,
          'nothing is settled on a fallback: the credits stay reserved');
SELECT is((SELECT failure_streak FROM internal.providers WHERE id = 'veo'), 1, 'veo''s failure streak is 1');
SELECT is((SELECT count(*)::integer FROM internal.webhook_deliveries WHERE generation_id = :'g'), 0,
          'no webhook: the job is not finished');

-- kling accepts, then its task fails upstream while PROCESSING.
SELECT is((SELECT e->>'awaitingSubmit' FROM jsonb_array_elements(internal.jobs_claim('w2', 10, 60, :t0)::jsonb) e
            WHERE e->>'id' = :'g'), 'true', 'claimed again, to be submitted to kling');
SELECT internal.job_submitting(:'g', 'w2', :t0) IS NOT NULL AS ignored \gset
SELECT is(internal.job_submitted(:'g', 'w2', 'kt-1', :t0)->>'status', 'PROCESSING', 'kling accepts: PROCESSING');
SELECT tests.lease(:'g', 'w2', :t0);
SELECT internal.job_progress(:'g', 'w2', 40, 5, :t0) IS NOT NULL AS ignored \gset
SELECT tests.lease(:'g', 'w2', :t0);
SELECT is((internal.job_fail(:'g', 'w2', 'GENERATION_FAILED', 'task failed', 'failed', 'UPSTREAM', :t0))->'fallback',
          '{"from":"kling","to":"luma"}', 'a second fallback, from PROCESSING');
SELECT results_eq(format($$SELECT status, provider, model, upstream_task_id, awaiting_submit, progress
                            FROM internal.generations WHERE id = %L$$, :'g'),
                  $$VALUES ('PROCESSING'::text, 'luma'::text, 'ray-2'::text, NULL::text, true, 40)$$,
                  'still PROCESSING (never back to PENDING), progress kept, luma''s default model, task id cleared');
SELECT tests.lease(:'g', 'w2', :t0);
SELECT internal.job_submitting(:'g', 'w2', :t0) IS NOT NULL AS ignored \gset
SELECT is(internal.job_submitted(:'g', 'w2', 'lt-1', :t0)->>'status', 'PROCESSING', 'a fallen-back job can be submitted again');
SELECT tests.lease(:'g', 'w2', :t0);
SELECT internal.job_fail(:'g', 'w2', 'GENERATION_FAILED', 'luma failed', '500', 'UPSTREAM', :t0) AS f3 \gset
SELECT is(((:'f3'::jsonb)->>'status') || ':' || coalesce((:'f3'::jsonb)->>'fallback', '-'), 'FAILED:-',
          'three providers tried: the third failure is final');
SELECT is((SELECT array_agg(provider || '/' || status ORDER BY attempt_no) FROM internal.generation_attempts WHERE generation_id = :'g'),
          ARRAY['veo/FAILED', 'kling/FAILED', 'luma/FAILED'], 'every attempt is visible');
SELECT is((SELECT reserved FROM internal.wallets WHERE account_id = :'acc' AND NOT test_mode), 0::bigint,
          'the reservation is released once');
SELECT is((SELECT event FROM internal.webhook_deliveries WHERE generation_id = :'g'), 'generation.failed',
          'the final failure queues its webhook');
SELECT ok(tests.ledger_consistent(), 'ledger consistent');

-- A dearer next-best provider runs at the accepted price.
UPDATE internal.providers SET failure_streak = 0 WHERE id IN ('veo', 'kling', 'luma');
UPDATE internal.providers SET pricing = '{"unit":"request","credits":50}' WHERE id = 'kling';
SELECT (internal.generation_create(:'acc', false, :auto, :t0)).id AS g2 \gset
SELECT tests.lease(:'g2', 'w1', :t0);
SELECT is((internal.job_fail(:'g2', 'w1', 'GENERATION_FAILED', 'x', '502', 'UPSTREAM', :t0))->'fallback'->>'to', 'kling',
          'the next best is chosen even when it costs more');
SELECT is((SELECT credit_cost FROM internal.generations WHERE id = :'g2'), 10::bigint,
          'the client still pays the accepted price');
UPDATE internal.providers SET pricing = '{"unit":"request","credits":10}' WHERE id = 'kling';

-- Named providers and REQUEST faults never fall back.
SELECT (internal.generation_create(:'acc', false, '{"type":"VIDEO","provider":"veo","input":{"text":"a dog"}}', :t0)).id AS g3 \gset
SELECT tests.lease(:'g3', 'w1', :t0);
SELECT is((internal.job_fail(:'g3', 'w1', 'GENERATION_FAILED', 'x', '503', 'UPSTREAM', :t0))->>'status', 'FAILED',
          'a named provider fails without fallback');
SELECT (internal.generation_create(:'acc', false, :auto, :t0)).id AS g4 \gset
SELECT tests.lease(:'g4', 'w1', :t0);
SELECT is((internal.job_fail(:'g4', 'w1', 'CONTENT_POLICY', 'refused', '1301', 'REQUEST', :t0))->>'status', 'FAILED',
          'a REQUEST fault (moderation) fails without fallback');
SELECT throws_ok(format($$SELECT internal.job_fail(%L, 'w1', 'X', 'x', NULL, 'BOTH', %L)$$, :'g4', :t0), 'QA409', NULL,
                 'a finished job cannot fail again');

-- ------------------------------------------------------------ circuit breaker (threshold 3, cool-down 60 s)
UPDATE internal.providers SET failure_streak = 0, breaker_open_until = NULL, breaker_trips = 0;
CREATE TEMP TABLE fails AS
SELECT (internal.generation_create(:'acc', false, '{"type":"VIDEO","provider":"kling","input":{"text":"x"}}', :t0)).id AS id
  FROM generate_series(1, 6);
CREATE FUNCTION pg_temp.fail_kling(p_now timestamptz) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE v_id text;
BEGIN
  SELECT f.id INTO v_id FROM fails f JOIN internal.generations g USING (id)
   WHERE g.status = 'PENDING' ORDER BY f.id LIMIT 1;
  PERFORM tests.lease(v_id, 'wb', p_now);
  RETURN internal.job_fail(v_id, 'wb', 'GENERATION_FAILED', 'x', '503', 'UPSTREAM', p_now);
END $$;
SELECT pg_temp.fail_kling(:t0) IS NOT NULL AS ignored \gset
SELECT pg_temp.fail_kling(:t0) IS NOT NULL AS ignored \gset
SELECT is((SELECT breaker_open_until FROM internal.providers WHERE id = 'kling'), NULL, 'two failures: still closed');
SELECT pg_temp.fail_kling(:t0) IS NOT NULL AS ignored \gset
SELECT is((SELECT breaker_open_until FROM internal.providers WHERE id = 'kling'), :t0::timestamptz + interval '60 seconds',
          'the third consecutive failure opens it for the cool-down');
SELECT is((SELECT internal.provider_json(p, :t0)->>'available' FROM internal.providers p WHERE id = 'kling'), 'false',
          'providers shows it unavailable');
SELECT is((tests.error_of(format($$SELECT internal.generation_create(%L, false, '{"type":"VIDEO","provider":"kling","input":{"text":"x"}}', %L)$$,
                                 :'acc', :t0)))->>'sqlstate', 'QA503', 'naming it: PROVIDER_UNAVAILABLE (QA503)');
SELECT is((SELECT array_agg(r_provider ORDER BY r_rank) FROM internal.providers_ranked('VIDEO', 'QUALITY', NULL, '{"text":"x"}', '{}', :t0)),
          ARRAY['veo', 'luma'], 'auto-selection skips it');
SELECT pg_temp.fail_kling(:t0::timestamptz + interval '10 seconds') IS NOT NULL AS ignored \gset
SELECT is((SELECT breaker_open_until FROM internal.providers WHERE id = 'kling'), :t0::timestamptz + interval '60 seconds',
          'late failures of jobs in flight do not extend an open breaker');
\set t1 '''2030-01-01 00:01:00+00'''
SELECT is((SELECT internal.provider_json(p, :t1)->>'available' FROM internal.providers p WHERE id = 'kling'), 'true',
          'after the cool-down it is half-open: offered again');
SELECT pg_temp.fail_kling(:t1) IS NOT NULL AS ignored \gset
SELECT is((SELECT breaker_open_until FROM internal.providers WHERE id = 'kling'), :t1::timestamptz + interval '120 seconds',
          'a failed half-open probe re-opens it with the cool-down doubled');
\set t2 '''2030-01-01 00:03:00+00'''
SELECT (internal.generation_create(:'acc', false, '{"type":"VIDEO","provider":"kling","input":{"text":"ok"}}', :t2)).id AS g5 \gset
SELECT tests.lease(:'g5', 'w1', :t2);
SELECT internal.job_submitting(:'g5', 'w1', :t2) IS NOT NULL AS ignored \gset
SELECT internal.job_submitted(:'g5', 'w1', 'k-ok', :t2) IS NOT NULL AS ignored \gset
SELECT results_eq($$SELECT failure_streak, breaker_open_until, breaker_trips FROM internal.providers WHERE id = 'kling'$$,
                  $$VALUES (0, NULL::timestamptz, 0)$$, 'a successful probe closes it');

-- A CONFIG fault (no API key): falls back, but the breaker does not move.
UPDATE internal.providers SET failure_streak = 0 WHERE id IN ('veo', 'kling', 'luma');
SELECT (internal.generation_create(:'acc', false, :auto, :t2)).id AS gc \gset
SELECT tests.lease(:'gc', 'w1', :t2);
SELECT is((internal.job_fail(:'gc', 'w1', 'GENERATION_FAILED', 'Provider Veo has no API key configured.',
                             'no key', 'CONFIG', :t2))->'fallback'->>'to', 'kling',
          'a CONFIG fault falls back like an upstream one');
SELECT is((SELECT failure_streak FROM internal.providers WHERE id = 'veo'), 0,
          'but the provider''s breaker does not count it');

-- Test mode says nothing about a provider's health.
SELECT (internal.generation_create(:'acc', true, '{"type":"VIDEO","provider":"luma","input":{"text":"x"}}', :t2)).id AS gt \gset
SELECT tests.lease(:'gt', 'w1', :t2);
SELECT internal.job_fail(:'gt', 'w1', 'GENERATION_FAILED', 'x', '503', 'UPSTREAM', :t2) IS NOT NULL AS ignored \gset
SELECT is((SELECT failure_streak FROM internal.providers WHERE id = 'luma'), 0, 'test-mode failures do not count');

-- ------------------------------------------------------------ job_defer and job_submit_unknown
SELECT (internal.generation_create(:'acc', false, '{"type":"VIDEO","provider":"luma","input":{"text":"x"}}', :t2)).id AS g6 \gset
SELECT tests.lease(:'g6', 'w1', :t2);
SELECT internal.job_submitting(:'g6', 'w1', :t2) IS NOT NULL AS ignored \gset
SELECT internal.job_defer(:'g6', 'w1', 30, '429', 'Too many requests', :t2) IS NOT NULL AS ignored \gset
SELECT results_eq(format($$SELECT g.status, g.awaiting_submit, q.lease_owner, q.next_run_at - %L::timestamptz
                            FROM internal.generations g JOIN internal.job_queue q ON q.generation_id = g.id
                           WHERE g.id = %L$$, :t2, :'g6'),
                  $$VALUES ('PENDING'::text, true, NULL::text, interval '30 seconds')$$,
                  'a deferred submit: still PENDING, released, due after the wait');
SELECT results_eq(format($$SELECT status, error_code, upstream_status FROM internal.generation_attempts WHERE generation_id = %L$$, :'g6'),
                  $$VALUES ('FAILED'::text, 'RATE_LIMITED'::text, '429'::text)$$, 'the turned-away attempt is recorded');
SELECT is((SELECT failure_streak FROM internal.providers WHERE id = 'luma'), 0, 'a 429 is not a breaker failure');
SELECT tests.lease(:'g6', 'w1', :t2);
SELECT throws_ok(format($$SELECT internal.job_submit_unknown(%L, 'w1', 5, 'timeout', %L)$$, :'g6', :t2), 'QA409', NULL,
                 'submit_unknown needs a submit in flight');
SELECT internal.job_submitting(:'g6', 'w1', :t2) IS NOT NULL AS ignored \gset
SELECT internal.job_submit_unknown(:'g6', 'w1', 5, 'timeout', :t2) IS NOT NULL AS ignored \gset
SELECT results_eq(format($$SELECT status, finished_at IS NULL, upstream_status FROM internal.generation_attempts
                            WHERE generation_id = %L ORDER BY attempt_no DESC LIMIT 1$$, :'g6'),
                  $$VALUES ('PENDING'::text, true, 'timeout'::text)$$, 'the unknown submit stays in flight');
SELECT is((SELECT e->>'submitInFlight' FROM jsonb_array_elements(internal.jobs_claim('w9', 100, 60, :t2::timestamptz + interval '5 seconds')::jsonb) e
            WHERE e->>'id' = :'g6'), 'true', 'the next claimer is told to reconcile');
SELECT throws_ok(format($$SELECT internal.job_submitting(%L, 'w9', %L)$$, :'g6', :t2), 'QA409', NULL,
                 'and cannot start a second submit');
SELECT is(internal.job_submitted(:'g6', 'w9', 'found-upstream', :t2)->>'status', 'PROCESSING',
          'reconciliation found the task: PROCESSING with its id');
SELECT is((SELECT count(*)::integer FROM internal.generation_attempts WHERE generation_id = :'g6' AND finished_at IS NULL), 1,
          'one open attempt: the in-flight one, confirmed');
SELECT ok(tests.ledger_consistent(), 'ledger consistent at the end');

SELECT * FROM finish();
ROLLBACK;
