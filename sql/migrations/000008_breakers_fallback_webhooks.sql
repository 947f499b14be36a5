-- 000008_breakers_fallback_webhooks: what the scheduler needs beyond claiming
-- (SPEC §8.5, §8.6, §9): per-provider circuit breakers, the routing fields an
-- upstream adapter reads, fallback bookkeeping on generations, and webhook
-- deliveries with every attempt.

-- Circuit breaker (internal.provider_health): failure_streak counts
-- consecutive upstream failures of live jobs; at breaker_threshold the
-- breaker opens for breaker_cooldown_s, doubled for each re-opening in a row
-- (breaker_trips, capped at 32x). Once breaker_open_until has passed the
-- provider is half-open: it is offered again, one success closes the breaker
-- and one more failure opens it again at once.
-- base_url: the operator's override of the upstream's base URL (a regional
-- endpoint, a proxy, or the test stack's fake upstream); NULL = the vendor's.
-- key_env: the environment variable of the scheduler holding the API key (keys
-- are never stored in the database).
ALTER TABLE internal.providers
  ADD COLUMN base_url text CHECK (base_url IS NULL OR base_url ~ '^https?://[^[:space:]]+$'),
  ADD COLUMN key_env text CHECK (key_env IS NULL OR key_env ~ '^[A-Z_][A-Z0-9_]{0,99}$'),
  ADD COLUMN failure_streak integer NOT NULL DEFAULT 0 CHECK (failure_streak >= 0),
  ADD COLUMN breaker_threshold integer NOT NULL DEFAULT 5 CHECK (breaker_threshold BETWEEN 1 AND 1000),
  ADD COLUMN breaker_cooldown_s integer NOT NULL DEFAULT 60 CHECK (breaker_cooldown_s BETWEEN 1 AND 86400),
  ADD COLUMN breaker_trips integer NOT NULL DEFAULT 0 CHECK (breaker_trips >= 0);

UPDATE internal.providers
   SET key_env = 'DOITONG_' || upper(translate(id, '-.', '__')) || '_KEY'
 WHERE adapter NOT IN ('local', 'simulate');

-- awaiting_submit: the job must be (re)submitted: true from creation until an
-- upstream accepts it, and again after a fallback moved a PROCESSING job to
-- another provider (the status never goes back to PENDING).
-- requested_model: the model the client named (NULL = the provider's
-- default), so a fallback asks the next provider for the same thing.
ALTER TABLE internal.generations
  ADD COLUMN awaiting_submit boolean NOT NULL DEFAULT true,
  ADD COLUMN requested_model text;
UPDATE internal.generations SET awaiting_submit = false WHERE status <> 'PENDING';

-- One row per webhook event (SPEC §9). body is the exact bytes every attempt
-- sends and signs; msg_id the webhook-id, the same on every retry so
-- receivers can deduplicate. Delivery is at least once: attempts follow the
-- retry schedule until a 2xx, a 410 Gone, or the schedule's end.
CREATE TABLE internal.webhook_deliveries (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  msg_id          text NOT NULL UNIQUE CHECK (msg_id ~ '^msg_[0-9a-v]{26}$'),
  account_id      text NOT NULL REFERENCES internal.accounts (id),
  generation_id   text NOT NULL REFERENCES internal.generations (id) ON DELETE CASCADE,
  event           text NOT NULL CHECK (event IN ('generation.completed', 'generation.failed',
                                                  'generation.cancelled')),
  url             text NOT NULL,
  body            text NOT NULL,
  status          text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at timestamptz NOT NULL,
  lease_owner     text,
  lease_until     timestamptz,
  created_at      timestamptz NOT NULL,
  finished_at     timestamptz,
  last_http_status integer,
  last_error      text,
  CONSTRAINT webhook_deliveries_one_per_event UNIQUE (generation_id, event),
  CONSTRAINT webhook_deliveries_lease_pair CHECK ((lease_owner IS NULL) = (lease_until IS NULL))
);
CREATE INDEX webhook_deliveries_due_idx ON internal.webhook_deliveries (next_attempt_at)
  WHERE status = 'PENDING';

CREATE TABLE internal.webhook_attempts (
  delivery_id  bigint NOT NULL REFERENCES internal.webhook_deliveries (id) ON DELETE CASCADE,
  attempt_no   integer NOT NULL CHECK (attempt_no > 0),
  worker       text NOT NULL,
  finished_at  timestamptz NOT NULL,
  http_status  integer,
  error        text,
  duration_ms  integer,
  PRIMARY KEY (delivery_id, attempt_no)
);

-- job_fail learned whose fault a failure is (breakers, fallback): the old
-- signatures go; the function files define the new ones.
DROP FUNCTION IF EXISTS api.job_fail(text, text, text, text);
DROP FUNCTION IF EXISTS internal.job_fail(text, text, text, text, timestamptz);
