-- 15-webhook-secret: mutation rotateWebhookSecret and
-- internal.webhook_secrets (SPEC §9: "during rotation both secrets sign").
-- Covers: the new secret's format (whsec_ + base64 of 32 bytes) returned as
-- a JSON string through api.execute; the previous secret kept until
-- now + 24 h; webhook_secrets = [current] before any rotation, [new, previous]
-- during the 24 h and [new] from then on; a second rotation keeps only the
-- two newest; the secret is per account (a test key rotates it, other
-- accounts untouched); an Idempotency-Key replays the same secret without a
-- second rotation; QA404 for an unknown account; the real api.execute.
-- Sealed secrets (migration 000013): the sealed form the responder passes as
-- args.sealedSecret is stored and answered as is (SQL never sees the key),
-- the previous secret keeps its form, webhook_secrets hands the stored forms
-- to the scheduler, admin.account_create takes a sealed secret, and a value
-- in neither form is refused.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(23);

SELECT account_id AS acc, key_hash AS key, test_key_hash AS tkey FROM tests.make_account('PRO', 0) \gset
SELECT account_id AS oacc FROM tests.make_account('PRO', 0) \gset
SELECT webhook_secret AS s0 FROM internal.accounts WHERE id = :'acc' \gset
SELECT webhook_secret AS other0 FROM internal.accounts WHERE id = :'oacc' \gset
\set t1 '''2030-01-01 12:00:00+00'''

CREATE FUNCTION pg_temp.rotate(p_key text, p_now timestamptz, p_idem text DEFAULT NULL) RETURNS jsonb LANGUAGE sql AS $$
  SELECT internal.request_execute(p_key, tests.request(jsonb_build_array(tests.call('rotateWebhookSecret')), true,
                                                       p_idem, CASE WHEN p_idem IS NOT NULL THEN 'fp-rotate' END), p_now)
$$;

SELECT is(internal.webhook_secrets(:'acc', :t1), ARRAY[:'s0'], 'before any rotation: the current secret alone');

SELECT pg_temp.rotate(:'key', :t1)->'results'->0 AS r1 \gset
SELECT ok(jsonb_typeof(:'r1'::jsonb->'data') = 'string' AND :'r1'::jsonb->>'data' ~ '^whsec_[A-Za-z0-9+/]{43}=$',
          'rotateWebhookSecret answers a JSON string whsec_ + 44 base64 characters');
SELECT :'r1'::jsonb->>'data' AS s1 \gset
SELECT is(length(decode(substr(:'s1', 7), 'base64')), 32, 'the secret is 32 bytes');
SELECT isnt(:'s1'::text, :'s0'::text, 'a new secret');
SELECT is((SELECT (webhook_secret, webhook_secret_prev, webhook_secret_prev_until)::text FROM internal.accounts WHERE id = :'acc'),
          (:'s1', :'s0', :t1::timestamptz + interval '24 hours')::text,
          'stored: the new secret, the previous one and its end (now + 24 h)');
SELECT is(admin.webhook_secret(:'acc'), to_jsonb(:'s1'::text), 'admin.webhook_secret shows the new one');

SELECT is(internal.webhook_secrets(:'acc', :t1), ARRAY[:'s1', :'s0'], 'during the rotation: the new secret first, then the previous');
SELECT is(internal.webhook_secrets(:'acc', :t1::timestamptz + interval '24 hours' - interval '1 second'), ARRAY[:'s1', :'s0'],
          'a second before the 24 h end: still both');
SELECT is(internal.webhook_secrets(:'acc', :t1::timestamptz + interval '24 hours'), ARRAY[:'s1'],
          'from 24 h on: the new secret alone');

-- A second rotation (an hour later, with the test key: the secret is per account).
SELECT pg_temp.rotate(:'tkey', :t1::timestamptz + interval '1 hour')->'results'->0->>'data' AS s2 \gset
SELECT is(internal.webhook_secrets(:'acc', :t1::timestamptz + interval '2 hours'), ARRAY[:'s2', :'s1'],
          'a second rotation (by the test key): the two newest sign, the oldest is gone');
SELECT is((SELECT webhook_secret_prev_until FROM internal.accounts WHERE id = :'acc'), :t1::timestamptz + interval '25 hours',
          'the grace period restarts from the second rotation');
SELECT is((SELECT webhook_secret FROM internal.accounts WHERE id = :'oacc'), :'other0'::text, 'other accounts keep their secret');

-- Idempotency-Key: the replay answers the stored secret and rotates nothing.
SELECT pg_temp.rotate(:'key', :t1::timestamptz + interval '2 hours', 'rot-1')->'results'->0->>'data' AS s3 \gset
SELECT is(pg_temp.rotate(:'key', :t1::timestamptz + interval '2 hours', 'rot-1')->'results'->0->>'data', :'s3'::text,
          'a replay with the same Idempotency-Key answers the same secret');
SELECT is(internal.webhook_secrets(:'acc', :t1::timestamptz + interval '2 hours'), ARRAY[:'s3', :'s2'], 'and did not rotate again');

SELECT is(tests.error_of($$SELECT internal.webhook_secrets('acc_000000000000000000000000', now())$$)->>'sqlstate', 'QA404',
          'webhook_secrets of an unknown account: QA404');
SELECT api.execute(:'key', tests.request(jsonb_build_array(tests.call('rotateWebhookSecret')), true))->'results'->0->>'data' AS s4 \gset
SELECT is((SELECT webhook_secret FROM internal.accounts WHERE id = :'acc'), :'s4'::text, 'api.execute answers rotateWebhookSecret');

-- Sealed forms (what the responder and doitong-admin pass with a key set).
\set sealed1 '\'whenc1:AQEBAQEBAQEBAQEBAKuWUAvaJQCfBV5qICAZgboc26z71kaYy5JLvMdAkQPgty4uteGO5Btp15ZTHJjU8SRJFaWa\''
\set sealed2 '\'whenc1:AgICAgICAgICAgICAKuWUAvaJQCfBV5qICAZgboc26z71kaYy5JLvMdAkQPgty4uteGO5Btp15ZTHJjU8SRJFaWa\''
SELECT is(api.execute(:'key', tests.request(jsonb_build_array(tests.call('rotateWebhookSecret',
            jsonb_build_object('sealedSecret', :sealed1))), true))->'results'->0->'data',
          to_jsonb(:sealed1::text), 'a sealed new secret is stored and answered in its sealed form');
SELECT is((SELECT (webhook_secret, webhook_secret_prev)::text FROM internal.accounts WHERE id = :'acc'),
          (:sealed1::text, :'s4'::text)::text, 'the previous (plaintext) secret keeps its form');
SELECT api.execute(:'key', tests.request(jsonb_build_array(tests.call('rotateWebhookSecret',
         jsonb_build_object('sealedSecret', :sealed2))), true)) IS NOT NULL AS ignored \gset
SELECT is(internal.webhook_secrets(:'acc', now()), ARRAY[:sealed2, :sealed1],
          'webhook_secrets hands the stored (sealed) forms to the scheduler, current first');
SELECT is(admin.webhook_secret(:'acc'), to_jsonb(:sealed2::text), 'admin.webhook_secret answers the sealed form');
SELECT admin.account_create('sealed', 'PRO', 0, :sealed1)->>'id' AS sacc \gset
SELECT is((SELECT webhook_secret FROM internal.accounts WHERE id = :'sacc'),
          :sealed1::text, 'admin.account_create stores the sealed secret it is given');
SELECT is(tests.error_of($$SELECT admin.account_create('bad', 'PRO', 0, 'plain-text-secret')$$)->>'sqlstate', '23514',
          'a secret in neither form is refused (check constraint)');
SELECT is(tests.error_of(format($$SELECT api.execute(%L, tests.request(jsonb_build_array(tests.call('rotateWebhookSecret',
            '{"sealedSecret":"whenc1:not base64!"}')), true))$$, :'key'))->>'sqlstate', '23514',
          'a malformed sealed value is refused too');

SELECT * FROM finish();
ROLLBACK;
