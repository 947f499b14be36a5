-- internal.jobs_report(worker, outcomes, now): records a batch of job
-- outcomes in one transaction, so a scheduler running offline adapters
-- (test mode's simulation, local renderers) pays one round trip per batch
-- instead of one per job. Each element of p_outcomes is one transition:
--   {"id", "kind": "submitted", "taskId"}               internal.job_submitted
--   {"id", "kind": "progress", "progress", "nextPoll"}  internal.job_progress
--   {"id", "kind": "complete", "url", "metadata"}       internal.job_complete
--   {"id", "kind": "fail", "code", "message", "upstreamStatus", "fault"}
--                                                       internal.job_fail
--   {"id", "kind": "defer", "seconds", "upstreamStatus", "message"}
--                                                       internal.job_defer
--   {"id", "kind": "unknown", "seconds", "upstreamStatus"}
--                                                       internal.job_submit_unknown
-- each with the same rules as the single call (lease, states, money). An
-- element that fails (lost lease, bad input) is rolled back alone (its own
-- subtransaction) and reported; the others stand. Returns a JSON array, in
-- input order, of {"id", "ok": true} plus "cancelled": true or "fallback":
-- {from, to} when the call said so, or {"id", "ok": false, "error":
-- {"sqlstate", "message"}}. At most 1000 elements (QA400).
-- The "complete" elements are recorded together, set-based
-- (internal.jobs_complete), after the others; should that group fail as a
-- whole, each is retried alone.
-- Before any element, locks in the order every writer takes them: the
-- batch's generations and queue rows (internal.jobs_lock), then (when a
-- "fail" element may post to them) their wallets by (account, mode). Two
-- schedulers settling jobs of the same accounts would otherwise take the
-- wallet locks in different orders (elements post one by one) and deadlock;
-- and a user's cancel locks the generation, then settles its wallet
-- (internal.generation_cancel), so wallets first here deadlocked with it
-- (tests/sql/concurrency.sh section 8).
CREATE OR REPLACE FUNCTION internal.jobs_report(p_worker text, p_outcomes jsonb, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
-- Generic plans: sql/README.md "Scheduler batches: generic plans".
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  v_item     jsonb;
  v_id       text;
  v_res      jsonb;
  v_results  jsonb[];                -- by ordinal (an expanded array: O(1) stores)
  v_complete jsonb;                  -- the complete elements, each with its "ord"
  v_ord      bigint;
  v_ids      text[];                 -- the batch's generation ids
BEGIN
  IF jsonb_typeof(p_outcomes) IS DISTINCT FROM 'array' OR jsonb_array_length(p_outcomes) > 1000 THEN
    PERFORM internal.raise_invalid(internal.problem('outcomes must be a JSON array of at most 1000 elements.', 'outcomes'));
  END IF;
  v_ids := ARRAY(SELECT e->>'id' FROM jsonb_array_elements(p_outcomes) e);
  PERFORM internal.jobs_lock(v_ids);
  -- Only "fail" elements post to wallets one by one (a release, or a
  -- fallback's); when there are none, jobs_complete locks the wallets itself
  -- as its last step, so two schedulers' batches of the same accounts
  -- overlap instead of taking turns.
  IF jsonb_path_exists(p_outcomes, '$[*] ? (@.kind == "fail")') THEN
    PERFORM internal.wallets_lock(v_ids);
  END IF;
  SELECT jsonb_agg(x.e || jsonb_build_object('ord', x.o) ORDER BY x.o)
    INTO v_complete
    FROM jsonb_array_elements(p_outcomes) WITH ORDINALITY x(e, o)
   WHERE x.e->>'kind' = 'complete';
  FOR v_item, v_ord IN SELECT x.e, x.o FROM jsonb_array_elements(p_outcomes) WITH ORDINALITY x(e, o)
                        WHERE x.e->>'kind' IS DISTINCT FROM 'complete' LOOP
    v_id := v_item->>'id';
    BEGIN
      v_res := CASE v_item->>'kind'
        WHEN 'submitted' THEN internal.job_submitted(v_id, p_worker, v_item->>'taskId', p_now)
        WHEN 'progress' THEN internal.job_progress(v_id, p_worker, (v_item->>'progress')::integer,
                                                   (v_item->>'nextPoll')::integer, p_now)
        WHEN 'fail' THEN internal.job_fail(v_id, p_worker, v_item->>'code', v_item->>'message',
                                           v_item->>'upstreamStatus', v_item->>'fault', p_now)
        WHEN 'defer' THEN internal.job_defer(v_id, p_worker, (v_item->>'seconds')::integer,
                                             v_item->>'upstreamStatus', v_item->>'message', p_now)
        WHEN 'unknown' THEN internal.job_submit_unknown(v_id, p_worker, (v_item->>'seconds')::integer,
                                                        v_item->>'upstreamStatus', p_now)
      END;
      IF v_res IS NULL THEN
        PERFORM internal.raise_invalid(internal.problem(
          format('Unknown outcome kind %s.', coalesce(v_item->>'kind', 'null')), 'kind'));
      END IF;
      v_res := jsonb_strip_nulls(jsonb_build_object(
                 'id', v_id, 'ok', true,
                 'cancelled', CASE WHEN (v_res->>'cancelled')::boolean THEN true END,
                 'fallback', v_res->'fallback'));
    EXCEPTION WHEN OTHERS THEN
      v_res := jsonb_build_object('id', v_id, 'ok', false,
                                  'error', jsonb_build_object('sqlstate', SQLSTATE, 'message', SQLERRM));
    END;
    v_results[v_ord] := v_res;
  END LOOP;

  IF v_complete IS NOT NULL THEN
    BEGIN
      FOR v_ord, v_res IN
        SELECT (a.c->>'ord')::bigint, b.r
          FROM jsonb_array_elements(v_complete) WITH ORDINALITY a(c, n)
          JOIN jsonb_array_elements(internal.jobs_complete(p_worker, v_complete, p_now)) WITH ORDINALITY b(r, m)
            ON a.n = b.m
      LOOP
        v_results[v_ord] := v_res;
      END LOOP;
    EXCEPTION WHEN OTHERS THEN
      -- One at a time, each would lock its wallet in the items' order: lock
      -- them all first, in the one order.
      PERFORM internal.wallets_lock(ARRAY(SELECT e->>'id' FROM jsonb_array_elements(v_complete) e));
      FOR v_item IN SELECT e FROM jsonb_array_elements(v_complete) e LOOP
        BEGIN
          v_res := internal.jobs_complete(p_worker, jsonb_build_array(v_item), p_now)->0;
        EXCEPTION WHEN OTHERS THEN
          v_res := jsonb_build_object('id', v_item->>'id', 'ok', false,
                                      'error', jsonb_build_object('sqlstate', SQLSTATE, 'message', SQLERRM));
        END;
        v_results[(v_item->>'ord')::bigint] := v_res;
      END LOOP;
    END;
  END IF;
  RETURN (SELECT coalesce(jsonb_agg(v_results[o] ORDER BY o), '[]'::jsonb)
            FROM generate_series(1, jsonb_array_length(p_outcomes)) o);
END
$$;
