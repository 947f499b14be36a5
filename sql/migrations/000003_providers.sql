-- 000003_providers: the provider catalog (SPEC §10).
--
-- One row per provider id the API exposes. `options` is the option schema every
-- request is validated against: a JSON array of
--   {name, type: string|integer|number|boolean|enum, required, description,
--    allowedValues (array of strings, enum only), default, min, max}
-- (absent keys mean false / null). `pricing` is
--   {unit: second|image|kchars|speech_second|request, credits, defaultDuration,
--    multipliers: {<option name or "model">: {<value>: factor}}, minimum}
-- and is evaluated by internal.price (the formula is documented there).
-- `accepts` lists the input kinds a provider can use (text, image, audio,
-- video, voice); `requires` the ones it cannot work without.
-- Every request's input kinds image, audio and video must be in `accepts`
-- (text and voice are hints any provider may ignore).

CREATE TABLE internal.providers (
  id              text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9.-]*$'),
  name            text NOT NULL,
  vendor          text,
  description     text,
  types           text[] NOT NULL CHECK (cardinality(types) > 0
                    AND types <@ ARRAY['VIDEO', 'IMAGE', 'AUDIO', 'AVATAR']),
  models          text[] NOT NULL CHECK (cardinality(models) > 0),
  default_model   text NOT NULL,
  -- Our model name -> the upstream's model string where they differ
  -- (e.g. kling "v1.6" -> "kling-v1-6"); absent = the same string.
  upstream_models jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(upstream_models) = 'object'),
  features        text[] NOT NULL DEFAULT '{}',
  limitations     text[] NOT NULL DEFAULT '{}',
  options         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(options) = 'array'),
  pricing         jsonb NOT NULL CHECK (jsonb_typeof(pricing) = 'object'
                    AND pricing->>'unit' IN ('second', 'image', 'kchars', 'speech_second', 'request')
                    AND (pricing->>'credits')::numeric > 0),
  estimated_time  integer NOT NULL CHECK (estimated_time > 0),
  quality_score   integer NOT NULL CHECK (quality_score BETWEEN 0 AND 100),
  speed_score     integer NOT NULL CHECK (speed_score BETWEEN 0 AND 100),
  adapter         text NOT NULL,
  route           text NOT NULL DEFAULT 'direct' CHECK (route IN ('direct', 'fal', 'replicate')),
  enabled         boolean NOT NULL DEFAULT true,
  poll_interval_s integer NOT NULL DEFAULT 10 CHECK (poll_interval_s > 0),
  time_limit_s    integer NOT NULL DEFAULT 900 CHECK (time_limit_s > 0),
  accepts         text[] NOT NULL DEFAULT '{text}'
                    CHECK (accepts <@ ARRAY['text', 'image', 'audio', 'video', 'voice']),
  -- Each element is one requirement: a kind, or alternatives joined by '|'
  -- ("text|image" = at least one of them). Checked against `accepts` in tests.
  requires        text[] NOT NULL DEFAULT '{}',
  -- Circuit breaker (SPEC §8.6): while in the future the provider is not
  -- available for new work nor for auto-selection. Set by the scheduler.
  breaker_open_until timestamptz,
  CONSTRAINT providers_default_model CHECK (default_model = ANY (models))
);
