-- 13-generations: query generations through api.execute (sql/README.md
-- "api.execute", "Query generations"): the GenerationConnection shape, the
-- first/after walk over 45 generations in pages of 20/20/5 (hasNextPage,
-- endCursor, totalCount), newest first with ties on created_at broken by id,
-- a walk in pages of 2 across ties, filters by status and type (alone, both,
-- paginated), null arguments = absent, mode isolation (a test key sees test
-- generations only), other accounts' rows never visible (also with their
-- cursor), first out of range and malformed cursors -> per-call
-- INVALID_INPUT with field, the cursor's opacity, the real api.execute.
\set ON_ERROR_STOP 1
\set QUIET 1
BEGIN;
SELECT plan(36);

-- ENTERPRISE: unlimited, so the many requests at one instant are not refused.
SELECT account_id AS acc, key_hash AS key, test_key_hash AS tkey FROM tests.make_account('ENTERPRISE', 1000000) \gset
SELECT account_id AS bacc, key_hash AS bkey FROM tests.make_account('ENTERPRISE', 1000000) \gset
\set t0 '''2030-01-01 00:00:00+00'''

-- 45 live generations of acc: i = 1..40 one second apart, i = 41..45 at the
-- same instant (ties, ordered by id); every 5th an IMAGE (9), the rest
-- AUDIO; every 3rd cancelled (15); 3 of them (i % 15 = 0) both.
CREATE TEMP TABLE g AS
SELECT i, (internal.generation_create(:'acc', false,
             CASE WHEN i % 5 = 0 THEN '{"type":"IMAGE","provider":"flux-dev","input":{"text":"x"}}'::jsonb
                  ELSE '{"type":"AUDIO","provider":"local","input":{"text":"x"}}'::jsonb END,
             :t0::timestamptz + least(i, 41) * interval '1 second')).id AS id
  FROM generate_series(1, 45) i;
SELECT count(internal.generation_cancel(:'acc', false, id, :t0::timestamptz + interval '1 minute')) AS ignored
  FROM g WHERE i % 3 = 0 \gset
-- 4 test-mode generations of acc, 3 live ones of bacc.
SELECT count(internal.generation_create(:'acc', true, '{"type":"AUDIO","provider":"local","input":{"text":"t"}}',
             :t0::timestamptz + i * interval '1 second')) AS ignored FROM generate_series(1, 4) i \gset
SELECT count(internal.generation_create(:'bacc', false, '{"type":"AUDIO","provider":"local","input":{"text":"b"}}',
             :t0::timestamptz + i * interval '1 second')) AS ignored FROM generate_series(1, 3) i \gset

-- The expected order: newest first, ties by id descending.
CREATE TEMP TABLE expected AS
SELECT row_number() OVER (ORDER BY x.created_at DESC, x.id DESC) AS n, x.id, x.status, x.type
  FROM internal.generations x WHERE x.account_id = :'acc' AND NOT x.test_mode;

-- The generations field's result ({"data"} or {"error"}) through api.execute's core.
CREATE FUNCTION pg_temp.gens(p_key text, p_args jsonb) RETURNS jsonb LANGUAGE sql AS $$
  SELECT internal.request_execute(p_key, tests.request(jsonb_build_array(tests.call('generations', p_args))),
                                  '2030-01-01 00:10:00+00')->'results'->0
$$;
-- The ids of a connection's edges, in order.
CREATE FUNCTION pg_temp.ids(p_conn jsonb) RETURNS jsonb LANGUAGE sql AS $$
  SELECT coalesce(jsonb_agg(e.value->'node'->'id' ORDER BY e.ordinality), '[]'::jsonb)
    FROM jsonb_array_elements(p_conn->'edges') WITH ORDINALITY e
$$;
-- Follows endCursor until hasNextPage is false: {"pages", "ids", "totals"}.
CREATE FUNCTION pg_temp.walk(p_key text, p_args jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_ids    jsonb := '[]';
  v_totals jsonb := '[]';
  v_pages  integer := 0;
  v_after  jsonb := 'null';
  v_conn   jsonb;
BEGIN
  LOOP
    v_conn := pg_temp.gens(p_key, p_args || jsonb_build_object('after', v_after))->'data';
    v_pages := v_pages + 1;
    v_ids := v_ids || pg_temp.ids(v_conn);
    v_totals := v_totals || jsonb_build_array(v_conn->'totalCount');
    EXIT WHEN NOT (v_conn->'pageInfo'->>'hasNextPage')::boolean OR v_pages > 100;
    v_after := v_conn->'pageInfo'->'endCursor';
  END LOOP;
  RETURN jsonb_build_object('pages', v_pages, 'ids', v_ids, 'totals', v_totals);
END
$$;
CREATE FUNCTION pg_temp.expected_ids(p_from bigint, p_to bigint) RETURNS jsonb LANGUAGE sql AS $$
  SELECT coalesce(jsonb_agg(to_jsonb(e.id) ORDER BY e.n), '[]'::jsonb) FROM expected e WHERE e.n BETWEEN p_from AND p_to
$$;

-- ------------------------------------------------------------ the 20/20/5 walk
CREATE TEMP TABLE p1 AS SELECT pg_temp.gens(:'key', '{"first":20}')->'data' AS c;
SELECT is((SELECT array_agg(k ORDER BY k) FROM p1, jsonb_object_keys(c) k), ARRAY['edges', 'nodes', 'pageInfo', 'totalCount'],
          'a GenerationConnection: edges, nodes, pageInfo, totalCount');
SELECT is((SELECT pg_temp.ids(c) FROM p1), pg_temp.expected_ids(1, 20), 'page 1: the 20 newest, newest first, ties by id');
SELECT is((SELECT c->'pageInfo' FROM p1), (SELECT jsonb_build_object('hasNextPage', true, 'endCursor', c->'edges'->19->'cursor') FROM p1),
          'page 1: hasNextPage true, endCursor = the last edge''s cursor');
SELECT is((SELECT c->'totalCount' FROM p1), '45'::jsonb, 'totalCount 45 (all rows, not the page)');
SELECT is((SELECT c->'nodes' FROM p1), (SELECT jsonb_agg(e.value->'node' ORDER BY e.ordinality) FROM p1, jsonb_array_elements(c->'edges') WITH ORDINALITY e),
          'nodes = the edges'' nodes, same order');
SELECT is((SELECT c->'edges'->0->'node' FROM p1),
          (SELECT internal.generation_json(x) FROM internal.generations x, expected e WHERE x.id = e.id AND e.n = 1),
          'a node is the Generation JSON of internal.generation_json');
SELECT is((SELECT count(DISTINCT e->>'cursor') FROM p1, jsonb_array_elements(c->'edges') e), 20::bigint, 'every edge has its own cursor');

CREATE TEMP TABLE p2 AS SELECT pg_temp.gens(:'key', jsonb_build_object('first', 20, 'after', (SELECT c->'pageInfo'->'endCursor' FROM p1)))->'data' AS c;
SELECT is((SELECT pg_temp.ids(c) FROM p2), pg_temp.expected_ids(21, 40), 'page 2 (after page 1''s endCursor): rows 21..40');
SELECT is((SELECT (c->'pageInfo'->'hasNextPage', c->'totalCount')::text FROM p2), '(true,45)', 'page 2: hasNextPage, totalCount 45');
CREATE TEMP TABLE p3 AS SELECT pg_temp.gens(:'key', jsonb_build_object('first', 20, 'after', (SELECT c->'pageInfo'->'endCursor' FROM p2)))->'data' AS c;
SELECT is((SELECT pg_temp.ids(c) FROM p3), pg_temp.expected_ids(41, 45), 'page 3: the last 5');
SELECT is((SELECT c->'pageInfo' FROM p3), (SELECT jsonb_build_object('hasNextPage', false, 'endCursor', c->'edges'->4->'cursor') FROM p3),
          'page 3: hasNextPage false, endCursor its last cursor');
SELECT is(pg_temp.gens(:'key', jsonb_build_object('first', 20, 'after', (SELECT c->'pageInfo'->'endCursor' FROM p3)))->'data',
          '{"edges":[],"nodes":[],"pageInfo":{"hasNextPage":false,"endCursor":null},"totalCount":45}'::jsonb,
          'after the last row: an empty page, endCursor null, totalCount still 45');
SELECT is(pg_temp.walk(:'key', '{"first":2}') - 'totals',
          jsonb_build_object('pages', 23, 'ids', pg_temp.expected_ids(1, 45)),
          'pages of 2 across the tied instants: every row once, in order, 23 pages');

-- ------------------------------------------------------------ first
SELECT is(pg_temp.ids(pg_temp.gens(:'key', '{}')->'data'), pg_temp.expected_ids(1, 20), 'first absent: 20');
SELECT is(pg_temp.ids(pg_temp.gens(:'key', '{"first":null,"after":null,"status":null,"type":null}')->'data'),
          pg_temp.expected_ids(1, 20), 'null arguments count as absent');
SELECT is(pg_temp.gens(:'key', '{"first":0}')->'data',
          '{"edges":[],"nodes":[],"pageInfo":{"hasNextPage":true,"endCursor":null},"totalCount":45}'::jsonb,
          'first 0: no edges, hasNextPage true when rows exist');
SELECT is((SELECT (jsonb_array_length(c->'edges'), c->'pageInfo'->'hasNextPage')::text FROM (SELECT pg_temp.gens(:'key', '{"first":100}')->'data' AS c) s),
          '(45,false)', 'first 100: everything, hasNextPage false');
SELECT is(pg_temp.gens(:'key', '{"first":101}'),
          '{"error":{"code":"INVALID_INPUT","message":"first must be an integer from 0 to 100.","extensions":{"field":"first","min":0,"max":100}}}'::jsonb,
          'first 101: INVALID_INPUT field first with min and max');
SELECT is((SELECT array_agg(pg_temp.gens(:'key', jsonb_build_object('first', v))->'error'->'extensions'->>'field' ORDER BY o)
             FROM unnest(ARRAY['-1'::jsonb, '2.5', '"10"', 'true']) WITH ORDINALITY AS u(v, o)),
          ARRAY['first', 'first', 'first', 'first'], 'first -1, 2.5, "10", true: INVALID_INPUT field first');

-- ------------------------------------------------------------ after
SELECT is(pg_temp.gens(:'key', '{"after":"zzz"}'),
          '{"error":{"code":"INVALID_INPUT","message":"after is not a cursor of this connection; use a pageInfo.endCursor or edges.cursor value.","extensions":{"field":"after"}}}'::jsonb,
          'a malformed cursor: INVALID_INPUT field after');
SELECT is((SELECT array_agg(pg_temp.gens(:'key', jsonb_build_object('after', v))->'error'->'extensions'->>'field' ORDER BY o)
             FROM unnest(ARRAY['""'::jsonb, '"!!!!"', '"a"', to_jsonb(rtrim(translate(encode('hello:gen_x', 'base64'), '+/', '-_'), '=')),
                               to_jsonb(rtrim(translate(encode('\xfffefd3a', 'base64'), '+/', '-_'), '=')),
                               to_jsonb(rtrim(translate(encode(convert_to('-999999999999999999:gen_000000000000000000000000', 'UTF8'), 'base64'), '+/', '-_'), '=')),
                               '5', '{}']) WITH ORDINALITY AS u(v, o)),
          ARRAY['after', 'after', 'after', 'after', 'after', 'after', 'after', 'after'],
          'empty, bad alphabet, bad length, wrong content, not UTF-8, time out of range, not a string: field after');
SELECT ok((SELECT bool_and(e->>'cursor' ~ '^[A-Za-z0-9_-]+$' AND strpos(e->>'cursor', 'gen_') = 0)
             FROM p1, jsonb_array_elements(c->'edges') e),
          'cursors are URL-safe and do not show the id (opaque)');
SELECT is(internal.generation_cursor_parse(internal.generation_cursor('2030-01-01 00:00:00.123457+00', 'gen_0123456789abcdef01234567')),
          ROW('2030-01-01 00:00:00.123457+00'::timestamptz, 'gen_0123456789abcdef01234567'::text),
          'a cursor round-trips created_at to the microsecond and the id');

-- ------------------------------------------------------------ filters
SELECT is(pg_temp.walk(:'key', '{"first":10,"status":"CANCELLED"}'),
          (SELECT jsonb_build_object('pages', 2, 'ids', jsonb_agg(to_jsonb(id) ORDER BY n), 'totals', '[15,15]'::jsonb)
             FROM expected WHERE status = 'CANCELLED'),
          'status CANCELLED: 15 rows in pages of 10 and 5, in order, totalCount 15');
SELECT is((SELECT jsonb_agg(DISTINCT n->'status') FROM jsonb_array_elements(pg_temp.gens(:'key', '{"first":100,"status":"PENDING"}')->'data'->'nodes') n),
          '["PENDING"]'::jsonb, 'status PENDING: only PENDING nodes');
SELECT is(pg_temp.gens(:'key', '{"first":100,"status":"PENDING"}')->'data'->'totalCount', '30'::jsonb, 'status PENDING: totalCount 30');
SELECT is(pg_temp.ids(pg_temp.gens(:'key', '{"type":"IMAGE"}')->'data'),
          (SELECT jsonb_agg(to_jsonb(id) ORDER BY n) FROM expected WHERE type = 'IMAGE'), 'type IMAGE: the 9 images');
SELECT is(pg_temp.gens(:'key', '{"type":"IMAGE","status":"CANCELLED"}')->'data'->'totalCount', '3'::jsonb,
          'type and status together: 3');
SELECT is(pg_temp.gens(:'key', '{"type":"AVATAR"}')->'data',
          '{"edges":[],"nodes":[],"pageInfo":{"hasNextPage":false,"endCursor":null},"totalCount":0}'::jsonb,
          'no match: an empty connection');
SELECT is(pg_temp.gens(:'key', '{"status":"DONE"}')->'error'->'extensions',
          '{"field":"status","allowedValues":["PENDING","PROCESSING","COMPLETED","FAILED","CANCELLED"]}'::jsonb,
          'an unknown status: INVALID_INPUT with allowedValues');
SELECT is(pg_temp.gens(:'key', '{"type":"VIDEOS"}')->'error'->'extensions'->>'field', 'type', 'an unknown type: INVALID_INPUT field type');

-- ------------------------------------------------------------ isolation
SELECT is((SELECT jsonb_build_object('total', c->'totalCount', 'ids', pg_temp.ids(c)) FROM (SELECT pg_temp.gens(:'tkey', '{}')->'data' AS c) s),
          (SELECT jsonb_build_object('total', 4, 'ids', jsonb_agg(to_jsonb(x.id) ORDER BY x.created_at DESC, x.id DESC))
             FROM internal.generations x WHERE x.account_id = :'acc' AND x.test_mode),
          'a test key lists the 4 test-mode generations only');
SELECT is((SELECT jsonb_build_object('total', c->'totalCount', 'ids', pg_temp.ids(c)) FROM (SELECT pg_temp.gens(:'bkey', '{"first":100}')->'data' AS c) s),
          (SELECT jsonb_build_object('total', 3, 'ids', jsonb_agg(to_jsonb(x.id) ORDER BY x.created_at DESC, x.id DESC))
             FROM internal.generations x WHERE x.account_id = :'bacc'),
          'another account sees its own 3 and none of acc''s');
SELECT is((SELECT count(*) FROM jsonb_array_elements(pg_temp.gens(:'bkey', jsonb_build_object('first', 100, 'after',
             (SELECT c->'edges'->0->'cursor' FROM p1)))->'data'->'nodes') n
            WHERE n->>'id' IN (SELECT id FROM g)), 0::bigint,
          'another account''s cursor shows nothing of that account');

-- ------------------------------------------------------------ api.execute
SELECT is(pg_temp.ids(api.execute(:'key', tests.request(jsonb_build_array(tests.call('generations', '{"first":3}'))))->'results'->0->'data'),
          pg_temp.expected_ids(1, 3), 'api.execute answers generations');
SELECT ok(tests.ledger_consistent(), 'ledger consistent');

SELECT * FROM finish();
ROLLBACK;
