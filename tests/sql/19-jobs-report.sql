-- 19-jobs-report: a batch of transitions in one call. Each element follows
-- the single call's rules; one that fails (lost lease, wrong state, unknown
-- kind) is rolled back alone and reported, the others stand; a job
-- cancelled meanwhile is reported as such; a fallback is reported.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(15);

SELECT account_id AS acc FROM tests.make_account('PRO', 1000000) \gset
\set t0 '''2030-01-01 00:00:00+00'''
CREATE TEMP TABLE j AS
SELECT n, (internal.generation_create(:'acc', true, jsonb_build_object('type', 'AUDIO', 'provider', 'local',
             'input', jsonb_build_object('text', 'batch ' || n)), :t0)).id AS id
  FROM generate_series(1, 6) n;
SELECT is(jsonb_array_length(internal.jobs_claim('w', 100, 60, :t0)::jsonb), 6, 'six claimed');
SELECT internal.generation_cancel(:'acc', true, (SELECT id FROM j WHERE n = 5), :t0) IS NOT NULL AS ignored \gset
UPDATE internal.job_queue SET lease_owner = 'other' WHERE generation_id = (SELECT id FROM j WHERE n = 4);

SELECT internal.jobs_report('w', jsonb_build_array(
  jsonb_build_object('id', (SELECT id FROM j WHERE n = 1), 'kind', 'complete', 'url', 'https://m.example/1.wav',
                     'metadata', '{"format":"wav","duration":1}'::jsonb),
  jsonb_build_object('id', (SELECT id FROM j WHERE n = 2), 'kind', 'submitted', 'taskId', 'sim_2'),
  jsonb_build_object('id', (SELECT id FROM j WHERE n = 3), 'kind', 'fail', 'code', 'GENERATION_FAILED',
                     'message', 'Simulated failure.'),
  jsonb_build_object('id', (SELECT id FROM j WHERE n = 4), 'kind', 'complete', 'url', 'https://m.example/4.wav'),
  jsonb_build_object('id', (SELECT id FROM j WHERE n = 5), 'kind', 'complete', 'url', 'https://m.example/5.wav'),
  jsonb_build_object('id', (SELECT id FROM j WHERE n = 6), 'kind', 'teleport')), :t0) AS r \gset

SELECT is(jsonb_array_length(:'r'::jsonb), 6, 'one result per element, in order');
SELECT is((SELECT array_agg(e->>'id' ORDER BY o) FROM jsonb_array_elements(:'r'::jsonb) WITH ORDINALITY x(e, o)),
          (SELECT array_agg(id ORDER BY n) FROM j), 'results carry the ids in input order');
SELECT is((:'r'::jsonb)->0, jsonb_build_object('id', (SELECT id FROM j WHERE n = 1), 'ok', true), 'complete: ok');
SELECT is((SELECT status || ' ' || url FROM internal.generations WHERE id = (SELECT id FROM j WHERE n = 1)),
          'COMPLETED https://m.example/1.wav', 'and the job is COMPLETED with its URL');
SELECT is((SELECT status FROM internal.generations WHERE id = (SELECT id FROM j WHERE n = 2)), 'PROCESSING', 'submitted: PROCESSING');
SELECT is((SELECT status || ' ' || error_code FROM internal.generations WHERE id = (SELECT id FROM j WHERE n = 3)),
          'FAILED GENERATION_FAILED', 'fail: FAILED');
SELECT is((:'r'::jsonb)->3->'error'->>'sqlstate', 'QA409', 'another worker''s lease: that element alone fails with QA409');
SELECT is((SELECT status FROM internal.generations WHERE id = (SELECT id FROM j WHERE n = 4)), 'PENDING', 'and its job is untouched');
SELECT is((:'r'::jsonb)->4->>'cancelled', 'true', 'a job cancelled meanwhile is reported cancelled');
SELECT is((:'r'::jsonb)->5->'error'->>'sqlstate', 'QA400', 'an unknown kind: QA400 for that element');
SELECT ok(tests.ledger_consistent(), 'ledger consistent (capture and release each once)');

-- The "complete" group fails as a whole (here: one of its jobs was already
-- settled, so the set-based capture breaks credit_ledger_one_settle): each is
-- then recorded alone, after their wallets are locked in the one order.
CREATE TEMP TABLE k AS
SELECT n, (internal.generation_create(:'acc', true, jsonb_build_object('type', 'AUDIO', 'provider', 'local',
             'input', jsonb_build_object('text', 'group ' || n)), :t0)).id AS id
  FROM generate_series(1, 3) n;
SELECT is(jsonb_array_length(internal.jobs_claim('w', 100, 60, :t0)::jsonb), 3, 'three more claimed');
SELECT internal.ledger_post(:'acc', true, 'capture', -g.credit_cost, -g.credit_cost, g.id, 'settled early', :t0) IS NOT NULL AS ignored
  FROM internal.generations g WHERE g.id = (SELECT id FROM k WHERE n = 2) \gset
SELECT internal.jobs_report('w', (SELECT jsonb_agg(jsonb_build_object('id', id, 'kind', 'complete',
                                                                        'url', 'https://m.example/k' || n || '.wav') ORDER BY n)
                                    FROM k), :t0) AS r2 \gset
SELECT is((SELECT array_agg((e->>'ok') || ' ' || coalesce(e->'error'->>'sqlstate', '-') ORDER BY o)
             FROM jsonb_array_elements(:'r2'::jsonb) WITH ORDINALITY x(e, o)),
          ARRAY['true -', 'false 23505', 'true -'],
          'the group failed as a whole: each alone, the settled one refused (23505), the others complete');
SELECT ok(tests.ledger_consistent(), 'ledger consistent after the one-by-one retry');

SELECT * FROM finish();
ROLLBACK;
