#!/usr/bin/env bash
# tests/integration/webhooks.sh - signed webhooks end to end (SPEC §9, issue
# #5): test-mode generations with a webhookUrl on 127.0.0.1 run through the
# stack's scheduler, and a receiver verifying every delivery with the
# Standard Webhooks reference library (npm standardwebhooks, installed under
# the build tree) must accept each event: completed, failed, cancelled.
# A receiver that fails its first two answers gets the event on the third
# attempt, under the same webhook-id (the stack's retry schedule is short).
# After rotateWebhookSecret a delivery verifies under the new secret and the
# old one. The database must show every attempt.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init webhooks
command -v node >/dev/null 2>&1 || it_abort "missing command node"
command -v npm >/dev/null 2>&1 || it_abort "missing command npm"
# shellcheck disable=SC2119 # (no --apache: lighttpd only)
it_stack_up
it_suite_account webhooks
[[ -n $SUITE_ACCOUNT && -n $SUITE_TEST_KEY ]] || it_abort "no suite account"
url=$DOITONG_URL key=$SUITE_TEST_KEY

here=$(dirname "${BASH_SOURCE[0]}")/webhooks
it_npm_install "$here" webhooks standardwebhooks
node_dir=$NODE_DIR
cp "$here/receiver.mjs" "$node_dir/"

RECEIVER_PIDS=()
stop_receivers() { ((${#RECEIVER_PIDS[@]})) && kill "${RECEIVER_PIDS[@]}" 2>/dev/null; return 0; }
trap stop_receivers EXIT

# start_receiver NAME SECRET [OLD]: sets PORT.
start_receiver() {
	local out=$IT_TMP/$1.out i
	: >"$out" # before the child opens it: the wait below must never read a missing file
	(cd "$node_dir" && exec node receiver.mjs "${@:2}") >"$out" 2>&1 &
	RECEIVER_PIDS+=($!)
	PORT=''
	for ((i = 0; i < 100; i++)); do
		PORT=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$out")
		[[ -n $PORT ]] && return 0
		sleep 0.1
	done
	it_abort "receiver $1 did not start: $(head -c 300 "$out")"
}

# generate PROMPT WEBHOOK_URL: sets GEN_ID (test mode: simulated, ~3 s).
generate() {
	gql_post "$url" "$key" "$(jq -cn --arg t "$1" --arg u "$2" '{query: "mutation G($i: GenerateInput!) { generate(input: $i) { id } }",
		variables: {i: {type: "AUDIO", provider: "local", input: {text: $t}, webhookUrl: $u}}}')"
	GEN_ID=$(jqr '.data.generate.id // empty')
	[[ -n $GEN_ID ]] || it_abort "generate failed: $RESP_BODY"
}

# wait_log PORT JQ-CONDITION SECONDS: polls the receiver's log until the
# condition holds; sets LOG.
wait_log() {
	local deadline=$((SECONDS + $3))
	while :; do
		LOG=$(curl -sS --max-time 5 "http://127.0.0.1:$1/log" || echo '[]')
		jq -e "$2" <<<"$LOG" >/dev/null 2>&1 && return 0
		((SECONDS < deadline)) || return 1
		sleep 0.5
	done
}

psql_q() { psql "$DOITONG_DSN" -XAtqc "$1"; }

secret=$(it_admin account webhook-secret "$SUITE_ACCOUNT")
[[ $secret == whsec_* ]] || it_abort "no webhook secret for the suite account"

# --- one receiver, three events --------------------------------------------------
start_receiver main "$secret"
port=$PORT
generate "webhook completed" "http://127.0.0.1:$port/ok"
done_id=$GEN_ID
generate "webhook failed [fail]" "http://127.0.0.1:$port/ok"
failed_id=$GEN_ID
generate "webhook cancelled [slow]" "http://127.0.0.1:$port/ok"
cancel_id=$GEN_ID
gql_post "$url" "$key" "$(jq -cn --arg id "$cancel_id" '{query: "mutation C($id: ID!) { cancelGeneration(id: $id) }", variables: {id: $id}}')"
assert_jq "cancelGeneration answers true" '.data.cancelGeneration == true'

if wait_log "$port" 'length >= 3' 60; then pass "three deliveries arrive within 60 s"; else fail "three deliveries arrive within 60 s (got $(jq length <<<"$LOG"))"; fi
event_of() { jq -r --arg id "$1" '[.[] | select((.body | fromjson).data.id == $id)][0].body | fromjson | .type' <<<"$LOG"; }
assert_eq "completed generation: generation.completed" generation.completed "$(event_of "$done_id")"
assert_eq "failed generation: generation.failed" generation.failed "$(event_of "$failed_id")"
assert_eq "cancelled generation: generation.cancelled" generation.cancelled "$(event_of "$cancel_id")"
assert_eq "every delivery verifies with standardwebhooks" 0 "$(jq '[.[] | select(.verified != true)] | length' <<<"$LOG")"
assert_eq "each is one attempt, answered 204" 0 "$(jq '[.[] | select(.attempt != 1 or .status != 204)] | length' <<<"$LOG")"
assert_eq "Content-Type: application/json" 0 "$(jq '[.[] | select(.contentType != "application/json")] | length' <<<"$LOG")"
assert_eq "webhook-id is msg_ + 26 characters" 0 "$(jq '[.[] | select(.id | test("^msg_[0-9a-v]{26}$") | not)] | length' <<<"$LOG")"
assert_jq_log() { if jq -e "$2" <<<"$LOG" >/dev/null; then pass "$1"; else fail "$1"; fi; }
assert_jq_log "the body is {type, timestamp, data: the generation} with its final status" \
	'[.[] | .body | fromjson | (keys == ["data","timestamp","type"]) and (.data.status | IN("COMPLETED","FAILED","CANCELLED")) and (.timestamp | test("Z$"))] | all'
assert_jq_log "the completed event carries the result URL" \
	'[.[] | .body | fromjson | select(.type == "generation.completed") | .data.url | test("^http")] | all'
assert_eq "the database marks the three DELIVERED after one attempt" "3 3" \
	"$(psql_q "SELECT count(*), sum(attempts) FROM internal.webhook_deliveries WHERE generation_id IN ('$done_id','$failed_id','$cancel_id') AND status = 'DELIVERED'" | tr '|' ' ')"

# --- a receiver failing its first two answers ------------------------------------
generate "webhook retried" "http://127.0.0.1:$port/fail2"
retry_id=$GEN_ID
if wait_log "$port" '[.[] | select(.path == "/fail2")] | length >= 3' 60; then
	pass "the event is sent again after two failures"
else
	fail "the event is sent again after two failures (got $(jq '[.[] | select(.path == "/fail2")] | length' <<<"$LOG"))"
fi
assert_eq "three attempts: 500, 500, 204" "500 500 204" "$(jq -r '[.[] | select(.path == "/fail2") | .status] | map(tostring) | join(" ")' <<<"$LOG")"
assert_eq "the same webhook-id on every attempt" 1 "$(jq '[.[] | select(.path == "/fail2") | .id] | unique | length' <<<"$LOG")"
assert_eq "the third attempt verifies" true "$(jq '[.[] | select(.path == "/fail2")][2].verified' <<<"$LOG")"
assert_eq "the database records the three attempts" "500,500,204" \
	"$(psql_q "SELECT string_agg(a.http_status::text, ',' ORDER BY a.attempt_no) FROM internal.webhook_attempts a JOIN internal.webhook_deliveries d ON d.id = a.delivery_id WHERE d.generation_id = '$retry_id'")"

# --- rotation: both secrets sign -------------------------------------------------
gql_post "$url" "$key" '{"query":"mutation { rotateWebhookSecret }"}'
new_secret=$(jqr '.data.rotateWebhookSecret // empty')
[[ $new_secret == whsec_* ]] || it_abort "rotateWebhookSecret failed: $RESP_BODY"
start_receiver rotated "$new_secret" "$secret"
rport=$PORT
generate "webhook after rotation" "http://127.0.0.1:$rport/ok"
if wait_log "$rport" 'length >= 1' 60; then pass "a delivery after the rotation arrives"; else fail "a delivery after the rotation arrives"; fi
assert_eq "it verifies under the new secret" true "$(jq '.[0].verified' <<<"$LOG")"
assert_eq "and under the previous one" true "$(jq '.[0].verifiedOld' <<<"$LOG")"
assert_eq "two v1 signatures" 2 "$(jq -r '.[0].signature' <<<"$LOG" | tr ' ' '\n' | grep -c '^v1,')"

it_finish
