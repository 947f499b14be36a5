-- 21-local-providers: the offline image, video and avatar providers of
-- migration 000009. Covers: the three rows (types, adapter = id, model,
-- accepts/requires), their options (names, allowed values, defaults, limits),
-- pricing (1 credit per image, per second of video, 720p double, per spoken
-- second), route() picking each when named and pricing it, a bad option value
-- refused with QA400, and auto-selection never offering them.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(14);

SELECT results_eq($$SELECT id, types, models, default_model, adapter, accepts, requires, key_env IS NULL
                      FROM internal.providers WHERE id LIKE 'local-%' ORDER BY id$$,
                  $$VALUES ('local-avatar'::text, '{AVATAR}'::text[], '{ffmpeg}'::text[], 'ffmpeg'::text, 'local-avatar'::text, '{text,image}'::text[], '{text}'::text[], true),
                           ('local-image', '{IMAGE}', '{ffmpeg}', 'ffmpeg', 'local-image', '{text}', '{text}', true),
                           ('local-video', '{VIDEO}', '{ffmpeg}', 'ffmpeg', 'local-video', '{text,image}', '{text|image}', true)$$,
                  'three local rows: types, model, adapter, accepts/requires, no key');
SELECT is((SELECT jsonb_agg(o - 'description' ORDER BY n) FROM internal.providers p, jsonb_array_elements(p.options) WITH ORDINALITY x(o, n) WHERE p.id = 'local-image'),
          '[{"name":"aspectRatio","type":"enum","allowedValues":["1:1","16:9","9:16","4:3","3:4"],"default":"1:1"}]'::jsonb,
          'local-image options');
SELECT is((SELECT jsonb_agg(o - 'description' ORDER BY n) FROM internal.providers p, jsonb_array_elements(p.options) WITH ORDINALITY x(o, n) WHERE p.id = 'local-video'),
          '[{"name":"duration","type":"integer","min":2,"max":10,"default":5},
            {"name":"resolution","type":"enum","allowedValues":["360p","720p"],"default":"360p"},
            {"name":"aspectRatio","type":"enum","allowedValues":["16:9","9:16","1:1","4:3","3:4"],"default":"16:9"},
            {"name":"cameraMove","type":"enum","allowedValues":["zoom-in","zoom-out","pan-left","pan-right","none"],"default":"zoom-in"}]'::jsonb,
          'local-video options');
SELECT is((SELECT array_agg(o->>'name' ORDER BY n) FROM internal.providers p, jsonb_array_elements(p.options) WITH ORDINALITY x(o, n) WHERE p.id = 'local-avatar'),
          ARRAY['voice','speed','resolution','aspectRatio'], 'local-avatar options');

SELECT is((SELECT internal.price(p, NULL, '{"text":"x"}', '{}') FROM internal.providers p WHERE id = 'local-image'), 1::bigint,
          'an image costs 1 credit');
SELECT is((SELECT internal.price(p, NULL, '{"text":"x"}', '{}') FROM internal.providers p WHERE id = 'local-video'), 5::bigint,
          'a default (5 s) video costs 5 credits');
SELECT is((SELECT internal.price(p, NULL, '{"text":"x"}', '{"duration":8,"resolution":"720p"}') FROM internal.providers p WHERE id = 'local-video'), 16::bigint,
          '8 s at 720p: 16 credits');
SELECT is((SELECT internal.price(p, NULL, jsonb_build_object('text', repeat('a', 150)), '{}') FROM internal.providers p WHERE id = 'local-avatar'), 10::bigint,
          'an avatar costs 1 credit per spoken second (150 characters = 10 s)');

SELECT is(internal.route('{"type":"IMAGE","provider":"local-image","input":{"text":"a fox"},"options":{"aspectRatio":"16:9"}}', false, now())
            - 'alternatives',
          '{"provider":"local-image","model":"ffmpeg","creditCost":1,"estimatedTime":2,"autoSelected":false}'::jsonb,
          'route picks local-image when named');
SELECT is(internal.route('{"type":"VIDEO","provider":"local-video","input":{"text":"waves"},"options":{"duration":3}}', false, now())->>'creditCost',
          '3', 'route picks and prices local-video when named');
SELECT is(internal.route('{"type":"AVATAR","provider":"local-avatar","input":{"text":"hello there"}}', false, now())->>'provider',
          'local-avatar', 'route picks local-avatar when named');
SELECT throws_ok($$SELECT internal.route('{"type":"VIDEO","provider":"local-video","input":{"text":"x"},"options":{"cameraMove":"spin"}}', false, now())$$,
                 'QA400', NULL, 'a cameraMove outside the allowed values is INVALID_INPUT');
SELECT throws_ok($$SELECT internal.route('{"type":"AVATAR","provider":"local-avatar","input":{"image":"https://example.com/a.png"}}', false, now())$$,
                 'QA400', NULL, 'an avatar without text is INVALID_INPUT');
SELECT is((SELECT count(*) FROM unnest(ARRAY['IMAGE','VIDEO','AVATAR']) t,
                  unnest(ARRAY['BALANCED','QUALITY','SPEED','COST']) pr,
                  internal.providers_ranked(t, pr, NULL, '{"text":"hello"}', '{}', now()) r
            WHERE r.r_provider LIKE 'local-%'), 0::bigint,
          'auto-selection never offers a local-* provider (auto_select = false)');

SELECT * FROM finish();
ROLLBACK;
