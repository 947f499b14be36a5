-- 000016_purged_totals: what the housekeeping deleted but a monotonic counter
-- still has to count. /metrics exports doitong_webhook_attempts_total as a
-- Prometheus counter; it was a count of rows, so it fell when
-- api.maintenance_purge dropped deliveries finished 30 days ago (with their
-- attempts), and rate() read that as a counter reset. The purge now adds
-- what it deletes here first; api.metrics reports rows + purged.
CREATE TABLE internal.purged_totals (
  name  text PRIMARY KEY,
  value bigint NOT NULL DEFAULT 0 CHECK (value >= 0)
);
INSERT INTO internal.purged_totals (name) VALUES ('webhook_attempts_ok'), ('webhook_attempts_error');
