-- 000033_generations_active_at_most: internal.generations_active takes an
-- optional bound (count no further than it), so internal.concurrency_check
-- calls it instead of repeating its query. A signature cannot grow in place:
-- the old function goes (when there: function files come after every
-- migration), and the function files create the new one.
DROP FUNCTION IF EXISTS internal.generations_active(text, boolean);
