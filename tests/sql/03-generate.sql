-- 03-generate: api.generate (and api.estimate, which routes the same way).
-- Covers: QA401 for unknown, revoked and missing keys; QA402 with
-- {"required","available"} and nothing created; QA400 for bad type, option
-- value (with allowedValues), unknown option, bad model, input problems,
-- URLs, limits; QA503 for a disabled provider and when no provider fits;
-- auto-selection by QUALITY, SPEED, COST and BALANCED, ties by id, disabled
-- providers skipped; options.model leniency; prices as internal.price
-- documents them; the Generation JSON shape.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(68);

-- ENTERPRISE (no limits): this file creates more generations than a plan's concurrency allows.
SELECT account_id AS acc, key_hash AS key FROM tests.make_account('ENTERPRISE', 1000000) \gset
SELECT account_id AS poor, key_hash AS poorkey FROM tests.make_account('FREE', 10) \gset

-- ------------------------------------------------------------ authentication
SELECT throws_ok(format($$SELECT api.generate(%L, '{"type":"AUDIO","input":{"text":"x"}}')$$, tests.key_hash('dt_live_nope')),
                 'QA401', 'Invalid or revoked API key.', 'unknown key: QA401');
SELECT throws_ok($$SELECT api.generate(NULL, '{"type":"AUDIO","input":{"text":"x"}}')$$,
                 'QA401', 'Invalid or revoked API key.', 'missing key: QA401');
SELECT account_id AS racc, key_hash AS rkey FROM tests.make_account('PRO', 1000) \gset
SELECT is(admin.key_revoke(:'rkey'), 'true'::jsonb, 'revoke a key');
SELECT throws_ok(format($$SELECT api.generate(%L, '{"type":"AUDIO","input":{"text":"x"}}')$$, :'rkey'),
                 'QA401', 'Invalid or revoked API key.', 'revoked key: QA401');

-- ------------------------------------------------------------ insufficient credits
CREATE TEMP TABLE before AS
SELECT (SELECT count(*) FROM internal.generations) AS gens, (SELECT count(*) FROM internal.credit_ledger) AS rows;
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"hello"}}')$$, :'poorkey')),
          jsonb_build_object('sqlstate', 'QA402',
                             'message', 'Insufficient credits: this generation costs 600 credits and 10 are available.',
                             'detail', '{"required":600,"available":10}'::jsonb),
          'QA402 with required and available');
SELECT is((SELECT count(*) FROM internal.generations), (SELECT gens FROM before), 'QA402 creates no generation');
SELECT is((SELECT count(*) FROM internal.credit_ledger), (SELECT rows FROM before), 'QA402 writes no ledger row');
SELECT is((SELECT reserved FROM internal.wallets WHERE account_id = :'poor' AND NOT test_mode), 0::bigint,
          'QA402 reserves nothing');

-- ------------------------------------------------------------ invalid input
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"minimax","input":{"text":"x"},"options":{"duration":7}}')$$, :'key'))
          - 'message',
          '{"sqlstate":"QA400","detail":{"field":"options.duration","allowedValues":["6","10"]}}'::jsonb,
          'bad enum value: QA400 with field and allowedValues');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"minimax","input":{"text":"x"},"options":{"duration":7}}')$$, :'key'))->>'message',
          'Invalid value for option duration of provider minimax: must be one of 6, 10.', 'the message names the allowed values');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"minimax","input":{"text":"x"},"options":{"fps":30}}')$$, :'key'))->'detail',
          '{"field":"options.fps","allowedValues":["duration","resolution","style","promptOptimizer"]}'::jsonb,
          'unknown option: QA400 listing the option names');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"minimax","model":"hailuo-99","input":{"text":"x"}}')$$, :'key'))->'detail',
          '{"field":"model","allowedValues":["hailuo-02","hailuo-i2v"]}'::jsonb,
          'unknown model: QA400 listing the models');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"input":{"text":"x"}}')$$, :'key'))->'detail'->>'field',
          'type', 'missing type: QA400 field type');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"HOLOGRAM","input":{"text":"x"}}')$$, :'key'))->'detail',
          '{"field":"type","allowedValues":["VIDEO","IMAGE","AUDIO","AVATAR"]}'::jsonb, 'bad type: QA400 with allowedValues');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"AUDIO","priority":"CHEAP","input":{"text":"x"}}')$$, :'key'))->'detail'->>'field',
          'priority', 'bad priority: QA400');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"AUDIO"}')$$, :'key'))->'detail'->>'field',
          'input', 'missing input: QA400');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, jsonb_build_object('type','AUDIO','input',jsonb_build_object('text',repeat('a',10001))))$$, :'key'))->'detail'->>'field',
          'input.text', 'a prompt over 10000 characters: QA400');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"AUDIO","input":{"text":"x"},"options":[1]}')$$, :'key'))->'detail'->>'field',
          'options', 'options must be an object');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"AUDIO","input":{"text":"x"},"webhookUrl":"ftp://example.com/h"}')$$, :'key'))->'detail'->>'field',
          'webhookUrl', 'a webhook URL with another scheme: QA400');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"AUDIO","input":{"text":"x"},"webhookUrl":"https://user:pw@example.com/h"}')$$, :'key'))->'detail'->>'field',
          'webhookUrl', 'a webhook URL with credentials: QA400');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"nope","input":{"text":"x"}}')$$, :'key'))->'detail'->>'field',
          'provider', 'unknown provider: QA400 field provider');
SELECT ok(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"elevenlabs","input":{"text":"x"}}')$$, :'key'))->'detail'->'allowedValues' ? 'kling',
          'a provider of another type: QA400 listing the providers of the type');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"runway","input":{"text":"x"}}')$$, :'key'))->'detail'->>'field',
          'input.image', 'a provider that needs input.image: QA400 without it');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"IMAGE","provider":"flux-dev","input":{"text":"x","image":"https://example.com/a.png"}}')$$, :'key'))->'detail'->>'field',
          'input.image', 'an input kind the provider does not take: QA400');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"runway","input":{"text":"x","image":"file:///etc/passwd"}}')$$, :'key'))->'detail'->>'field',
          'input.image', 'a non-http input URL: QA400');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"seedance","input":{"text":"x"},"options":{"duration":5.5}}')$$, :'key'))->'detail',
          '{"field":"options.duration","min":2,"max":12}'::jsonb, 'integer option with a fraction: QA400 with min and max');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"seedance","input":{"text":"x"},"options":{"duration":13}}')$$, :'key'))->>'sqlstate',
          'QA400', 'integer option above max: QA400');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"luma","input":{"text":"x"},"options":{"loop":"yes"}}')$$, :'key'))->'detail'->>'field',
          'options.loop', 'boolean option given a string: QA400');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, jsonb_build_object('type','AUDIO','provider','elevenlabs','input','{"text":"x"}'::jsonb,'options',jsonb_build_object('voice',repeat('v',1001))))$$, :'key'))->'detail'->>'field',
          'options.voice', 'string option over 1000 characters: QA400');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"kling","model":"v1.6","input":{"text":"x"},"options":{"model":"v2.0"}}')$$, :'key'))->'detail'->>'field',
          'options.model', 'options.model contradicting model: QA400');

-- ------------------------------------------------------------ enum leniency
SELECT is(api.generate(:'key', '{"type":"VIDEO","provider":"kling","input":{"text":"x"},"options":{"duration":"10"}}')->>'status',
          'PENDING', 'enum given as a string');
SELECT is(api.generate(:'key', '{"type":"VIDEO","provider":"kling","input":{"text":"x"},"options":{"duration":10.0}}')->>'creditCost',
          '1120', 'enum given as 10.0 matches "10"');

-- ------------------------------------------------------------ provider unavailable
SELECT admin.provider_set_enabled('kling', false) IS NOT NULL AS ignored \gset
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"kling","input":{"text":"x"}}')$$, :'key')) - 'message',
          '{"sqlstate":"QA503","detail":{"provider":"kling"}}'::jsonb, 'disabled provider: QA503 with provider');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","input":{"text":"x"},"options":{"duration":999}}')$$, :'key'))->>'sqlstate',
          'QA503', 'no provider fits: QA503');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","input":{"text":"x"},"options":{"duration":999}}')$$, :'key'))->'detail'->>'type',
          'VIDEO', 'no provider fits: detail names the type');
SELECT is(api.estimate(:'key', '{"type":"VIDEO","input":{"text":"x"},"priority":"COST"}')->>'provider',
          'minimax', 'a disabled provider is skipped by auto-selection (kling would be cheapest)');
UPDATE internal.providers SET breaker_open_until = now() + interval '1 minute' WHERE id = 'minimax';
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"VIDEO","provider":"minimax","input":{"text":"x"}}')$$, :'key'))->>'sqlstate',
          'QA503', 'an open circuit breaker: QA503');
UPDATE internal.providers SET breaker_open_until = NULL WHERE id = 'minimax';
SELECT admin.provider_set_enabled('kling', true) IS NOT NULL AS ignored \gset

-- ------------------------------------------------------------ auto-selection
SELECT is(api.generate(:'key', '{"type":"VIDEO","input":{"text":"x"},"priority":"QUALITY"}')->>'provider', 'veo',
          'QUALITY: highest quality score');
SELECT is(api.generate(:'key', '{"type":"VIDEO","input":{"text":"x"},"priority":"SPEED"}')->>'provider', 'vidu',
          'SPEED: shortest estimated time');
SELECT is(api.generate(:'key', '{"type":"VIDEO","input":{"text":"x"},"priority":"COST"}')->>'provider', 'kling',
          'COST: cheapest price for this request');
SELECT is(api.generate(:'key', '{"type":"VIDEO","input":{"text":"x"}}')->>'provider', 'kling',
          'BALANCED (default): 2*quality + speed - 100*cost/max cost');
SELECT is((SELECT array_agg(r_provider ORDER BY r_rank) FROM internal.providers_ranked('VIDEO', 'BALANCED', NULL, '{"text":"x"}', '{}', now())),
          ARRAY['kling', 'vidu', 'seedance', 'luma', 'minimax', 'wan', 'veo'], 'BALANCED ranks all fitting providers');
SELECT is(api.generate(:'key', '{"type":"VIDEO","input":{"text":"x","image":"https://example.com/a.png"},"priority":"SPEED"}')->>'provider',
          'runway', 'an image input lets image-only providers compete');
SELECT is(api.generate(:'key', '{"type":"AUDIO","input":{"text":"x"},"priority":"COST"}')->>'provider', 'local', 'AUDIO COST: local');
SELECT is(api.generate(:'key', '{"type":"AUDIO","input":{"text":"x"}}')->>'provider', 'elevenlabs', 'AUDIO BALANCED prefers the real provider');
SELECT is(api.generate(:'key', '{"type":"VIDEO","input":{"text":"x"},"options":{"style":"cinematic","loop":true}}')->>'provider', 'luma',
          'only providers accepting every option compete');
UPDATE internal.providers SET quality_score = 95 WHERE id = 'kling';
SELECT is(api.generate(:'key', '{"type":"VIDEO","input":{"text":"x"},"priority":"QUALITY"}')->>'provider', 'kling',
          'a tie is broken by provider id');
UPDATE internal.providers SET quality_score = 88 WHERE id = 'kling';
SELECT is(api.generate(:'key', '{"type":"VIDEO","input":{"text":"x"},"priority":"QUALITY"}')->'autoSelected', NULL,
          'the Generation JSON has no internal fields');
SELECT ok((SELECT auto_selected FROM internal.generations ORDER BY created_at DESC, id LIMIT 1) IS NOT NULL, 'auto_selected is recorded');

-- ------------------------------------------------------------ options.model leniency
SELECT api.generate(:'key', '{"type":"VIDEO","provider":"runway","input":{"text":"x","image":"https://example.com/c.jpg"},"options":{"motionIntensity":"high","model":"gen-3"}}') AS lenient \gset
SELECT is((:'lenient'::jsonb)->>'model', 'gen-3', 'options.model becomes the model');
SELECT is((:'lenient'::jsonb)->'options', '{"motionIntensity":"high"}'::jsonb, 'and leaves the stored options');
SELECT is(api.generate(:'key', '{"type":"AUDIO","provider":"elevenlabs","input":{"text":"x"},"options":{"model":"eleven_flash_v2_5"}}')->>'creditCost',
          '300', 'options.model also selects the model''s price');

-- ------------------------------------------------------------ prices
SELECT is(api.generate(:'key', '{"type":"VIDEO","provider":"kling","input":{"text":"x"},"options":{"mode":"pro","duration":10}}')->>'creditCost',
          '1960', 'kling pro 10 s = 112 * 10 * 1.75');
SELECT is(api.generate(:'key', '{"type":"VIDEO","provider":"luma","model":"ray-flash-2","input":{"text":"x"},"options":{"resolution":"1080p","duration":9}}')->>'creditCost',
          '1889', 'luma ray-flash-2 1080p 9 s = ceil(160 * 9 * 3.975 * 0.33)');
SELECT is(api.generate(:'key', jsonb_build_object('type','AUDIO','provider','elevenlabs','input',jsonb_build_object('text',repeat('a',2001))))->>'creditCost',
          '1800', 'elevenlabs 2001 characters = 3 kchars * 600');
SELECT is(api.generate(:'key', '{"type":"IMAGE","provider":"imagen","model":"imagen-4.0-fast-generate-001","input":{"text":"x"},"options":{"numImages":1}}')->>'creditCost',
          '40', 'imagen fast, one image = 80 * 0.5');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"IMAGE","provider":"imagen","input":{"text":"x"},"options":{"numImages":3}}')$$, :'key'))->'detail',
          '{"field":"options.numImages","min":1,"max":1}'::jsonb,
          'numImages 3: QA400 (a generation has one result file; nobody pays for images not delivered)');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, '{"type":"AVATAR","provider":"hedra","input":{"text":"x","image":"https://img.example/a.png"}}')$$, :'key'))->'detail'->>'field',
          'input.audio', 'hedra without input.audio: QA400 at acceptance (it has no text-to-speech)');
SELECT is(api.generate(:'key', jsonb_build_object('type','AVATAR','provider','heygen','input',jsonb_build_object('text',repeat('a',100))))->>'creditCost',
          '700', 'heygen 100 characters = 7 spoken seconds * 100');
SELECT is(api.generate(:'key', '{"type":"AVATAR","provider":"heygen","input":{"text":"Hi"}}')->>'creditCost',
          '500', 'heygen minimum 500');
SELECT is(api.generate(:'key', '{"type":"IMAGE","provider":"flux-krea","input":{"text":"x"},"options":{"quality":"fast"}}')->>'creditCost',
          '30', 'flux-krea fast = 50 * 0.6');
SELECT is(api.generate(:'key', '{"type":"VIDEO","provider":"seedance","input":{"text":"x"}}')->>'creditCost',
          (SELECT p->'pricing'->>'creditCost' FROM jsonb_array_elements(api.providers(:'key', 'VIDEO')) p WHERE p->>'id' = 'seedance'),
          'the price of the defaults equals the catalog''s creditCost');

-- ------------------------------------------------------------ JSON shape
SELECT api.generate(:'key', '{"type":"AUDIO","provider":"local","input":{"text":"shape"},"webhookUrl":"https://hooks.example/x"}') AS g \gset
SELECT is((SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(:'g'::jsonb) k),
          ARRAY['attempts','completedAt','createdAt','creditCost','error','errorCode','estimatedTime','id','input',
                'metadata','model','options','priority','progress','provider','startedAt','status','type','url','webhookUrl'],
          'the Generation JSON has exactly the GraphQL field names');
SELECT ok((:'g'::jsonb)->>'id' ~ '^gen_[0-9a-f]{24}$' AND (:'g'::jsonb)->>'createdAt' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$'
          AND (:'g'::jsonb)->>'webhookUrl' = 'https://hooks.example/x' AND (:'g'::jsonb)->>'model' = 'espeak-ng',
          'id, createdAt (RFC 3339 UTC), webhookUrl and default model');

-- ------------------------------------------------------------ ids
-- Time first (seconds, 8 hex), then 64 random bits: ids made one after the
-- other sort in creation order across seconds and never repeat.
SELECT ok(abs(('x' || substr(i, 5, 8))::bit(32)::bigint - extract(epoch FROM clock_timestamp())) < 2
          AND i ~ '^gen_[0-9a-f]{24}$', 'an id starts with the Unix time in seconds, 8 hex digits (' || i || ')')
  FROM internal.new_id('gen_') i;
SELECT is((SELECT count(DISTINCT right(internal.new_id('gen_'), 16)) FROM generate_series(1, 2000)), 2000::bigint,
          '2000 ids made at once: 2000 different random parts');
SELECT ok(substr(:'g'::jsonb->>'id', 5, 8) <= substr(internal.new_id('gen_'), 5, 8)
          AND internal.new_id('acc_') ~ '^acc_[0-9a-f]{24}$',
          'a later id sorts at or after an earlier one; other prefixes alike');
SELECT ok(abs(('x' || substr(m, 5, 8))::bit(32)::bigint - extract(epoch FROM clock_timestamp())) < 2
          AND m ~ '^msg_[0-9a-f]{26}$', 'a webhook-id is time first too: msg_, 8 hex of seconds, 18 random hex (' || m || ')')
  FROM internal.webhook_msg_id() m;

SELECT * FROM finish();
ROLLBACK;
