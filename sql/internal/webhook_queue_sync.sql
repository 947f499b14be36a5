-- internal.webhook_queue_sync: keeps internal.webhook_queue in step with the
-- deliveries' status on every INSERT and UPDATE of
-- internal.webhook_deliveries, whoever issues it: a PENDING delivery
-- inserted gets its queue row, due at its creation; a delivery that leaves
-- PENDING (DELIVERED or FAILED) loses it. Statement-level, over the
-- transition table: one INSERT or DELETE per statement, not one per row
-- (webhooks_enqueue and webhooks_report write a batch at a time).
-- Attached below with CREATE OR REPLACE TRIGGER so the file is re-runnable.
CREATE OR REPLACE FUNCTION internal.webhook_queue_sync()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO internal.webhook_queue (delivery_id, next_attempt_at)
    SELECT n.id, n.created_at FROM new_rows n WHERE n.status = 'PENDING';
  ELSE
    DELETE FROM internal.webhook_queue q
     USING new_rows n
     WHERE q.delivery_id = n.id AND n.status <> 'PENDING';
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER webhook_queue_sync_insert
  AFTER INSERT ON internal.webhook_deliveries
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.webhook_queue_sync();
CREATE OR REPLACE TRIGGER webhook_queue_sync_update
  AFTER UPDATE ON internal.webhook_deliveries
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION internal.webhook_queue_sync();
