-- 24-media-catalog: the image, speech and avatar providers of issue 7 in the
-- catalog (migration 000012): `providers` lists at least 30 models across the
-- four types, every one with options and a price; the aggregator ids of the
-- image and speech providers; FLUX Krea on fal; ElevenLabs' MP3-only output
-- formats; the seed page's image, audio and avatar requests are accepted
-- with its option names.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(13);

SELECT account_id AS acc, key_hash AS kh FROM tests.make_account('PRO', 1000000) \gset
SELECT api.providers(:'kh', NULL) AS all_providers \gset

SELECT cmp_ok((SELECT sum(jsonb_array_length(p->'models'))::int
                 FROM jsonb_array_elements(:'all_providers'::jsonb) p), '>=', 30,
              'providers lists at least 30 models');
SELECT is((SELECT count(DISTINCT t)::int FROM jsonb_array_elements(:'all_providers'::jsonb) p,
                  jsonb_array_elements_text(p->'types') t), 4, 'the models span the four types');
SELECT is((SELECT array_agg(t ORDER BY t) FROM (
             SELECT t FROM jsonb_array_elements(:'all_providers'::jsonb) p, jsonb_array_elements_text(p->'types') t
              GROUP BY t HAVING sum(jsonb_array_length(p->'models')) >= 2) s),
          ARRAY['AUDIO', 'AVATAR', 'IMAGE', 'VIDEO'], 'each type has several models');
SELECT is((SELECT count(*)::int FROM jsonb_array_elements(:'all_providers'::jsonb) p
            WHERE jsonb_array_length(p->'options') = 0
               OR NOT ((p->'pricing'->>'creditCost')::int > 0)
               OR NOT ((p->'pricing'->>'estimatedTime')::int > 0)),
          0, 'every provider has options, a price and a time estimate');
SELECT is((SELECT count(*)::int FROM jsonb_array_elements(:'all_providers'::jsonb) p
            WHERE p->>'id' IN ('imagen', 'flux-dev', 'flux-pro', 'flux-pro-1.1', 'flux-ultra',
                               'flux-kontext', 'flux-krea', 'seedream', 'elevenlabs', 'heygen', 'hedra')),
          11, 'the image, speech and avatar providers are listed');
SELECT is((SELECT count(*)::int FROM jsonb_array_elements(:'all_providers'::jsonb) p,
                  jsonb_array_elements(p->'options') o
            WHERE p->>'id' LIKE 'flux-%' AND o->>'name' = 'seed'), 6, 'every FLUX model takes a seed');

SELECT is((SELECT fal_model || ' ' || replicate_model FROM internal.providers WHERE id = 'flux-kontext'),
          'fal-ai/flux-pro/kontext black-forest-labs/flux-kontext-pro', 'FLUX Kontext on fal and Replicate (§17, §18)');
SELECT is((SELECT count(*)::int FROM internal.providers
            WHERE id IN ('imagen', 'flux-dev', 'flux-pro-1.1', 'flux-ultra', 'flux-kontext', 'flux-krea', 'elevenlabs')
              AND fal_model IS NOT NULL), 7, 'every image and speech model fal hosts has its endpoint id');
SELECT is((SELECT route || ' ' || fal_model FROM internal.providers WHERE id = 'flux-krea'),
          'fal fal-ai/flux/krea', 'FLUX Krea runs on fal (not a BFL endpoint)');
SELECT is((SELECT o->'allowedValues' FROM internal.providers p, jsonb_array_elements(p.options) o
            WHERE p.id = 'elevenlabs' AND o->>'name' = 'outputFormat'),
          '["mp3_22050_32","mp3_44100_32","mp3_44100_64","mp3_44100_96","mp3_44100_128","mp3_44100_192"]'::jsonb,
          'ElevenLabs output formats are the MP3 ones');

-- The seed page's requests (developer-page.txt), with its option names.
SELECT is((internal.generation_create(:'acc', false,
  '{"type":"IMAGE","provider":"flux-ultra","input":{"text":"Photorealistic portrait in Rembrandt style"},"options":{"aspectRatio":"16:9","quality":"ultra","seed":42}}',
  now())).status, 'PENDING', 'the seed''s flux-ultra request is accepted');
SELECT is((internal.generation_create(:'acc', false,
  '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"Welcome to the future of artificial intelligence"},"options":{"voice":"rachel","emotion":"excited","speed":1.0}}',
  now())).status, 'PENDING', 'the seed''s elevenlabs request is accepted');
SELECT is((internal.generation_create(:'acc', false,
  '{"type":"AVATAR","provider":"heygen","input":{"text":"Hello, I''m your AI assistant","voice":"professional_female"},"options":{"avatarId":"kate","background":"modern_office","gesture":"friendly"}}',
  now())).status, 'PENDING', 'the seed''s heygen request is accepted');

SELECT * FROM finish();
ROLLBACK;
