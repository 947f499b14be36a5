-- internal.field_generations(principal, args) -> GenerationConnection JSON
--   {"edges": [{"cursor", "node"}], "nodes": [...],
--    "pageInfo": {"hasNextPage", "endCursor"}, "totalCount"}
-- Query generations(first: Int = 20, after: String, status, type): the
-- caller's generations of the key's mode (live keys never see test rows and
-- the reverse, as with query generation), newest first (created_at DESC,
-- id DESC), filtered by status and type when given. node is
-- internal.generation_json, the same object query generation answers.
-- first: 0..100 (absent or null = 20; the C side normally fills the default),
-- else QA400 field "first"; after: a cursor of internal.generation_cursor,
-- else QA400 field "after". Keyset pagination: the page is the rows strictly
-- after the cursor's (created_at, id), read through generations_account_idx
-- in index order, so a deep page costs the same as the first. One row more
-- than asked tells hasNextPage without a second query. totalCount counts
-- every row matching the filters, ignoring the cursor (a count over the
-- account's index range: cheap for the sizes one account produces).
CREATE OR REPLACE FUNCTION internal.field_generations(p_who internal.principal, p_args jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  c_statuses CONSTANT text[] := ARRAY['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'];
  c_types    CONSTANT text[] := ARRAY['VIDEO', 'IMAGE', 'AUDIO', 'AVATAR'];
  v_args     jsonb := coalesce(p_args, '{}'::jsonb);
  v_first    integer := 20;
  -- No cursor = before everything: 'infinity' keeps ONE query shape whose
  -- row comparison is always an index condition.
  v_after_ts timestamptz := 'infinity';
  v_after_id text := '';
  v_status   text;
  v_type     text;
  v_more     boolean;
  v_edges    jsonb;
  v_total    integer;
BEGIN
  IF coalesce(jsonb_typeof(v_args->'first'), 'null') <> 'null' THEN
    v_first := NULL;
    -- Nested, not one OR: the numeric cast must never see a non-number.
    IF jsonb_typeof(v_args->'first') = 'number' THEN
      IF (v_args->'first')::numeric BETWEEN 0 AND 100 AND (v_args->'first')::numeric % 1 = 0 THEN
        v_first := (v_args->'first')::integer;
      END IF;
    END IF;
    IF v_first IS NULL THEN
      PERFORM internal.raise_invalid(internal.problem(
        'first must be an integer from 0 to 100.', 'first', NULL, '{"min":0,"max":100}'));
    END IF;
  END IF;

  IF jsonb_typeof(v_args->'after') = 'string' THEN
    SELECT c.out_created_at, c.out_id INTO v_after_ts, v_after_id
      FROM internal.generation_cursor_parse(v_args->>'after') c;
  ELSIF coalesce(jsonb_typeof(v_args->'after'), 'null') <> 'null' THEN
    PERFORM internal.raise_invalid(internal.problem('after must be a string.', 'after'));
  END IF;

  IF coalesce(jsonb_typeof(v_args->'status'), 'null') <> 'null' THEN
    v_status := v_args->>'status';
    IF jsonb_typeof(v_args->'status') <> 'string' OR NOT (v_status = ANY (c_statuses)) THEN
      PERFORM internal.raise_invalid(internal.problem(
        'status must be one of PENDING, PROCESSING, COMPLETED, FAILED, CANCELLED.', 'status', to_jsonb(c_statuses)));
    END IF;
  END IF;
  IF coalesce(jsonb_typeof(v_args->'type'), 'null') <> 'null' THEN
    v_type := v_args->>'type';
    IF jsonb_typeof(v_args->'type') <> 'string' OR NOT (v_type = ANY (c_types)) THEN
      PERFORM internal.raise_invalid(internal.problem(
        'type must be one of VIDEO, IMAGE, AUDIO, AVATAR.', 'type', to_jsonb(c_types)));
    END IF;
  END IF;

  SELECT count(*) > v_first,
         coalesce(jsonb_agg(jsonb_build_object(
                    'cursor', internal.generation_cursor((s.gen).created_at, (s.gen).id),
                    'node', internal.generation_json(s.gen)) ORDER BY s.n) FILTER (WHERE s.n <= v_first),
                  '[]'::jsonb)
    INTO v_more, v_edges
    FROM (SELECT g AS gen, row_number() OVER (ORDER BY g.created_at DESC, g.id DESC) AS n
            FROM internal.generations g
           WHERE g.account_id = p_who.account_id AND g.test_mode = p_who.test_mode
             AND (g.created_at, g.id) < (v_after_ts, v_after_id)
             AND (v_status IS NULL OR g.status = v_status)
             AND (v_type IS NULL OR g.type = v_type)
           ORDER BY g.created_at DESC, g.id DESC
           LIMIT v_first + 1) s;

  SELECT count(*)::integer INTO v_total
    FROM internal.generations g
   WHERE g.account_id = p_who.account_id AND g.test_mode = p_who.test_mode
     AND (v_status IS NULL OR g.status = v_status)
     AND (v_type IS NULL OR g.type = v_type);

  RETURN jsonb_build_object(
    'edges', v_edges,
    'nodes', (SELECT coalesce(jsonb_agg(e.value->'node' ORDER BY e.ordinality), '[]'::jsonb)
                FROM jsonb_array_elements(v_edges) WITH ORDINALITY e),
    'pageInfo', jsonb_build_object('hasNextPage', v_more,
                                   'endCursor', v_edges->-1->'cursor'),
    'totalCount', v_total);
END
$$;
