#!/usr/bin/env bash
# tests/integration/upgrade.sh - upgrading a database that holds data from the
# previous release layout. In a database of its own on the stack's cluster:
#  1. doitong-admin migrate with the SQL tree of commit 658bcd9 (migrations
#     000001-000007, before breakers, fallback and webhooks), and data made
#     through that release's functions (its tests/sql/helpers.sql): accounts,
#     keys, generations in every state, their ledger;
#  2. migrate --status with the current tree shows 7 applied and the newer
#     migrations (all those in sql/migrations after 000007) pending;
#  3. migrate with the current tree: data intact (counts, each wallet equals
#     its ledger), new columns defaulted sensibly (awaiting_submit false for
#     every generation past PENDING), all applied, a second migrate
#     applies nothing;
#  4. the current api on the upgraded data: the old PENDING job is claimed
#     and completed through api.jobs_claim / api.jobs_report, and settles;
#  5. migrate beside a transaction that deadlocks with its function files is
#     rolled back by PostgreSQL, runs them again, and succeeds.
# Needs the git history (git archive); the database is dropped at exit.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PREVIOUS=658bcd9
it_init upgrade
command -v git >/dev/null || it_abort "git is needed (the previous release's SQL comes from the history)"
# shellcheck disable=SC2119 # (the cluster)
it_stack_up

DB=doitong_upgrade_$$
DSN=${DOITONG_DSN%/*}/$DB
[[ $DSN == postgresql://*/"$DB" ]] || it_abort "unexpected DOITONG_DSN $DOITONG_DSN"
q() { psql "$DSN" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
admin_with() { # SQL-DIR ARGS...
	local dir=$1
	shift
	DOITONG_DSN=$DSN DOITONG_SQL_DIR=$dir timeout 120 "$DOITONG_BUILD_DIR/doitong-admin" "$@"
}
drop_db() { psql "$DOITONG_DSN" -XAtq -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true; }
trap 'rc=$?; drop_db; (exit $rc); it_finish' EXIT

OLD=$IT_TMP/old
mkdir -p "$OLD"
git -C "$DOITONG_SRC_DIR" archive "$PREVIOUS" sql tests/sql/helpers.sql | tar -x -C "$OLD" ||
	it_abort "git archive $PREVIOUS failed (a source tree without its git history?)"
psql "$DOITONG_DSN" -XAtq -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DB" >/dev/null ||
	it_abort "could not create database $DB"

# --- 1. the previous release ------------------------------------------------------
out=$(admin_with "$OLD/sql" migrate 2>&1) || it_abort "migrate with $PREVIOUS's SQL failed: $out"
assert_match "previous release: 7 migrations applied" '^7 migration\(s\) applied' "$(tail -1 <<<"$out")"
psql "$DSN" -Xq -v ON_ERROR_STOP=1 -f "$OLD/tests/sql/helpers.sql" >/dev/null || it_abort "old helpers.sql failed"
q "CREATE TABLE public.it_gen (id text, status text);
   DO \$\$
   DECLARE a text; st text;
   BEGIN
     FOR i IN 1..3 LOOP
       SELECT account_id INTO a FROM tests.make_account('PRO', 1000 * i);
       FOREACH st IN ARRAY ARRAY['PENDING','PROCESSING','COMPLETED','FAILED','CANCELLED'] LOOP
         INSERT INTO public.it_gen VALUES (tests.generation_in_state(a, st), st);
       END LOOP;
     END LOOP;
   END \$\$;" || it_abort "could not create data through $PREVIOUS's functions"
# Rate windows in the old layout (one row per account and kind): the counts
# must survive the move to one row per account (000022).
q "INSERT INTO internal.rate_windows (account_id, kind, window_start, hits)
   SELECT a.id, k.kind, k.start, k.hits
     FROM (SELECT id, row_number() OVER (ORDER BY id) n FROM internal.accounts) a
     JOIN (VALUES (1, 'minute', timestamptz '2030-01-01 00:01:00+00', 7),
                  (1, 'day', timestamptz '2030-01-01 00:00:00+00', 42),
                  (2, 'day', timestamptz '2030-01-01 00:00:00+00', 5)) AS k(n, kind, start, hits) ON k.n = a.n" ||
	it_abort "could not write rate windows in the old layout"
snapshot() {
	q "SELECT (SELECT count(*) FROM internal.accounts) || ' accounts, '
	       || (SELECT count(*) FROM internal.api_keys) || ' keys, '
	       || (SELECT count(*) FROM internal.credit_ledger) || ' ledger rows, '
	       || (SELECT string_agg(status || '=' || n, ' ' ORDER BY status)
	             FROM (SELECT status, count(*) n FROM internal.generations GROUP BY status) s)"
}
wallets() {
	q "SELECT string_agg(w::text, ' ' ORDER BY w::text) FROM internal.wallets w"
}
before=$(snapshot)
wallets_before=$(wallets)
note "before: $before"
assert_match "previous release: generations in all five states" \
	'CANCELLED=3 COMPLETED=3 FAILED=3 PENDING=3 PROCESSING=3' "$before"
assert_eq "previous release: wallets equal their ledgers" t "$(q 'SELECT tests.ledger_consistent()')"

# --- 2. status against the new tree -------------------------------------------------
total=$(find "$DOITONG_SRC_DIR/sql/migrations" -maxdepth 1 -name '[0-9]*.sql' | wc -l)
newer=$((total - 7))
out=$(admin_with "$DOITONG_SRC_DIR/sql" migrate --status 2>&1) || fail "migrate --status (current tree)" "$out"
assert_match "status before the upgrade: 7 applied, $newer pending" "7 applied, $newer pending" "$out"
assert_match "status lists 000008 as pending" 'pending +000008_' "$out"

# --- 3. the upgrade -----------------------------------------------------------------
out=$(admin_with "$DOITONG_SRC_DIR/sql" migrate 2>&1) && rc=0 || rc=$?
assert_eq "migrate with the current tree: exit 0" 0 "$rc"
assert_match "the $newer newer migration(s) applied" "^$newer migration\\(s\\) applied" "$(tail -1 <<<"$out")"
after=$(snapshot)
assert_eq "data intact (accounts, keys, ledger rows, generations by state)" "$before" "$after"
assert_eq "wallet balances unchanged" "$wallets_before" "$(wallets)"
PGOPTIONS="-c client_min_messages=warning" psql "$DSN" -Xq -v ON_ERROR_STOP=1 -f "$DOITONG_SRC_DIR/tests/sql/helpers.sql" >/dev/null ||
	it_abort "current helpers.sql failed"
assert_eq "after: wallets equal their ledgers" t "$(q 'SELECT tests.ledger_consistent()')"
assert_eq "awaiting_submit: false past PENDING, true for PENDING" \
	"CANCELLED:f COMPLETED:f FAILED:f PENDING:t PROCESSING:f" \
	"$(q "SELECT string_agg(DISTINCT status || ':' || awaiting_submit::text, ' ')
	        FROM (SELECT status, left(awaiting_submit::text, 1) awaiting_submit FROM internal.generations) g")"
assert_eq "providers: breaker columns defaulted (no streak, closed)" 0 \
	"$(q "SELECT count(*) FROM internal.providers WHERE failure_streak <> 0 OR breaker_open_until IS NOT NULL")"
assert_eq "webhook deliveries: none invented" 0 "$(q 'SELECT count(*) FROM internal.webhook_deliveries')"
assert_eq "rate windows: one row per account, the old counts kept" \
	"1:2030-01-01 00:01:00+00/7 2030-01-01 00:00:00+00/42 2:1970-01-01 00:00:00+00/0 2030-01-01 00:00:00+00/5" \
	"$(q "SET TIME ZONE 'UTC';
	      SELECT string_agg(a.n || ':' || w.minute_start || '/' || w.minute_hits || ' ' || w.day_start || '/' || w.day_hits,
	                        ' ' ORDER BY a.n)
	        FROM internal.rate_windows w
	        JOIN (SELECT id, row_number() OVER (ORDER BY id) n FROM internal.accounts) a ON a.id = w.account_id")"
out=$(admin_with "$DOITONG_SRC_DIR/sql" migrate --status 2>&1) || true
assert_match "status after: $total applied, 0 pending" "$total applied, 0 pending" "$out"
out=$(admin_with "$DOITONG_SRC_DIR/sql" migrate 2>&1) || true
assert_match "a second migrate applies no migration" '^0 migration\(s\) applied' "$(tail -1 <<<"$out")"
assert_eq "schema_migrations holds each version once" "$total/$total" \
	"$(q 'SELECT count(DISTINCT version) || $$/$$ || count(*) FROM internal.schema_migrations')"

# --- 4. the current api on the old rows -------------------------------------------------
# The old PROCESSING jobs are due too once their poll interval (1 s) has
# passed since they were made, which a slow run reaches: the claim must take
# every old PENDING job, and nothing but old PENDING or PROCESSING ones.
pending=$(q "SELECT string_agg(id, ' ' ORDER BY id) FROM public.it_gen WHERE status = 'PENDING'")
q "CREATE TABLE public.it_claimed AS
     SELECT j->>'id' AS id FROM jsonb_array_elements(api.jobs_claim('it-upgrade', 100, 60)::jsonb) j" >/dev/null
claimed=$(q "SELECT string_agg(c.id, ' ' ORDER BY c.id) FROM public.it_claimed c
              JOIN public.it_gen g USING (id) WHERE g.status = 'PENDING'")
assert_eq "api.jobs_claim takes the old PENDING jobs" "$pending" "$claimed"
assert_eq "... and no job that was not due" '' \
	"$(q "SELECT string_agg(c.id, ' ') FROM public.it_claimed c
	       WHERE c.id NOT IN (SELECT id FROM public.it_gen WHERE status IN ('PENDING', 'PROCESSING'))")"
first=${pending%% *}
res=$(q "SELECT api.jobs_report('it-upgrade', jsonb_build_array(jsonb_build_object(
           'id', '$first', 'kind', 'complete', 'url', 'https://media.example/$first.wav',
           'metadata', '{\"format\":\"wav\"}'::jsonb)))")
assert_match "api.jobs_report completes an old job" '"ok": *true' "$res"
assert_eq "the old job is COMPLETED" COMPLETED "$(q "SELECT status FROM internal.generations WHERE id = '$first'")"
assert_eq "after completing: wallets equal their ledgers" t "$(q 'SELECT tests.ledger_consistent()')"

# --- 5. migrate beside running transactions: a deadlock is retried ----------------------
# The function files re-create triggers, which lock their tables in file
# order (credit_ledger before generations). A transaction holding
# generations that then asks for credit_ledger closes a cycle; PostgreSQL
# rolls migrate's transaction back (the locker's deadlock_timeout is longer)
# and migrate must run the files again once the locker commits.
PGAPPNAME=it-locker timeout 60 psql "$DSN" -XAtq -v ON_ERROR_STOP=1 >"$IT_TMP/locker.out" 2>&1 <<'SQL' &
SET deadlock_timeout = '10s';
BEGIN;
LOCK TABLE internal.generations IN ROW EXCLUSIVE MODE;
DO $$
BEGIN
  FOR i IN 1..300 LOOP
    PERFORM pg_stat_clear_snapshot();
    EXIT WHEN EXISTS (SELECT 1 FROM pg_stat_activity
                       WHERE application_name = 'doitong-admin' AND wait_event_type = 'Lock');
    PERFORM pg_sleep(0.1);
  END LOOP;
END $$;
LOCK TABLE internal.credit_ledger IN ROW EXCLUSIVE MODE;
SELECT pg_sleep(0.5);
COMMIT;
SQL
locker=$!
for ((i = 0; i < 100; i++)); do
	[[ $(q "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
	         WHERE a.application_name = 'it-locker' AND l.relation = 'internal.generations'::regclass") == 1 ]] && break
	sleep 0.1
done
out=$(admin_with "$DOITONG_SRC_DIR/sql" migrate 2>&1) && rc=0 || rc=$?
wait "$locker" && locker_rc=0 || locker_rc=$?
assert_eq "migrate beside a transaction that deadlocks with it: exit 0" 0 "$rc"
assert_match "... after PostgreSQL rolled it back once, it ran the files again" \
	'deadlocked with a running transaction; trying again' "$out"
assert_eq "the other transaction committed (not the victim)" 0 "$locker_rc"
