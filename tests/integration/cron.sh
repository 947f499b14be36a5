#!/usr/bin/env bash
# tests/integration/cron.sh - the README's cron line is safe to overlap: with
# the stack's --loop scheduler stopped, 300 due jobs (local AUDIO, live mode)
# are worked by two `doitong-scheduler --once` started at the same moment.
# Every job completes exactly once: one attempt, one reserve and one capture
# in the ledger, wallets equal to their ledgers; both runs exit 0 within the
# --once time limit. The stack's scheduler is started again at exit.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init cron
# shellcheck disable=SC2119 # (the database and migrations)
it_stack_up
it_suite_account cron
[[ -n $SUITE_ACCOUNT ]] || it_abort "no suite account"
q() { psql "$DOITONG_DSN" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
N=300

bash "$DOITONG_SRC_DIR/scripts/stack" down scheduler 2>/dev/null || it_abort "could not stop the stack's scheduler"
# shellcheck disable=SC2119
trap 'rc=$?; it_stack_up >/dev/null 2>&1 || true; (exit $rc); it_finish' EXIT
mapfile -t SCHED_ENV < <(bash "$DOITONG_SRC_DIR/scripts/stack" env)

ids=$(q "SELECT string_agg((internal.generation_create('$SUITE_ACCOUNT', false,
           jsonb_build_object('type', 'AUDIO', 'provider', 'local', 'input',
                              jsonb_build_object('text', 'cron job ' || i)), now())).id, ' ')
           FROM generate_series(1, $N) i")
read -r -a IDS <<<"$ids"
assert_eq "$N due jobs created" "$N" "${#IDS[@]}"
list=$(printf "'%s'," "${IDS[@]}")
list=${list%,}

# The cron line, twice, at the same moment.
env "${SCHED_ENV[@]}" timeout 120 "$DOITONG_BUILD_DIR/doitong-scheduler" --once >"$IT_TMP/once-a.log" 2>&1 &
pid_a=$!
env "${SCHED_ENV[@]}" timeout 120 "$DOITONG_BUILD_DIR/doitong-scheduler" --once >"$IT_TMP/once-b.log" 2>&1 &
pid_b=$!
rc_a=0 rc_b=0
wait "$pid_a" || rc_a=$?
wait "$pid_b" || rc_b=$?
assert_eq "first --once exits 0" 0 "$rc_a"
assert_eq "second --once exits 0" 0 "$rc_b"
done_a=$(grep -c -- '-> complete' "$IT_TMP/once-a.log" || true)
done_b=$(grep -c -- '-> complete' "$IT_TMP/once-b.log" || true)
note "jobs completed by the first run: $done_a, by the second: $done_b"
assert_eq "the two runs completed $N jobs between them, none twice" "$N" "$((done_a + done_b))"
dups=$(cat "$IT_TMP/once-a.log" "$IT_TMP/once-b.log" | grep -o -- 'job gen_[0-9a-f]* provider=local -> complete' |
	sort | uniq -d | wc -l)
assert_eq "no job completed by both runs" 0 "$dups"

assert_eq "every job COMPLETED" "COMPLETED=$N" \
	"$(q "SELECT string_agg(status || '=' || n, ' ') FROM (SELECT status, count(*) n
	        FROM internal.generations WHERE id IN ($list) GROUP BY status) s")"
assert_eq "one attempt per job" "$N" \
	"$(q "SELECT count(*) FROM (SELECT generation_id FROM internal.generation_attempts
	        WHERE generation_id IN ($list) GROUP BY generation_id HAVING count(*) = 1) s")"
assert_eq "one reserve and one capture per job in the ledger" "$N" \
	"$(q "SELECT count(*) FROM (SELECT generation_id FROM internal.credit_ledger
	        WHERE generation_id IN ($list) GROUP BY generation_id
	        HAVING count(*) FILTER (WHERE kind = 'reserve') = 1
	           AND count(*) FILTER (WHERE kind = 'capture') = 1
	           AND count(*) FILTER (WHERE kind NOT IN ('reserve', 'capture')) = 0) s")"
assert_eq "the account's wallet equals its ledger" t \
	"$(q "SELECT bool_and(w.balance = l.b AND w.reserved = l.r) FROM internal.wallets w
	        JOIN (SELECT account_id, test_mode, sum(balance_delta) b, sum(reserved_delta) r
	                FROM internal.credit_ledger GROUP BY account_id, test_mode) l USING (account_id, test_mode)
	       WHERE w.account_id = '$SUITE_ACCOUNT'")"
