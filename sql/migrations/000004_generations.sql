-- 000004_generations: generations (the jobs) and their upstream attempts.
--
-- Status changes follow SPEC §8 and are enforced by the trigger
-- internal.generations_guard (sql/internal/generations_guard.sql):
--   PENDING -> PROCESSING -> COMPLETED | FAILED, PENDING | PROCESSING -> CANCELLED.
-- Scheduling: a row is due when status is PENDING or PROCESSING, next_run_at
-- has passed and its lease is free or expired (internal.jobs_claim).

CREATE TABLE internal.generations (
  id               text PRIMARY KEY CHECK (id ~ '^gen_[0-9a-f]{24}$'),
  account_id       text NOT NULL REFERENCES internal.accounts (id),
  test_mode        boolean NOT NULL,
  type             text NOT NULL CHECK (type IN ('VIDEO', 'IMAGE', 'AUDIO', 'AVATAR')),
  provider         text NOT NULL REFERENCES internal.providers (id),
  model            text NOT NULL,
  priority         text NOT NULL DEFAULT 'BALANCED'
                     CHECK (priority IN ('BALANCED', 'QUALITY', 'SPEED', 'COST')),
  -- true when the server chose the provider: only then may the scheduler
  -- fall back to the next-best provider (SPEC §8.5).
  auto_selected    boolean NOT NULL DEFAULT false,
  status           text NOT NULL DEFAULT 'PENDING'
                     CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  progress         integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  input            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(input) = 'object'),
  options          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(options) = 'object'),
  webhook_url      text,
  credit_cost      bigint NOT NULL CHECK (credit_cost > 0),
  estimated_time   integer NOT NULL,
  url              text,
  metadata         jsonb CHECK (metadata IS NULL OR jsonb_typeof(metadata) = 'object'),
  error_code       text,
  error_message    text,
  upstream_task_id text,
  lease_owner      text,
  lease_until      timestamptz,
  next_run_at      timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  completed_at     timestamptz,
  CONSTRAINT generations_lease_pair CHECK ((lease_owner IS NULL) = (lease_until IS NULL))
);

-- The scheduler's queue: only live rows, by due time.
CREATE INDEX generations_due_idx ON internal.generations (next_run_at)
  WHERE status IN ('PENDING', 'PROCESSING');
-- Listing an account's generations newest first (and concurrency counts).
CREATE INDEX generations_account_idx ON internal.generations (account_id, test_mode, created_at DESC, id DESC);
CREATE INDEX generations_active_idx ON internal.generations (account_id, test_mode)
  WHERE status IN ('PENDING', 'PROCESSING');

-- Every upstream attempt, in order (Generation.attempts). status uses the
-- GenerationStatus names: PENDING while a submit is in flight with unknown
-- outcome, PROCESSING once the upstream accepted it, then a terminal one.
CREATE TABLE internal.generation_attempts (
  generation_id    text NOT NULL REFERENCES internal.generations (id) ON DELETE CASCADE,
  attempt_no       integer NOT NULL CHECK (attempt_no > 0),
  provider         text NOT NULL,
  model            text,
  status           text NOT NULL
                     CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  upstream_task_id text,
  upstream_status  text,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz,
  error_code       text,
  error_message    text,
  PRIMARY KEY (generation_id, attempt_no)
);
