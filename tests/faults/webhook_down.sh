#!/usr/bin/env bash
# tests/faults/webhook_down.sh - a webhook receiver that is down for the whole
# first hour of the retry schedule, then up (issue 10, item 1). SPEC §9's
# schedule retries after 5 s, 5 min, 30 min, 2 h, ...: the first hour holds
# the first attempt and three retries, the fourth retry comes at 2 h 35 min.
# The stack's schedule (1, 1, 2, 5, 10, 30, 60 s) keeps the same order in
# seconds: the receiver refuses connections (nothing listens on its port)
# for the first four attempts and is started before the fifth. The event
# must arrive once, verified under the account's secret, with the webhook-id
# of the first attempt, and the database must show all five attempts.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

it_init webhook_down
command -v npm >/dev/null 2>&1 || it_abort "missing command npm"
# shellcheck disable=SC2119 # (lighttpd only)
it_stack_up
it_suite_account webhook_down
[[ -n $SUITE_ACCOUNT && -n $SUITE_TEST_KEY ]] || it_abort "no suite account"
here=$DOITONG_SRC_DIR/tests/integration/webhooks
it_npm_install "$here" webhooks standardwebhooks
cp "$here/receiver.mjs" "$NODE_DIR/"
secret=$(it_admin account webhook-secret "$SUITE_ACCOUNT" 2>/dev/null || true)
[[ $secret == whsec_* ]] || it_abort "no webhook secret for the suite account (doitong-admin account webhook-secret)"

# A port nothing listens on: the system's choice for a receiver stopped at once.
(cd "$NODE_DIR" && exec node receiver.mjs "$secret") >"$IT_TMP/probe.out" 2>&1 &
probe=$!
port=$(wait_listening "$IT_TMP/probe.out")
kill "$probe"
wait "$probe" 2>/dev/null || true

gql_post "$DOITONG_URL" "$SUITE_TEST_KEY" "$(jq -cn --arg u "http://127.0.0.1:$port/ok" '{query: "mutation G($i: GenerateInput!) { generate(input: $i) { id } }",
	variables: {i: {type: "AUDIO", provider: "local", input: {text: "receiver down"}, webhookUrl: $u}}}')"
gid=$(jqr '.data.generate.id // empty')
[[ -n $gid ]] || it_abort "generate failed: $RESP_BODY"
attempts_sql="SELECT count(*) FROM internal.webhook_attempts a JOIN internal.webhook_deliveries d ON d.id = a.delivery_id WHERE d.generation_id = '$gid'"
if wait_sql 60 "SELECT ($attempts_sql) >= 4"; then
	pass "four attempts while the receiver is down"
else
	fail "four attempts while the receiver is down ($(psql_q "$attempts_sql") so far)"
fi
assert_eq "... and the delivery is still PENDING, not given up" PENDING \
	"$(psql_q "SELECT status FROM internal.webhook_deliveries WHERE generation_id = '$gid'")"
(cd "$NODE_DIR" && RECEIVER_PORT=$port exec node receiver.mjs "$secret") >"$IT_TMP/recv.out" 2>&1 &
it_bg_pid $!
wait_listening "$IT_TMP/recv.out" >/dev/null
if wait_sql 30 "SELECT status = 'DELIVERED' FROM internal.webhook_deliveries WHERE generation_id = '$gid'"; then
	pass "once the receiver is up, the event is DELIVERED"
else
	fail "once the receiver is up, the event is DELIVERED ($(psql_q "SELECT status || ' ' || attempts FROM internal.webhook_deliveries WHERE generation_id = '$gid'"))"
fi
rows=$(psql_q "SELECT a.attempt_no || '|' || coalesce(a.http_status::text, '-') || '|' || (a.error IS NOT NULL)
               FROM internal.webhook_attempts a JOIN internal.webhook_deliveries d ON d.id = a.delivery_id
               WHERE d.generation_id = '$gid' ORDER BY a.attempt_no")
note "attempts: $(tr '\n' ' ' <<<"$rows")"
assert_eq "every attempt is recorded: four refused, the fifth 204" \
	"1|-|true 2|-|true 3|-|true 4|-|true 5|204|false" "$(tr '\n' ' ' <<<"$rows" | sed 's/ $//')"
log=$(curl -sS --max-time 5 "http://127.0.0.1:$port/log")
assert_eq "the receiver got the event once" 1 "$(jq 'length' <<<"$log")"
assert_eq "... verified under the account's secret" true "$(jq '.[0].verified' <<<"$log")"
assert_eq "... with the delivery's webhook-id" \
	"$(psql_q "SELECT msg_id FROM internal.webhook_deliveries WHERE generation_id = '$gid'")" "$(jq -r '.[0].id' <<<"$log")"
assert_eq "... the generation.completed event" generation.completed "$(jq -r '.[0].body | fromjson | .type' <<<"$log")"
