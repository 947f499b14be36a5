-- 23-vertex-route: migration 000011's route `vertex` (Veo and Imagen only)
-- and admin.provider_set_route: the routes a provider can take, refusals
-- with the allowed values, what providers_list and a claimed job show.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(13);

SELECT lives_ok($$UPDATE internal.providers SET route = 'vertex' WHERE id = 'veo'$$,
                'veo may be routed through Vertex AI');
SELECT throws_ok($$UPDATE internal.providers SET route = 'vertex' WHERE id = 'luma'$$, '23514', NULL,
                 'a provider without a Vertex AI adapter may not');
SELECT throws_ok($$UPDATE internal.providers SET route = 'bedrock' WHERE id = 'veo'$$, '23514', NULL,
                 'an unknown route is refused by the table');
UPDATE internal.providers SET route = 'direct' WHERE id = 'veo';

SELECT is(admin.provider_set_route('veo', 'vertex'), '{"id":"veo","route":"vertex"}'::jsonb,
          'provider_set_route switches veo to vertex');
SELECT is((SELECT route FROM internal.providers WHERE id = 'veo'), 'vertex', 'and the catalog says so');
SELECT is((SELECT e->>'route' FROM jsonb_array_elements(admin.providers_list()) e WHERE e->>'id' = 'veo'),
          'vertex', 'providers_list shows the route');
SELECT is(admin.provider_set_route('veo', 'fal'), '{"id":"veo","route":"fal"}'::jsonb,
          'veo through fal (its fal model id is in the catalog)');
SELECT throws_ok($$SELECT admin.provider_set_route('luma', 'vertex')$$, 'QA400',
                 'Provider luma can take route direct, fal, replicate.',
                 'luma can''t take vertex: QA400 naming the routes it can');
SELECT throws_ok($$SELECT admin.provider_set_route('wan', 'replicate')$$, 'QA400',
                 'Provider wan can take route direct, fal.', 'wan has no Replicate model id');
SELECT throws_ok($$SELECT admin.provider_set_route('veo', NULL)$$, 'QA400', NULL, 'a NULL route: QA400');
SELECT throws_ok($$SELECT admin.provider_set_route('nope', 'direct')$$, 'QA404', NULL,
                 'an unknown provider: QA404');
-- The refusal's DETAIL carries the allowed values for the admin tool.
CREATE FUNCTION pg_temp.detail_of(p_sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE v_detail text;
BEGIN
  EXECUTE p_sql;
  RETURN NULL;
EXCEPTION WHEN SQLSTATE 'QA400' THEN
  GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
  RETURN v_detail::jsonb;
END $$;
SELECT is(pg_temp.detail_of($$SELECT admin.provider_set_route('kling', 'vertex')$$),
          '{"field":"route","allowedValues":["direct","fal","replicate"]}'::jsonb,
          'DETAIL lists the allowed routes');

SELECT admin.provider_set_route('veo', 'vertex') \gset
SELECT account_id AS acc FROM tests.make_account('PRO', 1000000) \gset
SELECT (internal.generation_create(:'acc', false,
        '{"type":"VIDEO","provider":"veo","input":{"text":"a cat"}}', now())).id AS g \gset
SELECT is(tests.claimed_job(:'g')->>'route', 'vertex', 'a claimed veo job carries route vertex');

SELECT * FROM finish();
ROLLBACK;
