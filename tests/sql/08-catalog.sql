-- 08-catalog: the provider catalog seed (SPEC §10, migration 000005) is
-- complete and self-consistent.
-- Covers: the 23 provider ids (000005's and 000009's) and their types; adapter = id; every option
-- spec well-formed (known type, enum values, defaults valid for their own
-- option); pricing multipliers refer to real options/models and allowed
-- values; `requires` only names accepted kinds; upstream_models keys are
-- models; each provider accepts a request built from its accepted inputs
-- with default options; the local provider's contract; catalog prices.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(15);

SELECT is((SELECT array_agg(id ORDER BY id) FROM internal.providers),
          ARRAY['elevenlabs','flux-dev','flux-kontext','flux-krea','flux-pro','flux-pro-1.1','flux-ultra','hedra','heygen',
                'imagen','kling','local','local-avatar','local-image','local-video','luma','minimax','runway','seedance','seedream','veo','vidu','wan'],
          'every provider of SPEC §10, plus the local ones');
SELECT results_eq($$SELECT t, array_agg(id ORDER BY id) FROM internal.providers, unnest(types) t GROUP BY t ORDER BY t$$,
                  $$VALUES ('AUDIO', ARRAY['elevenlabs','local']),
                           ('AVATAR', ARRAY['hedra','heygen','local-avatar']),
                           ('IMAGE', ARRAY['flux-dev','flux-kontext','flux-krea','flux-pro','flux-pro-1.1','flux-ultra','imagen','local-image','seedream']),
                           ('VIDEO', ARRAY['kling','local-video','luma','minimax','runway','seedance','veo','vidu','wan'])$$,
                  'providers by type');
-- FLUX.1 Krea is no BFL endpoint: it runs on fal (000012).
SELECT is((SELECT count(*) FROM internal.providers
            WHERE adapter <> id OR route <> (CASE id WHEN 'flux-krea' THEN 'fal' ELSE 'direct' END) OR NOT enabled),
          0::bigint, 'adapter = id, route direct (flux-krea: fal), enabled');
SELECT is((SELECT array_agg(p.id || '.' || (o->>'name')) FROM internal.providers p, jsonb_array_elements(p.options) o
            WHERE NOT (o->>'type' = ANY (ARRAY['string','integer','number','boolean','enum']))
               OR (o->>'name') IS NULL
               OR ((o->>'type' = 'enum') <> (jsonb_typeof(o->'allowedValues') = 'array' AND jsonb_array_length(o->'allowedValues') > 0))),
          NULL, 'every option has a name and a known type; exactly the enums have allowedValues');
SELECT is((SELECT array_agg(p.id || '.' || (o->>'name')) FROM internal.providers p, jsonb_array_elements(p.options) o
            WHERE o ? 'default' AND internal.option_problem(p.id, o, o->'default') IS NOT NULL),
          NULL, 'every default is a valid value of its option');
SELECT is((SELECT count(*) FROM internal.providers p
            WHERE (SELECT count(DISTINCT o->>'name') FROM jsonb_array_elements(p.options) o) <> jsonb_array_length(p.options)),
          0::bigint, 'option names are unique per provider');
SELECT is((SELECT array_agg(p.id || '.' || m.key || '.' || v.key)
             FROM internal.providers p,
                  jsonb_each(coalesce(p.pricing->'multipliers', '{}')) m,
                  jsonb_each(m.value) v
            WHERE NOT (CASE WHEN m.key = 'model' THEN v.key = ANY (p.models)
                            ELSE EXISTS (SELECT 1 FROM jsonb_array_elements(p.options) o
                                          WHERE o->>'name' = m.key
                                            AND (o->'allowedValues') ? v.key) END)
               OR (v.value #>> '{}')::numeric <= 0),
          NULL, 'every price multiplier names a model or an allowed option value, with a positive factor');
SELECT is((SELECT array_agg(p.id) FROM internal.providers p, unnest(p.requires) r
            WHERE NOT (string_to_array(r, '|') <@ p.accepts)), NULL, 'requires only names accepted input kinds');
SELECT is((SELECT array_agg(p.id) FROM internal.providers p, jsonb_object_keys(p.upstream_models) k
            WHERE NOT (k = ANY (p.models))), NULL, 'upstream_models maps known models only');
SELECT is((SELECT array_agg(p.id || ': ' || (internal.request_problem(p, NULL, i.input, '{}')->>'message'))
             FROM internal.providers p
             CROSS JOIN LATERAL (SELECT jsonb_object_agg(k, CASE WHEN k IN ('text', 'voice') THEN 'hello'
                                                                 ELSE 'https://example.com/input' END) AS input
                                   FROM unnest(p.accepts) k) i
            WHERE internal.request_problem(p, NULL, i.input, '{}') IS NOT NULL),
          NULL, 'every provider accepts a request with its accepted inputs and default options');
SELECT is((SELECT array_agg(p.id) FROM internal.providers p
            WHERE internal.price(p, NULL, '{"text":"hello"}', '{}') < 1 OR p.estimated_time < 1), NULL,
          'every provider has a positive price and time');
SELECT results_eq($$SELECT vendor, types, models, adapter, estimated_time, poll_interval_s, pricing->>'unit', (pricing->>'credits')::int
                      FROM internal.providers WHERE id = 'local'$$,
                  $$VALUES ('Doitong'::text, '{AUDIO}'::text[], '{espeak-ng}'::text[], 'local'::text, 2, 1, 'kchars'::text, 1)$$,
                  'the local provider');
SELECT is((SELECT jsonb_agg(o - 'description' ORDER BY n) FROM internal.providers p, jsonb_array_elements(p.options) WITH ORDINALITY x(o, n) WHERE p.id = 'local'),
          '[{"name":"voice","type":"string","default":"en"},
            {"name":"speed","type":"number","min":0.5,"max":2,"default":1},
            {"name":"format","type":"enum","allowedValues":["wav","mp3"],"default":"wav"}]'::jsonb,
          'local options: voice, speed, format');
SELECT is((SELECT internal.price(p, NULL, '{"text":"x"}', '{}') FROM internal.providers p WHERE id = 'flux-dev'), 50::bigint,
          'flux-dev costs the 50 credits the product page advertises');
SELECT is((SELECT max(quality_score) FROM internal.providers WHERE adapter LIKE 'local%') < ALL (SELECT quality_score FROM internal.providers WHERE adapter NOT LIKE 'local%'),
          true, 'the local providers have the lowest quality scores, so auto-selection prefers real providers');

SELECT * FROM finish();
ROLLBACK;
