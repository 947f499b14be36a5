#!/usr/bin/env bash
# tests/integration/scheduler.sh - the scheduler against a fake upstream that
# counts submissions (SPEC §8, issue #5), on the running stack's database:
#  1. a scheduler killed with SIGKILL while its submit is in flight: after
#     the lease another scheduler reconciles (finds the task upstream by its
#     external id) and the job completes once, submitted once;
#  2. two schedulers on 500 jobs: every job completes and is submitted
#     exactly once;
#  3. a provider answering 503 trips its circuit breaker: auto-selected jobs
#     fall back and complete on the next provider, providers shows it
#     unavailable, naming it gives PROVIDER_UNAVAILABLE, auto-selection skips
#     it; after the cool-down a successful (half-open) job closes it.
# The stack's own scheduler is stopped meanwhile (these need to know who
# runs what) and the catalog rows touched are restored at exit.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init scheduler
command -v node >/dev/null 2>&1 || it_abort "missing command node"
# shellcheck disable=SC2119 # (no --apache: lighttpd only)
it_stack_up
it_suite_account scheduler
[[ -n $SUITE_ACCOUNT && -n $SUITE_KEY ]] || it_abort "no suite account"
url=$DOITONG_URL key=$SUITE_KEY

# --- the fake upstream and schedulers of our own ---------------------------------------
fake_start
sched_own
# start_scheduler NAME: sets SCHED_PID.
start_scheduler() { sched_start "$1" DOITONG_SCHEDULER_LEASE_SECONDS=4; }
wait_for() { wait_sql "$@"; }

# generate JSON-INPUT: sets GEN_ID (live key: the real adapters run).
generate() {
	gql_post "$url" "$key" "$(jq -cn --argjson i "$1" '{query: "mutation G($i: GenerateInput!) { generate(input: $i) { id provider } }", variables: {i: $i}}')"
	GEN_ID=$(jqr '.data.generate.id // empty')
	[[ -n $GEN_ID ]] || it_abort "generate failed: $RESP_BODY"
}

# --- 1. SIGKILL mid-submit -----------------------------------------------------------
fake_ctl POST script '{"provider":"kling","submit":"timeout-after-accept","pollsUntilDone":1}' >/dev/null
generate '{"type":"VIDEO","provider":"kling","input":{"text":"killed mid-submit"}}'
gid=$GEN_ID
start_scheduler a
a_pid=$SCHED_PID
deadline=$((SECONDS + 30))
until [[ $(fake_ctl GET stats | jq --arg id "$gid" '.byExternalId[$id] // 0') == 1 ]]; do
	((SECONDS < deadline)) || it_abort "the submit never reached the fake"
	sleep 0.2
done
kill -9 "$a_pid"
wait "$a_pid" 2>/dev/null || true
pass "scheduler A killed (SIGKILL) while its submit of $gid was unanswered"
fake_ctl POST script '{"provider":"kling","submit":"ok"}' >/dev/null
assert_eq "the job is left PENDING with its submit in flight" "PENDING|PENDING" \
	"$(psql_q "SELECT g.status || '|' || a.status FROM internal.generations g JOIN internal.generation_attempts a ON a.generation_id = g.id WHERE g.id = '$gid'")"
start_scheduler b
if wait_for 60 "SELECT status = 'COMPLETED' FROM internal.generations WHERE id = '$gid'"; then
	pass "after the lease, scheduler B completes it"
else
	fail "after the lease, scheduler B completes it ($(psql_q "SELECT status || ' ' || coalesce(error_message, '') FROM internal.generations WHERE id = '$gid'"))"
fi
assert_eq "submitted upstream exactly once" 1 "$(fake_ctl GET stats | jq --arg id "$gid" '.byExternalId[$id] // 0')"
assert_eq "one attempt, completed, with the task found upstream" "1|COMPLETED|true" \
	"$(psql_q "SELECT count(*) || '|' || min(status) || '|' || bool_and(upstream_task_id IS NOT NULL) FROM internal.generation_attempts WHERE generation_id = '$gid'")"
assert_eq "the result is stored with metadata read from the file" "320x180 mp4" \
	"$(psql_q "SELECT (metadata->>'width') || 'x' || (metadata->>'height') || ' ' || (metadata->>'format') FROM internal.generations WHERE id = '$gid'")"
media=$(psql_q "SELECT regexp_replace(url, '^.*/', '') FROM internal.generations WHERE id = '$gid'")
media_dir=$(bash "$DOITONG_SRC_DIR/scripts/stack" env | sed -n 's/^DOITONG_MEDIA_DIR=//p')
if [[ -n $media && -s $media_dir/$media ]]; then
	pass "the file is in the media directory"
else
	fail "the file is in the media directory ($media)"
fi

# --- 2. two schedulers, 500 jobs --------------------------------------------------------
fake_ctl POST reset >/dev/null
start_scheduler c
psql_q "SELECT count(internal.generation_create('$SUITE_ACCOUNT', false,
          jsonb_build_object('type', 'VIDEO', 'provider', 'luma', 'input', jsonb_build_object('text', 'bulk $$ ' || i)),
          now())) FROM generate_series(1, 500) i" >/dev/null
if wait_for 150 "SELECT count(*) FILTER (WHERE status = 'COMPLETED') = 500 FROM internal.generations
                  WHERE account_id = '$SUITE_ACCOUNT' AND input->>'text' LIKE 'bulk $$ %'"; then
	pass "500 jobs completed by two schedulers"
else
	fail "500 jobs completed by two schedulers ($(psql_q "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM internal.generations WHERE account_id = '$SUITE_ACCOUNT' AND input->>'text' LIKE 'bulk $$ %' GROUP BY 1) s"))"
fi
stats=$(fake_ctl GET stats)
assert_eq "the fake saw 500 submissions" 500 "$(jq '.submissions.luma' <<<"$stats")"
assert_eq "each prompt was submitted exactly once" '[1]' "$(jq -c '[.byPrompt | to_entries[] | select(.key | startswith("bulk")) | .value] | unique' <<<"$stats")"
assert_eq "each job has one attempt" 500 \
	"$(psql_q "SELECT count(*) FROM (SELECT g.id FROM internal.generations g JOIN internal.generation_attempts a ON a.generation_id = g.id
	           WHERE g.account_id = '$SUITE_ACCOUNT' AND g.input->>'text' LIKE 'bulk $$ %' GROUP BY g.id HAVING count(*) = 1) s")"
b_jobs=$(grep -c -- '-> submitted' "$IT_TMP/sched-b.log" || true)
c_jobs=$(grep -c -- '-> submitted' "$IT_TMP/sched-c.log" || true)
note "scheduler B submitted $b_jobs, scheduler C $c_jobs"
if ((b_jobs > 0 && c_jobs > 0)); then pass "both schedulers shared the work"; else fail "both schedulers shared the work (B $b_jobs, C $c_jobs)"; fi
assert_eq "the account's wallet equals its ledger" t "$(ledger_consistent "$SUITE_ACCOUNT")"
kill "$SCHED_PID" 2>/dev/null || true

# --- 3. circuit breaker and fallback ---------------------------------------------------
fake_ctl POST reset >/dev/null
fake_ctl POST script '{"provider":"kling","submit":"503"}' >/dev/null
psql_q "UPDATE internal.providers SET enabled = (id IN ('kling', 'luma')) WHERE 'VIDEO' = ANY (types);
        UPDATE internal.providers SET breaker_cooldown_s = 15 WHERE id = 'kling'" >/dev/null
threshold=$(psql_q "SELECT breaker_threshold FROM internal.providers WHERE id = 'kling'")
auto='{"type":"VIDEO","priority":"QUALITY","input":{"text":"breaker"}}'
ids=()
for ((i = 0; i < threshold; i++)); do
	generate "$auto"
	ids+=("$GEN_ID")
done
id_list=$(printf "'%s'," "${ids[@]}")
id_list=${id_list%,}
if wait_for 90 "SELECT bool_and(status = 'COMPLETED') FROM internal.generations WHERE id IN ($id_list)"; then
	pass "$threshold auto-selected jobs complete despite kling's 503s"
else
	fail "$threshold auto-selected jobs complete despite kling's 503s ($(psql_q "SELECT string_agg(status, ',') FROM internal.generations WHERE id IN ($id_list)"))"
fi
assert_eq "each shows kling failed with 503, then luma completed" "$threshold" \
	"$(psql_q "SELECT count(*) FROM (SELECT generation_id FROM internal.generation_attempts WHERE generation_id IN ($id_list)
	           GROUP BY 1 HAVING array_agg(provider || '/' || status || '/' || split_part(coalesce(upstream_status, ''), ' ', 1) ORDER BY attempt_no)
	                              = ARRAY['kling/FAILED/503', 'luma/COMPLETED/']) s")"
assert_eq "the fake saw the kling submissions" "$threshold" "$(fake_ctl GET stats | jq '.submissions.kling')"
gql_post "$url" "$key" '{"query":"{ providers(type: VIDEO) { id available } }"}'
assert_jq "providers shows kling unavailable" '[.data.providers[] | select(.id == "kling")][0].available == false'
gql_post "$url" "$key" '{"query":"mutation { generate(input: {type: VIDEO, provider: \"kling\", input: {text: \"named\"}}) { id } }"}'
assert_jq "naming kling: PROVIDER_UNAVAILABLE" '.errors[0].extensions.code == "PROVIDER_UNAVAILABLE"'
generate "$auto"
skip_id=$GEN_ID
assert_eq "auto-selection skips it" luma "$(jqr '.data.generate.provider')"
wait_for 60 "SELECT status = 'COMPLETED' FROM internal.generations WHERE id = '$skip_id'" || true
assert_eq "and that job needs one attempt" 1 "$(psql_q "SELECT count(*) FROM internal.generation_attempts WHERE generation_id = '$skip_id'")"

# Half-open: the upstream is back; after the cool-down a job closes the breaker.
fake_ctl POST script '{"provider":"kling","submit":"ok"}' >/dev/null
wait_for 30 "SELECT breaker_open_until <= now() FROM internal.providers WHERE id = 'kling'" || true
gql_post "$url" "$key" '{"query":"{ provider(id: \"kling\") { available } }"}'
assert_jq "after the cool-down kling is offered again (half-open)" '.data.provider.available == true'
generate '{"type":"VIDEO","provider":"kling","input":{"text":"probe"}}'
probe=$GEN_ID
if wait_for 60 "SELECT status = 'COMPLETED' FROM internal.generations WHERE id = '$probe'"; then
	pass "the probe job completes on kling"
else
	fail "the probe job completes on kling ($(psql_q "SELECT status FROM internal.generations WHERE id = '$probe'"))"
fi
assert_eq "and the breaker is closed again" "0|" \
	"$(psql_q "SELECT failure_streak || '|' || coalesce(breaker_open_until::text, '') FROM internal.providers WHERE id = 'kling'")"

it_finish
