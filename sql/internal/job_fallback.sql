-- internal.job_fallback(generation, now): after an upstream failure of an
-- auto-selected job (its attempt already closed), moves the job to the
-- next-best provider (SPEC §8.5) and returns it; returns NULL when it may
-- not or cannot: the client named the provider, two fallbacks were already
-- made (three providers tried), or no untried provider fits the request.
-- The candidate is what auto-selection would pick now
-- (internal.providers_ranked: enabled, breaker closed, serves the type,
-- accepts the input and options, ranked by the job's priority) among
-- providers with no attempt on this job yet. The client is charged the
-- accepted price whatever the fallback costs (credit_cost never changes
-- after acceptance): a failure upstream is not the client's to pay for, and
-- the quote they accepted holds. The job keeps its status and progress (they
-- never go back) and awaits a new submit; its lease is released and it is
-- due at once.
CREATE OR REPLACE FUNCTION internal.job_fallback(p_gen internal.generations, p_now timestamptz)
RETURNS internal.generations
LANGUAGE plpgsql
AS $$
DECLARE
  v_tried text[];
  v_next  record;
  v_gen   internal.generations;
BEGIN
  IF NOT p_gen.auto_selected THEN
    RETURN NULL;
  END IF;
  SELECT array_agg(DISTINCT a.provider) INTO v_tried
    FROM internal.generation_attempts a
   WHERE a.generation_id = p_gen.id;
  v_tried := coalesce(v_tried, '{}') || p_gen.provider;
  IF (SELECT count(DISTINCT t) FROM unnest(v_tried) t) >= 3 THEN
    RETURN NULL;
  END IF;

  SELECT r.r_provider, r.r_model INTO v_next
    FROM internal.providers_ranked(p_gen.type, p_gen.priority, p_gen.requested_model,
                                   p_gen.input, p_gen.options, p_now) r
   WHERE r.r_provider <> ALL (v_tried)
   ORDER BY r.r_rank
   LIMIT 1;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;

  UPDATE internal.generations g
     SET provider = v_next.r_provider,
         model = v_next.r_model,
         upstream_task_id = NULL,
         awaiting_submit = true
   WHERE g.id = p_gen.id
  RETURNING g.* INTO v_gen;
  PERFORM internal.job_reschedule(p_gen.id, p_now);
  RETURN v_gen;
END
$$;
