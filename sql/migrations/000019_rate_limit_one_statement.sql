-- 000019_rate_limit_one_statement: internal.rate_limit now counts the minute
-- and the day windows in one INSERT ... ON CONFLICT (every request pays it),
-- so the per-window helper it called twice is gone.
DROP FUNCTION IF EXISTS internal.rate_window_hit(text, text, integer, timestamptz);
