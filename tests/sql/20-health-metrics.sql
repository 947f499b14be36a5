-- 20-health-metrics: what GET /healthz and GET /metrics read from the
-- database. api.health -> {"database":"ok","migrations":<latest version>};
-- api.metrics -> every generation state and delivery status (0 when none)
-- with live counts, each provider's breaker (open only while
-- breaker_open_until is in the future), failure streak and trips, failed
-- live attempts by provider and code, webhook attempts split by a 2xx
-- answer (counters that survive the purge); both callable by doitong_api
-- and read-only.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(17);

-- ------------------------------------------------------------ api.health
SELECT is(api.health()->>'database', 'ok', 'health: the database answers ok');
SELECT is(api.health()->>'migrations', (SELECT max(version) FROM internal.schema_migrations),
          'health: the latest applied migration');
SELECT is(provolatile::text, 's', 'health: declared STABLE (no writes)') FROM pg_proc WHERE oid = 'api.health()'::regprocedure;

-- ------------------------------------------------------------ api.metrics
SELECT api.metrics() AS m0 \gset
SELECT is((SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(:'m0'::jsonb->'generations') AS k),
          ARRAY['CANCELLED', 'COMPLETED', 'FAILED', 'PENDING', 'PROCESSING'], 'metrics: every generation state, zeros included');
SELECT is((SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(:'m0'::jsonb->'webhookDeliveries') AS k),
          ARRAY['DELIVERED', 'FAILED', 'PENDING'], 'metrics: every delivery status, zeros included');
SELECT is(jsonb_array_length(:'m0'::jsonb->'providers'), (SELECT count(*)::integer FROM internal.providers),
          'metrics: one entry per provider');

SELECT account_id AS acc FROM tests.make_account('PRO', 1000000) \gset
SELECT tests.generation_in_state(:'acc', 'PENDING') AS g1 \gset
SELECT tests.generation_in_state(:'acc', 'FAILED') AS g2 \gset
SELECT tests.generation_in_state(:'acc', 'FAILED') AS g3 \gset
UPDATE internal.providers SET failure_streak = 4, breaker_open_until = now() + interval '1 minute' WHERE id = 'kling';
UPDATE internal.providers SET failure_streak = 2, breaker_open_until = now() - interval '1 minute' WHERE id = 'luma';
INSERT INTO internal.webhook_deliveries (msg_id, account_id, generation_id, event, url, body, status, created_at)
VALUES ('msg_00000000000000000000000001', :'acc', :'g2', 'generation.failed', 'https://hooks.example/x', '{}', 'FAILED', now());
INSERT INTO internal.webhook_attempts (delivery_id, attempt_no, worker, finished_at, http_status, error)
SELECT id, n, 'tests', now(), s, CASE WHEN s IS NULL THEN 'timeout' END
  FROM internal.webhook_deliveries, (VALUES (1, 500), (2, NULL::integer), (3, 204), (4, 410)) AS a(n, s)
 WHERE msg_id = 'msg_00000000000000000000000001';

SELECT api.metrics() AS m1 \gset
SELECT is((:'m1'::jsonb->'generations'->>'PENDING')::int - (:'m0'::jsonb->'generations'->>'PENDING')::int, 1,
          'metrics: a new PENDING generation counts');
SELECT is((:'m1'::jsonb->'generations'->>'FAILED')::int - (:'m0'::jsonb->'generations'->>'FAILED')::int, 2,
          'metrics: two FAILED ones count');
SELECT is((SELECT p FROM jsonb_array_elements(:'m1'::jsonb->'providers') AS p WHERE p->>'id' = 'kling'),
          '{"id":"kling","breakerOpen":true,"failureStreak":4,"breakerTrips":0}'::jsonb, 'metrics: an open breaker, its streak and trips');
SELECT is((SELECT p FROM jsonb_array_elements(:'m1'::jsonb->'providers') AS p WHERE p->>'id' = 'luma'),
          '{"id":"luma","breakerOpen":false,"failureStreak":2,"breakerTrips":0}'::jsonb, 'metrics: a breaker past its cool-down is not open');
-- The two FAILED live generations failed on 'local' with GENERATION_FAILED.
SELECT is(coalesce((SELECT (e->>'n')::int FROM jsonb_array_elements(:'m1'::jsonb->'providerErrors') e
                     WHERE e->>'provider' = 'local' AND e->>'code' = 'GENERATION_FAILED'), 0)
          - coalesce((SELECT (e->>'n')::int FROM jsonb_array_elements(:'m0'::jsonb->'providerErrors') e
                       WHERE e->>'provider' = 'local' AND e->>'code' = 'GENERATION_FAILED'), 0),
          2, 'metrics: provider errors count failed live attempts by provider and code');
SELECT is((:'m1'::jsonb->'webhookDeliveries'->>'FAILED')::int - (:'m0'::jsonb->'webhookDeliveries'->>'FAILED')::int, 1,
          'metrics: a FAILED delivery counts');
SELECT is(((:'m1'::jsonb->'webhookAttempts'->>'ok')::int - (:'m0'::jsonb->'webhookAttempts'->>'ok')::int,
           (:'m1'::jsonb->'webhookAttempts'->>'error')::int - (:'m0'::jsonb->'webhookAttempts'->>'error')::int)::text,
          '(1,3)', 'metrics: attempts split by a 2xx answer (no answer is an error)');

-- The purge deletes the delivery and its four attempts (finished 31 days
-- ago): the attempt counters do not fall, the delivery gauge does.
UPDATE internal.webhook_deliveries SET finished_at = now() - interval '31 days'
 WHERE msg_id = 'msg_00000000000000000000000001';
SELECT is((api.maintenance_purge(now())->>'webhookDeliveries')::int >= 1, true, 'purge: the old delivery goes');
SELECT api.metrics() AS m2 \gset
SELECT is(((:'m2'::jsonb->'webhookAttempts'->>'ok')::int - (:'m1'::jsonb->'webhookAttempts'->>'ok')::int,
           (:'m2'::jsonb->'webhookAttempts'->>'error')::int - (:'m1'::jsonb->'webhookAttempts'->>'error')::int,
           (:'m2'::jsonb->'webhookDeliveries'->>'FAILED')::int - (:'m1'::jsonb->'webhookDeliveries'->>'FAILED')::int)::text,
          '(0,0,-1)', 'metrics: attempt counters survive the purge of their delivery; the delivery gauge drops');

-- ------------------------------------------------------------ as the server
SET LOCAL ROLE doitong_api;
SELECT lives_ok('SELECT api.health()', 'doitong_api may call api.health');
SELECT lives_ok('SELECT api.metrics()', 'doitong_api may call api.metrics');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
