-- 16-persisted-queries: automatic persisted queries (SPEC §2, Apollo APQ):
-- api.execute's "persist" member and api.persisted_query.
-- Covers: storing through api.execute (created_at = last_used_at = the
-- request's instant) also alongside fields; lookup -> the query as a JSON
-- string; unknown or malformed hash -> JSON null; QA401 for an unknown or
-- revoked key; a lookup counts no rate-limit hit; a second store of the same
-- hash keeps the first row; a malformed persist member -> 22023; a refused
-- request (QA401, QA429) stores nothing; last_used_at touched at most once
-- an hour; api.maintenance_purge drops queries unused for 30 days and
-- reports "persistedQueries"; doitong_api may call api.persisted_query.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(23);

SELECT account_id AS acc, key_hash AS key FROM tests.make_account('FREE', 100) \gset
\set t0 '''2030-01-01 00:00:10+00'''
\set q1 'query { providers { id } }'
SELECT encode(sha256(convert_to(:'q1', 'UTF8')), 'hex') AS h1 \gset
\set q2 'query Two { account { credits } }'
SELECT encode(sha256(convert_to(:'q2', 'UTF8')), 'hex') AS h2 \gset

CREATE FUNCTION pg_temp.req(p_calls jsonb, p_persist jsonb) RETURNS jsonb LANGUAGE sql AS $$
  SELECT tests.request(p_calls) || jsonb_build_object('persist', p_persist)
$$;

-- ------------------------------------------------------------ store
SELECT is(internal.request_execute(:'key', pg_temp.req('[]', jsonb_build_object('sha256', :'h1', 'query', :'q1')), :t0)->'results',
          '[]'::jsonb, 'a request with persist and no fields runs normally');
SELECT is((SELECT (query, created_at, last_used_at)::text FROM internal.persisted_queries WHERE sha256 = :'h1'),
          (:'q1', :t0::timestamptz, :t0::timestamptz)::text, 'stored with created_at = last_used_at = the request''s instant');
SELECT is(internal.request_execute(:'key', pg_temp.req(jsonb_build_array(tests.call('account')),
                                                       jsonb_build_object('sha256', :'h2', 'query', :'q2')), :t0)->'results'->0->'data'->>'id',
          :'acc', 'persist alongside fields: the fields run');
SELECT is(internal.request_execute(:'key', pg_temp.req('[]', jsonb_build_object('sha256', :'h1', 'query', 'query { other }')), :t0)->'replayed',
          'false'::jsonb, 'storing a known hash again is no error');
SELECT is((SELECT query FROM internal.persisted_queries WHERE sha256 = :'h1'), :'q1', 'and keeps the first row');
SELECT is(internal.request_execute(:'key', pg_temp.req('[]', NULL), :t0)->'replayed', 'false'::jsonb, 'persist null: nothing to store');
SELECT is((SELECT array_agg(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'key', pg_temp.req('[]', p), :t0))->>'sqlstate' ORDER BY o)
             FROM unnest(ARRAY[jsonb_build_object('sha256', upper(:'h1'), 'query', :'q1'), jsonb_build_object('sha256', :'h1'),
                               jsonb_build_object('sha256', :'h1', 'query', ''), '"x"'::jsonb]) WITH ORDINALITY AS u(p, o)),
          ARRAY['22023', '22023', '22023', '22023'], 'a malformed persist (uppercase hash, no query, empty query, not an object): 22023');
SELECT is((SELECT minute_hits FROM internal.rate_windows WHERE account_id = :'acc'), 4,
          'four requests counted so far (the malformed ones rolled back)');

-- Refused requests store nothing.
\set q3 'query Three { generations { totalCount } }'
SELECT encode(sha256(convert_to(:'q3', 'UTF8')), 'hex') AS h3 \gset
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', tests.key_hash('dt_live_nope'),
                                pg_temp.req('[]', jsonb_build_object('sha256', :'h3', 'query', :'q3')), :t0))->>'sqlstate',
          'QA401', 'an unknown key: QA401');
SELECT count(internal.request_execute(:'key', tests.request(), :t0)) AS ignored FROM generate_series(1, 6) \gset
SELECT is(tests.error_of(format('SELECT internal.request_execute(%L, %L, %L)', :'key',
                                pg_temp.req('[]', jsonb_build_object('sha256', :'h3', 'query', :'q3')), :t0))->>'sqlstate',
          'QA429', 'the 11th request of the minute: QA429');
SELECT is((SELECT count(*) FROM internal.persisted_queries WHERE sha256 = :'h3'), 0::bigint,
          'refused requests (QA401, QA429) stored nothing');

-- ------------------------------------------------------------ lookup
SELECT is(api.persisted_query(:'key', :'h1'), to_jsonb(:'q1'::text), 'lookup: the query as a JSON string');
SELECT is(api.persisted_query(:'key', repeat('0', 64)), 'null'::jsonb, 'an unknown hash: JSON null');
SELECT is(api.persisted_query(:'key', 'not-a-hash'), 'null'::jsonb, 'a malformed hash: JSON null');
SELECT is((SELECT minute_hits FROM internal.rate_windows WHERE account_id = :'acc'), 10,
          'lookups count no rate-limit hit (they work even with the minute used up)');
SELECT throws_ok(format('SELECT api.persisted_query(%L, %L)', tests.key_hash('dt_live_nope'), :'h1'), 'QA401', 'Invalid or revoked API key.',
                 'lookup with an unknown key: QA401');
SELECT admin.key_revoke(:'key') IS NOT NULL AS ignored \gset
SELECT throws_ok(format('SELECT api.persisted_query(%L, %L)', :'key', :'h1'), 'QA401', NULL, 'lookup with a revoked key: QA401');

-- last_used_at: touched at most once an hour.
-- (one statement per step: a statement does not see its own function's update)
SELECT internal.persisted_query_get(:'h1', :t0::timestamptz + interval '59 minutes') AS ignored \gset
SELECT is((SELECT last_used_at FROM internal.persisted_queries WHERE sha256 = :'h1'), :t0::timestamptz,
          'a lookup 59 minutes after the last touch leaves last_used_at alone');
SELECT is(internal.persisted_query_get(:'h1', :t0::timestamptz + interval '61 minutes'), to_jsonb(:'q1'::text),
          'a lookup 61 minutes after it answers the query');
SELECT is((SELECT last_used_at FROM internal.persisted_queries WHERE sha256 = :'h1'), :t0::timestamptz + interval '61 minutes',
          'and moves last_used_at');

SELECT key_hash AS key2 FROM tests.make_account('FREE', 0) \gset
SET LOCAL ROLE doitong_api;
SELECT is(api.persisted_query(:'key2', :'h1'), to_jsonb(:'q1'::text), 'doitong_api may call api.persisted_query');
RESET ROLE;

-- ------------------------------------------------------------ purge
SELECT is((SELECT api.maintenance_purge(:t0::timestamptz + interval '30 days' + interval '30 minutes')->'persistedQueries'), '1'::jsonb,
          'purge at t0 + 30 days 30 minutes: h2 (unused since t0) goes, h1 (used at t0 + 61 min) stays');
SELECT is((SELECT array_agg(sha256) FROM internal.persisted_queries WHERE sha256 IN (:'h1', :'h2')), ARRAY[:'h1'], 'h1 kept');

SELECT * FROM finish();
ROLLBACK;
