-- 000020_admin_stats_period: admin.stats() had no period (before 2026-11);
-- admin.stats(since text DEFAULT '24h') replaces it, and the old signature
-- must go so that a call without arguments resolves to the new one. (The
-- function file did this DROP on every migrate; a migration does it once.)
DROP FUNCTION IF EXISTS admin.stats();
