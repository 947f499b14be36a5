-- 000022_rate_windows_one_row: an account's minute and day windows share one
-- row, counted by a single-row INSERT ... ON CONFLICT DO UPDATE (one index
-- probe, one heap update, usually HOT since only day_start is indexed). Two
-- rows per account cost every request ~30 us more (bench/README.md).
-- The counts of the windows in force carry over, so an upgrade in the middle
-- of a minute or a day grants no extra requests.
ALTER TABLE internal.rate_windows RENAME TO rate_windows_000021;
ALTER INDEX internal.rate_windows_pkey RENAME TO rate_windows_000021_pkey;
ALTER INDEX internal.rate_windows_window_start_idx RENAME TO rate_windows_000021_window_start_idx;

CREATE TABLE internal.rate_windows (
  account_id   text PRIMARY KEY REFERENCES internal.accounts (id),
  -- Start of each window, aligned to the clock: minute = floor(epoch/60)*60,
  -- day = UTC midnight; hits = requests admitted in it (a refused request
  -- rolls back). A window that has passed is recounted from 1 by the next
  -- request; 0 hits only where an upgrade found no row for that window.
  minute_start timestamptz NOT NULL,
  minute_hits  integer NOT NULL CHECK (minute_hits >= 0),
  day_start    timestamptz NOT NULL,
  day_hits     integer NOT NULL CHECK (day_hits >= 0)
);
-- api.maintenance_purge drops the windows of accounts idle for two days.
CREATE INDEX rate_windows_day_start_idx ON internal.rate_windows (day_start);

INSERT INTO internal.rate_windows (account_id, minute_start, minute_hits, day_start, day_hits)
SELECT o.account_id,
       coalesce(max(o.window_start) FILTER (WHERE o.kind = 'minute'), 'epoch'),
       coalesce(max(o.hits) FILTER (WHERE o.kind = 'minute'), 0),
       coalesce(max(o.window_start) FILTER (WHERE o.kind = 'day'), 'epoch'),
       coalesce(max(o.hits) FILTER (WHERE o.kind = 'day'), 0)
  FROM internal.rate_windows_000021 o
 GROUP BY o.account_id;

DROP TABLE internal.rate_windows_000021;
