-- internal.generation_cancel(account, test mode, id, now): cancels a PENDING or
-- PROCESSING generation of this account and mode: status CANCELLED, lease
-- dropped, open attempt closed, reserved credits released. Returns true when
-- this call cancelled it, false when it was already terminal.
-- Raises QA404 when the id is unknown or belongs to another account or mode.
-- The row lock serializes with the scheduler's job_* calls: whichever commits
-- first wins, and a job_* call that comes second sees CANCELLED and stops.
CREATE OR REPLACE FUNCTION internal.generation_cancel(p_account text, p_test boolean, p_id text,
                                                      p_now timestamptz)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
  v_gen internal.generations;
BEGIN
  SELECT g.* INTO v_gen
    FROM internal.generations g
   WHERE g.id = p_id AND g.account_id = p_account AND g.test_mode = p_test
     FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = 'Generation not found.';
  END IF;
  IF v_gen.status NOT IN ('PENDING', 'PROCESSING') THEN
    RETURN false;
  END IF;

  UPDATE internal.generations g
     SET status = 'CANCELLED', completed_at = p_now
   WHERE g.id = p_id
  RETURNING g.* INTO v_gen;
  PERFORM internal.attempt_close(v_gen, 'CANCELLED', NULL, NULL, NULL, false, p_now);
  PERFORM internal.credits_settle(v_gen, 'release', p_now);
  PERFORM internal.webhook_enqueue(v_gen, p_now);
  RETURN true;
END
$$;
