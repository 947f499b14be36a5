#!/usr/bin/env bash
# tests/faults/upstream_faults.sh - an upstream that misbehaves (issue 10,
# item 1), through tests/fakes/upstream.mjs and schedulers of our own:
#  - a submit that hangs, a connection reset after the request, a malformed
#    JSON answer (submit and poll), a result of 2 GiB (streamed without a
#    length, and declared), a result with a wrong content type: each job ends
#    FAILED (or moves on) with a GENERATION_FAILED error naming the provider,
#    the attempt records what went wrong, the reservation is refunded, and
#    nothing is stuck PENDING/PROCESSING;
#  - the 2 GiB body is stopped by the download cap while the scheduler's
#    memory stays small (it is streamed to a file, never held), and no
#    partial file is left in the media directory;
#  - a scheduler SIGKILLed mid-download (a slow result body): after the lease
#    another scheduler downloads it again and the job completes once, with
#    the whole file. (Killed mid-submit: tests/integration/scheduler.sh.)
# Jobs name their provider (no fallback), so the failure is the provider's own.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

it_init upstream_faults
# shellcheck disable=SC2119 # (lighttpd only)
it_stack_up
it_suite_account upstream_faults
[[ -n $SUITE_ACCOUNT ]] || it_abort "no suite account"
url=$DOITONG_URL key=$SUITE_KEY
media_dir=$(bash "$DOITONG_SRC_DIR/scripts/stack" env | sed -n 's/^DOITONG_MEDIA_DIR=//p')
fake_start
sched_own
# Calls time out after the adapters' 30 s; the lease (how soon a killed
# scheduler's job is taken over) is short.
sched_start a DOITONG_SCHEDULER_LEASE_SECONDS=4
sched_a=$SCHED_PID

# generate PROVIDER TEXT: a live generation on PROVIDER (runway animates an
# image); sets GEN_ID.
generate() {
	gql_post "$url" "$key" "$(jq -cn --arg p "$1" --arg t "$2" '{query: "mutation G($i: GenerateInput!) { generate(input: $i) { id } }",
		variables: {i: {type: "VIDEO", provider: $p, input: ({text: $t}
			+ if $p == "runway" then {image: "https://example.com/still.png"} else {} end)}}}')"
	GEN_ID=$(jqr '.data.generate.id // empty')
	[[ -n $GEN_ID ]] || it_abort "generate on $1 failed: $RESP_BODY"
}
# gen_row ID: status|error code|error message of a generation.
gen_row() { psql_q "SELECT status || '|' || coalesce(error_code, '') || '|' || coalesce(error_message, '') FROM internal.generations WHERE id = '$1'"; }
# refunded ID: t when the generation's ledger nets to nothing (reserved and
# released, never charged).
refunded() { psql_q "SELECT coalesce(sum(balance_delta), 0) = 0 AND coalesce(sum(reserved_delta), 0) = 0 AND count(*) >= 2 FROM internal.credit_ledger WHERE generation_id = '$1'"; }
attempts() { psql_q "SELECT string_agg(provider || '/' || status || '/' || coalesce(upstream_status, ''), ' ; ' ORDER BY attempt_no) FROM internal.generation_attempts WHERE generation_id = '$1'"; }

# scenario NAME PROVIDER SCRIPT-JSON: scripts the fake for PROVIDER and starts a
# job on it; the job id is remembered under NAME.
declare -A JOB
scenario() {
	fake_ctl POST script "$(jq -cn --arg p "$2" --argjson s "$3" '$s + {provider: $p}')" >/dev/null
	generate "$2" "fault $1 $$"
	JOB[$1]=$GEN_ID
}

# check_failed NAME...: each job FAILED with GENERATION_FAILED naming its
# provider, and refunded.
check_failed() {
	local name gid row
	for name in "$@"; do
		gid=${JOB[$name]}
		row=$(gen_row "$gid")
		note "$name: $row; attempts: $(attempts "$gid")"
		assert_match "$name: FAILED with GENERATION_FAILED naming the provider" '^FAILED\|GENERATION_FAILED\|.*(Luma|Runway|Kling|luma|runway|kling)' "$row"
		assert_eq "$name: the reservation is refunded" t "$(refunded "$gid")"
	done
}

# One provider per fault, so they run side by side: hang and reset on luma
# and runway (submits), malformed JSON on kling (polls).
scenario hang luma '{"submit":"hang"}'
scenario reset runway '{"submit":"reset"}'
scenario malformed_poll kling '{"submit":"ok","poll":"malformed"}'
ids=$(printf "'%s'," "${JOB[@]}")
ids=${ids%,}
if wait_sql 100 "SELECT bool_and(status IN ('FAILED', 'COMPLETED', 'CANCELLED')) FROM internal.generations WHERE id IN ($ids)"; then
	pass "hang, reset and malformed JSON: every job reached an end state"
else
	fail "hang, reset and malformed JSON: every job reached an end state ($(psql_q "SELECT string_agg(id || ' ' || status, ', ') FROM internal.generations WHERE id IN ($ids)"))"
fi
check_failed hang reset malformed_poll

# The next round: a malformed submit answer, a wrong content type, and the
# 2 GiB results (the streamed one on its own, to watch the scheduler's memory).
scenario malformed_submit luma '{"submit":"malformed","poll":"ok"}'
scenario html runway '{"submit":"ok","poll":"ok","result":"html"}'
scenario huge_declared kling '{"submit":"ok","poll":"ok","result":"huge-declared"}'
ids="'${JOB[malformed_submit]}','${JOB[html]}','${JOB[huge_declared]}'"
if wait_sql 100 "SELECT bool_and(status IN ('FAILED', 'COMPLETED', 'CANCELLED')) FROM internal.generations WHERE id IN ($ids)"; then
	pass "malformed submit, wrong type, declared 2 GiB: every job reached an end state"
else
	fail "malformed submit, wrong type, declared 2 GiB: every job reached an end state"
fi
check_failed malformed_submit html huge_declared
assert_match "wrong content type: the attempt says so" 'download type' "$(attempts "${JOB[html]}")"
assert_match "declared 2 GiB: refused as too large" 'download too-large' "$(attempts "${JOB[huge_declared]}")"
assert_match "declared 2 GiB: stopped at the headers (under 64 MiB sent)" '^[0-9]{1,8}$' \
	"$(fake_ctl GET stats | jq '.resultBytes')"

# 2 GiB + 1 MiB streamed without a length: the cap stops it after 2 GiB, on
# disk, never in memory.
before_bytes=$(fake_ctl GET stats | jq '.resultBytes')
scenario huge kling '{"submit":"ok","poll":"ok","result":"huge"}'
if wait_sql 120 "SELECT status IN ('FAILED', 'COMPLETED') FROM internal.generations WHERE id = '${JOB[huge]}'"; then
	pass "streamed 2 GiB: the job reached an end state"
else
	fail "streamed 2 GiB: the job reached an end state ($(gen_row "${JOB[huge]}"))"
fi
row=$(gen_row "${JOB[huge]}")
note "huge: $row; attempts: $(attempts "${JOB[huge]}")"
assert_match "streamed 2 GiB: FAILED with GENERATION_FAILED" '^FAILED\|GENERATION_FAILED\|' "$row"
assert_match "streamed 2 GiB: refused as too large" 'download too-large' "$(attempts "${JOB[huge]}")"
assert_eq "streamed 2 GiB: the reservation is refunded" t "$(refunded "${JOB[huge]}")"
sent=$(($(fake_ctl GET stats | jq '.resultBytes') - before_bytes))
note "streamed 2 GiB: the fake sent $sent bytes before the scheduler hung up"
if ((sent >= 2 ** 31 - 2 ** 26)); then pass "streamed 2 GiB: the body really came (${sent} bytes)"; else fail "streamed 2 GiB: the body really came (${sent} bytes)"; fi
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$sched_a/status" 2>/dev/null || echo '')
note "scheduler A's peak RSS: ${hwm:-?} kB"
if [[ -n $hwm ]] && ((hwm < 65536)); then
	pass "streamed 2 GiB: the scheduler's peak memory stayed under 64 MiB (${hwm} kB)"
else
	fail "streamed 2 GiB: the scheduler's peak memory stayed under 64 MiB (${hwm:-gone} kB)"
fi
leftover=$(find "$media_dir" -maxdepth 1 -name "*${JOB[huge]}*" -o -maxdepth 1 -name "*${JOB[huge_declared]}*" -o -maxdepth 1 -name "*${JOB[html]}*" | head -n 3)
assert_eq "no partial or refused file is left in the media directory" "" "$leftover"

# --- killed mid-download ------------------------------------------------------------
fake_ctl POST script '{"provider":"luma","submit":"ok","poll":"ok","result":"slow","slowMs":6000}' >/dev/null
generate luma "fault slow $$"
JOB[slow]=$GEN_ID
deadline=$((SECONDS + 30))
until compgen -G "$media_dir/.${JOB[slow]}.*.dl.tmp" >/dev/null; do
	((SECONDS < deadline)) || break
	sleep 0.2
done
if compgen -G "$media_dir/.${JOB[slow]}.*.dl.tmp" >/dev/null; then
	kill -9 "$sched_a"
	pass "scheduler A killed (SIGKILL) while downloading ${JOB[slow]}"
else
	fail "scheduler A killed (SIGKILL) while downloading ${JOB[slow]}" "the download never started"
fi
fake_ctl POST script '{"provider":"luma","result":"ok"}' >/dev/null
sched_start b DOITONG_SCHEDULER_LEASE_SECONDS=4
if wait_sql 60 "SELECT status = 'COMPLETED' FROM internal.generations WHERE id = '${JOB[slow]}'"; then
	pass "after the lease, scheduler B completes the job"
else
	fail "after the lease, scheduler B completes the job ($(gen_row "${JOB[slow]}"))"
fi
file=$media_dir/${JOB[slow]}.mp4
if cmp -s "$file" "$DOITONG_SRC_DIR/share/samples/sample-video.mp4"; then
	pass "the stored file is the whole result"
else
	fail "the stored file is the whole result ($(stat -c %s "$file" 2>/dev/null || echo missing) bytes)"
fi
assert_eq "submitted upstream once" 1 "$(fake_ctl GET stats | jq --arg p "fault slow $$" '.byPrompt[$p] // 0')"
assert_eq "charged once" "$(psql_q "SELECT credit_cost FROM internal.generations WHERE id = '${JOB[slow]}'")" \
	"$(psql_q "SELECT -sum(balance_delta) FROM internal.credit_ledger WHERE generation_id = '${JOB[slow]}'")"

# --- at the end ----------------------------------------------------------------------
assert_eq "the account's wallets equal its ledger" t "$(ledger_consistent "$SUITE_ACCOUNT")"
assert_eq "no job of this run is left PENDING or PROCESSING" 0 \
	"$(psql_q "SELECT count(*) FROM internal.generations WHERE account_id = '$SUITE_ACCOUNT' AND status IN ('PENDING', 'PROCESSING')")"
