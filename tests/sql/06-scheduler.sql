-- 06-scheduler: jobs_claim and the job_* transitions, driven through the
-- internal functions with fixed instants (p_now) so lease expiry is exact.
-- Covers: claim with leases (a claimed job is not claimed again until its
-- lease expires; an expired lease is taken over; the old holder then gets
-- QA409); the claim JSON; the full lifecycle submitting -> submitted ->
-- progress (monotonic, capped at 99, next poll) -> complete (url, cleaned
-- metadata, capture, attempt); fail from PENDING (attempt recorded,
-- release, error JSON, ErrorCode normalization); an in-flight submit is
-- reported and not resubmitted; wrong-state calls raise QA409.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(43);

SELECT account_id AS acc FROM tests.make_account('PRO', 1000000) \gset
\set t0 '''2030-01-01 00:00:00+00'''

SELECT (internal.generation_create(:'acc', false, '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"one"}}', :t0)).id AS j1 \gset
SELECT (internal.generation_create(:'acc', false, '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"two"}}', :t0::timestamptz + interval '1 second')).id AS j2 \gset
SELECT (internal.generation_create(:'acc', false, '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"three"}}', :t0::timestamptz + interval '2 seconds')).id AS j3 \gset
\set t1 '''2030-01-01 00:00:10+00'''

-- ------------------------------------------------------------ leases
SELECT internal.jobs_claim('w1', 2, 60, :t1)::jsonb AS c1 \gset
SELECT is((SELECT array_agg(e->>'id') FROM jsonb_array_elements(:'c1'::jsonb) e), ARRAY[:'j1', :'j2'],
          'w1 claims the two most overdue jobs');
SELECT is((SELECT array_agg(e->>'id') FROM jsonb_array_elements(internal.jobs_claim('w2', 10, 60, :t1)::jsonb) e), ARRAY[:'j3'],
          'w2 gets only the job w1 did not take');
SELECT is(internal.jobs_claim('w3', 10, 60, :t1)::jsonb, '[]'::jsonb, 'nothing left for w3');
SELECT is(internal.jobs_claim('w3', 10, 60, :t1::timestamptz + interval '59 seconds')::jsonb, '[]'::jsonb,
          'leases still held 59 s later');
SELECT results_eq(format($$SELECT lease_owner, lease_until FROM internal.job_queue WHERE generation_id = %L$$, :'j1'),
                  format($$VALUES ('w1'::text, %L::timestamptz + interval '60 seconds')$$, :t1),
                  'the lease is the worker and now + lease seconds');
SELECT is((SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys((:'c1'::jsonb)->0) k),
          ARRAY['accountId','adapter','attemptStartedAt','attempts','autoSelected','awaitingSubmit','baseUrl','createdAt',
                'effectiveOptions','falModel','id','input','keyEnv','model','options',
                'pollInterval','progress','provider','replicateModel','route','startedAt','status','submitInFlight','testMode','timeLimit',
                'type','upstreamModel','upstreamTaskId','webhookUrl'],
          'claim element fields');
SELECT is(((:'c1'::jsonb)->0) - 'accountId' - 'id' - 'createdAt',
          '{"type":"AUDIO","input":{"text":"one"},"model":"eleven_multilingual_v2","route":"direct","status":"PENDING",
            "awaitingSubmit":true,"attemptStartedAt":null,"baseUrl":null,"keyEnv":"DOITONG_ELEVENLABS_KEY","falModel":"fal-ai/elevenlabs/tts/multilingual-v2","replicateModel":null,
            "adapter":"elevenlabs","options":{},"attempts":0,"progress":0,"provider":"elevenlabs","testMode":false,
            "startedAt":null,"timeLimit":120,"webhookUrl":null,"autoSelected":false,"pollInterval":1,
            "upstreamModel":"eleven_multilingual_v2","submitInFlight":false,"upstreamTaskId":null,
            "effectiveOptions":{"speed":1,"voice":"rachel","emotion":"neutral","stability":0.5,
                                "outputFormat":"mp3_44100_128","similarityBoost":0.75}}'::jsonb,
          'claim element content (effectiveOptions = the defaults merged)');

\set t2 '''2030-01-01 00:01:11+00'''
SELECT is((SELECT array_agg(e->>'id' ORDER BY e->>'id') FROM jsonb_array_elements(internal.jobs_claim('w3', 10, 60, :t2)::jsonb) e),
          (SELECT array_agg(x ORDER BY x) FROM unnest(ARRAY[:'j1', :'j2', :'j3']) x),
          'expired leases are taken over');
SELECT throws_ok(format($$SELECT internal.job_submitted(%L, 'w1', 'task', %L)$$, :'j1', :t2), 'QA409', NULL,
                 'the old holder lost its lease: QA409');
SELECT throws_ok(format($$SELECT api.job_submitted(%L, 'w1', 'task')$$, :'j1'), 'QA409', NULL,
                 'also through the api wrapper');
SELECT throws_ok(format($$SELECT internal.job_submitted(%L, 'w3', 'task', %L)$$, 'gen_000000000000000000000000', :t2), 'QA404', NULL,
                 'unknown job: QA404');

-- ------------------------------------------------------------ lifecycle of j1 (held by w3)
SELECT is(internal.job_submitting(:'j1', 'w3', :t2)->'attempts'->0->>'status', 'PENDING', 'job_submitting opens an attempt');
SELECT throws_ok(format($$SELECT internal.job_submitting(%L, 'w3', %L)$$, :'j1', :t2), 'QA409', NULL,
                 'a second submit while one is in flight: QA409');
SELECT internal.job_submitted(:'j1', 'w3', 'up-1', :t2) AS s \gset
SELECT is((:'s'::jsonb)->>'status', 'PROCESSING', 'job_submitted: PROCESSING');
SELECT is((:'s'::jsonb)->>'startedAt', '2030-01-01T00:01:11Z', 'startedAt set');
SELECT results_eq(format($$SELECT g.upstream_task_id, q.lease_owner, q.next_run_at FROM internal.generations g
                           JOIN internal.job_queue q ON q.generation_id = g.id WHERE g.id = %L$$, :'j1'),
                  format($$VALUES ('up-1'::text, NULL::text, %L::timestamptz + interval '1 second')$$, :t2),
                  'task id stored, lease released, next poll after the provider interval');
SELECT is((:'s'::jsonb)->'attempts', '[{"provider":"elevenlabs","model":"eleven_multilingual_v2","status":"PROCESSING","startedAt":"2030-01-01T00:01:11Z","finishedAt":null,"error":null}]'::jsonb,
          'the in-flight attempt is confirmed, not duplicated');
SELECT throws_ok(format($$SELECT internal.job_submitted(%L, 'w3', 'up-2', %L)$$, :'j1', :t2), 'QA409', NULL,
                 'submitting twice: QA409 (lease released)');
SELECT is(internal.jobs_claim('w4', 10, 60, :t2)::jsonb, '[]'::jsonb, 'not due before its next poll');

\set t3 '''2030-01-01 00:01:20+00'''
SELECT is((SELECT array_agg(e->>'id') FROM jsonb_array_elements(internal.jobs_claim('w4', 10, 60, :t3)::jsonb) e
            WHERE e->>'id' = :'j1'), ARRAY[:'j1'], 'due again after the poll interval');
SELECT is(internal.job_progress(:'j1', 'w4', 40, 5, :t3)->>'progress', '40', 'progress 40');
SELECT is((SELECT next_run_at FROM internal.job_queue WHERE generation_id = :'j1'), :t3::timestamptz + interval '5 seconds',
          'next poll as the scheduler asked');
SELECT throws_ok(format($$SELECT internal.job_progress(%L, 'w4', 50, 5, %L)$$, :'j1', :t3), 'QA409', NULL,
                 'the lease was released by job_progress');
SELECT tests.lease(:'j1', 'w4', :t3);
SELECT is(internal.job_progress(:'j1', 'w4', 20, 5, :t3)->>'progress', '40', 'progress never goes back');
SELECT tests.lease(:'j1', 'w4', :t3);
SELECT is(internal.job_progress(:'j1', 'w4', 150, 5, :t3)->>'progress', '99', 'progress is held below 100 until COMPLETED');
SELECT tests.lease(:'j1', 'w4', :t3);
SELECT internal.job_complete(:'j1', 'w4', 'https://media.example/j1.mp3',
                             '{"format":"mp3","duration":1.5,"sizeBytes":1234,"secret":"x","fps":null}', :t3) AS done \gset
SELECT is((:'done'::jsonb)->>'status', 'COMPLETED', 'job_complete: COMPLETED');
SELECT is((:'done'::jsonb)->'metadata', '{"format":"mp3","duration":1.5,"sizeBytes":1234}'::jsonb, 'metadata keeps MediaMetadata fields only');
SELECT ok((:'done'::jsonb)->>'progress' = '100' AND (:'done'::jsonb)->>'url' = 'https://media.example/j1.mp3'
          AND (:'done'::jsonb)->>'completedAt' = '2030-01-01T00:01:20Z', 'progress 100, url, completedAt');
SELECT is((:'done'::jsonb)->'attempts'->0->>'finishedAt', '2030-01-01T00:01:20Z', 'the attempt is finished');
SELECT is((SELECT kind FROM internal.credit_ledger WHERE generation_id = :'j1' ORDER BY id DESC LIMIT 1), 'capture', 'credits captured');
SELECT throws_ok(format($$SELECT internal.job_complete(%L, 'w4', 'https://x', NULL, %L)$$, :'j1', :t3), 'QA409', NULL,
                 'completing twice: QA409');

-- ------------------------------------------------------------ failure from PENDING (j2, held by w3)
SELECT internal.job_fail(:'j2', 'w3', 'SAFETY.INPUT.TEXT', 'The prompt was refused.', NULL, 'REQUEST', :t3) AS f \gset
SELECT is((:'f'::jsonb)->'error', '{"code":"GENERATION_FAILED","message":"The prompt was refused."}'::jsonb,
          'job_fail: error {code, message}, code normalized to an ErrorCode');
SELECT ok((:'f'::jsonb)->>'status' = 'FAILED' AND (:'f'::jsonb)->>'errorCode' = 'GENERATION_FAILED', 'FAILED with errorCode');
SELECT results_eq(format($$SELECT status, error_code, upstream_status FROM internal.generation_attempts WHERE generation_id = %L$$, :'j2'),
                  $$VALUES ('FAILED'::text, 'GENERATION_FAILED'::text, 'SAFETY.INPUT.TEXT'::text)$$,
                  'a failure before any attempt is recorded as one, with the raw upstream code');
SELECT is((SELECT kind FROM internal.credit_ledger WHERE generation_id = :'j2' ORDER BY id DESC LIMIT 1), 'release', 'credits released');

-- ------------------------------------------------------------ in-flight submit survives a crash (j3, held by w3)
SELECT internal.job_submitting(:'j3', 'w3', :t3) IS NOT NULL AS ignored \gset
\set t4 '''2030-01-01 00:05:00+00'''
SELECT is((SELECT e->'submitInFlight' FROM jsonb_array_elements(internal.jobs_claim('w5', 10, 60, :t4)::jsonb) e WHERE e->>'id' = :'j3'),
          'true'::jsonb, 'the next claimer is told a submit was in flight');
SELECT throws_ok(format($$SELECT internal.job_submitting(%L, 'w5', %L)$$, :'j3', :t4), 'QA409', NULL,
                 'and may not blindly submit again');
SELECT is(internal.job_submitted(:'j3', 'w5', 'found-upstream', :t4)->>'status', 'PROCESSING',
          'reconciled: the task found upstream is recorded');

-- ------------------------------------------------------------ argument checks
SELECT throws_ok($$SELECT api.jobs_claim('', 10, 60)$$, 'QA400', NULL, 'an empty worker id: QA400');
-- The claims order by (due time, id); jobs created in one statement share
-- their due time, so an index on the due time alone made a claim read and
-- sort all of them (migration 000024). The queue is its own narrow table
-- (migration 000029), and so is the webhook sender's (migration 000030).
SELECT has_index('internal', 'job_queue', 'job_queue_due_idx', ARRAY['next_run_at', 'generation_id'],
                 'the job queue index is in the claim''s order');
SELECT has_index('internal', 'webhook_queue', 'webhook_queue_due_idx', ARRAY['next_attempt_at', 'delivery_id'],
                 'the webhook queue index is in the claim''s order');
-- The purge finds finished deliveries by their age without reading the
-- whole table (migration 000025).
SELECT has_index('internal', 'webhook_deliveries', 'webhook_deliveries_finished_idx', ARRAY['finished_at'],
                 'finished webhook deliveries are indexed by when they finished');
SELECT ok(tests.ledger_consistent(), 'ledger consistent after the scheduler tests');

SELECT * FROM finish();
ROLLBACK;
