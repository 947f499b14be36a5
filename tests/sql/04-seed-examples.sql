-- 04-seed-examples: every example request of shared/seed/developer-page.txt
-- is ACCEPTED (curl, JavaScript, Python and GraphQL variable examples), one
-- test per example, checking the provider it lands on and that a price and
-- an estimated time came back.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(17);

-- ENTERPRISE (no limits): more examples than a plan's concurrency limit allows at once.
SELECT account_id AS acc, key_hash AS key FROM tests.make_account('ENTERPRISE', 100000000) \gset

CREATE TEMP TABLE examples (n int, description text, fn text, input jsonb, want_provider text);
INSERT INTO examples VALUES
(1, 'curl: minimax with duration 10, 1080p, cinematic', 'generate',
 '{"type":"VIDEO","provider":"minimax","input":{"text":"A serene mountain landscape at sunset"},"options":{"duration":10,"resolution":"1080p","style":"cinematic"}}', 'minimax'),
(2, 'curl: auto-select VIDEO with priority QUALITY', 'generate',
 '{"type":"VIDEO","input":{"text":"Epic dragon battle"},"priority":"QUALITY"}', 'veo'),
(3, 'JS: auto-select VIDEO without options', 'generate',
 '{"type":"VIDEO","input":{"text":"A serene mountain landscape"}}', NULL),
(4, 'JS: minimax with options', 'generate',
 '{"type":"VIDEO","provider":"minimax","input":{"text":"Epic battle scene"},"options":{"duration":10,"resolution":"1080p","style":"cinematic"}}', 'minimax'),
(5, 'JS: IMAGE auto-select with priority QUALITY', 'generate',
 '{"type":"IMAGE","input":{"text":"Photorealistic portrait"},"priority":"QUALITY"}', 'flux-ultra'),
(6, 'Python: auto-select VIDEO with duration 10 and 1080p', 'generate',
 '{"type":"VIDEO","input":{"text":"A majestic eagle soaring through clouds"},"options":{"duration":10,"resolution":"1080p"}}', NULL),
(7, 'Python: flux-ultra 16:9 ultra', 'generate',
 '{"type":"IMAGE","provider":"flux-ultra","input":{"text":"Professional product photography"},"options":{"aspectRatio":"16:9","quality":"ultra"}}', 'flux-ultra'),
(8, 'Python: elevenlabs rachel excited', 'generate',
 '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"Welcome to the future of AI"},"options":{"voice":"rachel","emotion":"excited"}}', 'elevenlabs'),
(9, 'GraphQL: auto-select VIDEO with duration, resolution and style', 'generate',
 '{"type":"VIDEO","input":{"text":"A bustling Tokyo street at night with neon lights"},"options":{"duration":10,"resolution":"1080p","style":"cinematic"}}', NULL),
(10, 'GraphQL: kling pro 10 s 16:9', 'generate',
 '{"type":"VIDEO","provider":"kling","input":{"text":"Epic space battle scene"},"options":{"mode":"pro","duration":10,"aspectRatio":"16:9"}}', 'kling'),
(11, 'GraphQL: runway image-to-video with options.model gen-3', 'generate',
 '{"type":"VIDEO","provider":"runway","input":{"text":"Make the character dance","image":"https://example.com/character.jpg"},"options":{"motionIntensity":"high","model":"gen-3"}}', 'runway'),
(12, 'GraphQL: flux-ultra 16:9 ultra seed 42', 'generate',
 '{"type":"IMAGE","provider":"flux-ultra","input":{"text":"Photorealistic portrait in Rembrandt style"},"options":{"aspectRatio":"16:9","quality":"ultra","seed":42}}', 'flux-ultra'),
(13, 'GraphQL: elevenlabs rachel excited speed 1.0', 'generate',
 '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"Welcome to the future of artificial intelligence"},"options":{"voice":"rachel","emotion":"excited","speed":1.0}}', 'elevenlabs'),
(14, 'GraphQL: heygen avatar with voice, options and webhookUrl', 'generate',
 '{"type":"AVATAR","provider":"heygen","input":{"text":"Hello, I''m your AI assistant","voice":"professional_female"},"options":{"avatarId":"kate","background":"modern_office","gesture":"friendly"},"webhookUrl":"https://your-app.com/webhook"}', 'heygen'),
(15, 'Apollo: videoCreate luma 9 s', 'video_create',
 '{"prompt":"Beautiful sunset over ocean","model":"luma","duration":9}', 'luma');

-- Run every example first (each call commits nothing: the file rolls back).
CREATE TEMP TABLE results AS
SELECT e.*, CASE e.fn WHEN 'generate' THEN api.generate(:'key', e.input)
                      ELSE api.video_create(:'key', e.input) END AS r
  FROM examples e ORDER BY e.n;

SELECT ok(x.r->>'status' = 'PENDING' AND (x.r->>'creditCost')::int > 0
          AND (x.want_provider IS NULL OR g.provider = x.want_provider)
          AND (x.fn <> 'generate' OR (x.r->>'estimatedTime')::int > 0),
          format('%s (%s, %s credits)', x.description, g.provider, x.r->>'creditCost'))
  FROM results x
  JOIN internal.generations g ON g.id = x.r->>'id'
 ORDER BY x.n;

-- The runway example's model came from options.model.
SELECT is((SELECT model FROM internal.generations WHERE provider = 'runway' ORDER BY created_at DESC LIMIT 1), 'gen-3',
          'runway example ran with model gen-3');
-- The providers(type) query of the page works for every type.
SELECT is((SELECT array_agg(t ORDER BY t) FROM unnest(ARRAY['VIDEO','IMAGE','AUDIO','AVATAR']) t
            WHERE jsonb_array_length(api.providers(:'key', t)) > 0),
          ARRAY['AUDIO','AVATAR','IMAGE','VIDEO'], 'providers(type) lists providers for every type');

SELECT * FROM finish();
ROLLBACK;
