-- 18-webhooks: deliveries are queued in the transaction that ends a
-- generation (completed, failed, cancelled; only with a webhookUrl; once per
-- event), claimed with leases and the account's signing secrets (both during
-- a rotation), and reported in batches: 2xx delivers, 410 stops, anything
-- else retries on the schedule (default SPEC §9's, jittered, Retry-After
-- honoured) until it is used up; every attempt is recorded; a worker that
-- lost the lease is ignored.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(37);

SELECT account_id AS acc, key_hash AS key FROM tests.make_account('PRO', 1000000) \gset
\set t0 '''2030-01-01 00:00:00+00'''
\set hook '''{"type":"AUDIO","provider":"local","input":{"text":"hi"},"webhookUrl":"https://hooks.example/in"}'''

SELECT (internal.generation_create(:'acc', false, :hook, :t0)).id AS g1 \gset
SELECT (internal.generation_create(:'acc', false, '{"type":"AUDIO","provider":"local","input":{"text":"no hook"}}', :t0)).id AS g0 \gset
SELECT is((SELECT count(*)::integer FROM internal.webhook_deliveries), 0, 'nothing queued at acceptance');
SELECT tests.lease(:'g1', 'w', :t0);
SELECT internal.job_complete(:'g1', 'w', 'https://m.example/a.wav', '{"format":"wav","duration":1}', :t0) IS NOT NULL AS ignored \gset
SELECT tests.lease(:'g0', 'w', :t0);
SELECT internal.job_complete(:'g0', 'w', 'https://m.example/b.wav', '{}', :t0) IS NOT NULL AS ignored \gset
SELECT results_eq($$SELECT generation_id, event, url, status, attempts FROM internal.webhook_deliveries$$,
                  format($$VALUES (%L::text, 'generation.completed'::text, 'https://hooks.example/in'::text, 'PENDING'::text, 0)$$, :'g1'),
                  'completion queues one generation.completed delivery; a job without webhookUrl none');
SELECT body AS body1, msg_id AS msg1, id AS d1 FROM internal.webhook_deliveries WHERE generation_id = :'g1' \gset
SELECT results_eq($$SELECT delivery_id, next_attempt_at, lease_owner FROM internal.webhook_queue$$,
                  format($$VALUES (%s::bigint, %L::timestamptz, NULL::text)$$, :'d1', :t0),
                  'the delivery is in the webhook queue, due at once, unleased');
SELECT ok(:'msg1' ~ '^msg_[0-9a-v]{26}$', 'webhook-id: msg_ and 26 base32hex characters');
SELECT is((:'body1'::jsonb)->>'type', 'generation.completed', 'body type');
SELECT is((:'body1'::jsonb)->>'timestamp', '2030-01-01T00:00:00Z', 'body timestamp: when the generation ended');
SELECT is((:'body1'::jsonb)->'data'->>'id', :'g1', 'body data: the generation');
SELECT is((:'body1'::jsonb)->'data'->>'status', 'COMPLETED', 'with its final status');
SELECT is((:'body1'::jsonb)->'data'->>'url', 'https://m.example/a.wav', 'and its result URL');

SELECT (internal.generation_create(:'acc', false, :hook, :t0)).id AS g2 \gset
SELECT internal.generation_cancel(:'acc', false, :'g2', :t0) IS NOT NULL AS ignored \gset
SELECT (internal.generation_create(:'acc', false, :hook, :t0)).id AS g3 \gset
SELECT tests.lease(:'g3', 'w', :t0);
SELECT internal.job_fail(:'g3', 'w', 'GENERATION_FAILED', 'no', NULL, 'REQUEST', :t0) IS NOT NULL AS ignored \gset
SELECT is((SELECT array_agg(event ORDER BY id) FROM internal.webhook_deliveries),
          ARRAY['generation.completed', 'generation.cancelled', 'generation.failed'], 'cancel and fail queue theirs');
SELECT internal.webhook_enqueue(g, :t0) IS NULL AS ignored FROM internal.generations g WHERE id = :'g1' \gset
SELECT is((SELECT count(*)::integer FROM internal.webhook_deliveries), 3, 'one delivery per event, however often asked');

-- ------------------------------------------------------------ claim
SELECT internal.webhooks_claim('w1', 2, 30, :t0) AS c \gset
SELECT is(jsonb_array_length(:'c'::jsonb), 2, 'claims up to the limit, oldest first');
SELECT is((SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys((:'c'::jsonb)->0) k),
          ARRAY['attempt', 'body', 'id', 'msgId', 'secrets', 'url'], 'claim element fields');
SELECT is((:'c'::jsonb)->0->>'body', :'body1', 'the body is the stored bytes');
SELECT is((:'c'::jsonb)->0->'secrets', (SELECT to_jsonb(ARRAY[webhook_secret]) FROM internal.accounts WHERE id = :'acc'),
          'signed with the account''s secret');
SELECT is(jsonb_array_length(internal.webhooks_claim('w2', 10, 30, :t0)::jsonb), 1, 'leased deliveries are not claimed twice');
SELECT is(jsonb_array_length(internal.webhooks_claim('w3', 10, 30, :t0::timestamptz + interval '30 seconds')::jsonb), 3,
          'expired leases are taken over');

-- ------------------------------------------------------------ report
\set t1 '''2030-01-01 00:01:00+00'''
UPDATE internal.webhook_queue SET lease_owner = 'w1', lease_until = :t1::timestamptz + interval '1 minute';
SELECT is(internal.webhooks_report('w1', format('[{"id":%s,"httpStatus":500,"error":null,"durationMs":12}]', :'d1')::jsonb, NULL, :t1),
          '{"delivered":0,"retrying":1,"failed":0,"released":0,"skipped":0}', 'a 500 retries');
SELECT ok((SELECT next_attempt_at BETWEEN :t1::timestamptz + interval '5 seconds' AND :t1::timestamptz + interval '5.5 seconds'
             FROM internal.webhook_queue WHERE delivery_id = :d1), 'after the schedule''s first wait (5 s) plus at most 10% jitter');
SELECT results_eq(format($$SELECT attempt_no, worker, http_status, error, duration_ms FROM internal.webhook_attempts WHERE delivery_id = %s$$, :'d1'),
                  $$VALUES (1, 'w1'::text, 500, 'HTTP 500'::text, 12)$$, 'the attempt is recorded');
SELECT is(internal.webhooks_report('w1', format('[{"id":%s,"httpStatus":200}]', :'d1')::jsonb, NULL, :t1)->>'skipped', '1',
          'a worker without the lease is ignored');
UPDATE internal.webhook_queue SET lease_owner = 'w1', lease_until = :t1::timestamptz + interval '1 minute';
SELECT is(internal.webhooks_report('w1', format('[{"id":%s,"httpStatus":204,"durationMs":3}]', :'d1')::jsonb, NULL, :t1)->>'delivered', '1',
          'a 2xx delivers');
SELECT results_eq(format($$SELECT status, attempts, finished_at, last_error FROM internal.webhook_deliveries WHERE id = %s$$, :'d1'),
                  format($$VALUES ('DELIVERED'::text, 2, %L::timestamptz, NULL::text)$$, :t1), 'delivered after two attempts');
SELECT is((SELECT count(*)::integer FROM internal.webhook_queue WHERE delivery_id = :d1), 0,
          'a delivered event leaves the webhook queue');
SELECT id AS d2 FROM internal.webhook_deliveries WHERE generation_id = :'g2' \gset
SELECT id AS d3 FROM internal.webhook_deliveries WHERE generation_id = :'g3' \gset
SELECT is(internal.webhooks_report('w1', format('[{"id":%s,"httpStatus":410},{"id":%s,"httpStatus":429,"retryAfter":600}]', :'d2', :'d3')::jsonb,
                                   NULL, :t1),
          '{"delivered":0,"retrying":1,"failed":1,"released":0,"skipped":0}', '410 Gone stops at once; 429 retries');
SELECT ok((SELECT next_attempt_at >= :t1::timestamptz + interval '600 seconds' FROM internal.webhook_queue WHERE delivery_id = :d3),
          'Retry-After is honoured');
-- A short schedule {1,1}: three attempts in all.
UPDATE internal.webhook_queue SET lease_owner = 'w1', lease_until = :t1::timestamptz + interval '1 minute' WHERE delivery_id = :d3;
SELECT is(internal.webhooks_report('w1', format('[{"id":%s,"error":"connection refused","durationMs":1}]', :'d3')::jsonb,
                                   '{1,1}', :t1)->>'retrying', '1', 'a connection failure retries');
UPDATE internal.webhook_queue SET lease_owner = 'w1', lease_until = :t1::timestamptz + interval '1 minute' WHERE delivery_id = :d3;
SELECT is(internal.webhooks_report('w1', format('[{"id":%s,"httpStatus":503}]', :'d3')::jsonb, '{1,1}', :t1)->>'failed', '1',
          'the schedule used up: FAILED');
SELECT results_eq(format($$SELECT status, attempts, last_error FROM internal.webhook_deliveries WHERE id = %s$$, :'d3'),
                  $$VALUES ('FAILED'::text, 3, 'HTTP 503'::text)$$, 'three attempts, the last error kept');
SELECT is((SELECT count(*)::integer FROM internal.webhook_queue WHERE delivery_id IN (:d2, :d3)), 0,
          'gone and failed events leave the webhook queue');

-- Rotation: both secrets sign.
SELECT internal.field_rotate_webhook_secret(internal.principal_of(:'key'), now()) IS NOT NULL AS ignored \gset
SELECT (internal.generation_create(:'acc', false, :hook, now())).id AS g4 \gset
SELECT internal.generation_cancel(:'acc', false, :'g4', now()) IS NOT NULL AS ignored \gset
SELECT is((SELECT jsonb_array_length(e->'secrets') FROM jsonb_array_elements(internal.webhooks_claim('w5', 10, 30, now())::jsonb) e
            WHERE (e->>'id')::bigint = (SELECT id FROM internal.webhook_deliveries WHERE generation_id = :'g4')), 2,
          'during a rotation both secrets are handed to the signer');

-- A claimed delivery the worker did not attempt is handed back: no attempt.
SELECT id AS d4 FROM internal.webhook_deliveries WHERE generation_id = :'g4' \gset
UPDATE internal.webhook_queue SET lease_owner = 'w1', lease_until = now() + interval '1 minute' WHERE delivery_id = :d4;
SELECT is(internal.webhooks_report('w1', format('[{"id":%s,"release":true}]', :'d4')::jsonb, NULL, now())->>'released', '1',
          'a delivery not attempted is released');
SELECT results_eq(format($$SELECT d.status, d.attempts, q.lease_owner FROM internal.webhook_deliveries d
                            JOIN internal.webhook_queue q ON q.delivery_id = d.id WHERE d.id = %s$$, :'d4'),
                  $$VALUES ('PENDING'::text, 0, NULL::text)$$, 'still pending, no attempt counted, lease dropped');

-- Housekeeping: finished deliveries go after 30 days, pending ones stay.
SELECT is(api.maintenance_purge(:t1::timestamptz + interval '29 days')->'webhookDeliveries', '0'::jsonb,
          'finished deliveries are kept 30 days');
SELECT is(api.maintenance_purge(:t1::timestamptz + interval '31 days')->'webhookDeliveries', '3'::jsonb,
          'then the three finished ones (delivered, gone, failed) are purged');
SELECT is((SELECT count(*)::integer FROM internal.webhook_deliveries WHERE status = 'PENDING'), 1,
          'the pending one stays');

-- Whoever ends a delivery, its queue row goes (internal.webhook_queue_sync).
UPDATE internal.webhook_deliveries SET status = 'FAILED', finished_at = now() WHERE id = :d4;
SELECT is((SELECT count(*)::integer FROM internal.webhook_queue WHERE delivery_id = :d4), 0,
          'a delivery ended by a direct UPDATE leaves the queue too');

SELECT * FROM finish();
ROLLBACK;
