#!/usr/bin/env bash
# tests/integration/load_invariants.sh - load with invariants (issue 10 items
# 2 and 6) on the running stack:
#  1. `doitong-admin doctor --invariants` on the stack answers 0; a wallet
#     broken on purpose makes it answer 1 naming the wallet, and 0 again once
#     restored;
#  2. a bounded mixed load (load/driver.mjs: test-mode, live-local and live
#     kling generates with webhooks, idempotent retries, reads, lists,
#     cancels) across LOAD_ACCOUNTS accounts for LOAD_SECONDS seconds, kling
#     being the fake upstream (tests/fakes/upstream.mjs) and the jobs run by
#     TWO schedulers of our own racing for them: no 5xx, no transport error,
#     every retry replays its first answer, every account finds its own
#     generations;
#  3. once the scheduler has finished every generation and delivered every
#     webhook: doctor --invariants answers 0 (balances equal their ledgers,
#     no orphan reservation, nothing stuck, every webhook attempted, no double
#     submission), every finished generation of the load has exactly one
#     DELIVERED webhook that the loopback receiver got and verified, no
#     generation has more than one upstream attempt, and the fake upstream saw
#     each live kling generation submitted exactly once.
# The stack's scheduler and provider settings are put back at exit.
# Prints the figures (requests held, rate, latency, generations, webhooks) as
# "# figures: ..." for RELIABILITY.md. Bounded: about 45 s.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOAD_ACCOUNTS=${LOAD_ACCOUNTS:-12}
LOAD_SECONDS=${LOAD_SECONDS:-20}
LOAD_CONCURRENCY=${LOAD_CONCURRENCY:-6}
LOAD_MAX_GENERATES=${LOAD_MAX_GENERATES:-300}
LOAD_MAX_LIVE=${LOAD_MAX_LIVE:-20}
LOAD_MAX_UPSTREAM=${LOAD_MAX_UPSTREAM:-40}

it_init load_invariants
command -v node >/dev/null 2>&1 || it_abort "missing command node"
# shellcheck disable=SC2119 # (lighttpd only)
it_stack_up
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/load" && pwd)
psql_q() { psql "$DOITONG_DSN" -X -q -tA -v ON_ERROR_STOP=1 -c "$1"; }

PIDS=()
saved=it_load_providers_$$
cleanup() {
	((${#PIDS[@]})) && kill "${PIDS[@]}" 2>/dev/null
	psql_q "UPDATE internal.providers p SET enabled = s.enabled, base_url = s.base_url, failure_streak = 0,
	          breaker_open_until = NULL, breaker_trips = 0
	          FROM public.$saved s WHERE s.id = p.id; DROP TABLE IF EXISTS public.$saved" >/dev/null 2>&1 || true
	bash "$DOITONG_SRC_DIR/scripts/stack" up >/dev/null 2>&1 || printf '# could not restore the stack\n'
}
trap 'rc=$?; cleanup; (exit $rc); it_finish' EXIT

# start_node NAME PROGRAM ARGS...: a loopback server printing "listening PORT"; sets PORT.
start_node() {
	local out=$IT_TMP/$1.out i
	shift
	: >"$out" # before the child opens it: the wait below must never read a missing file
	(exec node "$@") >"$out" 2>&1 &
	PIDS+=($!)
	PORT=''
	for ((i = 0; i < 100; i++)); do
		PORT=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$out")
		[[ -n $PORT ]] && return 0
		sleep 0.1
	done
	it_abort "$1 did not start: $(head -c 300 "$out")"
}

# --- accounts -------------------------------------------------------------------
accounts=$IT_TMP/accounts.json secrets=$IT_TMP/secrets.txt
: >"$secrets"
ids=()
printf '[' >"$accounts"
for ((i = 0; i < LOAD_ACCOUNTS; i++)); do
	it_suite_account "load$i"
	[[ -n $SUITE_ACCOUNT ]] || it_abort "could not create load account $i"
	it_admin account set-plan "$SUITE_ACCOUNT" enterprise --rpm 100000 --concurrent 1000 --daily 1000000 >/dev/null
	it_admin account webhook-secret "$SUITE_ACCOUNT" >>"$secrets"
	ids+=("$SUITE_ACCOUNT")
	((i == 0)) || printf ',' >>"$accounts"
	jq -cn --arg id "$SUITE_ACCOUNT" --arg live "$SUITE_KEY" --arg test "$SUITE_TEST_KEY" \
		'{id: $id, live: $live, test: $test}' >>"$accounts"
done
printf ']' >>"$accounts"
id_list=$(printf "'%s'," "${ids[@]}")
id_list=${id_list%,}

# --- 1. doctor --invariants: clean, broken on purpose, restored ----------------
out=$(it_admin doctor --invariants 2>&1) && rc=0 || rc=$?
assert_eq "doctor --invariants on the stack: exit 0" 0 "$rc"
[[ $rc == 0 ]] || printf '%s\n' "$out" | sed 's/^/#   /' | head -20
first=${ids[0]}
psql_q "UPDATE internal.wallets SET balance = balance + 7 WHERE account_id = '$first' AND test_mode"
out=$(it_admin doctor --invariants 2>&1) && rc=0 || rc=$?
assert_eq "a wallet broken on purpose: exit 1" 1 "$rc"
assert_match "the violation names the wallet and both sides" \
	"VIOLATION balance_mismatch +$first \\(test\\): wallet balance [0-9]+ reserved 0, ledger sums balance [0-9]+" "$out"
psql_q "UPDATE internal.wallets SET balance = balance - 7 WHERE account_id = '$first' AND test_mode"
out=$(it_admin doctor --invariants 2>&1) && rc=0 || rc=$?
assert_eq "restored: exit 0" 0 "$rc"

# --- 2. the load ----------------------------------------------------------------
start_node receiver "$here/receiver.mjs" "$secrets"
port=$PORT hook=http://127.0.0.1:$PORT/hook
start_node upstream "$DOITONG_SRC_DIR/tests/fakes/upstream.mjs" --port 0 \
	--media "$DOITONG_SRC_DIR/share/samples" --kling-access ak-load --kling-secret sk-load
fake=http://127.0.0.1:$PORT
# kling answers from the fake: its first poll is final (a few seconds a job).
psql_q "CREATE TABLE public.$saved AS SELECT id, enabled, base_url FROM internal.providers;
        UPDATE internal.providers SET base_url = '$fake', enabled = true, failure_streak = 0,
               breaker_open_until = NULL, breaker_trips = 0 WHERE id = 'kling'"
# Two schedulers of our own, with the key, race for the jobs.
bash "$DOITONG_SRC_DIR/scripts/stack" down scheduler 2>/dev/null
mapfile -t sched_env < <(bash "$DOITONG_SRC_DIR/scripts/stack" env)
for n in 1 2; do
	env "${sched_env[@]}" DOITONG_KLING_KEY=ak-load:sk-load DOITONG_LOG_LEVEL=warn \
		"$DOITONG_BUILD_DIR/doitong-scheduler" --loop >"$IT_TMP/sched-$n.log" 2>&1 &
	PIDS+=($!)
done

note "load: $LOAD_ACCOUNTS accounts, $LOAD_CONCURRENCY workers, ${LOAD_SECONDS}s, at most $LOAD_MAX_GENERATES generates"
rc=0
stats=$(timeout $((LOAD_SECONDS + 60)) node "$here/driver.mjs" "$DOITONG_URL" "$accounts" "$hook" \
	"$LOAD_SECONDS" "$LOAD_CONCURRENCY" "$LOAD_MAX_GENERATES" "$LOAD_MAX_LIVE" "$LOAD_MAX_UPSTREAM") || rc=$?
note "driver: $stats"
assert_eq "the load: no 5xx, no transport error, every retry replayed, every own generation found" 0 "$rc"
jqs() { jq -r "$1" <<<"$stats" 2>/dev/null || true; }
assert_eq "no 5xx answers" 0 "$(jqs .serverErrors)"
assert_eq "no replay answered another generation" 0 "$(jqs .replayMismatches)"
generations=$(psql_q "SELECT count(*) FROM internal.generations WHERE account_id IN ($id_list)")
if ((generations >= 50)); then
	pass "the load created $generations generations"
else
	fail "the load created too few generations ($generations)"
fi

# --- 3. once everything has finished ---------------------------------------------
live() { psql_q "SELECT count(*) FROM internal.generations WHERE account_id IN ($id_list) AND status IN ('PENDING', 'PROCESSING')"; }
pending_hooks() { psql_q "SELECT count(*) FROM internal.webhook_deliveries WHERE account_id IN ($id_list) AND status = 'PENDING'"; }
drain_start=$SECONDS
for ((i = 0; i < 120; i++)); do
	[[ $(live) == 0 && $(pending_hooks) == 0 ]] && break
	sleep 0.5
done
drain=$((SECONDS - drain_start))
assert_eq "the scheduler finished every generation (${drain}s after the load)" 0 "$(live)"
assert_eq "and every webhook delivery" 0 "$(pending_hooks)"

out=$(it_admin doctor --invariants 2>&1) && rc=0 || rc=$?
assert_eq "after the load, doctor --invariants: exit 0" 0 "$rc"
[[ $rc == 0 ]] || printf '%s\n' "$out" | sed 's/^/#   /' | head -20

finished=$(psql_q "SELECT count(*) FROM internal.generations WHERE account_id IN ($id_list) AND webhook_url IS NOT NULL")
delivered=$(psql_q "SELECT count(*) FROM internal.generations g JOIN internal.webhook_deliveries d ON d.generation_id = g.id
                     WHERE g.account_id IN ($id_list) AND d.status = 'DELIVERED'
                       AND d.event = 'generation.' || lower(g.status)")
assert_eq "every finished generation has its webhook DELIVERED ($finished)" "$finished" "$delivered"
log=$(curl -sS --max-time 10 "http://127.0.0.1:$port/log")
got=$(jq '[.[] | select(.verified)] | map(.id) | unique | length' <<<"$log")
unverified=$(jq '[.[] | select(.verified | not)] | length' <<<"$log")
msg_ids=$(psql_q "SELECT count(*) FROM internal.webhook_deliveries WHERE account_id IN ($id_list)")
assert_eq "the receiver got and verified one webhook-id per delivery ($msg_ids)" "$msg_ids" "$got"
assert_eq "no delivery failed its signature check" 0 "$unverified"
double=$(psql_q "SELECT count(*) FROM (SELECT a.generation_id FROM internal.generation_attempts a
                   JOIN internal.generations g ON g.id = a.generation_id
                  WHERE g.account_id IN ($id_list) GROUP BY a.generation_id HAVING count(*) > 1) x")
assert_eq "no generation was submitted twice (attempts per generation <= 1)" 0 "$double"
upstream_ids=$(psql_q "SELECT coalesce(string_agg(id, ' '), '') FROM internal.generations
                        WHERE account_id IN ($id_list) AND NOT test_mode AND provider = 'kling'
                          AND EXISTS (SELECT 1 FROM internal.generation_attempts a WHERE a.generation_id = id)")
read -ra upstream_ids <<<"$upstream_ids"
fake_stats=$(curl -sS --max-time 10 "$fake/_fake/stats")
not_once=$(jq --arg ids "${upstream_ids[*]}" '. as $s | [$ids | split(" ")[] | select(length > 0)
             | select(($s.byExternalId[.] // 0) != 1)] | length' <<<"$fake_stats" 2>/dev/null || echo error)
if ((${#upstream_ids[@]} >= 5)) && [[ $not_once == 0 ]]; then
	pass "the fake upstream saw each of ${#upstream_ids[@]} live kling generations submitted exactly once"
else
	fail "each live kling generation submitted exactly once" "${#upstream_ids[@]} generations, $not_once not once"
fi
assert_eq "and no other kling submission" "${#upstream_ids[@]}" "$(jq '.submissions.kling // 0' <<<"$fake_stats")"
capture=$(psql_q "SELECT count(*) FROM internal.credit_ledger l WHERE l.account_id IN ($id_list) AND l.kind = 'capture'
                   AND NOT EXISTS (SELECT 1 FROM internal.generations g WHERE g.id = l.generation_id AND g.status = 'COMPLETED')")
assert_eq "every capture belongs to a COMPLETED generation" 0 "$capture"

note "figures: requests=$(jqs .requests) per_second=$(jqs .perSecond) p50_ms=$(jqs .p50ms) p99_ms=$(jqs .p99ms)" \
	"seconds=$(jqs .seconds) workers=$LOAD_CONCURRENCY accounts=$LOAD_ACCOUNTS generations=$generations" \
	"live_local=$(jqs .liveGenerates) upstream=${#upstream_ids[@]} replays=$(jqs .replays) cancelled=$(jqs .cancelled) webhooks=$msg_ids drain_s=$drain" \
	"statuses=$(jqs '.byStatus | tostring') codes=$(jqs '.errorCodes | tostring')"
