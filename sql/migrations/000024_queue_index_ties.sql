-- 000024_queue_index_ties: the claims order by (due time, id), but the
-- queue indexes held the due time only. Jobs created in one statement share
-- their due time (now() is the transaction's), so a claim of 100 read and
-- sorted every one of them: 26 ms for a backlog of 20,000 created at once,
-- against 0.7 ms reading the first 100 of an index in the claim's order.
-- Both queues' indexes gain the id; they hold only live rows, so the build
-- is short. Both tables are locked first, in the order the scheduler's
-- transactions take them: building an index and then dropping one would
-- upgrade the lock mid-way and deadlock with a running scheduler.
LOCK TABLE internal.generations, internal.webhook_deliveries IN ACCESS EXCLUSIVE MODE;
CREATE INDEX generations_due_order_idx ON internal.generations (next_run_at, id)
  WHERE status IN ('PENDING', 'PROCESSING');
DROP INDEX internal.generations_due_idx;
CREATE INDEX webhook_deliveries_due_order_idx ON internal.webhook_deliveries (next_attempt_at, id)
  WHERE status = 'PENDING';
DROP INDEX internal.webhook_deliveries_due_idx;
