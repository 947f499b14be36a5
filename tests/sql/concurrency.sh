#!/usr/bin/env bash
# tests/sql/concurrency.sh DSN — money-path checks that need several
# sessions at once (pgTAP files run in one transaction and cannot show them).
# Run by run.sh against its throwaway database (it commits data there).
#  1. 20 simultaneous generates against a wallet that can pay for exactly 5:
#     exactly 5 succeed, the other 15 get QA402, spendable ends at 0 and the
#     wallet still equals its ledger sums (the FOR UPDATE lock in
#     internal.credits_reserve at work).
#  2. 5 schedulers claim at once, each holding its transaction open for 2 s:
#     no job is claimed twice, every due job is claimed, and nobody waited
#     for another's locks (FOR UPDATE SKIP LOCKED at work).
#  3. 100 simultaneous api.execute calls with a FREE key (10/minute): exactly
#     10 succeed and 90 get QA429 (the rate window row at work).
#  4. 20 simultaneous api.execute calls with one Idempotency-Key, on an
#     unlimited account (serialised by the key's advisory lock alone) and on a
#     PRO account (queued on the rate window row first): one generation, one
#     reserve ledger row, 20 identical results, 19 of them replayed.
#  5. a first request that keeps its transaction open (pg_sleep after
#     api.execute): a duplicate gets QA423 after the ~3 s lock wait on an
#     unlimited account, and replays once the first committed.
#  6. 20 simultaneous generates through api.execute on an account limited to
#     3 concurrent generations (and no request limit): exactly 3 are created,
#     17 get QA429 scope concurrency.
#  7. new jobs NOTIFY doitong_jobs only while a scheduler holds the idle lock
#     (api.scheduler_idle; internal.jobs_notify has the protocol): a listening
#     session sees no notification for a job created while no scheduler
#     sleeps, one for a job created while another session holds the lock, and
#     a scheduler cannot take the lock while a job's transaction is open.
#  8. a user's cancel holding the generation's lock while a scheduler reports
#     its completion: no deadlock (both lock the generation before the
#     wallet), the job ends CANCELLED and the report says so.
#  9. the concurrency count skips finished generations: an account with one
#     PENDING generation and 400 finished ones (committed) counts 1, and a
#     second count fetches no more heap rows than live entries (the first
#     marked the finished ones' index entries dead; with B-tree deduplication
#     a posting list holding the live entry could never be, and every count
#     fetched all 400 rows again until a vacuum).
# Every psql is bounded by statement_timeout; sections 3 and 4 start early in
# a clock minute so that the real-clock window cannot roll over mid-test.
# Prints TAP; exits non-zero on any failure.
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 DSN" >&2
  exit 2
fi
dsn=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PGOPTIONS="${PGOPTIONS:-} -c statement_timeout=60s"
q() { psql "$dsn" -X -q -At -v ON_ERROR_STOP=1 "$@"; }
export -f q
export dsn tmp

echo "1..30"
fails=0
check() { # check DESCRIPTION COMMAND...
  local desc=$1; shift
  if "$@"; then echo "ok - $desc"; else echo "not ok - $desc"; fails=$((fails + 1)); fi
}

# ---------------------------------------------------------------- 1. reserve race
read -r acc key < <(q -F ' ' -c "SELECT account_id, key_hash FROM tests.make_account('PRO', 3000)")
body='{"type":"AUDIO","provider":"elevenlabs","input":{"text":"race"}}'   # 600 credits each
for i in $(seq 1 20); do
  ( q -c "SELECT api.generate('$key', '$body')" >/dev/null 2>"$tmp/gen.$i.err"; echo $? >"$tmp/gen.$i.rc" ) &
done
wait
ok_count=$(grep -lx 0 "$tmp"/gen.*.rc | wc -l)
qa402_count=$(grep -l 'Insufficient credits' "$tmp"/gen.*.err | wc -l)
check "exactly 5 of 20 simultaneous generates succeed (got $ok_count)" test "$ok_count" -eq 5
check "the other 15 are INSUFFICIENT_CREDITS (got $qa402_count)" test "$qa402_count" -eq 15
state=$(q -c "SELECT balance || ' ' || reserved || ' ' || tests.ledger_consistent()
                FROM internal.wallets WHERE account_id = '$acc' AND NOT test_mode")
check "wallet 3000 balance, 3000 reserved, equal to the ledger (got $state)" test "$state" = "3000 3000 true"

# ---------------------------------------------------------------- 2. claim race
read -r acc2 < <(q -c "SELECT account_id FROM tests.make_account('PRO', 1000000)")
q -c "SELECT count(internal.generation_create('$acc2', false,
        '{\"type\":\"AUDIO\",\"provider\":\"local\",\"input\":{\"text\":\"job\"}}', now() - interval '1 minute'))
        FROM generate_series(1, 40)" >/dev/null
due=$(q -c "SELECT count(*) FROM internal.generations g JOIN internal.job_queue q ON q.generation_id = g.id
             WHERE g.status = 'PENDING' AND q.lease_owner IS NULL")
start=$(date +%s%N)
for w in 1 2 3 4 5; do
  ( q -c "BEGIN" -c "SELECT e->>'id' FROM jsonb_array_elements(api.jobs_claim('race-w$w', 10, 300)::jsonb) e" \
      -c "SELECT pg_sleep(2)" -c "COMMIT" | grep '^gen_' >"$tmp/claim.$w" ) &
done
wait
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
total=$(cat "$tmp"/claim.* | wc -l)
dups=$(cat "$tmp"/claim.* | sort | uniq -d | wc -l)
check "no job claimed twice by 5 concurrent schedulers (duplicates: $dups)" test "$dups" -eq 0
check "all $due due jobs claimed (got $total)" test "$total" -eq "$due"
check "claimers did not wait for each other's locks (${elapsed_ms} ms for 5 x 2 s)" \
  test "$elapsed_ms" -lt 6000

# A starting gate, so that racers really run at once and not one after the
# other as their psql processes happen to start: gate_close holds an
# exclusive advisory lock for 3 s; each racer first runs $GATE (waits for a
# shared lock on it, then releases it), so all of them start together.
GATE='DO $$BEGIN PERFORM pg_advisory_lock_shared(4242); PERFORM pg_advisory_unlock_shared(4242); END$$'
export GATE
gate_close() {
  q -c "SELECT pg_advisory_lock(4242)" -c "SELECT pg_sleep(3)" >/dev/null &
  gate_pid=$!
  for _ in $(seq 1 50); do
    [ "$(q -c "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                 WHERE l.locktype = 'advisory' AND l.objid = 4242 AND l.granted
                   AND d.datname = current_database()")" -gt 0 ] && return
    sleep 0.1
  done
}

# Sleeps until the database clock is at most 30 s into its current minute.
fresh_minute() {
  local s
  s=$(q -c "SELECT floor(extract(second FROM clock_timestamp()))::int")
  if [ "$s" -gt 30 ]; then sleep $((61 - s)); fi
}

# ---------------------------------------------------------------- 3. rate limit race
read -r facc fkey < <(q -F ' ' -c "SELECT account_id, key_hash FROM tests.make_account('FREE', 1000)")
export fkey
fresh_minute
gate_close
seq 1 100 | xargs -P 50 -I{} bash -c \
  'q -c "$GATE" -c "SELECT api.execute('"'"'$fkey'"'"', '"'"'{\"calls\":[]}'"'"')" >/dev/null 2>"$tmp/rl.{}.err"; echo $? >"$tmp/rl.{}.rc"'
wait "$gate_pid"
ok_count=$(grep -lx 0 "$tmp"/rl.*.rc | wc -l)
qa429_count=$(grep -l 'Rate limit exceeded: 10 requests per minute.' "$tmp"/rl.*.err | wc -l)
check "exactly 10 of 100 simultaneous requests with a 10/minute key get through (got $ok_count)" test "$ok_count" -eq 10
check "the other 90 are QA429 (got $qa429_count)" test "$qa429_count" -eq 90
hits=$(q -c "SELECT 'day=' || day_hits || ' minute=' || minute_hits FROM internal.rate_windows WHERE account_id = '$facc'")
check "the windows counted exactly the admitted ones (got $hits)" test "$hits" = "day=10 minute=10"

# ---------------------------------------------------------------- 4. idempotency race
# idem_race PLAN: 20 simultaneous executes with one key; checks the outcome.
idem_race() {
  local plan=$1 acc key
  read -r acc key < <(q -F ' ' -c "SELECT account_id, key_hash FROM tests.make_account('$plan', 1000)")
  export key plan
  fresh_minute
  gate_close
  seq 1 20 | xargs -P 20 -I{} bash -c \
    'q -F "|" -c "$GATE" -c "SELECT r->>'"'"'replayed'"'"', r->'"'"'results'"'"' FROM api.execute('"'"'$key'"'"',
       tests.request(jsonb_build_array(tests.local_generate('"'"'race'"'"')), true, '"'"'race-key'"'"', '"'"'fp-race'"'"')) r" \
       >"$tmp/idem.$plan.{}.out" 2>"$tmp/idem.$plan.{}.err"'
  wait "$gate_pid"
  local gens reserves distinct replayed errors
  gens=$(q -c "SELECT count(*) FROM internal.generations WHERE account_id = '$acc'")
  reserves=$(q -c "SELECT count(*) FROM internal.credit_ledger WHERE account_id = '$acc' AND kind = 'reserve'")
  distinct=$(cut -d'|' -f2- "$tmp"/idem."$plan".*.out | sort -u | wc -l)
  replayed=$(cut -d'|' -f1 "$tmp"/idem."$plan".*.out | grep -c '^true$')
  errors=$(cat "$tmp"/idem."$plan".*.err | wc -c)
  check "$plan: 20 simultaneous retries create one generation with one reserve row (got $gens, $reserves)" \
    test "$gens" = 1 -a "$reserves" = 1
  check "$plan: all 20 see the same results, 19 replayed, no errors (distinct $distinct, replayed $replayed, stderr $errors bytes)" \
    test "$distinct" = 1 -a "$replayed" = 19 -a "$errors" = 0
  check "$plan: the wallet equals its ledger" test "$(q -c "SELECT tests.ledger_consistent()")" = t
}
idem_race ENTERPRISE
idem_race PRO

# ---------------------------------------------------------------- 5. still executing: QA423
read -r eacc ekey < <(q -F ' ' -c "SELECT account_id, key_hash FROM tests.make_account('ENTERPRISE', 1000)")
req=$(q -c "SELECT tests.request(jsonb_build_array(tests.local_generate('slow')), true, 'slow-key', 'fp-slow')")
( q -c "BEGIN" -c "SELECT api.execute('$ekey', '$req') IS NOT NULL" -c "SELECT pg_sleep(6)" -c "COMMIT" \
    >/dev/null 2>"$tmp/slow.err" ) &
slow=$!
for _ in $(seq 1 50); do   # until the first request holds the key's lock
  [ "$(q -c "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
               WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()")" -gt 0 ] && break
  sleep 0.1
done
start=$(date +%s%N)
q -v VERBOSITY=verbose -c "SELECT api.execute('$ekey', '$req')" >/dev/null 2>"$tmp/dup.err"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "a duplicate while the first still executes: QA423 (IDEMPOTENCY_CONFLICT, retryAfter 1)" \
  bash -c 'grep -q "^ERROR:  QA423: A request with this Idempotency-Key is still being processed" "$1" &&
           grep -q "^DETAIL:  {\"retryAfter\":1}" "$1"' _ "$tmp/dup.err"
check "after the ~3 s lock wait (${elapsed_ms} ms)" test "$elapsed_ms" -ge 2500 -a "$elapsed_ms" -lt 5500
wait "$slow"
after=$(q -c "SELECT api.execute('$ekey', '$req')->>'replayed'")
gens=$(q -c "SELECT count(*) FROM internal.generations WHERE account_id = '$eacc'")
check "once the first committed the duplicate replays it (replayed $after, generations $gens)" \
  test "$after" = true -a "$gens" = 1 -a ! -s "$tmp/slow.err"

# ---------------------------------------------------------------- 6. concurrency limit race
read -r cacc ckey < <(q -F ' ' -c "SELECT account_id, key_hash FROM tests.make_account('ENTERPRISE', 1000)")
q -c "SELECT admin.account_set_plan('$cacc', 'ENTERPRISE', NULL, 3, NULL)" >/dev/null
export ckey
gate_close
seq 1 20 | xargs -P 20 -I{} bash -c \
  'q -c "$GATE" -c "SELECT api.execute('"'"'$ckey'"'"', tests.request(jsonb_build_array(tests.local_generate()), true))" \
     >/dev/null 2>"$tmp/cc.{}.err"; echo $? >"$tmp/cc.{}.rc"'
wait "$gate_pid"
ok_count=$(grep -lx 0 "$tmp"/cc.*.rc | wc -l)
refused=$(grep -l '"scope": "concurrency"' "$tmp"/cc.*.err | wc -l)
gens=$(q -c "SELECT count(*) FROM internal.generations WHERE account_id = '$cacc'")
check "3 concurrent allowed: exactly 3 of 20 simultaneous generates are created (got $ok_count, $gens rows)" \
  test "$ok_count" = 3 -a "$gens" = 3
check "the other 17 are QA429 scope concurrency (got $refused)" test "$refused" = 17

# ---------------------------------------------------------------- 7. idle lock gates NOTIFY
read -r nacc _ < <(q -F ' ' -c "SELECT account_id, key_hash FROM tests.make_account('ENTERPRISE', 100000)")
# listen_and_create: LISTEN, create a job (its own transaction), then a no-op
# so that psql prints the notifications that arrived.
listen_and_create() {
  q -c "LISTEN doitong_jobs" \
    -c "SELECT (internal.generation_create('$nacc', true, tests.local_generate()->'args'->'input', now())).id" \
    -c "SELECT 1" 2>&1
}
out=$(listen_and_create)
check "no scheduler asleep: creating a job sends no NOTIFY" \
  bash -c 'grep -q "^gen_" <<<"$1" && ! grep -q "Asynchronous notification \"doitong_jobs\"" <<<"$1"' _ "$out"
q -c "SELECT api.scheduler_idle()" -c "SELECT pg_sleep(4)" >"$tmp/idle.out" 2>&1 &
sleeper=$!
for _ in $(seq 1 50); do
  [ "$(q -c "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
              WHERE d.datname = current_database() AND l.locktype = 'advisory' AND l.granted
                AND l.classid = internal.scheduler_idle_key()::oid AND l.objid = 0 AND l.objsubid = 2")" = 1 ] && break
  sleep 0.1
done
out=$(listen_and_create)
check "a scheduler asleep (idle lock held): creating a job sends NOTIFY doitong_jobs" \
  bash -c 'grep -q "Asynchronous notification \"doitong_jobs\" with payload \"gen_" <<<"$1"' _ "$out"
wait "$sleeper"
check "the sleeper took the idle lock" grep -qx true "$tmp/idle.out"
# A job's transaction still open: the lock is not free for a scheduler.
q -c "BEGIN" -c "SELECT internal.generation_create('$nacc', true, tests.local_generate()->'args'->'input', now())" \
  -c "SELECT pg_sleep(3)" -c "COMMIT" >/dev/null 2>&1 &
creator=$!
sleep 1
busy=$(q -c "SELECT api.scheduler_idle()")
wait "$creator"
check "a job being created keeps a scheduler from sleeping (api.scheduler_idle: $busy)" test "$busy" = false

# ---------------------------------------------------------------- 8. cancel vs completion
# A user's cancel locks the generation, then its wallet; a scheduler's report
# must take its locks in that order too, or each waits for the other.
read -r cacc < <(q -c "SELECT account_id FROM tests.make_account('PRO', 1000)")
cgen=$(q -c "SELECT (internal.generation_create('$cacc', false, tests.local_generate()->'args'->'input', now() - interval '1 hour')).id")
claimed=$(q -c "SELECT api.jobs_claim('cancel-w8', 1, 300)::jsonb->0->>'id'")
check "the job to complete is claimed ($claimed)" test "$claimed" = "$cgen"
# The cancel holds the generation's lock for a second before it settles.
q -c "BEGIN" -c "SELECT 1 FROM internal.generations WHERE id = '$cgen' FOR UPDATE" -c "SELECT pg_sleep(1.5)" \
  -c "SELECT internal.generation_cancel('$cacc', false, '$cgen', now())" -c "COMMIT" >"$tmp/cancel.out" 2>&1 &
canceller=$!
sleep 0.5
q -c "SELECT api.jobs_report('cancel-w8', '[{\"id\": \"$cgen\", \"kind\": \"complete\", \"url\": \"http://127.0.0.1/x.wav\"}]')" \
  >"$tmp/report.out" 2>&1
wait "$canceller"
check "the cancel went through (no deadlock: $(tr '\n' ' ' <"$tmp/cancel.out"))" \
  bash -c '! grep -qi "deadlock\|ERROR" "$1" && grep -qx t "$1"' _ "$tmp/cancel.out"
check "the report answers the job as cancelled ($(tr '\n' ' ' <"$tmp/report.out"))" \
  grep -q '"cancelled": true' "$tmp/report.out"
state=$(q -c "SELECT g.status || ' ' || tests.ledger_consistent() FROM internal.generations g WHERE g.id = '$cgen'")
check "the generation ends CANCELLED, wallets equal their ledgers ($state)" test "$state" = "CANCELLED true"

# ---------------------------------------------------------------- 9. active count skips finished
read -r aacc < <(q -c "SELECT account_id FROM tests.make_account('PRO', 1000000)")
q -c "SELECT tests.generation_in_state('$aacc', 'PENDING')" >/dev/null
q -c "SELECT count(tests.generation_in_state('$aacc', 'COMPLETED')) FROM generate_series(1, 400)" >/dev/null
# The count's query as internal.generations_active runs it, twice (plain
# scans off so that a small database uses the index too; ANALYZE first, or
# the planner, unaware of the 400 rows, may pick another index): the
# second scan's index and heap fetches.
q -c "ANALYZE internal.generations"
count_sql="EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM internal.generations g
  WHERE g.account_id = '$aacc' AND NOT g.test_mode AND g.status IN ('PENDING', 'PROCESSING')"
active_fetches() {
  q -c "SET enable_seqscan = off" -c "SET enable_bitmapscan = off" -c "$count_sql" -c "$count_sql" |
    tr -d '\n ' | sed 's/.*"IndexName":"\([a-z_]*\)".*"HeapFetches":\([0-9]*\).*/\1 \2/'
}
read -r index fetches < <(active_fetches)
count=$(q -c "SELECT internal.generations_active('$aacc', false)")
check "one PENDING among 400 finished generations counts 1 ($count)" test "$count" = 1
check "a later count through $index fetches at most 5 heap rows, not the finished ones (${fetches:-none})" \
  test "$index" = generations_active_idx -a "${fetches:-999}" -le 5

exit $((fails > 0))
