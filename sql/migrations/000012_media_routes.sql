-- 000012_media_routes: the image and speech providers on the aggregators
-- (SPEC §10, issue 7), as 000010 did for video: fal's and Replicate's model
-- ids from reference/providers.md §17 (fal, [C] catalog) and §18
-- (Replicate: black-forest-labs/flux-kontext-pro [C], the others [U]).
-- NULL where the reference names no id (FLUX.1 [pro] on fal, Seedream on
-- fal, ElevenLabs on Replicate); HeyGen and Hedra are on neither.
-- FLUX.1 Krea is not a BFL API endpoint (§12): it runs on fal by default,
-- its quality tier becoming the inference steps (src/providers/routes.c).
-- ElevenLabs' outputFormat keeps the MP3 encodings only: the result is
-- stored and described from its own bytes, and the pcm/ulaw streams have no
-- header to read (the adapter refuses them too).
UPDATE internal.providers p SET fal_model = v.fal, replicate_model = v.replicate
  FROM (VALUES
    ('imagen',       'fal-ai/imagen4/preview',      'google/imagen-4'),
    ('flux-dev',     'fal-ai/flux/dev',             'black-forest-labs/flux-dev'),
    ('flux-pro',     NULL,                          'black-forest-labs/flux-pro'),
    ('flux-pro-1.1', 'fal-ai/flux-pro/v1.1',        'black-forest-labs/flux-1.1-pro'),
    ('flux-ultra',   'fal-ai/flux-pro/v1.1-ultra',  'black-forest-labs/flux-1.1-pro-ultra'),
    ('flux-kontext', 'fal-ai/flux-pro/kontext',     'black-forest-labs/flux-kontext-pro'),
    ('flux-krea',    'fal-ai/flux/krea',            'black-forest-labs/flux-krea-dev'),
    ('seedream',     NULL,                          'bytedance/seedream-3'),
    ('elevenlabs',   'fal-ai/elevenlabs/tts/multilingual-v2', NULL)
  ) AS v(id, fal, replicate)
 WHERE p.id = v.id;

UPDATE internal.providers SET route = 'fal' WHERE id = 'flux-krea';

UPDATE internal.providers
   SET options = (SELECT jsonb_agg(CASE WHEN o->>'name' = 'outputFormat'
                                        THEN o || '{"allowedValues":["mp3_22050_32","mp3_44100_32","mp3_44100_64","mp3_44100_96","mp3_44100_128","mp3_44100_192"]}'
                                        ELSE o END ORDER BY i)
                    FROM jsonb_array_elements(options) WITH ORDINALITY AS e(o, i))
 WHERE id = 'elevenlabs';
