-- internal.generations_guard: the state machine of SPEC §8, enforced on every
-- INSERT and UPDATE of internal.generations whoever issues it.
--   PENDING -> PROCESSING, PROCESSING -> COMPLETED | FAILED,
--   PENDING | PROCESSING -> CANCELLED; any other status change raises QA409.
-- Also: a generation is born PENDING at progress 0; progress never decreases;
-- a terminal row (COMPLETED, FAILED, CANCELLED) keeps its status and outcome
-- for ever; id, account, mode, price and creation time never change (the
-- ledger's reservation depends on them). Entering a terminal state removes
-- the job from the scheduler's queue (internal.job_queue: rows only while
-- active) and stamps completed_at; COMPLETED forces progress to 100.
-- Attached below with CREATE OR REPLACE TRIGGER so the file is re-runnable.
CREATE OR REPLACE FUNCTION internal.generations_guard()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'PENDING' OR NEW.progress <> 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'QA409',
        MESSAGE = 'A generation must start PENDING with progress 0.';
    END IF;
    RETURN NEW;
  END IF;

  IF NEW.id <> OLD.id OR NEW.account_id <> OLD.account_id OR NEW.test_mode <> OLD.test_mode
     OR NEW.credit_cost <> OLD.credit_cost OR NEW.created_at <> OLD.created_at THEN
    RAISE EXCEPTION USING ERRCODE = 'QA409',
      MESSAGE = format('Generation %s: id, account, mode, price and creation time cannot change.', OLD.id);
  END IF;

  IF OLD.status IN ('COMPLETED', 'FAILED', 'CANCELLED') THEN
    IF NEW.status <> OLD.status OR NEW.progress <> OLD.progress
       OR NEW.url IS DISTINCT FROM OLD.url OR NEW.metadata IS DISTINCT FROM OLD.metadata
       OR NEW.error_code IS DISTINCT FROM OLD.error_code
       OR NEW.error_message IS DISTINCT FROM OLD.error_message
       OR NEW.completed_at IS DISTINCT FROM OLD.completed_at THEN
      RAISE EXCEPTION USING ERRCODE = 'QA409',
        MESSAGE = format('Generation %s is %s and can no longer change.', OLD.id, OLD.status);
    END IF;
    RETURN NEW;
  END IF;

  IF NEW.status <> OLD.status AND NOT (
       (OLD.status = 'PENDING'    AND NEW.status IN ('PROCESSING', 'CANCELLED'))
    OR (OLD.status = 'PROCESSING' AND NEW.status IN ('COMPLETED', 'FAILED', 'CANCELLED'))) THEN
    RAISE EXCEPTION USING ERRCODE = 'QA409',
      MESSAGE = format('Generation %s cannot go from %s to %s.', OLD.id, OLD.status, NEW.status);
  END IF;

  IF NEW.progress < OLD.progress THEN
    RAISE EXCEPTION USING ERRCODE = 'QA409',
      MESSAGE = format('Generation %s: progress cannot go back from %s to %s.',
                       OLD.id, OLD.progress, NEW.progress);
  END IF;

  IF NEW.status IN ('COMPLETED', 'FAILED', 'CANCELLED') THEN
    IF NEW.status = 'COMPLETED' THEN
      NEW.progress := 100;
    END IF;
    NEW.completed_at := coalesce(NEW.completed_at, now());
    DELETE FROM internal.job_queue q WHERE q.generation_id = NEW.id;
  END IF;
  RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER generations_guard
  BEFORE INSERT OR UPDATE ON internal.generations
  FOR EACH ROW EXECUTE FUNCTION internal.generations_guard();
