-- 000030_webhook_queue: the webhook sender's queue moves out of
-- internal.webhook_deliveries into a narrow table whose rows exist only while
-- a delivery is PENDING: when its next attempt is due and which scheduler
-- leases it. The reasons are 000029's: a claim read the partial due index
-- from its left end, where each delivered event left a dead entry that only
-- a VACUUM of the whole delivery table removes (157 index pages for a claim
-- of 100 on a development database), and each lease rewrote the wide
-- delivery row (its signed body, about 1 KB) and its five index entries.
-- Rows come and go with the delivery's status, whoever changes it: the
-- triggers below (sql/internal/webhook_queue_sync.sql) add one for each
-- PENDING delivery inserted, due at its creation, and remove it when the
-- delivery leaves PENDING. webhooks_report reschedules and releases it.
LOCK TABLE internal.webhook_deliveries IN ACCESS EXCLUSIVE MODE;

CREATE TABLE internal.webhook_queue (
  delivery_id     bigint PRIMARY KEY REFERENCES internal.webhook_deliveries (id) ON DELETE CASCADE,
  next_attempt_at timestamptz NOT NULL,
  lease_owner     text,
  lease_until     timestamptz,
  CONSTRAINT webhook_queue_lease_pair CHECK ((lease_owner IS NULL) = (lease_until IS NULL))
);
CREATE INDEX webhook_queue_due_idx ON internal.webhook_queue (next_attempt_at, delivery_id);

INSERT INTO internal.webhook_queue (delivery_id, next_attempt_at, lease_owner, lease_until)
SELECT d.id, d.next_attempt_at, d.lease_owner, d.lease_until
  FROM internal.webhook_deliveries d
 WHERE d.status = 'PENDING';

DROP INDEX internal.webhook_deliveries_due_order_idx;
ALTER TABLE internal.webhook_deliveries
  DROP CONSTRAINT webhook_deliveries_lease_pair,
  DROP COLUMN next_attempt_at,
  DROP COLUMN lease_owner,
  DROP COLUMN lease_until;
