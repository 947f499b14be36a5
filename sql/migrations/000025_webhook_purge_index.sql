-- 000025_webhook_purge_index: api.maintenance_purge (every scheduler, about
-- once a minute) finds finished webhook deliveries older than 30 days, and
-- without an index for it read the whole table twice per purge (a parallel
-- sequential scan: ~270 ms on a development database of 400 MB, most of it
-- bodies). Finished rows are indexed by when they finished, so a purge reads
-- only what it deletes.
CREATE INDEX webhook_deliveries_finished_idx ON internal.webhook_deliveries (finished_at)
  WHERE status <> 'PENDING';
