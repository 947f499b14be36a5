-- 000028_active_index_no_dedup: every generate counts its account's PENDING
-- and PROCESSING generations through generations_active_idx, keyed by
-- (account_id, test_mode) alone, so B-tree deduplication kept each account's
-- entries in posting lists. A scan marks an index entry dead (and skips it
-- from then on) only when every heap row it points to is dead, and a
-- posting list that still holds one live generation never is: every count
-- went on fetching the heap rows of all the generations the account had
-- finished since the table's last vacuum (on a development database, 340
-- per count and 1.7 ms of a 4.3 ms generate; 20% of a 2-million-row table
-- must be dead before autovacuum comes). Without deduplication each entry is
-- its own and is skipped once a scan has seen its row dead. The index holds
-- live generations only, so the rebuild is short. The table is locked first,
-- as the scheduler's transactions take it, so the rebuild cannot deadlock
-- with a running scheduler.
LOCK TABLE internal.generations IN ACCESS EXCLUSIVE MODE;
ALTER INDEX internal.generations_active_idx SET (deduplicate_items = off);
REINDEX INDEX internal.generations_active_idx;
