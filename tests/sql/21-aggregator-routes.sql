-- 21-aggregator-routes: migration 000010's aggregator model ids (fal_model,
-- replicate_model) and what a claimed job carries of them (falModel,
-- replicateModel in the claimed job); a route needs its model id.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(8);

SELECT has_column('internal', 'providers', 'fal_model', 'providers.fal_model exists');
SELECT has_column('internal', 'providers', 'replicate_model', 'providers.replicate_model exists');
SELECT is((SELECT fal_model FROM internal.providers WHERE id = 'minimax'),
          'fal-ai/minimax/hailuo-02/standard/text-to-video', 'MiniMax''s fal endpoint (providers.md §17)');
SELECT is((SELECT replicate_model FROM internal.providers WHERE id = 'minimax'),
          'minimax/hailuo-02', 'MiniMax''s Replicate model (providers.md §18)');
SELECT is((SELECT count(*)::int FROM internal.providers
            WHERE id IN ('kling', 'minimax', 'veo', 'luma', 'seedance', 'wan') AND fal_model IS NOT NULL),
          6, 'every video provider fal hosts has its endpoint id');
SELECT throws_ok($$UPDATE internal.providers SET route = 'replicate' WHERE id = 'wan'$$, '23514', NULL,
                 'a route without the aggregator''s model id is refused');

UPDATE internal.providers SET route = 'fal' WHERE id = 'luma';
SELECT account_id AS acc FROM tests.make_account('PRO', 1000000) \gset
SELECT (internal.generation_create(:'acc', false,
        '{"type":"VIDEO","provider":"luma","input":{"text":"a cat"}}', now())).id AS g \gset
SELECT tests.claimed_job(:'g') AS j \gset
SELECT is((:'j'::jsonb)->>'route', 'fal', 'the claimed job carries its route');
SELECT is((:'j'::jsonb) - 'id' - 'accountId' - 'createdAt' - 'input' - 'options' - 'effectiveOptions'
            - 'model' - 'upstreamModel' - 'status' - 'type' - 'provider' - 'adapter' - 'route' - 'testMode'
            - 'progress' - 'pollInterval' - 'timeLimit' - 'startedAt' - 'autoSelected' - 'attempts'
            - 'submitInFlight' - 'webhookUrl' - 'awaitingSubmit' - 'attemptStartedAt' - 'baseUrl'
            - 'keyEnv' - 'upstreamTaskId',
          '{"falModel":"fal-ai/luma-dream-machine/ray-2","replicateModel":"luma/ray"}'::jsonb,
          'falModel and replicateModel in the claimed job');

SELECT * FROM finish();
ROLLBACK;
