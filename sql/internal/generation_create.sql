-- internal.generation_create(account, test mode, GenerateInput JSON, now): the
-- one path by which work enters the system (generate and videoCreate).
-- Parses and validates the input, routes it (named provider or auto-select),
-- reserves its price from the wallet of the key's mode, inserts the PENDING
-- generation and its row in the scheduler's queue, due now, and wakes the
-- schedulers (NOTIFY doitong_jobs, payload = id; delivered at commit). All
-- or nothing: QA400/QA402/QA503 leave no trace.
CREATE OR REPLACE FUNCTION internal.generation_create(p_account text, p_test boolean,
                                                      p_input jsonb, p_now timestamptz)
RETURNS internal.generations
LANGUAGE plpgsql
AS $$
DECLARE
  v_req   jsonb := internal.request_parse(p_input);
  v_route jsonb := internal.route(v_req, false, p_now);
  v_id    text := internal.new_id('gen_');
  v_gen   internal.generations;
BEGIN
  -- Reserve first: it locks the wallet and fails fast with QA402.
  PERFORM internal.credits_reserve(p_account, p_test, (v_route->>'creditCost')::bigint, v_id, p_now);

  INSERT INTO internal.generations
    (id, account_id, test_mode, type, provider, model, priority, auto_selected,
     requested_model, input, options, webhook_url, credit_cost, estimated_time, created_at)
  VALUES
    (v_id, p_account, p_test, v_req->>'type', v_route->>'provider', v_route->>'model',
     v_req->>'priority', (v_route->>'autoSelected')::boolean, v_req->>'model',
     v_req->'input', v_req->'options', v_req->>'webhookUrl',
     (v_route->>'creditCost')::bigint, (v_route->>'estimatedTime')::integer, p_now)
  RETURNING * INTO v_gen;
  INSERT INTO internal.job_queue (generation_id, next_run_at) VALUES (v_id, p_now);

  PERFORM internal.jobs_notify(v_id);
  RETURN v_gen;
END
$$;
