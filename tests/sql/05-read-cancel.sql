-- 05-read-cancel: api.generation, api.generation_cancel, api.providers,
-- api.provider, api.estimate and api.video_create.
-- Covers: reading one's own generation; QA404 for another account's id, an
-- unknown id and the other mode's (test vs live) id; cancel true then false,
-- QA404 for foreign ids, credits released, a PROCESSING job's attempt closed
-- and the scheduler told {"cancelled":true}; Provider JSON shape, order,
-- filtering and errors; estimate creates nothing; videoCreate aliases and
-- its payload shape.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(33);

SELECT account_id AS acc, key_hash AS key, test_key_hash AS tkey FROM tests.make_account('PRO', 100000) \gset
SELECT account_id AS other, key_hash AS okey FROM tests.make_account('PRO', 100000) \gset

SELECT api.generate(:'key', '{"type":"AUDIO","provider":"local","input":{"text":"mine"}}') AS g \gset
SELECT (:'g'::jsonb)->>'id' AS gid \gset

-- ------------------------------------------------------------ generation
SELECT is(api.generation(:'key', :'gid'), :'g'::jsonb, 'generation returns what generate returned');
SELECT throws_ok(format('SELECT api.generation(%L, %L)', :'okey', :'gid'), 'QA404', 'Generation not found.',
                 'another account''s generation: QA404');
SELECT throws_ok(format('SELECT api.generation(%L, %L)', :'key', 'gen_000000000000000000000000'), 'QA404', NULL,
                 'unknown id: QA404');
SELECT throws_ok(format('SELECT api.generation(%L, %L)', :'tkey', :'gid'), 'QA404', NULL,
                 'a test key does not see live generations');
SELECT throws_ok(format('SELECT api.generation(%L, %L)', tests.key_hash('dt_live_bad'), :'gid'), 'QA401', NULL,
                 'bad key: QA401');

-- ------------------------------------------------------------ cancel
SELECT throws_ok(format('SELECT api.generation_cancel(%L, %L)', :'okey', :'gid'), 'QA404', NULL,
                 'cancelling another account''s generation: QA404');
SELECT throws_ok(format('SELECT api.generation_cancel(%L, %L)', :'key', 'gen_000000000000000000000000'), 'QA404', NULL,
                 'cancelling an unknown id: QA404');
SELECT is(api.generation_cancel(:'key', :'gid'), 'true'::jsonb, 'cancel a PENDING generation: true');
SELECT is(api.generation_cancel(:'key', :'gid'), 'false'::jsonb, 'cancel it again: false');
SELECT is(api.generation(:'key', :'gid')->>'status', 'CANCELLED', 'it is CANCELLED');
SELECT isnt(api.generation(:'key', :'gid')->>'completedAt', NULL, 'with completedAt');
SELECT is((SELECT reserved FROM internal.wallets WHERE account_id = :'acc' AND NOT test_mode), 0::bigint, 'credits released');

SELECT api.generate(:'key', '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"running"}}')->>'id' AS run \gset
SELECT tests.lease(:'run', 'w1');
SELECT is(internal.job_submitted(:'run', 'w1', 'task-1', now())->>'status', 'PROCESSING', 'submitted');
SELECT tests.lease(:'run', 'w1');
SELECT is(api.generation_cancel(:'key', :'run'), 'true'::jsonb, 'cancel a PROCESSING generation: true');
SELECT is(api.generation(:'key', :'run')->'attempts'->0->>'status', 'CANCELLED', 'its open attempt is closed as CANCELLED');
SELECT is(api.job_progress(:'run', 'w1', 50, NULL), '{"cancelled":true}'::jsonb, 'the scheduler is told it was cancelled');
SELECT is(api.job_complete(:'run', 'w1', 'https://x.example/a.mp3', NULL), '{"cancelled":true}'::jsonb, 'job_complete too');
SELECT is(api.job_fail(:'run', 'w1', 'GENERATION_FAILED', 'x'), '{"cancelled":true}'::jsonb, 'job_fail too');
SELECT ok(tests.ledger_consistent() AND (SELECT reserved FROM internal.wallets WHERE account_id = :'acc' AND NOT test_mode) = 0,
          'ledger consistent and nothing reserved');

-- ------------------------------------------------------------ providers
SELECT is((SELECT array_agg(p->>'id') FROM jsonb_array_elements(api.providers(:'key', NULL)) p),
          ARRAY['elevenlabs','flux-dev','flux-kontext','flux-krea','flux-pro','flux-pro-1.1','flux-ultra','hedra','heygen',
                'imagen','kling','local','local-avatar','local-image','local-video','luma','minimax','runway','seedance','seedream','veo','vidu','wan'],
          'providers(null) lists the whole catalog ordered by id');
SELECT is((SELECT array_agg(p->>'id') FROM jsonb_array_elements(api.providers(:'key', 'AVATAR')) p),
          ARRAY['hedra','heygen','local-avatar'], 'providers(AVATAR)');
SELECT throws_ok(format('SELECT api.providers(%L, %L)', :'key', 'SMELL'), 'QA400', NULL, 'providers(bad type): QA400');
SELECT is((SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(api.provider(:'key', 'kling')) k),
          ARRAY['available','defaultModel','description','features','id','limitations','models','name','options','pricing','type','types','vendor'],
          'Provider JSON fields');
SELECT is(api.provider(:'key', 'kling')->'pricing', '{"creditCost":560,"estimatedTime":180}'::jsonb,
          'pricing: the defaults (std, 5 s) = 112 * 5');
SELECT is(api.provider(:'key', 'kling')->'options'->0,
          '{"name":"duration","type":"enum","required":false,"description":"Clip length in seconds.","allowedValues":["5","10"],"default":"5","min":null,"max":null}'::jsonb,
          'ProviderOption fields');
SELECT is(api.provider(:'key', 'nope'), 'null'::jsonb, 'provider(unknown) is null');

-- ------------------------------------------------------------ estimate
SELECT count(*) AS gens_before FROM internal.generations \gset
SELECT api.estimate(:'key', '{"type":"VIDEO","input":{"text":"x"}}') IS NOT NULL AS ignored \gset
SELECT is((SELECT count(*) FROM internal.generations), :'gens_before'::bigint, 'estimate creates nothing');
SELECT is(api.estimate(:'key', '{"type":"VIDEO","input":{"text":"x"},"priority":"COST"}') - 'alternatives',
          '{"provider":"kling","model":"v1.6","creditCost":560,"estimatedTime":180,"autoSelected":true}'::jsonb,
          'estimate answers provider, model, price and time');
SELECT is(jsonb_array_length(api.estimate(:'key', '{"type":"VIDEO","input":{"text":"x"},"priority":"COST"}')->'alternatives'), 6,
          'with the other fitting providers as alternatives');

-- ------------------------------------------------------------ videoCreate
SELECT api.video_create(:'key', '{"prompt":"Sunset","model":"dream-machine","duration":5}') AS v \gset
SELECT is((SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(:'v'::jsonb) k),
          ARRAY['creditCost','id','progress','status','videoUrl'], 'VideoCreatePayload fields');
SELECT is((SELECT provider || '/' || model FROM internal.generations WHERE id = (:'v'::jsonb)->>'id'), 'luma/ray-2',
          'the alias dream-machine means luma');
SELECT is(api.video_create(:'key', '{"prompt":"Sunset","model":"ray-flash-2"}')->>'creditCost', '469',
          'a model string picks its provider and model: ceil(160 * 5 * 1.775 * 0.33)');
SELECT is(tests.error_of(format($$SELECT api.video_create(%L, '{"prompt":"Sunset","model":"sora"}')$$, :'key'))->'detail'->>'field',
          'model', 'an unknown model: QA400 field model');

SELECT * FROM finish();
ROLLBACK;
