-- 28-inline-inputs: input.image and input.audio may be base64 data: URIs
-- (internal.data_uri_ok) as well as http(s) URLs: accepted with an image
-- (audio) type, up to internal.data_uri_max_bytes(); refused with QA400 on
-- input.<kind> otherwise (other types, not base64, too large, video). Reads
-- and webhook bodies show the URI shortened (internal.input_public); the
-- scheduler's claim gets it whole.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(12);

SELECT account_id AS acc, key_hash AS key FROM tests.make_account('ENTERPRISE', 1000000) \gset
-- A 1x1 PNG.
\set png 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

SELECT api.generate(:'key', jsonb_build_object('type', 'VIDEO', 'provider', 'local-video',
         'input', jsonb_build_object('text', 'a still', 'image', :'png'))) AS g1 \gset
SELECT is(:'g1'::jsonb->>'status', 'PENDING', 'a PNG data: URI as input.image is accepted');
SELECT is(:'g1'::jsonb->'input'->>'image',
          format('data:image/png;base64,[%s bytes]', octet_length(:'png')),
          'the generation shows the data: URI shortened, with its size');
SELECT is((SELECT g.input->>'image' FROM internal.generations g WHERE g.id = :'g1'::jsonb->>'id'), :'png',
          'the stored input keeps the whole URI for the adapter');
SELECT is(tests.claimed_job(:'g1'::jsonb->>'id')->'input'->>'image', :'png', 'the scheduler''s job carries it whole');
SELECT is(api.generation(:'key', :'g1'::jsonb->>'id')->'input'->>'image',
          format('data:image/png;base64,[%s bytes]', octet_length(:'png')), 'a read shows it shortened too');
SELECT is(internal.input_public('{"text":"a","image":"https://example.com/a.png"}'),
          '{"text":"a","image":"https://example.com/a.png"}'::jsonb, 'URLs are shown as they are');

SELECT is(api.generate(:'key', jsonb_build_object('type', 'AVATAR', 'provider', 'local-avatar',
         'input', jsonb_build_object('text', 'hi', 'image', replace(:'png', 'image/png', 'image/jpeg'))))->>'status',
          'PENDING', 'a JPEG data: URI is accepted');

SELECT is(tests.error_of(format($$SELECT api.generate(%L, jsonb_build_object('type','VIDEO','provider','local-video',
            'input', jsonb_build_object('text','x','image','data:text/html;base64,PGgxPg==')))$$, :'key'))->'detail'->>'field',
          'input.image', 'a data: URI of a non-image type: QA400 on input.image');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, jsonb_build_object('type','VIDEO','provider','local-video',
            'input', jsonb_build_object('text','x','image','data:image/png,rawbytes')))$$, :'key'))->'detail'->>'field',
          'input.image', 'a data: URI that is not base64: QA400');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, jsonb_build_object('type','VIDEO','provider','local-video',
            'input', jsonb_build_object('text','x','image','data:image/png;base64,' || repeat('A', 716800))))$$, :'key'))->'detail'->>'field',
          'input.image', 'a data: URI above the size limit: QA400');
SELECT matches(tests.error_of(format($$SELECT api.generate(%L, jsonb_build_object('type','VIDEO','provider','local-video',
            'input', jsonb_build_object('text','x','image','data:image/png;base64,%%%%')))$$, :'key'))->>'message',
          'base64 data: URI .*image/png', 'the message names both accepted forms');
SELECT is(tests.error_of(format($$SELECT api.generate(%L, jsonb_build_object('type','AUDIO','provider','local',
            'input', jsonb_build_object('text','x','video','data:video/mp4;base64,AAAA')))$$, :'key'))->'detail'->>'field',
          'input.video', 'input.video stays URL-only: QA400');

SELECT * FROM finish();
ROLLBACK;
